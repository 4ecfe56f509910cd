"""Every request body in the OpenAPI document comes with an example that its own schema
accepts, and that the server takes as valid input (Swagger UI's "Try it out" starts from it)."""

import re

import pytest
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator

from tests.api_map import CALLERS, MATRIX, make_shop, path_for
from tests.factories import bearer

JSON = "application/json"
# Swagger UI offers a file picker for these: no example to write.
FILE_UPLOADS = "multipart/form-data"


@pytest.fixture(scope="module")
def document(app) -> dict:
    return app.test_client().get("/api/v1/schema/").json


def json_bodies(document: dict) -> list[tuple[str, str, dict]]:
    """``(method, path, body schema)`` of every operation that takes a JSON body."""
    return [
        (method.upper(), path, operation["requestBody"]["content"][JSON]["schema"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict)
        and "requestBody" in operation
        and JSON in operation["requestBody"]["content"]
    ]


def resolved(schema: dict, document: dict) -> dict:
    name = schema["$ref"].rsplit("/", 1)[-1]
    return document["components"]["schemas"][name]


def test_every_request_body_is_json_or_a_file_upload(document):
    for operations in document["paths"].values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for media_type in operation.get("requestBody", {}).get("content", {}):
                assert media_type in (JSON, FILE_UPLOADS)


def test_every_json_request_body_has_an_example_its_schema_accepts(document):
    problems = {}
    for method, path, schema in json_bodies(document):
        example = resolved(schema, document).get("example")
        if example is None:
            problems[f"{method} {path}"] = "no example"
            continue
        validator = OAS30Validator(
            {**schema, "components": document["components"]}, format_checker=FormatChecker()
        )
        errors = [error.message for error in validator.iter_errors(example)]
        if errors:
            problems[f"{method} {path}"] = errors
    assert problems == {}


def test_adding_to_the_cart_starts_from_one_variant_not_both_fields(document):
    [cart_add] = [s for m, p, s in json_bodies(document) if p == "/api/v1/cart/add/"]

    assert resolved(cart_add, document)["example"].keys() == {"variant_id", "quantity"}


def flask_rule(path: str) -> str:
    """The URL rule of an OpenAPI path (``{id}`` → ``<int:id>``), as ``MATRIX`` names it."""
    rules = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule): rule for rule, _ in MATRIX}
    return rules[path]


def test_the_server_takes_every_example_as_valid_input(client, document):
    """Ids in the examples may name nothing in this shop (404) or break a business rule
    (409): the point is that the body itself is never refused as malformed (400; a price
    for a product of several variants is the documented exception, ``variant_required``)."""
    shop = make_shop()
    refused = {}
    for method, path, schema in json_bodies(document):
        rule = flask_rule(path)
        statuses = MATRIX[(rule, method)][1]
        caller = next(
            c for c, s in zip(CALLERS, statuses, strict=True) if c != "anonymous" and s < 300
        )
        response = client.open(
            path_for(rule, shop),
            method=method,
            json=resolved(schema, document)["example"],
            headers=bearer(shop.tokens[caller]["access"]),
        )
        malformed = response.status_code == 400 and response.json["code"] != "variant_required"
        if malformed or response.status_code >= 500:
            refused[f"{method} {path}"] = response.json
    assert refused == {}
