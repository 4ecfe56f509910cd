"""Hostile and malformed input on every write and every query parameter: never a 5xx.

Every JSON write of ``tests.api_map.MATRIX`` (sent by a caller allowed to make it) gets an
oversized body (413), a deeply nested body (400), each documented body field with values
of the wrong type (400), and each text field with SQL and script fragments: refused with
a 4xx JSON answer, or stored verbatim and returned JSON-encoded. Every documented query
parameter of every GET gets the same fragments. Fields and parameters are read from the
OpenAPI document, so a new one is covered without a change here.
"""

import json

import pytest

from tests.api_map import CALLERS, MATRIX, make_shop, path_for
from tests.factories import bearer

FRAGMENTS = [
    "' OR '1'='1' --",
    "'; DROP TABLE products; --",
    '" UNION SELECT password_hash FROM users --',
    "1) OR (1=1",
    "%_\\",
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}} ${7*7} %s %n",
    "nul\x00byte",
    "\u202eevil\ufeff 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
]
WRONG_TYPES = {
    "string": [12345, ["a"], {"a": 1}, True],
    "integer": ["abc", 1.5, ["1"], {"n": 1}],
    "boolean": ["maybe", 2, ["true"]],
    "number": ["abc", ["1"], {"n": 1}],
    "object": ["text", 1, ["a"]],
    "array": ["text", 1, {"a": 1}],
}
# An array holding an item of another type than its items'.
WRONG_ITEM = {"string": [1], "integer": ["a"]}
# A decimal (money) is documented as a string and also taken as a JSON number.
WRONG_FOR_DECIMAL = [["1"], {"a": 1}, True]
WRITES = ("POST", "PUT", "PATCH")
# Callers tried in turn for a write: the first the matrix lets through is used.
WRITERS = ("customer", "staff", "admin")


@pytest.fixture(scope="module")
def openapi(app) -> dict:
    return app.test_client().get("/api/v1/schema/").get_json()


def openapi_path(rule: str) -> str:
    return "/".join(
        "{" + part.strip("<>").split(":")[-1] + "}" if part.startswith("<") else part
        for part in rule.split("/")
    )


