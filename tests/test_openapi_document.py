"""What the OpenAPI document promises, in the shape generated clients read it."""

import pytest

from tests.factories import fill_cart, make_address, make_product, make_user, token_headers

OPTIONAL_AUTH = [
    ("get", "/api/v1/products/"),
    ("get", "/api/v1/products/{product_id}/"),
    ("get", "/api/v1/products/slug/{slug}/"),
    ("get", "/api/v1/products/{product_id}/variants/"),
    ("get", "/api/v1/products/{product_id}/variants/{variant_id}/"),
    ("get", "/api/v1/products/{product_id}/options/"),
    ("get", "/api/v1/reviews/{review_id}/"),
]


@pytest.fixture(scope="module")
def document(app) -> dict:
    return app.test_client().get("/api/v1/schema/").json


def answer_schemas(document: dict) -> set[str]:
    """Names of the component schemas that success answers use, nested ones included."""
    schemas = document["components"]["schemas"]
    names: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            name = ref.rsplit("/", 1)[-1]
            if ref.startswith("#/components/schemas/") and name not in names:
                names.add(name)
                visit(schemas[name])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for operations in document["paths"].values():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, response in operation["responses"].items():
                if status.startswith("2"):
                    visit(response)
    return names


def test_every_field_of_every_answer_is_required(document):
    schemas = document["components"]["schemas"]
    answers = answer_schemas(document)
    assert {"Product", "ProductPage", "Order", "Cart", "Review", "User"} <= answers
    assert {"ProductDetail", "Variant", "Option", "OptionValue", "ImageSet"} <= answers
    for name in answers - {"ProductFields", "ProductDetailFields"}:
        schema = schemas[name]
        assert set(schema.get("required", [])) == set(schema["properties"]), name


@pytest.mark.parametrize("name", ["Product", "ProductDetail"])
def test_a_sparse_answer_is_its_full_answer_with_every_field_optional(document, name):
    schemas = document["components"]["schemas"]
    sparse = schemas[f"{name}Fields"]
    assert "required" not in sparse
    assert sparse["properties"] == schemas[name]["properties"]


def test_a_review_is_sent_without_the_fields_the_server_fills_in(document):
    sent = document["components"]["schemas"]["ReviewCreate"]["properties"]
    assert set(sent) == {"product", "rating", "title", "comment"}


@pytest.mark.parametrize(("method", "path"), OPTIONAL_AUTH)
def test_anonymous_friendly_operations_document_auth_as_optional(document, method, path):
    assert document["paths"][path][method]["security"] == [{}, {"bearerAuth": []}]


def test_every_decimal_is_a_string_with_a_pattern(document):
    schemas = document["components"]["schemas"]
    decimals = [
        (name, field, prop)
        for name, schema in schemas.items()
        for field, prop in schema.get("properties", {}).items()
        if prop.get("format") == "decimal"
    ]
    named = {(name, field) for name, field, _ in decimals}
    assert {("Product", "price"), ("Product", "average_rating"), ("Cart", "total")} <= named
    assert {("Order", "total_amount"), ("ProductWrite", "price")} <= named
    for name, field, prop in decimals:
        assert prop["type"] == "string" and prop["pattern"], (name, field)
    products = document["paths"]["/api/v1/products/"]["get"]["parameters"]
    bounds = [p["schema"] for p in products if p["name"] in ("price_min", "price_max")]
    assert [b["type"] for b in bounds] == ["string", "string"]
    assert all(b["pattern"] for b in bounds)


def test_error_details_are_location_then_field_then_messages(document):
    errors = document["components"]["schemas"]["Error"]["properties"]["errors"]
    assert errors["additionalProperties"]["type"] == "object"


def test_the_document_holds_no_unused_schema(document):
    assert "PaginationMetadata" not in document["components"]["schemas"]


def test_cancel_takes_an_optional_body_and_works_without_one(client, document):
    cancel = document["paths"]["/api/v1/orders/{order_id}/cancel/"]["post"]
    assert cancel["requestBody"]["required"] is False
    customer_headers, order_id = _placed_order(client)
    response = client.post(f"/api/v1/orders/{order_id}/cancel/", headers=customer_headers)
    assert response.status_code == 200 and response.json["status"] == "cancelled"


def _placed_order(client) -> tuple[dict, int]:
    customer = make_user()
    make_address(customer)
    fill_cart(customer, (make_product(), 1))
    headers = token_headers(customer)
    response = client.post("/api/v1/orders/", json={}, headers=headers)
    assert response.status_code == 201, response.json
    return headers, response.json["id"]
