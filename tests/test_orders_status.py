"""The order status machine: allowed moves, payment status, history, cancellation and restock."""

import pytest
from sqlalchemy import select

from ecom.catalog.models import Product, ProductVariant
from ecom.catalog.variants import update_variant
from ecom.extensions import db
from ecom.orders import placing, transitions
from ecom.orders import services as orders
from ecom.orders.transitions import TRANSITIONS, InvalidTransition
from tests.factories import (
    fill_cart,
    fill_cart_with_variants,
    make_address,
    make_product,
    make_sized_product,
)

ORDERS = "/api/v1/orders/"
HAPPY_PATH = ["paid", "processing", "shipped", "delivered"]


def stock_of(product) -> int:
    return db.session.scalar(select(Product.stock_quantity).where(Product.id == product.id))


def variant_stocks(product) -> list[int]:
    query = select(ProductVariant.stock_quantity).where(ProductVariant.product_id == product.id)
    return list(db.session.scalars(query.order_by(ProductVariant.id)))


@pytest.fixture
def product():
    return make_product(stock=10)


@pytest.fixture
def order(customer, product):
    make_address(customer)
    fill_cart(customer, (product, 3))
    return placing.checkout(customer)[0]


def walk(order, statuses, actor):
    for status in statuses:
        transitions.change_status(order.id, status, actor=actor)


def test_the_machine_is_the_documented_one():
    assert TRANSITIONS == {
        "pending": ("paid", "cancelled"),
        "paid": ("processing", "partially_shipped", "shipped", "cancelled"),
        "processing": ("partially_shipped", "shipped", "cancelled"),
        "partially_shipped": ("shipped",),
        "shipped": ("delivered",),
        "delivered": (),
        "cancelled": (),
    }


def test_the_happy_path_records_history_and_payment(order, staff):
    walk(order, HAPPY_PATH, staff)
    order = orders.get_order(order.id, staff)
    assert order.status == "delivered" and order.payment_status == "paid"
    steps = [(h.from_status, h.to_status, h.changed_by_id) for h in order.history]
    assert steps[1:] == [
        ("pending", "paid", staff.id),
        ("paid", "processing", staff.id),
        ("processing", "shipped", staff.id),
        ("shipped", "delivered", staff.id),
    ]


@pytest.mark.parametrize(
    "path, target",
    [
        (HAPPY_PATH, "pending"),
        (HAPPY_PATH, "cancelled"),
        (["cancelled"], "shipped"),
        (["cancelled"], "cancelled"),
        ([], "shipped"),
        ([], "pending"),
        (["paid", "processing", "shipped"], "cancelled"),
    ],
)
def test_other_transitions_are_409_naming_the_current_status(order, staff, path, target):
    walk(order, path, staff)
    current = path[-1] if path else "pending"
    with pytest.raises(InvalidTransition) as refused:
        transitions.change_status(order.id, target, actor=staff)
    assert refused.value.status == 409 and refused.value.code == "invalid_transition"
    assert current in refused.value.message
    assert orders.get_order(order.id, staff).status == current


@pytest.mark.parametrize("path", [[], ["paid"], ["paid", "processing"]])
def test_cancelling_restocks_once(order, product, staff, path):
    walk(order, path, staff)
    assert stock_of(product) == 7
    transitions.change_status(order.id, "cancelled", actor=staff, note="Out of paint")
    assert stock_of(product) == 10
    with pytest.raises(InvalidTransition):
        transitions.change_status(order.id, "cancelled", actor=staff)
    assert stock_of(product) == 10
    assert orders.get_order(order.id, staff).history[-1].note == "Out of paint"


def test_cancelling_restocks_the_variants_sold_and_the_products_sum(customer, staff):
    make_address(customer)
    product = make_sized_product(stock=5)
    small, medium, large = product.variants
    fill_cart_with_variants(customer, (small, 2), (large, 4))
    order, _ = placing.checkout(customer)
    assert variant_stocks(product) == [3, 5, 1] and stock_of(product) == 9

    transitions.change_status(order.id, "cancelled", actor=staff)

    assert variant_stocks(product) == [5, 5, 5] and stock_of(product) == 15


def test_a_cancelled_variant_since_deactivated_keeps_the_products_sum_of_active_ones(
    customer, staff
):
    make_address(customer)
    product = make_sized_product("S", "M", stock=5)
    small, medium = product.variants
    fill_cart_with_variants(customer, (small, 2))
    order, _ = placing.checkout(customer)
    update_variant(product.id, small.id, {"is_active": False})
    assert stock_of(product) == 5

    transitions.change_status(order.id, "cancelled", actor=staff)

    assert variant_stocks(product) == [5, 5] and stock_of(product) == 5


