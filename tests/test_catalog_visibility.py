"""One rule for every read of the catalog and its reviews: staff see inactive products and
variants, everybody else finds them missing."""

import pytest

from ecom.catalog import services as catalog
from ecom.catalog.variants import update_variant
from tests.factories import make_product, make_review, make_sized_product, token_headers

API = "/api/v1"


@pytest.fixture
def hidden(customer):
    """An inactive product, reviewed while it was on sale."""
    product = make_product(title="Withdrawn lamp")
    review = make_review(customer, product)
    catalog.update_product(product.id, {"is_active": False})
    return product, review


def product_reads(product, review) -> dict[str, str]:
    """Each read that shows ``product`` (its reviews included) → the path that does."""
    return {
        "detail": f"{API}/products/{product.id}/",
        "detail by slug": f"{API}/products/slug/{product.slug}/",
        "variants": f"{API}/products/{product.id}/variants/",
        "variant": f"{API}/products/{product.id}/variants/{product.variants[0].id}/",
        "options": f"{API}/products/{product.id}/options/",
        "review": f"{API}/reviews/{review.id}/",
    }


def listed(client, headers, path: str) -> list[int]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.json
    return [row["id"] for row in response.json["results"]]


def test_staff_see_an_inactive_product_in_every_read_and_a_customer_in_none(
    client, customer, staff, hidden
):
    product, review = hidden
    for name, path in product_reads(product, review).items():
        assert client.get(path, headers=token_headers(staff)).status_code == 200, name
        assert client.get(path, headers=token_headers(customer)).status_code == 404, name
        assert client.get(path).status_code == 404, name
    for headers, seen in ((token_headers(staff), True), (token_headers(customer), False)):
        assert (product.id in listed(client, headers, f"{API}/products/")) is seen
        assert (review.id in listed(client, headers, f"{API}/reviews/")) is seen


def test_an_inactive_variant_is_shown_to_staff_only(client, customer, staff):
    product = make_sized_product("S", "M")
    withdrawn = product.variants[1]
    update_variant(product.id, withdrawn.id, {"is_active": False})
    variant_path = f"{API}/products/{product.id}/variants/{withdrawn.id}/"
    for headers, seen in ((token_headers(staff), True), (token_headers(customer), False)):
        variants = client.get(f"{API}/products/{product.id}/variants/", headers=headers).json
        detail = client.get(f"{API}/products/{product.id}/", headers=headers).json
        assert (withdrawn.id in [v["id"] for v in variants]) is seen
        assert (withdrawn.id in [v["id"] for v in detail["variants"]]) is seen
        assert client.get(variant_path, headers=headers).status_code == (200 if seen else 404)


def test_nobody_may_review_an_inactive_product(client, other_customer, staff, hidden):
    product, _ = hidden
    body = {"product": product.id, "rating": 5, "comment": "Still great."}
    for user in (other_customer, staff):
        response = client.post(f"{API}/reviews/", json=body, headers=token_headers(user))
        assert response.status_code == 404
