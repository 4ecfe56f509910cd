"""The cart: one per user, whole quantities 1..999, never above the stock on hand."""

from decimal import Decimal

import pytest

from ecom.cart import services as cart
from ecom.catalog.errors import VariantRequired
from ecom.catalog.variants import update_variant
from ecom.common.errors import NotFound, ValidationFailed
from tests.factories import fill_cart, make_product, make_sized_product, set_variant, statements

CART = "/api/v1/cart/"


def add(client, headers, product, quantity=None):
    body = {"product_id": product.id}
    if quantity is not None:
        body["quantity"] = quantity
    return client.post(f"{CART}add/", json=body, headers=headers)


def test_a_new_user_gets_an_empty_cart(client, customer, auth_headers):
    response = client.get(CART, headers=auth_headers(customer))
    assert response.status_code == 200
    body = response.json
    assert body["user"] == customer.id
    assert body["items"] == [] and body["total"] == "0.00" and body["total_items"] == 0


def test_adding_twice_increments_one_line_and_prices_as_strings(client, customer, auth_headers):
    headers = auth_headers(customer)
    product = make_product(price="19.90", stock=5, image="products/mug.png")
    assert add(client, headers, product).status_code == 200
    body = add(client, headers, product, 2).json

    [line] = body["items"]
    assert line["quantity"] == 3 and line["subtotal"] == "59.70"
    assert line["product"] == {
        "id": product.id,
        "title": product.title,
        "slug": product.slug,
        "price": "19.90",
        "price_min": "19.90",
        "price_max": "19.90",
        "price_undiscounted": "19.90",
        "currency": "USD",
        "image": "http://localhost/media/products/mug.png",
        "in_stock": True,
    }
    assert body["total"] == "59.70" and body["total_items"] == 3


def test_totals_follow_the_current_price(client, customer, auth_headers):
    product = make_product(price="5.00")
    cart.add_item(customer, product.id, 2)
    set_variant(product, price=Decimal("7.25"))
    body = client.get(CART, headers=auth_headers(customer)).json
    assert body["total"] == "14.50"


def test_adding_more_than_the_stock_is_a_409_with_the_available_amount(
    client, customer, auth_headers
):
    headers = auth_headers(customer)
    product = make_product(stock=3)
    add(client, headers, product, 2)
    response = add(client, headers, product, 2)
    assert response.status_code == 409
    assert response.json["code"] == "insufficient_stock"
    assert response.json["errors"]["json"]["stock"] == [
        {
            "product_id": product.id,
            "variant_id": product.variants[0].id,
            "sku": product.variants[0].sku,
            "title": product.title,
            "requested": 4,
            "available": 3,
        }
    ]
    assert client.get(CART, headers=headers).json["items"][0]["quantity"] == 2


@pytest.mark.parametrize("quantity", [0, -1, 1000, 1.5, "2"])
def test_quantity_must_be_a_whole_number_from_1_to_999(client, customer, auth_headers, quantity):
    response = add(client, auth_headers(customer), make_product(stock=2000), quantity)
    assert response.status_code == 400
    assert "quantity" in response.json["errors"]["json"]


def test_the_line_total_cannot_pass_999(customer):
    product = make_product(stock=2000)
    cart.add_item(customer, product.id, 999)
    with pytest.raises(ValidationFailed):
        cart.add_item(customer, product.id, 1)


def test_adding_past_999_in_one_line_is_a_409_line_full(client, customer, auth_headers):
    headers = auth_headers(customer)
    product = make_product(stock=2000)
    add(client, headers, product, 600)
    response = add(client, headers, product, 400)
    assert response.status_code == 409 and response.json["code"] == "line_full"
    assert "quantity" in response.json["errors"]["json"]
    assert client.get(CART, headers=headers).json["items"][0]["quantity"] == 600


def test_unknown_and_inactive_products_cannot_be_added(client, customer, auth_headers):
    headers = auth_headers(customer)
    inactive = make_product(is_active=False)
    for product_id in (inactive.id, 999_999):
        response = client.post(f"{CART}add/", json={"product_id": product_id}, headers=headers)
        assert response.status_code == 404
        assert "product_id" in response.json["errors"]["json"]


