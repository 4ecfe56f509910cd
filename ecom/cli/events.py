"""``flask events document``: docs/EVENTS.md, written from the events and listeners the app
registers, so the page cannot drift from the code (a test compares them)."""

import json
from pathlib import Path

import click
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app
from flask.cli import with_appcontext

from ecom.common.events import EventKind, Listeners, payload_schemas
from ecom.integrations.webhooks import document as webhooks_document

DOCUMENT = Path("docs/EVENTS.md")
WEBHOOKS = Path("docs/WEBHOOKS.md")

INTRODUCTION = """\
# Domain events

A service records a domain event inside its transaction; the listeners each domain
registers in the app factory act on it (`ecom/common/events.py`):

- **in the transaction** listeners run just before the commit and write durable rows
  (outbox jobs: e-mails, real-time hints, webhook deliveries), which commit with the
  change or roll back with it;
- **after commit** listeners run once the change is stored (cache invalidation,
  counters). One that fails is logged; the others still run and the request still
  succeeds, since its change is stored.

(Audit entries are not listeners: the session writes them at each flush of a staff or
integration write, [AUDIT.md](AUDIT.md).)

A rolled-back transaction dispatches nothing, and a savepoint that rolls back forgets the
events recorded inside it. The same event (kind and payload) recorded twice in one
transaction is dispatched once. Each event carries an `id` (unique, for idempotent
consumers), its `name`, its `version` and its `occurred_at` time besides the payload below,
which is the contract webhooks and real-time updates publish: a payload gains optional
fields within a version; removing or changing a field makes a new version.

This page is generated: `flask events document` writes it.
"""


@click.group("events")
def events_commands() -> None:
    """The domain events."""


@events_commands.command("document")
@click.option("--check", is_flag=True, help="Fail if the pages are not up to date.")
@with_appcontext
def document(check: bool) -> None:
    """Write docs/EVENTS.md (events and listeners) and docs/WEBHOOKS.md (webhook topics)."""
    pages = {
        DOCUMENT: render(current_app.extensions["events"]),
        WEBHOOKS: webhooks_document.render(),
    }
    for path, text in pages.items():
        if check:
            if not path.exists() or path.read_text() != text:
                raise click.ClickException(f"{path} is out of date: run `flask events document`.")
            continue
        path.write_text(text)
        click.echo(f"Wrote {path}.")


def render(listeners: Listeners) -> str:
    """The page: every registered event, its payload's JSON Schema and its listeners."""
    plugin = payload_schemas()
    sections = [INTRODUCTION]
    for name in sorted(listeners.kinds):
        sections.append(_section(listeners, listeners.kinds[name], plugin))
    return "\n".join(sections)


def _section(listeners: Listeners, kind: EventKind, plugin: MarshmallowPlugin) -> str:
    schema = plugin.converter.schema2jsonschema(kind.schema)
    consumers = [
        f"- {subscription.when.value}: `{_qualified(subscription.listener)}`"
        for subscription in listeners.of(kind.name)
    ]
    return "\n".join(
        [
            f"## `{kind.name}` (version {kind.version})",
            "",
            kind.description,
            "",
            "Payload:",
            "",
            "```json",
            json.dumps(schema, indent=2, sort_keys=True),
            "```",
            "",
            "Listeners:",
            "",
            *consumers,
            "",
        ]
    )


def _qualified(function: object) -> str:
    return f"{function.__module__}.{function.__qualname__}"
