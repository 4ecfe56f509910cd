"""docs/WEBHOOKS.md: every topic, the domain event it is sent for, and the JSON Schema of
its body, written from ``topics.TOPICS`` and the events' schemas (``flask events
document`` writes it with docs/EVENTS.md). The API's OpenAPI document is 3.0.3, which has
no ``webhooks`` section (3.1 has; apispec does not emit it), hence this page."""

import json
from typing import Any

import marshmallow as ma
from apispec.ext.marshmallow import MarshmallowPlugin

from ecom.common.events import payload_schemas
from ecom.integrations.webhooks.topics import PING, TOPICS, Topic

INTRODUCTION = """\
# Webhook topics and payloads

Every delivery is a `POST` of a JSON body, the same envelope for every topic, signed as
[Standard Webhooks](https://www.standardwebhooks.com/) says (headers `webhook-id`,
`webhook-timestamp`, `webhook-signature`; see [INTEGRATIONS.md](INTEGRATIONS.md#webhooks)):

```json
{"type": "order.paid", "version": 1, "id": "<event id>", "timestamp": "<ISO 8601, UTC>",
 "data": {...}}
```

`type` is the topic, `data` the payload of the domain event it is sent for
([EVENTS.md](EVENTS.md)) and `version` that payload's version: within a version a payload
only gains optional fields; removing or changing one makes a new version. `id` names the
event (one event sent to two subscriptions has one `id`, and a different `webhook-id` per
subscription); a redelivery sends the same body under the same `webhook-id`. Staff's test
ping is `webhook.ping` with empty `data`.

This page is generated: `flask events document` writes it.

| Topic | Sent for the domain event | When |
| --- | --- | --- |
"""


def render() -> str:
    plugin = payload_schemas()
    rows = [_row(topic) for topic in TOPICS.values()]
    rows.append(f"| `{PING}` | (none: staff's ping) | on demand |")
    sections = [INTRODUCTION + "\n".join(rows) + "\n"]
    sections += [_section(topic, plugin) for topic in TOPICS.values()]
    return "\n".join(sections)


def _row(topic: Topic) -> str:
    when = "every time"
    if topic.only_if is not None:
        when = topic.only_if.__doc__ or "when its condition holds"
    if topic.unless_also is not None:
        when += f", unless `{topic.unless_also.name}` came in the same transaction"
    return f"| `{topic.name}` | `{topic.event.name}` | {when} |"


def body_schema(topic: Topic, plugin: MarshmallowPlugin) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "version", "id", "timestamp", "data"],
        "properties": {
            "type": {"const": topic.name},
            "version": {"const": topic.event.version},
            "id": {"type": "string"},
            "timestamp": {"type": "string", "format": "date-time"},
            "data": _payload_schema(topic, plugin),
        },
    }


def _payload_schema(topic: Topic, plugin: MarshmallowPlugin) -> dict[str, Any]:
    """The payload's JSON Schema; a decimal sent as a string (money) is said to be one."""
    schema = plugin.converter.schema2jsonschema(topic.event.schema)
    for name, field in topic.event.schema._declared_fields.items():
        if isinstance(field, ma.fields.Decimal) and field.as_string:
            schema["properties"][name] = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$"}
    return schema


def _section(topic: Topic, plugin: MarshmallowPlugin) -> str:
    schema = json.dumps(body_schema(topic, plugin), indent=2, sort_keys=True)
    return "\n".join(
        [
            f"## `{topic.name}` (version {topic.event.version})",
            "",
            topic.event.description,
            "",
            "```json",
            schema,
            "```",
            "",
        ]
    )
