"""The OpenAPI document against the server, one class of disagreement per test, each
walking every operation of ``api.spec.to_dict()``.

Requests are an admin's (every role check passes, so each request reaches its parsing),
on paths naming id 1: arguments are parsed before any object is looked up, so a refusal
of bad input is a 400 naming the field, whatever the path names. A test lists every
disagreement it finds, as ``METHOD path where: what``.
"""

import json
import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30WriteValidator

from ecom.extensions import api
from tests.factories import make_user, token_headers

METHODS = ("get", "put", "post", "patch", "delete")
PATH_VALUES = {"slug": "x", "provider": "dummy", "filename": "swagger-ui.css", "language": "fr"}
NUL_VALUES = ("\x00", "a\x00", "a\x00b")
# Values of another JSON type than the document's, and strings that Python reads as a
# number but JSON Schema does not (full-width digits, underscores, signs, spaces).
WRONG_JSON = {
    "boolean": ["true", "false", "yes", 1, 0],
    "integer": ["1", 1.5, True],
    "number": ["1.5", True],
    "string": [1, True],
}
WRONG_QUERY = {
    "boolean": ["True", "1", "yes", "on"],
    "integer": ["\uff11", "1_0", "+1", " 1", "1.0"],
    "number": ["\uff11", "1_0", " 1"],
}
# Addresses RFC 5322 (and the document's `format: email`) allow, or not, of every kind.
ADDRESSES = [
    "ada@example.com",
    "Ada.Lovelace+shop@mail.example.co.uk",
    "o'brien@example.ie",
    "a@b.co",
    "josé@example.com",
    "ada@bücher.example",
    '"ada lovelace"@example.com',
    "ada@[192.0.2.1]",
    "ada@localhost",
    "ada@shop.test",
    "ada..lovelace@example.com",
    ".ada@example.com",
    "ada@-example.com",
    "ada@exa_mple.com",
    "ada@example.123",
    "ada@averyveryverylongcompanyname.example.com",
    "ada@ab--cd.example",
    "a" * 64 + "@" + "b" * 63 + ".example.com",
]


@pytest.fixture(scope="module")
def document(app) -> dict:
    with app.app_context():
        return api.spec.to_dict()


@pytest.fixture
def admin(client) -> dict:
    return token_headers(make_user("admin"))


def operations(document: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: PATH_VALUES.get(match[1], "1"), path)


def resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def allows(schema: dict, value: object) -> bool:
    """Whether the document's ``schema`` takes ``value`` in a request (formats checked)."""
    return OAS30WriteValidator(schema, format_checker=FormatChecker()).is_valid(value)


def json_body(document: dict, operation: dict) -> dict | None:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    return resolve(document, content["application/json"]["schema"])


def request_fields(document: dict, schema: dict, where: tuple = ()) -> Iterator[tuple]:
    """(path of names, property schema) of every field of a request body, nested
    objects included."""
    for name, prop in schema.get("properties", {}).items():
        prop = resolve(document, prop)
        if prop.get("readOnly"):
            continue
        yield (*where, name), prop
        if prop.get("type") == "object" or "properties" in prop:
            yield from request_fields(document, prop, (*where, name))


def nest(where: tuple, value: object) -> dict:
    body: object = value
    for name in reversed(where):
        body = {name: body}
    return body


def field_errors(response, location: str, where: tuple) -> object:
    """The messages the answer gives for the field at ``where`` (None if none)."""
    if response.status_code != 400:
        return None
    node = (response.get_json() or {}).get("errors", {}).get(location)
    for name in where:
        if not isinstance(node, dict) or name not in node:
            return None
        node = node[name]
    return node


def query_parameters(operation: dict) -> Iterator[dict]:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query":
            yield parameter


def send(client, method: str, path: str, headers: dict, **kwargs):
    return client.open(url(path), method=method.upper(), headers=headers, **kwargs)


def test_an_empty_query_value_is_refused_exactly_where_the_document_refuses_it(
    client, document, admin
):
    disagreements = []
    for path, method, operation in operations(document):
        for parameter in query_parameters(operation):
            name, schema = parameter["name"], parameter["schema"]
            refused = not allows(schema, [""] if schema.get("type") == "array" else "")
            answer = send(client, method, path, admin, query_string={name: ""})
            if refused != (field_errors(answer, "query", (name,)) is not None):
                verdict = "refuses" if refused else "allows"
                disagreements.append(
                    f"{method.upper()} {path} ?{name}=: the document {verdict} it, "
                    f"the server answers {answer.status_code}"
                )
    assert not disagreements, "\n".join(disagreements)


def test_put_and_patch_each_publish_their_schema_and_the_server_validates_with_it(
    client, document, admin
):
    disagreements = []
    for path, item in document["paths"].items():
        bodies = {
            m: item[m]["requestBody"] for m in ("put", "patch") if "requestBody" in item.get(m, {})
        }
        if len(bodies) == 2 and json.dumps(bodies["put"]) == json.dumps(bodies["patch"]):
            disagreements.append(f"PUT/PATCH {path}: one request schema for both")
    for path, method, operation in operations(document):
        schema = json_body(document, operation)
        if schema is None:
            continue
        required = set(schema.get("required", []))
        if method == "patch" and required:
            disagreements.append(f"PATCH {path}: requires {sorted(required)}")
        if method == "put" and not required:
            disagreements.append(f"PUT {path}: requires nothing")
        answer = send(client, method, path, admin)
        if operation["requestBody"].get("required") != (answer.status_code == 400):
            disagreements.append(
                f"{method.upper()} {path} without a body: requestBody.required is "
                f"{operation['requestBody'].get('required')}, the server answers "
                f"{answer.status_code}"
            )
        answer = send(client, method, path, admin, json={})
        named = set(field_errors(answer, "json", ()) or {})
        if allows(schema, {}) != (answer.status_code != 400) or (required and named != required):
            disagreements.append(
                f"{method.upper()} {path} {{}}: the document requires {sorted(required)}, "
                f"the server answers {answer.status_code} naming {sorted(named)}"
            )
    assert not disagreements, "\n".join(disagreements)


