"""Products: the response shape, writes for staff only, and who sees inactive products."""

from decimal import Decimal

import pytest

from ecom.cart import services as cart
from ecom.catalog import services, slugs
from ecom.common.errors import NotFound, ValidationFailed
from tests.factories import fill_cart, make_category, make_order, make_product

PRODUCTS = "/api/v1/products/"


def detail(product_id: int) -> str:
    return f"{PRODUCTS}{product_id}/"


def test_a_product_answers_every_documented_field(client):
    category = make_category("Phones")
    product = make_product(
        category, title="iPhone 15", price=Decimal("999.5"), stock_quantity=3, description="A phone"
    )
    body = client.get(detail(product.id)).json
    assert body == {
        "id": product.id,
        "title": "iPhone 15",
        "slug": "iphone-15",
        "description": "A phone",
        "price": "999.50",
        "price_min": "999.50",
        "price_max": "999.50",
        "price_undiscounted": "999.50",
        "currency": "USD",
        "category": category.id,
        "category_name": "Phones",
        "tax_class_id": None,
        "image": None,
        "images": None,
        "stock_quantity": 3,
        "in_stock": True,
        "is_active": True,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "average_rating": None,
        "reviews_count": 0,
        "options": [],
        "variants": [
            {
                "id": product.variants[0].id,
                "sku": f"P{product.id}",
                "price": "999.50",
                "sale_price": None,
                "stock_quantity": 3,
                "in_stock": True,
                "is_active": True,
                "weight_grams": None,
                "image": None,
                "images": None,
                "options": {},
                "label": "",
            }
        ],
    }


def test_two_products_with_the_same_title_get_different_slugs():
    category = make_category()
    slugs = {make_product(category, title="iPhone 15").slug for _ in range(3)}
    assert slugs == {"iphone-15", "iphone-15-2", "iphone-15-3"}


def test_a_product_is_found_by_slug(client):
    product = make_product(title="Kindle Paperwhite")
    response = client.get(f"{PRODUCTS}slug/kindle-paperwhite/")
    assert response.status_code == 200 and response.json["id"] == product.id
    assert client.get(f"{PRODUCTS}slug/nothing-here/").status_code == 404


def test_staff_creates_a_product(client, staff, auth_headers):
    category = make_category("Phones")
    response = client.post(
        PRODUCTS,
        json={"title": "Pixel 9", "price": "799.00", "stock_quantity": 4, "category": category.id},
        headers=auth_headers(staff),
    )
    assert response.status_code == 201
    assert response.json["slug"] == "pixel-9" and response.json["price"] == "799.00"
    assert response.json["category_name"] == "Phones"
    [variant] = client.get(detail(response.json["id"])).json["variants"]
    assert (variant["sku"], variant["price"], variant["stock_quantity"]) == (
        f"P{response.json['id']}",
        "799.00",
        4,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price", "0"),
        ("price", "-1"),
        ("price", "1.999"),
        ("price", "abc"),
        ("price", "1_000"),
        ("price", "５"),
        ("price", "1e3"),
        ("price", 5),
        ("stock_quantity", -1),
        ("title", ""),
        ("title", " \t "),
    ],
)
def test_invalid_product_fields_are_400_with_the_field_named(
    client, staff, auth_headers, field, value
):
    category = make_category()
    body = {"title": "Thing", "price": "5.00", "category": category.id, field: value}
    response = client.post(PRODUCTS, json=body, headers=auth_headers(staff))
    assert response.status_code == 400
    assert field in response.json["errors"]["json"]
    assert client.get(PRODUCTS).json["count"] == 0


def test_a_product_in_an_unknown_category_is_a_404_naming_the_field(client, staff, auth_headers):
    body = {"title": "Thing", "price": "5.00", "category": 999}
    response = client.post(PRODUCTS, json=body, headers=auth_headers(staff))
    assert response.status_code == 404
    assert "category" in response.json["errors"]["json"]
    assert client.get(PRODUCTS).json["count"] == 0


def test_staff_updates_and_patches_a_product(client, staff, auth_headers):
    product = make_product(title="Old", price=Decimal("10.00"))
    headers = auth_headers(staff)
    other = make_category("Other")
    replaced = client.put(
        detail(product.id),
        json={"title": "New", "price": "12.00", "category": other.id},
        headers=headers,
    )
    assert replaced.status_code == 200
    assert replaced.json["title"] == "New" and replaced.json["category"] == other.id
    assert replaced.json["slug"] == product.slug
    patched = client.patch(detail(product.id), json={"stock_quantity": 0}, headers=headers)
    assert patched.json["in_stock"] is False and patched.json["price"] == "12.00"


