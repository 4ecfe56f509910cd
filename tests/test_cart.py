"""The cart: one per user, whole quantities 1..999, never above the stock on hand."""

import pytest

from ecom.cart import services as cart
from ecom.common.errors import NotFound, ValidationFailed
from ecom.extensions import db
from tests.factories import make_product

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
        "currency": "USD",
        "image": "http://localhost/media/products/mug.png",
        "in_stock": True,
    }
    assert body["total"] == "59.70" and body["total_items"] == 3


def test_totals_follow_the_current_price(client, customer, auth_headers):
    product = make_product(price="5.00")
    cart.add_item(customer, product.id, 2)
    product.price = "7.25"
    db.session.commit()
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
        {"product_id": product.id, "title": product.title, "requested": 4, "available": 3}
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