def resolve(spec: dict, schema: dict) -> dict:
    if "$ref" in schema:
        return resolve(spec, spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
    return schema


def body_fields(spec: dict, rule: str, method: str) -> dict[str, dict]:
    """Documented JSON body fields of an operation: name → property schema."""
    operation = spec["paths"][openapi_path(rule)][method.lower()]
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return {}
    schema = resolve(spec, content["application/json"]["schema"])
    return {name: resolve(spec, prop) for name, prop in schema.get("properties", {}).items()}


def writer(rule: str, method: str) -> str:
    statuses = dict(zip(CALLERS, MATRIX[(rule, method)][1], strict=True))
    return next(caller for caller in WRITERS if 200 <= statuses[caller] < 300)


JSON_WRITES = [
    pytest.param(rule, method, id=f"{method} {rule}")
    for (rule, method), (body, _) in MATRIX.items()
    if method in WRITES and body is not None
]


class Writer:
    """Sends variations of one row's valid body as the caller allowed to write it."""

    def __init__(self, client, rule: str, method: str) -> None:
        self.client, self.rule, self.method = client, rule, method
        self.shop = make_shop()
        self.caller = writer(rule, method)
        self.tokens = self.shop.tokens[self.caller]

    def valid_body(self) -> dict:
        body = MATRIX[(self.rule, self.method)][0]
        return dict(body(self.shop, self.tokens) if callable(body) else body)

    def send(self, **kwargs):
        return self.client.open(
            path_for(self.rule, self.shop),
            method=self.method,
            headers=bearer(self.tokens["access"]),
            **kwargs,
        )


def assert_json_error(response, *statuses: int) -> None:
    assert response.status_code in statuses, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    assert response.json["status"] == response.status_code


@pytest.mark.parametrize(("rule", "method"), JSON_WRITES)
def test_an_oversized_body_is_413_json(client, app, monkeypatch, rule, method):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    write = Writer(client, rule, method)
    body = {**write.valid_body(), "padding": "x" * 5000}

    assert_json_error(write.send(json=body), 413)


@pytest.mark.parametrize(("rule", "method"), JSON_WRITES)
def test_deeply_nested_json_is_400_json(client, rule, method):
    write = Writer(client, rule, method)
    body = json.dumps({**write.valid_body(), "deep": json.loads("[" * 200 + "]" * 200)})

    assert_json_error(write.send(data=body, content_type="application/json"), 400)


HUGE_INTEGER = "9" * 4301


@pytest.mark.parametrize(("rule", "method"), JSON_WRITES)
def test_an_integer_too_long_to_parse_in_any_body_is_400_json(client, rule, method):
    write = Writer(client, rule, method)
    body = json.dumps({**write.valid_body(), "huge": 0}).replace(
        '"huge": 0', f'"huge": -{HUGE_INTEGER}'
    )

    answer = write.send(data=body, content_type="application/json")

    assert_json_error(answer, 400)
    assert answer.json["code"] == "number_too_long"


def test_an_anonymous_integer_too_long_to_parse_is_400_not_500(client):
    body = '{"email": "a@example.com", "password": ' + HUGE_INTEGER + "}"

    answer = client.post("/api/v1/auth/jwt/create/", data=body, content_type="application/json")

    assert_json_error(answer, 400)
    assert answer.json["code"] == "number_too_long"


def test_an_integer_of_the_longest_parsed_length_is_read_by_the_schema(client):
    body = '{"email": "a@example.com", "password": ' + HUGE_INTEGER[1:] + "}"

    answer = client.post("/api/v1/auth/jwt/create/", data=body, content_type="application/json")

    assert_json_error(answer, 400)
    assert answer.json["code"] == "validation_error"


@pytest.mark.parametrize(("rule", "method"), JSON_WRITES)
def test_a_wrong_type_in_any_body_field_is_400_naming_it(client, openapi, rule, method):
    write = Writer(client, rule, method)
    for name, prop in body_fields(openapi, rule, method).items():
        if prop.get("readOnly"):
            continue
        wrong = WRONG_TYPES[prop.get("type", "object")]
        if prop.get("type") == "array":
            wrong = [*wrong, WRONG_ITEM[prop.get("items", {}).get("type", "string")]]
        for value in WRONG_FOR_DECIMAL if prop.get("format") == "decimal" else wrong:
            response = write.send(json={**write.valid_body(), name: value})
            assert_json_error(response, 400), (name, value)
            assert name in json.dumps(response.json["errors"]), (name, value, response.json)


def stored_text(answer: dict, name: str) -> str | None:
    value = answer.get(name) if isinstance(answer, dict) else None
    return value if isinstance(value, str) else None


@pytest.mark.parametrize(("rule", "method"), JSON_WRITES)
def test_sql_and_script_in_any_text_field_is_refused_or_stored_verbatim(
    client, openapi, rule, method
):
    write = Writer(client, rule, method)
    text_fields = [
        name
        for name, prop in body_fields(openapi, rule, method).items()
        if prop.get("type") == "string" and not prop.get("readOnly")
    ]
    for name in text_fields:
        for fragment in FRAGMENTS:
            response = write.send(json={**write.valid_body(), name: fragment})
            if response.status_code >= 300:
                assert_json_error(response, *range(400, 500))
                continue
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            if response.status_code == 204:
                continue
            assert response.mimetype == "application/json"
            stored = stored_text(response.json, name)
            assert stored in (None, fragment), (name, fragment, stored)


def query_parameters(spec: dict) -> list[tuple[str, str]]:
    """(path, name) of every documented query parameter of a GET."""
    return [
        (path, parameter["name"])
        for path, item in spec["paths"].items()
        for parameter in item.get("get", {}).get("parameters", [])
        if parameter["in"] == "query" and "{" not in path
    ]


def test_sql_and_script_in_any_query_parameter_get_no_server_error(client, openapi):
    headers = bearer(make_shop().tokens["staff"]["access"])
    parameters = query_parameters(openapi)
    for path, name in parameters:
        for fragment in FRAGMENTS:
            response = client.get(path, query_string={name: fragment}, headers=headers)
            assert response.status_code < 500, (path, name, fragment)
            csv = path.endswith("/export/") and response.status_code == 200
            assert response.mimetype == ("text/csv" if csv else "application/json")
            # A streamed export holds its request context until its body is closed.
            response.close()
    assert len(parameters) >= 10


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_sql_and_script_in_a_path_segment_is_a_json_404_or_400(client, fragment):
    response = client.get(f"/api/v1/products/slug/{fragment}/")

    assert_json_error(response, 404, 400)


def test_a_nul_character_in_a_form_is_400(client):
    response = client.post("/admin/login/", data={"email": "a\x00@example.com"})

    assert_json_error(response, 400)


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(client, customer, auth_headers):
    response = client.patch(
        "/api/v1/auth/users/me/", json={"first_name": "C:\\u0000"}, headers=auth_headers(customer)
    )

    assert response.status_code == 200
    assert response.json["first_name"] == "C:\\u0000"


def test_a_multipart_part_without_a_name_is_no_server_error(client):
    body = b"--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--\r\n"
    headers = {"Content-Type": "multipart/form-data; boundary=B"}
    response = client.post("/api/v1/imports/", data=body, headers=headers)
    assert response.status_code == 401
