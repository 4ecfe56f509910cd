"""Query plans of the product list on PostgreSQL: each filter and ordering walks the index
meant for it (docs/PERFORMANCE.md). The catalog is small, but enough rows, with planner
statistics and the documented settings, for the planner to choose as it does at scale."""

import pytest
from sqlalchemy import event, text

from ecom.extensions import db

PRODUCTS = "/api/v1/products/"
ROWS = 20_000
LEAVES = 40
RARE_EVERY = 4000


@pytest.fixture
def catalog(app):
    """A department of LEAVES leaves and ROWS products spread over them; a rare title word in
    one product of RARE_EVERY, a common one in every 20th."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("Query plans are PostgreSQL's (the PostgreSQL + Redis pass).")
    db.session.execute(
        text(
            "INSERT INTO categories (id, name, slug, description, created_at) "
            "VALUES (1, 'Books', 'books', '', now())"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO categories (id, name, slug, description, parent_id, created_at) "
            "SELECT n, 'Leaf ' || n, 'leaf-' || n, '', 1, now() "
            "FROM generate_series(2, :last) AS n"
        ),
        {"last": LEAVES + 1},
    )
    db.session.execute(
        text(
            "INSERT INTO products (title, slug, description, price, stock_quantity, "
            "category_id, is_active, reviews_count, created_at, updated_at) "
            "SELECT CASE WHEN n % :rare = 0 THEN 'Zephyr lamp ' || n "
            "WHEN n % 20 = 0 THEN 'Classic lamp ' || n ELSE 'Lamp ' || n END, "
            "'p-' || n, 'A product.', 1 + (n * 37) % 1000, 10, 2 + n % :leaves, "
            "n % 33 <> 0, 0, now() - n * interval '1 minute', now() "
            "FROM generate_series(1, :rows) AS n"
        ),
        {"rare": RARE_EVERY, "leaves": LEAVES, "rows": ROWS},
    )
    db.session.execute(text("SELECT setval('categories_id_seq', :last)"), {"last": LEAVES + 1})
    db.session.commit()
    db.session.execute(text("ANALYZE categories"))
    db.session.execute(text("ANALYZE products"))
    db.session.commit()


def page_plan(client, query: str) -> str:
    """EXPLAIN of the list's page query (its last statement), under the documented settings."""
    seen = []

    def record(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(PRODUCTS + query)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, response.json
    statement, parameters = seen[-1]
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    connection.exec_driver_sql("SET LOCAL random_page_cost = 1.1")
    rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
    return "\n".join(row[0] for row in rows)


@pytest.mark.usefixtures("catalog")
@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("", "ix_products_created_at"),
        ("?ordering=-price", "ix_products_price"),
        ("?ordering=title", "ix_products_title"),
        ("?category=leaf-7", "ix_products_category_created_at"),
        ("?category=leaf-7&ordering=-price", "ix_products_category_price"),
        (
            "?category=leaf-7&price_min=100&price_max=300&ordering=price",
            "ix_products_category_price",
        ),
        ("?search=zephyr", "ix_products_search_vector"),
        ("?search=zephyr&ordering=-price", "ix_products_search_vector"),
        ("?cursor=", "pk_products"),
    ],
)
def test_each_list_query_walks_its_index(client, query, index):
    plan = page_plan(client, query)
    assert index in plan, plan
    assert "Seq Scan on products" not in plan, plan


@pytest.mark.usefixtures("catalog")
def test_a_category_filter_is_literal_ids_not_a_recursive_query(client):
    plan = page_plan(client, "?category=books&ordering=-price")
    assert "Recursive" not in plan and "CTE" not in plan, plan
    assert "Seq Scan on products" not in plan, plan