def test_payment_status_moves_with_the_order(order, staff, customer, product, embedded_jobs):
    transitions.change_status(order.id, "paid", actor=staff)
    assert orders.get_order(order.id, staff).payment_status == "paid"
    # Paid by hand, with no provider payment: the refund job records it refunded at once.
    transitions.change_status(order.id, "cancelled", actor=staff)
    db.session.expire_all()
    assert orders.get_order(order.id, staff).payment_status == "refunded"

    fill_cart(customer, (product, 1))
    unpaid, _ = placing.checkout(customer)
    transitions.change_status(unpaid.id, "cancelled", actor=staff)
    assert orders.get_order(unpaid.id, staff).payment_status == "unpaid"


# Through the API


def test_staff_move_orders_with_put_and_patch(client, order, staff, auth_headers):
    headers = auth_headers(staff)
    paid = client.put(f"{ORDERS}{order.id}/", json={"status": "paid"}, headers=headers)
    assert paid.status_code == 200 and paid.json["payment_status"] == "paid"
    moved = client.patch(
        f"{ORDERS}{order.id}/", json={"status": "processing", "note": "Packing"}, headers=headers
    )
    assert moved.status_code == 200 and moved.json["status"] == "processing"
    last = moved.json["history"][-1]
    assert last == {
        "from_status": "paid",
        "to_status": "processing",
        "changed_by": staff.id,
        "note": "Packing",
        "created_at": last["created_at"],
    }


def test_an_invalid_transition_over_the_api_is_409(client, order, staff, auth_headers):
    walk(order, HAPPY_PATH, staff)
    response = client.patch(
        f"{ORDERS}{order.id}/", json={"status": "pending"}, headers=auth_headers(staff)
    )
    assert response.status_code == 409
    assert response.json["code"] == "invalid_transition"
    assert "delivered" in response.json["message"]


def test_an_unknown_status_is_400(client, order, staff, auth_headers):
    response = client.patch(
        f"{ORDERS}{order.id}/", json={"status": "lost"}, headers=auth_headers(staff)
    )
    assert response.status_code == 400 and "status" in response.json["errors"]["json"]


def test_customers_cannot_set_a_status(client, order, customer, auth_headers):
    response = client.patch(
        f"{ORDERS}{order.id}/", json={"status": "paid"}, headers=auth_headers(customer)
    )
    assert response.status_code == 403


def test_a_customer_cancels_their_pending_order_once(
    client, order, product, customer, auth_headers
):
    headers = auth_headers(customer)
    response = client.post(f"{ORDERS}{order.id}/cancel/", headers=headers)
    assert response.status_code == 200
    assert response.json["status"] == "cancelled"
    assert response.json["history"][-1]["changed_by"] == customer.id
    assert stock_of(product) == 10
    again = client.post(f"{ORDERS}{order.id}/cancel/", headers=headers)
    assert again.status_code == 409 and "cancelled" in again.json["message"]
    assert stock_of(product) == 10


def test_a_customer_cannot_cancel_once_paid(client, order, staff, customer, auth_headers):
    transitions.change_status(order.id, "paid", actor=staff)
    response = client.post(f"{ORDERS}{order.id}/cancel/", json={}, headers=auth_headers(customer))
    assert response.status_code == 409 and "paid" in response.json["message"]


def test_a_customer_cannot_cancel_another_customers_order(
    client, order, product, other_customer, auth_headers
):
    response = client.post(f"{ORDERS}{order.id}/cancel/", headers=auth_headers(other_customer))
    assert response.status_code == 404
    assert stock_of(product) == 7


def test_unknown_orders_are_404(client, staff, auth_headers):
    headers = auth_headers(staff)
    assert (
        client.patch(f"{ORDERS}999/", json={"status": "paid"}, headers=headers).status_code == 404
    )
    assert client.get(f"{ORDERS}999/", headers=headers).status_code == 404


def test_a_patch_without_status_leaves_the_order_and_a_lone_note_is_refused(
    client, order, staff, auth_headers
):
    headers = auth_headers(staff)
    same = client.patch(f"{ORDERS}{order.id}/", json={}, headers=headers)
    assert same.status_code == 200 and same.json["status"] == "pending"
    lone = client.patch(f"{ORDERS}{order.id}/", json={"note": "Packing"}, headers=headers)
    assert lone.status_code == 400 and "note" in lone.json["errors"]["json"]