def test_update_sets_the_quantity_with_put_and_patch(client, customer, auth_headers):
    headers = auth_headers(customer)
    item = cart.add_item(customer, make_product(stock=10).id, 1)
    for method, quantity in (("put", 4), ("patch", 6)):
        response = getattr(client, method)(
            f"{CART}update/{item.id}/", json={"quantity": quantity}, headers=headers
        )
        assert response.status_code == 200
        assert response.json["items"][0]["quantity"] == quantity


def test_update_above_stock_is_refused(client, customer, auth_headers):
    item = cart.add_item(customer, make_product(stock=2).id, 1)
    response = client.patch(
        f"{CART}update/{item.id}/", json={"quantity": 3}, headers=auth_headers(customer)
    )
    assert response.status_code == 409
    assert response.json["errors"]["json"]["stock"][0]["available"] == 2


def test_remove_and_clear(client, customer, auth_headers):
    headers = auth_headers(customer)
    first = cart.add_item(customer, make_product().id)
    cart.add_item(customer, make_product().id)
    assert client.delete(f"{CART}remove/{first.id}/", headers=headers).status_code == 204
    assert len(client.get(CART, headers=headers).json["items"]) == 1
    assert client.delete(f"{CART}clear/", headers=headers).status_code == 204
    assert client.get(CART, headers=headers).json["items"] == []


def test_another_users_cart_item_is_not_found(client, customer, other_customer, auth_headers):
    item = cart.add_item(other_customer, make_product().id, 1)
    headers = auth_headers(customer)
    assert (
        client.patch(f"{CART}update/{item.id}/", json={"quantity": 2}, headers=headers).status_code
        == 404
    )
    assert client.delete(f"{CART}remove/{item.id}/", headers=headers).status_code == 404
    with pytest.raises(NotFound):
        cart.update_item(customer, item.id, 2)
    assert cart.get_cart(other_customer).items[0].quantity == 1


def test_each_user_sees_only_their_own_cart(client, customer, other_customer, auth_headers):
    cart.add_item(other_customer, make_product().id, 1)
    body = client.get(CART, headers=auth_headers(customer)).json
    assert body["user"] == customer.id and body["items"] == []


def test_the_cart_needs_a_login(client):
    assert client.get(CART).status_code == 401
    assert client.post(f"{CART}add/", json={"product_id": 1}).status_code == 401


@pytest.mark.parametrize("quantity", [0, -3])
def test_the_service_refuses_a_quantity_below_one(customer, quantity):
    with pytest.raises(ValidationFailed):
        cart.add_item(customer, make_product().id, quantity)


def add_variant(client, headers, variant, quantity=1):
    body = {"variant_id": variant.id, "quantity": quantity}
    return client.post(f"{CART}add/", json=body, headers=headers)


def test_a_line_names_its_variant_and_costs_the_variants_price(client, customer, auth_headers):
    product = make_sized_product("S", "M", price="20.00", stock=4)
    medium = product.variants[1]
    update_variant(product.id, medium.id, {"price": Decimal("24.50")})
    response = add_variant(client, auth_headers(customer), medium, 2)

    assert response.status_code == 200
    [line] = response.json["items"]
    assert line["variant"] == {
        "id": medium.id,
        "sku": medium.sku,
        "label": "M",
        "options": {"Size": "M"},
        "price": "24.50",
        "in_stock": True,
    }
    assert line["product"]["id"] == product.id and line["product"]["price"] == "20.00"
    assert line["subtotal"] == "49.00" and response.json["total"] == "49.00"


def test_two_variants_of_one_product_are_two_lines_updated_and_removed_apart(
    client, customer, auth_headers
):
    headers = auth_headers(customer)
    small, medium, _ = make_sized_product(stock=5).variants
    add_variant(client, headers, small, 1)
    add_variant(client, headers, medium, 2)
    body = add_variant(client, headers, small, 1).json
    lines = {line["variant"]["id"]: line for line in body["items"]}
    assert {vid: line["quantity"] for vid, line in lines.items()} == {small.id: 2, medium.id: 2}

    medium_line = lines[medium.id]["id"]
    updated = client.patch(f"{CART}update/{medium_line}/", json={"quantity": 5}, headers=headers)
    assert updated.status_code == 200
    assert {line["variant"]["id"]: line["quantity"] for line in updated.json["items"]} == {
        small.id: 2,
        medium.id: 5,
    }
    too_many = client.put(f"{CART}update/{medium_line}/", json={"quantity": 6}, headers=headers)
    assert too_many.status_code == 409
    assert too_many.json["errors"]["json"]["stock"][0]["variant_id"] == medium.id

    assert client.delete(f"{CART}remove/{medium_line}/", headers=headers).status_code == 204
    [left] = client.get(CART, headers=headers).json["items"]
    assert left["variant"]["id"] == small.id and left["quantity"] == 2


