"""Migration 0008 on a shop seeded at 0007, compared row by row on the way up and down.

Rows are written with plain SQL: the models describe 0008, not the tables being seeded.
"""

import os
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

import config
from ecom import create_app
from ecom.extensions import db
from tests.factories import scratch_postgres_database
from tests.test_migrations import model_differences

# Migrations run on their own connections.
pytestmark = pytest.mark.committed

AT = "2026-01-05 10:00:00"
VARIANT_TABLES = {
    "product_options",
    "product_option_values",
    "product_variants",
    "variant_option_values",
}
MONEY = sa.Numeric(10, 2)

# Shared columns, written as they were at 0007.
STAMPS = {"created_at": AT, "updated_at": AT}
USER = {"password_hash": "x", "first_name": "A", "last_name": "B", "role": "customer",
        "is_active": True, "token_version": 0, "is_verified": True, **STAMPS}  # fmt: skip
# id, title, price, stock, active, category
PRODUCTS = [
    (1, "Linen shirt", "49.90", 12, True, 1),
    (2, "Wool socks", "7.50", 0, True, 1),
    (3, "Trail runner", "129.00", 250, True, 2),
    (4, "Old sandal", "19.99", 3, False, 2),
    (5, "Gift card", "0.99", 999, True, 1),
]
# id, cart, product, quantity
CART_LINES = [(1, 1, 1, 2), (2, 1, 3, 1), (3, 1, 5, 999), (4, 2, 2, 5), (5, 3, 1, 1)]
# id, order, product, title copied then, unit price then, quantity
ORDER_LINES = [
    (1, 1, 1, "Linen shirt (2025)", "39.90", 2),
    (2, 1, 3, "Trail runner", "129.00", 1),
    (3, 2, 4, "Old sandal", "19.99", 2),
]
# id, product, user, rating
REVIEWS = [(1, 1, 1, 5), (2, 3, 1, 4), (3, 1, 2, 2)]


def rows(sql: str, **types: sa.types.TypeEngine) -> list[tuple]:
    """The rows of ``sql``, with money as ``Decimal`` and flags as ``bool`` on every back end."""
    money = {name: MONEY for name in ("price", "price_max", "unit_price")}
    statement = text(sql).columns(**money, is_active=sa.Boolean(), **types)
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(statement)]


def execute(sql: str, params: list[dict] | dict | None = None) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(sql), params or {})


def insert(table: str, columns: str, values: list[tuple], **same: object) -> None:
    """One row per tuple of ``values`` (``columns`` named in order), each with ``same``."""
    names = columns.split() + list(same)
    execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})",
        [dict(zip(names, (*row, *same.values()), strict=True)) for row in values],
    )


def seed_0007() -> None:
    insert("users", "id email username", [(n, f"b{n}@example.com", f"b{n}") for n in (1, 2, 3)],
           **USER)  # fmt: skip
    insert("categories", "id name slug parent_id",
           [(1, "Clothing", "clothing", None), (2, "Shoes", "shoes", 1)],
           description="", created_at=AT)  # fmt: skip
    insert("products", "id title price stock_quantity is_active category_id slug",
           [(*row, f"p-{row[0]}") for row in PRODUCTS], description="", reviews_count=0,
           **STAMPS)  # fmt: skip
    insert("carts", "id user_id", [(1, 1), (2, 2), (3, 3)], **STAMPS)
    insert("cart_items", "id cart_id product_id quantity", CART_LINES, **STAMPS)
    insert("orders", "id user_id status payment_status total_amount",
           [(1, 1, "delivered", "paid", "208.80"), (2, 2, "pending", "unpaid", "39.98")],
           shipping_address='{"city": "Lyon"}', **STAMPS)  # fmt: skip
    insert("order_items", "id order_id product_id title unit_price quantity", ORDER_LINES)
    insert("reviews", "id product_id user_id rating", REVIEWS, title="Fits", comment="",
           verified_purchase=True, is_visible=True, **STAMPS)  # fmt: skip


def state_0007() -> dict[str, list[tuple]]:
    return {
        "products": rows("SELECT id, price, stock_quantity, is_active FROM products ORDER BY id"),
        "cart_items": rows("SELECT id, cart_id, product_id, quantity FROM cart_items ORDER BY id"),
        "order_items": rows(
            "SELECT id, order_id, product_id, title, unit_price, quantity FROM order_items "
            "ORDER BY id"
        ),
        "reviews": rows("SELECT id, product_id, user_id, rating FROM reviews ORDER BY id"),
    }


def seeded_state() -> dict[str, list[tuple]]:
    return {
        "products": [(i, Decimal(p), s, a) for i, _, p, s, a, _ in PRODUCTS],
        "cart_items": CART_LINES,
        "order_items": [(i, o, p, t, Decimal(u), q) for i, o, p, t, u, q in ORDER_LINES],
        "reviews": REVIEWS,
    }


