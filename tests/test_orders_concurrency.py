"""Checkout and cancellation under real concurrency (PostgreSQL: row locks, many writers)."""

import pytest
from sqlalchemy import func, select

from ecom.accounts.models import User
from ecom.catalog.models import Product
from ecom.extensions import db
from ecom.orders import placing, transitions
from ecom.orders.models import Order, OrderItem
from tests.concurrency import CREATED, run_together, skip_unless_postgres
from tests.factories import fill_cart, make_address, make_category, make_product, make_user

# Threads with a connection each: their commits must be real.
pytestmark = pytest.mark.committed


@pytest.fixture(autouse=True)
def postgres_only():
    skip_unless_postgres()


def customers_with_carts(count, *lines_for):
    """``count`` customers with an address; customer i's cart holds ``lines_for[i % n]``."""
    ids = []
    for i in range(count):
        user = make_user()
        make_address(user)
        fill_cart(user, *lines_for[i % len(lines_for)])
        ids.append(user.id)
    return ids


def stock_of(product) -> int:
    return db.session.scalar(select(Product.stock_quantity).where(Product.id == product.id))


def test_fifty_customers_racing_for_the_last_ten_units(app):
    product = make_product(stock=10)
    user_ids = customers_with_carts(50, [(product, 1)])

    outcomes = run_together(app, user_ids, lambda user: placing.checkout(user))

    assert outcomes.count(CREATED) == 10
    assert outcomes.count(409) == 40
    assert stock_of(product) == 0
    sold = select(func.sum(OrderItem.quantity)).where(OrderItem.product_id == product.id)
    assert db.session.scalar(sold) == 10
    assert db.session.scalar(select(func.count(Order.id))) == 10


def test_two_products_in_opposite_cart_orders_do_not_deadlock(app):
    first, second = make_product(stock=100), make_product(stock=100)
    user_ids = customers_with_carts(20, [(first, 1), (second, 2)], [(second, 2), (first, 1)])

    outcomes = run_together(app, user_ids, lambda user: placing.checkout(user))

    assert outcomes == [CREATED] * 20
    assert (stock_of(first), stock_of(second)) == (80, 60)


def test_concurrent_replays_of_one_idempotency_key_create_one_order(app):
    product = make_product(stock=10)
    [user_id] = customers_with_carts(1, [(product, 2)])
    results = []

    def place(user):
        order, created = placing.checkout(user, idempotency_key="same-key")
        results.append((order.id, created))

    outcomes = run_together(app, [user_id] * 5, place)

    assert outcomes == [CREATED] * 5
    assert len({order_id for order_id, _ in results}) == 1
    assert [created for _, created in results].count(True) == 1
    assert stock_of(product) == 8


def test_concurrent_cancellations_restock_once(app):
    product = make_product(stock=10)
    [user_id] = customers_with_carts(1, [(product, 4)])
    customer = db.session.get(User, user_id)
    order, _ = placing.checkout(customer)
    staff_ids = [make_user("staff").id for _ in range(6)]

    outcomes = run_together(
        app, staff_ids, lambda staff: transitions.change_status(order.id, "cancelled", actor=staff)
    )

    assert outcomes.count(CREATED) == 1 and outcomes.count(409) == 5
    assert stock_of(product) == 10


def test_checkouts_of_different_products_sharing_categories_do_not_deadlock(app):
    shoes, hats = make_category(), make_category()
    first = [make_product(stock=100, category=shoes), make_product(stock=100, category=hats)]
    second = [make_product(stock=100, category=hats), make_product(stock=100, category=shoes)]
    user_ids = customers_with_carts(20, [(p, 1) for p in first], [(p, 1) for p in second])

    outcomes = run_together(app, user_ids, lambda user: placing.checkout(user))

    assert outcomes == [CREATED] * 20
    assert [stock_of(p) for p in first + second] == [90] * 4