def test_a_product_id_alone_adds_the_only_variant_of_a_simple_product(customer):
    product = make_product(stock=3)
    line = cart.add_item(customer, product.id, 2)
    assert line.variant_id == product.variants[0].id and line.quantity == 2


def test_a_product_id_of_a_product_with_several_variants_is_a_400_variant_required(
    client, customer, auth_headers
):
    product = make_sized_product()
    response = add(client, auth_headers(customer), product)
    assert response.status_code == 400
    assert response.json["code"] == "variant_required"
    assert "variant_id" in response.json["errors"]["json"]
    with pytest.raises(VariantRequired):
        cart.add_item(customer, product.id)
    assert cart.get_cart(customer).items == []


@pytest.mark.parametrize("body", [{}, {"quantity": 1}, "both"])
def test_a_line_names_exactly_one_of_variant_id_and_product_id(
    client, customer, auth_headers, body
):
    product = make_product()
    if body == "both":
        body = {"variant_id": product.variants[0].id, "product_id": product.id}
    response = client.post(f"{CART}add/", json=body, headers=auth_headers(customer))
    assert response.status_code == 400
    errors = response.json["errors"]["json"]
    assert errors["variant_id"] and errors["product_id"]
    assert cart.get_cart(customer).items == []


def test_an_inactive_or_unknown_variant_cannot_be_added(client, customer, auth_headers):
    headers = auth_headers(customer)
    product = make_sized_product("S", "M")
    hidden = update_variant(product.id, product.variants[1].id, {"is_active": False})
    for variant_id in (hidden.id, 999_999):
        response = client.post(f"{CART}add/", json={"variant_id": variant_id}, headers=headers)
        assert response.status_code == 404
        assert "variant_id" in response.json["errors"]["json"]


def test_a_variant_of_an_inactive_product_cannot_be_added(customer):
    product = make_product(is_active=False)
    with pytest.raises(NotFound):
        cart.add_item(customer, variant_id=product.variants[0].id)


def test_a_variant_out_of_stock_shows_so_on_its_line(client, customer, auth_headers):
    small = make_sized_product(stock=2).variants[0]
    cart.add_item(customer, variant_id=small.id, quantity=2)
    update_variant(small.product_id, small.id, {"stock_quantity": 0})
    [line] = client.get(CART, headers=auth_headers(customer)).json["items"]
    assert line["variant"]["in_stock"] is False and line["product"]["in_stock"] is True


def test_the_cart_answer_costs_the_same_statements_whatever_its_lines(
    client, customer, auth_headers
):
    headers = auth_headers(customer)
    cart.add_item(customer, variant_id=make_sized_product().variants[0].id)
    client.get(CART, headers=headers)
    with statements() as one_line:
        assert len(client.get(CART, headers=headers).json["items"]) == 1
    for _ in range(4):
        product = make_sized_product("S", "M")
        for variant in product.variants:
            cart.add_item(customer, variant_id=variant.id)
    with statements() as nine_lines:
        assert len(client.get(CART, headers=headers).json["items"]) == 9
    assert len(nine_lines) == len(one_line)


def test_an_empty_patch_leaves_the_line_and_still_names_only_ones_own(
    client, customer, other_customer, auth_headers
):
    [line] = fill_cart(customer, (make_product(stock=5), 2))
    url = f"/api/v1/cart/update/{line.id}/"
    same = client.patch(url, json={}, headers=auth_headers(customer))
    assert same.status_code == 200 and same.json["items"][0]["quantity"] == 2
    assert client.patch(url, json={}, headers=auth_headers(other_customer)).status_code == 404
