"""Variants under real concurrency (PostgreSQL: row locks, many writers): no oversell of a
variant, no deadlock between checkouts crossing variants or racing staff edits, and every
product's summary equal to its variants' at the end."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ecom.accounts.models import User
from ecom.cart import services as cart
from ecom.catalog.models import Product, ProductVariant
from ecom.catalog.variants import create_variant, update_variant
from ecom.extensions import db
from ecom.orders import placing
from ecom.orders.models import Order, OrderItem
from tests.concurrency import CREATED, run_each, run_together, skip_unless_postgres
from tests.factories import fill_cart_with_variants, make_address, make_sized_product, make_user

# Threads with a connection each: their commits must be real.
pytestmark = pytest.mark.committed


@pytest.fixture(autouse=True)
def postgres_only():
    skip_unless_postgres()


def customers(count: int) -> list[int]:
    ids = []
    for _ in range(count):
        user = make_user()
        make_address(user)
        ids.append(user.id)
    return ids


def fill_carts(user_ids, *lines_for) -> None:
    """Customer i's cart gets ``lines_for[i % n]``, in that order."""
    for i, user_id in enumerate(user_ids):
        fill_cart_with_variants(db.session.get_one(User, user_id), *lines_for[i % len(lines_for)])


def stocks(product) -> dict[int, int]:
    query = select(ProductVariant.id, ProductVariant.stock_quantity).where(
        ProductVariant.product_id == product.id
    )
    return dict(db.session.execute(query).all())


def sold(variant_id: int) -> int:
    query = select(func.coalesce(func.sum(OrderItem.quantity), 0)).where(
        OrderItem.variant_id == variant_id
    )
    return db.session.scalar(query)


def assert_summary_matches_variants(product) -> None:
    """The product's price range and units on sale are its active variants'."""
    db.session.expire_all()
    product = db.session.get(Product, product.id)
    active = [variant for variant in product.variants if variant.is_active]
    assert product.stock_quantity == sum(variant.stock_quantity for variant in active)
    assert product.price == min(variant.price for variant in active)
    assert product.price_max == max(variant.price for variant in active)


def assert_orders_add_up() -> None:
    """Every order's total is the sum of its lines."""
    for order in db.session.scalars(select(Order)):
        assert order.total_amount == sum(item.subtotal for item in order.items), order.id


def test_fifty_buyers_racing_for_the_last_ten_units_of_one_variant(app):
    product = make_sized_product("S", "M", "L", "XL", stock=20)
    small, medium, large, extra_large = product.variants
    update_variant(product.id, medium.id, {"stock_quantity": 10})
    update_variant(product.id, extra_large.id, {"is_active": False})
    user_ids = customers(50)
    fill_carts(user_ids, [(medium, 1)])

    outcomes = run_together(app, user_ids, lambda user: placing.checkout(user))

    assert outcomes.count(CREATED) == 10 and outcomes.count(409) == 40
    assert db.session.scalar(select(func.count(Order.id))) == 10
    assert sold(medium.id) == 10
    assert stocks(product) == {small.id: 20, medium.id: 0, large.id: 20, extra_large.id: 20}
    assert_summary_matches_variants(product)
    assert db.session.get(Product, product.id).stock_quantity == 40


def crossed_products(large_stock: int = 200):
    """Two products whose variants' ids interleave: the first product's L, made last, has a
    higher id than the second product's variants, so variant order is not product order."""
    first = make_sized_product("S", "M", stock=200, price="10.00")
    second = make_sized_product("S", "M", stock=200, price="20.00")
    create_variant(
        first.id,
        {
            "sku": "FIRST-L",
            "price": Decimal("12.00"),
            "stock_quantity": large_stock,
            "options": {"Size": "L"},
        },
    )
    db.session.expire_all()
    return db.session.get(Product, first.id), db.session.get(Product, second.id)


def test_carts_crossing_variants_of_two_products_in_opposite_orders_do_not_deadlock(app):
    # Each round asks for 20 units of the first product's L: the sixth finds 5.
    first, second = crossed_products(large_stock=105)
    f_small, f_medium, f_large = first.variants
    s_small, s_medium = second.variants
    before = {**stocks(first), **stocks(second)}
    carts = [
        [(f_large, 2), (s_small, 1)],
        [(s_small, 1), (f_large, 2)],
        [(s_medium, 3), (f_small, 1), (f_large, 1)],
        [(f_medium, 2), (s_medium, 1), (f_small, 2)],
    ]
    user_ids = customers(16)

    refused = 0
    for _ in range(6):
        fill_carts(user_ids, *carts)
        outcomes = run_together(app, user_ids, lambda user: placing.checkout(user))
        # Anything but an order or a 409 for stock (a deadlock, say) fails the run itself.
        assert set(outcomes) <= {CREATED, 409}
        refused += outcomes.count(409)
        for user_id in user_ids:
            cart.clear(db.session.get_one(User, user_id))

    after = {**stocks(first), **stocks(second)}
    assert {vid: before[vid] - after[vid] for vid in before} == {vid: sold(vid) for vid in before}
    assert refused and after[f_large.id] < 2
    assert_summary_matches_variants(first)
    assert_summary_matches_variants(second)
    assert_orders_add_up()


def test_staff_editing_variants_while_customers_check_out_do_not_deadlock(app):
    first, second = crossed_products()
    variants = [*first.variants, *second.variants]
    f_small, f_medium, f_large = first.variants
    s_small, s_medium = second.variants
    user_ids = customers(15)
    staff_ids = [make_user("staff").id for _ in variants]

    def edit(variant, price):
        ids, changes = (variant.product_id, variant.id), {"price": price, "stock_quantity": 40}
        return lambda staff: update_variant(*ids, changes)

    for round_ in range(3):
        fill_carts(
            user_ids,
            [(f_large, 1), (s_small, 1)],
            [(s_medium, 2), (f_small, 1)],
            [(f_medium, 1), (s_small, 2), (f_large, 1)],
        )
        calls = [(user_id, lambda user: placing.checkout(user)) for user_id in user_ids]
        for n, (staff_id, variant) in enumerate(zip(staff_ids, variants, strict=True)):
            calls.insert(3 * n + 1, (staff_id, edit(variant, Decimal(11 + round_ + n))))

        outcomes = run_each(app, calls)

        # Every round asks less of a variant than the 40 units an edit leaves.
        assert outcomes == [CREATED] * len(calls)
        assert_summary_matches_variants(first)
        assert_summary_matches_variants(second)
    assert_orders_add_up()
    assert db.session.scalar(select(func.count(Order.id))) == 3 * len(user_ids)