def assert_upgraded(before: dict[str, list[tuple]]) -> None:
    """Each product has one default variant with its price and stock; lines point at it."""
    variants = rows(
        "SELECT product_id, id, sku, price, stock_quantity, is_active, option_key, "
        "weight_grams, image FROM product_variants ORDER BY product_id"
    )
    assert [(v[0], v[2:]) for v in variants] == [
        (i, (f"P{i}", price, stock, True, "", None, None))
        for i, price, stock, _ in before["products"]
    ]
    assert rows("SELECT id, price, price_max, stock_quantity, is_active FROM products "
                "ORDER BY id") == [
        (i, price, price, stock, active) for i, price, stock, active in before["products"]
    ]  # fmt: skip
    default = {product_id: variant_id for product_id, variant_id, *_ in variants}
    assert rows("SELECT id, cart_id, variant_id, quantity FROM cart_items ORDER BY id") == [
        (i, cart, default[product], quantity) for i, cart, product, quantity in before["cart_items"]
    ]
    assert rows(
        "SELECT id, order_id, product_id, variant_id, sku, variant_label, title, unit_price, "
        "quantity FROM order_items ORDER BY id"
    ) == [
        (i, order, product, default[product], f"P{product}", "", title, price, quantity)
        for i, order, product, title, price, quantity in before["order_items"]
    ]
    assert rows("SELECT count(*) FROM variant_option_values") == [(0,)]
    assert rows("SELECT count(*) FROM product_options") == [(0,)]


def assert_references_checked() -> None:
    """Foreign keys are enforced again once the migration is done (SQLite turns them off
    while it rebuilds tables)."""
    with pytest.raises(IntegrityError):
        execute("INSERT INTO reviews (product_id, user_id, rating, title, comment, "
                "verified_purchase, is_visible, created_at, updated_at) VALUES (404, 3, 5, "
                f"'', '', false, true, '{AT}', '{AT}')")  # fmt: skip


def assert_constraints_hold() -> None:
    """The database itself refuses a taken SKU, negative stock and a repeated combination."""
    insert = (
        "INSERT INTO product_variants (product_id, sku, price, stock_quantity, is_active, "
        "option_key, created_at, updated_at) VALUES (:product, :sku, 10, :stock, true, :key, "
        f"'{AT}', '{AT}')"
    )
    refused = [
        {"product": 2, "sku": "P1", "stock": 1, "key": "9"},
        {"product": 2, "sku": "P2-NEG", "stock": -1, "key": "9"},
        {"product": 2, "sku": "P2-AGAIN", "stock": 1, "key": ""},
    ]
    for params in refused:
        with pytest.raises(IntegrityError):
            execute(insert, params)
    execute(insert, {"product": 2, "sku": "P2-FINE", "stock": 1, "key": "9"})
    execute("DELETE FROM product_variants WHERE sku = 'P2-FINE'")


def add_size_to_shirt() -> None:
    """Product 1 gets a Size option (S, M): its default variant becomes S, a new variant M
    (60.00, 5 in stock); the summary follows, and cart 1 holds 600 S and 700 M."""
    execute("INSERT INTO product_options (id, product_id, name, position) VALUES (1, 1, 'Size', 0)")
    execute(
        "INSERT INTO product_option_values (id, option_id, value, position) "
        "VALUES (1, 1, 'S', 0), (2, 1, 'M', 1)"
    )
    execute("UPDATE product_variants SET option_key = '1' WHERE sku = 'P1'")
    execute(
        "INSERT INTO product_variants (product_id, sku, price, stock_quantity, is_active, "
        f"option_key, created_at, updated_at) VALUES (1, 'P1-M', 60.00, 5, true, '2', '{AT}', "
        f"'{AT}')"
    )
    execute(
        "INSERT INTO variant_option_values (variant_id, option_value_id) SELECT id, "
        "CASE sku WHEN 'P1' THEN 1 ELSE 2 END FROM product_variants WHERE product_id = 1"
    )
    execute("UPDATE products SET price_max = 60.00, stock_quantity = 17 WHERE id = 1")
    execute("UPDATE cart_items SET quantity = 600 WHERE id = 1")
    execute(
        "INSERT INTO cart_items (id, cart_id, variant_id, quantity, created_at, updated_at) "
        f"SELECT 6, 1, id, 700, '{AT}', '{AT}' FROM product_variants WHERE sku = 'P1-M'"
    )


def assert_downgraded(seeded: dict[str, list[tuple]]) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert not tables & VARIANT_TABLES
    assert "price_max" not in {c["name"] for c in inspect(db.engine).get_columns("products")}
    order_columns = {c["name"] for c in inspect(db.engine).get_columns("order_items")}
    assert not order_columns & {"variant_id", "sku", "variant_label"}
    assert rows("SELECT version_num FROM alembic_version") == [("0007",)]
    shirt = (1, Decimal("49.90"), 17, True)
    merged = (1, 1, 1, 999)
    assert state_0007() == {
        **seeded,
        "products": [shirt, *seeded["products"][1:]],
        "cart_items": [merged, *seeded["cart_items"][1:]],
    }


def assert_models_match() -> None:
    assert model_differences() == []


@pytest.fixture
def postgres_url():
    with scratch_postgres_database("variants") as url:
        yield url


def migrate_there_and_back(url: str) -> None:
    app = create_app(config.TestingConfig({**os.environ, "TEST_DATABASE_URL": url}))
    with app.app_context():
        upgrade(revision="0007")
        seed_0007()
        seeded = state_0007()
        assert seeded == seeded_state()

        upgrade(revision="0008")
        assert_upgraded(seeded)
        assert_references_checked()
        assert_constraints_hold()
        add_size_to_shirt()

        downgrade(revision="0007")
        assert_downgraded(seeded)
        assert_references_checked()

        again = state_0007()
        upgrade(revision="0008")
        assert_upgraded(again)
        upgrade()  # the later revisions, to compare with the models
        assert_models_match()
        db.engine.dispose()


def test_sqlite_upgrade_and_downgrade_keep_every_row(tmp_path):
    migrate_there_and_back(f"sqlite:///{tmp_path}/shop.sqlite3")


def test_postgres_upgrade_and_downgrade_keep_every_row(postgres_url):
    migrate_there_and_back(postgres_url)