def test_a_value_of_another_type_is_refused_with_a_message_for_its_field(client, document, admin):
    disagreements = []
    for path, method, operation in operations(document):
        schema = json_body(document, operation)
        for where, prop in request_fields(document, schema) if schema else ():
            for value in WRONG_JSON.get(prop.get("type"), []):
                if allows(prop, value):
                    continue
                answer = send(client, method, path, admin, json=nest(where, value))
                if field_errors(answer, "json", where) is None:
                    disagreements.append(
                        f"{method.upper()} {path} {'.'.join(where)}={value!r}: "
                        f"{prop['type']} in the document, {answer.status_code} from the server"
                    )
        for parameter in query_parameters(operation):
            name, prop = parameter["name"], parameter["schema"]
            for value in WRONG_QUERY.get(prop.get("type"), []):
                answer = send(client, method, path, admin, query_string={name: value})
                if field_errors(answer, "query", (name,)) is None:
                    disagreements.append(
                        f"{method.upper()} {path} ?{name}={value!r}: "
                        f"{prop['type']} in the document, {answer.status_code} from the server"
                    )
    assert not disagreements, "\n".join(disagreements)


def email_fields(document: dict) -> Iterator[tuple[str, str, tuple, dict]]:
    for path, method, operation in operations(document):
        schema = json_body(document, operation)
        for where, prop in request_fields(document, schema) if schema else ():
            if prop.get("format") == "email":
                yield path, method, where, prop


def fuzz(check, prop: dict) -> None:
    """``check`` on addresses drawn from the document's own rule for ``prop``."""

    @settings(
        max_examples=40,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.from_regex(prop["pattern"], fullmatch=True).filter(lambda a: len(a) <= 254))
    def run(address):
        check(address)

    run()


def test_the_server_takes_an_address_exactly_when_the_document_allows_it(client, document, admin):
    fields = list(email_fields(document))
    assert len(fields) >= 4
    disagreements = []

    def check(path, method, where, prop, address):
        answer = send(client, method, path, admin, json=nest(where, address))
        taken = field_errors(answer, "json", where) is None
        if allows(prop, address) != taken:
            verdict = "takes" if taken else "refuses"
            disagreements.append(
                f"{method.upper()} {path} {'.'.join(where)}={address!r}: the document "
                f"{'allows' if allows(prop, address) else 'refuses'} it, the server {verdict} it"
            )

    for path, method, where, prop in fields:
        for address in ADDRESSES:
            check(path, method, where, prop, address)
        if "pattern" in prop:
            fuzz(lambda address, field=(path, method, where, prop): check(*field, address), prop)
    assert not disagreements, "\n".join(sorted(set(disagreements)))


def string_schemas(document: dict) -> Iterator[tuple[str, str, str, dict, dict]]:
    """(method, path, where, schema, request) of every text a request carries: body
    fields (list items and map values too), query, header and path parameters."""
    for path, method, operation in operations(document):
        for parameter in operation.get("parameters", []):
            prop = parameter["schema"]
            prop = prop.get("items", prop)
            if prop.get("type") == "string" and prop.get("format") != "binary":
                yield method, path, f"{parameter['in']} {parameter['name']}", prop, parameter
        schema = json_body(document, operation)
        for where, prop in request_fields(document, schema) if schema else ():
            for inner in (prop, prop.get("items", {}), prop.get("additionalProperties", {})):
                inner = resolve(document, inner) if isinstance(inner, dict) else {}
                if inner.get("type") == "string" and inner.get("format") != "binary":
                    yield method, path, f"json {'.'.join(where)}", inner, {}


def test_every_text_refuses_nul_in_the_document_and_on_the_server(client, document, admin):
    disagreements = []
    for method, path, where, schema, parameter in string_schemas(document):
        disagreements += [
            f"{method.upper()} {path} {where}: the document allows {value!r}"
            for value in NUL_VALUES
            if allows(schema, value)
        ]
        # Bodies are refused whole before parsing, and no route matches a path with NUL:
        # the parameters are what the server must refuse field by field.
        if parameter.get("in") == "query":
            answer = send(client, method, path, admin, query_string={where.split()[1]: "a\x00b"})
        elif parameter.get("in") == "header":
            answer = send(client, method, path, {**admin, parameter["name"]: "a\x00b"}, json={})
        else:
            continue
        if answer.status_code != 400:
            disagreements.append(
                f"{method.upper()} {path} {where}: the server answers {answer.status_code}"
            )
    assert not disagreements, "\n".join(sorted(set(disagreements)))


def test_no_optional_request_field_publishes_a_default(document):
    disagreements = []
    for path, method, operation in operations(document):
        for parameter in operation.get("parameters", []):
            if not parameter.get("required") and "default" in parameter["schema"]:
                disagreements.append(f"{method.upper()} {path} ?{parameter['name']}")
        schema = json_body(document, operation)
        stack = [((), schema)] if schema else []
        while stack:
            where, node = stack.pop()
            for name, prop in node.get("properties", {}).items():
                prop = resolve(document, prop)
                if "default" in prop and name not in node.get("required", []):
                    disagreements.append(f"{method.upper()} {path} {'.'.join((*where, name))}")
                stack.append(((*where, name), prop))
    assert not disagreements, "\n".join(sorted(set(disagreements)))
