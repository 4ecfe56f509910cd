"""Query plans of the staff order list on PostgreSQL: each filter and ordering walks the
index meant for it, never a sequential scan of orders (docs/ORDERS.md). The shop is small,
but enough rows, with planner statistics and the documented settings, for the planner to
choose as it does at a million orders."""

import pytest
from sqlalchemy import event, text

from ecom.extensions import db
from tests.factories import make_product, make_user

ORDERS = "/api/v1/orders/"
ROWS = 20_000
USERS = 2_000
TABLES = ("users", "orders", "order_items")
# Every filter, alone or with what is usually asked with it, and the index it walks.
PLANS = [
    ("", "ix_orders_created_at"),
    ("?status=processing", "ix_orders_status_created_at"),
    (
        "?status=processing&created_after=2026-01-01T00:00:00Z&created_before=2026-02-01T00:00:00Z",
        "ix_orders_status_created_at",
    ),
    ("?payment_status=refunded", "ix_orders_payment_status_created_at"),
    (
        "?created_after=2026-01-01T00:00:00Z&created_before=2026-01-02T00:00:00Z",
        "ix_orders_created_at",
    ),
    ("?email=user77@plan.example", "ix_orders_user_id"),
    ("?email_prefix=user77", "ix_users_email_pattern"),
    ("?user=77", "ix_orders_user_id"),
    ("?sku=RARE-7", "ix_order_items_sku"),
    ("?total_min=5000.00&total_max=5010.00", "ix_orders_total_amount"),
    ("?ordering=-total_amount", "ix_orders_total_amount"),
    ("?ordering=id", "pk_orders"),
    ("?number=4242", "pk_orders"),
]


@pytest.fixture
def orders(app):
    """ROWS orders of USERS customers over a year: one in 50 processing, one in 100
    refunded, totals spread from 1 to 9999; a rare SKU on one order in 1000."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("Query plans are PostgreSQL's (the PostgreSQL + Redis pass).")
    product = make_product()
    variant_id = product.variants[0].id
    db.session.execute(
        text(
            "INSERT INTO users (email, username, password_hash, first_name, last_name, role, "
            "is_active, token_version, created_at, updated_at) "
            "SELECT 'user' || n || '@plan.example', 'plan-user-' || n, 'x', '', '', "
            "'customer', true, 0, now(), now() FROM generate_series(1, :users) AS n"
        ),
        {"users": USERS},
    )
    first_user = db.session.scalar(text("SELECT min(id) FROM users WHERE email LIKE 'user%'"))
    db.session.execute(
        text(
            "INSERT INTO orders (user_id, status, payment_status, subtotal_amount, "
            "discount_amount, shipping_amount, shipping_tax_amount, shipping_tax_rate, "
            "tax_amount, total_amount, prices_include_tax, reverse_charge, shipping_address, "
            "created_at, updated_at) "
            "SELECT :first + n % :users, "
            "CASE WHEN n % 50 = 0 THEN 'processing' WHEN n % 7 = 0 THEN 'pending' "
            "ELSE 'delivered' END, "
            "CASE WHEN n % 100 = 1 THEN 'refunded' WHEN n % 7 = 0 THEN 'unpaid' ELSE 'paid' END, "
            "t, 0, 0, 0, 0, 0, t, false, false, '{}', "
            "timestamptz '2026-01-01' + n * interval '26 minutes', now() "
            "FROM generate_series(1, :rows) AS n, LATERAL (SELECT 1 + (n * 37) % 9999 AS t) AS x"
        ),
        {"first": first_user, "users": USERS, "rows": ROWS},
    )
    db.session.execute(
        text(
            "INSERT INTO order_items (order_id, product_id, variant_id, title, sku, "
            "variant_label, unit_price_undiscounted, unit_price, quantity, discount_amount, "
            "net_amount, tax_rate, tax_amount, gross_amount) "
            "SELECT id, :product, :variant, 'Lamp', "
            "CASE WHEN id % 1000 = 7 THEN 'RARE-7' ELSE 'LAMP-' || id % 40 END, '', "
            "total_amount, total_amount, 1, 0, total_amount, 0, 0, total_amount FROM orders"
        ),
        {"product": product.id, "variant": variant_id},
    )
    for table in TABLES:
        db.session.execute(text(f"ANALYZE {table}"))


def page_plan(client, headers: dict, query: str) -> str:
    """EXPLAIN of the list's page query (its statement with LIMIT from orders), under the
    documented settings."""
    seen = []

    def record(_conn, _cursor, statement, parameters, *_args):
        if statement.startswith("SELECT orders.") and "LIMIT" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(ORDERS + query, headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, response.json
    statement, parameters = seen[-1]
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    connection.exec_driver_sql("SET LOCAL random_page_cost = 1.1")
    rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
    return "\n".join(row[0] for row in rows)


@pytest.mark.usefixtures("orders")
def test_each_filter_and_ordering_walks_its_index_never_all_orders(client, auth_headers):
    headers = auth_headers(make_user("staff"))
    failures = []
    for query, index in PLANS:
        plan = page_plan(client, headers, query)
        if index not in plan or "Seq Scan on orders" in plan or "Seq Scan on users" in plan:
            failures.append(f"{query or '(no filter)'} should walk {index}:\n{plan}")
    assert not failures, "\n\n".join(failures)