def test_staff_deletes_a_product(client, staff, auth_headers):
    product = make_product()
    assert client.delete(detail(product.id), headers=auth_headers(staff)).status_code == 204
    assert client.get(detail(product.id)).status_code == 404


def test_customers_get_403_on_every_product_write(client, customer, auth_headers):
    product = make_product()
    headers = auth_headers(customer)
    body = {"title": "X", "price": "1.00", "category": product.category_id}
    assert client.post(PRODUCTS, json=body, headers=headers).status_code == 403
    assert client.put(detail(product.id), json=body, headers=headers).status_code == 403
    assert client.patch(detail(product.id), json=body, headers=headers).status_code == 403
    assert client.delete(detail(product.id), headers=headers).status_code == 403
    image = f"{detail(product.id)}image/"
    assert client.post(image, headers=headers).status_code == 403
    assert client.delete(image, headers=headers).status_code == 403


def test_anonymous_and_customers_never_see_an_inactive_product(client, customer, auth_headers):
    hidden = make_product(title="Hidden", is_active=False)
    visible = make_product(title="Visible")
    for headers in ({}, auth_headers(customer)):
        assert client.get(detail(hidden.id), headers=headers).status_code == 404
        assert client.get(f"{PRODUCTS}slug/{hidden.slug}/", headers=headers).status_code == 404
        listed = client.get(f"{PRODUCTS}?is_active=false", headers=headers).json
        assert [p["id"] for p in listed["results"]] == [visible.id]


def test_staff_see_inactive_products_and_filter_by_is_active(client, staff, auth_headers):
    hidden = make_product(title="Hidden", is_active=False)
    visible = make_product(title="Visible")
    headers = auth_headers(staff)
    assert client.get(detail(hidden.id), headers=headers).status_code == 200

    def ids(query: str) -> set[int]:
        return {p["id"] for p in client.get(PRODUCTS + query, headers=headers).json["results"]}

    assert ids("") == {hidden.id, visible.id}
    assert ids("?is_active=false") == {hidden.id}
    assert ids("?is_active=true") == {visible.id}


def test_a_product_in_an_order_cannot_be_deleted(client, staff, customer, auth_headers):
    product = make_product()
    make_order(customer, (product, 1))
    response = client.delete(detail(product.id), headers=auth_headers(staff))
    assert response.status_code == 409
    assert response.json["code"] == "product_in_use"
    assert client.get(detail(product.id)).status_code == 200


def test_a_product_in_a_cart_is_deleted_with_its_cart_lines(client, staff, customer, auth_headers):
    product, kept = make_product(), make_product()
    fill_cart(customer, (product, 1), (kept, 2))
    response = client.delete(detail(product.id), headers=auth_headers(staff))
    assert response.status_code == 204
    assert [line.variant_id for line in cart.get_cart(customer).items] == [kept.variants[0].id]


def test_a_slug_taken_concurrently_is_retried_with_the_next_one(monkeypatch):
    category = make_category()
    make_product(category, title="iPhone 15")
    real_unique_slug = slugs.unique_slug
    answers = iter(["iphone-15"])  # as if another request took the slug meanwhile

    def racing_unique_slug(model, text):
        return next(answers, None) or real_unique_slug(model, text)

    monkeypatch.setattr(slugs, "unique_slug", racing_unique_slug)
    assert make_product(category, title="iPhone 15").slug == "iphone-15-2"


def test_get_product_hides_an_inactive_product_unless_asked():
    product = make_product(is_active=False)
    with pytest.raises(NotFound):
        services.get_product(product.id)
    assert services.get_product(product.id, include_inactive=True) is product


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"price": Decimal("0")}, "price"), ({"stock_quantity": -1}, "stock_quantity")],
)
def test_the_service_enforces_product_rules_for_every_caller(changes, field):
    product = make_product(price=Decimal("5.00"))
    with pytest.raises(ValidationFailed) as refused:
        services.update_product(product.id, changes)
    assert field in refused.value.errors
    with pytest.raises(ValidationFailed):
        make_product(**changes)
