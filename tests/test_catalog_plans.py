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
TABLES = (
    "categories",
    "products",
    "product_options",
    "product_option_values",
    "product_variants",
    "variant_option_values",
)


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
            "INSERT INTO products (title, slug, description, price, price_max, stock_quantity, "
            "category_id, is_active, reviews_count, created_at, updated_at, price_undiscounted) "
            "SELECT CASE WHEN n % :rare = 0 THEN 'Zephyr lamp ' || n "
            "WHEN n % 20 = 0 THEN 'Classic lamp ' || n ELSE 'Lamp ' || n END, "
            "'p-' || n, 'A product.', 1 + (n * 37) % 1000, 1 + (n * 37) % 1000 + n % 3 * 10, "
            "10, 2 + n % :leaves, n % 33 <> 0, 0, now() - n * interval '1 minute', now(), "
            "1 + (n * 37) % 1000 FROM generate_series(1, :rows) AS n"
        ),
        {"rare": RARE_EVERY, "leaves": LEAVES, "rows": ROWS},
    )
    # Each product's variants: its lowest and highest price, in sizes S and L.
    db.session.execute(
        text(
            "INSERT INTO product_options (product_id, name, position) "
            "SELECT id, 'Size', 0 FROM products"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO product_option_values (option_id, value, position) "
            "SELECT o.id, s.size, s.n FROM product_options AS o, "
            "(VALUES ('S', 0), ('L', 1)) AS s (size, n)"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO product_variants (product_id, sku, price, stock_quantity, is_active, "
            "option_key, created_at, updated_at) "
            "SELECT p.id, 'LAMP-' || p.id || '-' || v.value, "
            "CASE v.value WHEN 'S' THEN p.price ELSE p.price_max END, 5, true, v.id::text, "
            "now(), now() "
            "FROM products AS p JOIN product_options AS o ON o.product_id = p.id "
            "JOIN product_option_values AS v ON v.option_id = o.id"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO variant_option_values (variant_id, option_value_id) "
            "SELECT id, option_key::integer FROM product_variants"
        )
    )
    db.session.execute(text("SELECT setval('categories_id_seq', :last)"), {"last": LEAVES + 1})
    db.session.commit()
    for table in TABLES:
        db.session.execute(text(f"ANALYZE {table}"))
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
        ("?price_min=100&price_max=300&ordering=price", "ix_products_price"),
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


@pytest.mark.usefixtures("catalog")
def test_a_search_by_sku_keeps_the_full_text_index(client):
    plan = page_plan(client, "?search=LAMP-4000-L")
    assert "BitmapOr" in plan, plan
    assert "ix_products_search_vector" in plan and "pk_products" in plan, plan
    assert "Seq Scan on products" not in plan, plan


@pytest.mark.usefixtures("catalog")
def test_an_option_filter_reaches_products_by_id_from_the_matching_variants(client):
    plan = page_plan(client, "?option=size:l&ordering=-price")
    assert "pk_products" in plan and "ix_variant_option_values_option_value_id" in plan, plan
    assert "Seq Scan on products" not in plan and "Seq Scan on product_variants" not in plan, plan


@pytest.mark.usefixtures("catalog")
@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("?category=leaf-7&search=lamp&ordering=-price", "ix_products_category_price"),
        ("?search=lamp&price_min=100&price_max=300&ordering=price", "ix_products_price"),
    ],
)
def test_a_search_in_order_walks_the_first_products_of_the_ordering_index(client, query, index):
    plan = page_plan(client, query)
    # The first products in order, a bounded walk (Limit), and never every match.
    assert index in plan and "ix_products_search_vector" not in plan, plan
    assert plan.count("Limit") == 2 and "Seq Scan on products" not in plan, plan
