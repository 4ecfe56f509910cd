"""Query plans of the product list on PostgreSQL: each filter and ordering walks the index
meant for it (docs/PERFORMANCE.md). The catalog is small, but enough rows, with planner
statistics and the documented settings, for the planner to choose as it does at scale."""

import pytest
from sqlalchemy import event, text

from ecom.catalog import listing, search_order
from ecom.catalog.search_order import RUM_INDEXES
from ecom.extensions import db
from tests.isolation import truncate_all

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


@pytest.fixture(scope="module")
def catalog(app):
    """A department of LEAVES leaves and ROWS products spread over them; a rare title word in
    one product of RARE_EVERY, a common one in every 20th. Committed once for the module
    (each test's own changes roll back), the tables emptied after it."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("Query plans are PostgreSQL's (the PostgreSQL + Redis pass).")
        fill_catalog()
        # The catalogue's size an earlier module's requests remembered.
        search_order._sizes.clear()
        try:
            yield
        finally:
            db.session.remove()
            truncate_all()


def fill_catalog() -> None:
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
            "category_id, is_active, reviews_count, average_rating, created_at, updated_at, "
            "price_undiscounted) "
            "SELECT CASE WHEN n % :rare = 0 THEN 'Zephyr lamp ' || n "
            "WHEN n % 20 = 0 THEN 'Classic lamp ' || n ELSE 'Lamp ' || n END, "
            "'p-' || n, 'A product.', 1 + (n * 37) % 1000, 1 + (n * 37) % 1000 + n % 3 * 10, "
            "n % 13, 2 + n % :leaves, n % 33 <> 0, 0, "
            "CASE WHEN n % 7 <> 0 THEN 1 + n % 41 / 10.0 END, now() - n * interval '1 minute', "
            "now(), 1 + (n * 37) % 1000 FROM generate_series(1, :rows) AS n"
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


def page_plan(client, query: str, statement: int = -1) -> str:
    """EXPLAIN of the list's page query (its last statement, or the one ``statement``
    names), under the documented settings."""
    seen = []

    def record(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(PRODUCTS + query)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, response.json
    statement, parameters = seen[statement]
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


@pytest.fixture
def gin_only(app, monkeypatch):
    """The fallback of a server without rum: the setting, and no rum index to plan with
    (dropped in the test's transaction, which is rolled back)."""
    monkeypatch.setitem(app.config, "SEARCH_INDEX", "gin")
    db.session.execute(text(f"DROP INDEX IF EXISTS {', '.join(sorted(RUM_INDEXES))}"))


@pytest.fixture
def rum(app, monkeypatch):
    """The rum search indexes, which the CI's PostgreSQL has (.ci/run installs them)."""
    present = db.session.scalar(
        text("SELECT count(*) FROM pg_indexes WHERE indexname = ANY(:names)"),
        {"names": sorted(RUM_INDEXES)},
    )
    if present != len(RUM_INDEXES):
        pytest.skip("This PostgreSQL has no rum extension (postgresql-15-rum).")
    monkeypatch.setitem(app.config, "SEARCH_INDEX", "rum")


@pytest.mark.usefixtures("catalog", "gin_only")
@pytest.mark.parametrize("query", ["?search=zephyr", "?search=zephyr&ordering=-price"])
def test_without_rum_a_search_finds_its_matches_through_the_gin_index(client, query):
    plan = page_plan(client, query)
    assert "ix_products_search_vector" in plan, plan
    assert "Seq Scan on products" not in plan, plan


@pytest.mark.usefixtures("catalog", "rum")
@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("?search=zephyr&ordering=-price", "price_cents <=|"),
        ("?search=lamp&ordering=price", "price_cents |=>"),
        ("?search=lamp&ordering=-created_at", "created_at <=|"),
        ("?search=classic&ordering=created_at", "created_at |=>"),
        # Matches above the exact-count limit come newest first.
        ("?search=lamp", "created_at <=|"),
    ],
)
def test_with_rum_a_search_in_price_or_date_order_reads_its_page_from_the_index(client, query, key):
    plan = page_plan(client, query)
    # The index returns the matches in order (Order By), cut at the page: no sort of all.
    assert "ix_products_search_" in plan and f"Order By: ({key}" in plan, plan
    assert "Seq Scan on products" not in plan and "matches" not in plan, plan


@pytest.mark.usefixtures("catalog", "rum")
@pytest.mark.parametrize(
    "query",
    [
        "?category=leaf-7&search=lamp&ordering=-price",
        "?category=books&search=classic&price_min=100&price_max=300&ordering=-price",
        "?search=classic&price_min=100&price_max=300&ordering=price",
    ],
)
def test_with_rum_a_filtered_search_in_order_reads_the_index_in_order_or_and_its_filter(
    client, query
):
    # Where the filters admit few products, intersecting their index with the word's is
    # cheaper than walking the word's matches in order: the planner picks by statistics.
    plan = page_plan(client, query)
    assert "ix_products_search_" in plan, plan
    assert "Order By: (price_cents" in plan or "BitmapAnd" in plan, plan
    assert "Seq Scan on products" not in plan and "matches" not in plan, plan


ANSWERED = [
    f"?search={word}&ordering={ordering}{extra}"
    for word in ("zephyr", "classic", "lamp", "LAMP-4000-L")
    for ordering in ("price", "-price", "created_at", "-created_at")
    for extra in ("", "&page=3", "&category=leaf-7", "&price_min=100&price_max=300&in_stock=true")
] + ["?search=lamp", "?search=lamp&page=7", "?search=classic&category=books"]


@pytest.mark.usefixtures("catalog", "rum")
def test_the_rum_and_gin_plans_answer_the_same_pages(app, client, monkeypatch):
    def answers() -> list:
        pages = [client.get(PRODUCTS + query) for query in ANSWERED]
        return [
            (page.status_code, page.json.get("count"), page.json.get("results")) for page in pages
        ]

    with_rum = answers()
    monkeypatch.setitem(app.config, "SEARCH_INDEX", "gin")
    assert answers() == with_rum
    assert any(results for _status, _count, results in with_rum)


@pytest.mark.usefixtures("catalog", "gin_only")
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


@pytest.mark.usefixtures("catalog", "gin_only")
@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("?search=lamp&ordering=-price", "ix_products_price"),
        ("?search=lamp&price_min=100&price_max=300&ordering=price", "ix_products_price"),
        ("?search=lamp&ordering=created_at&page=2", "ix_products_created_at"),
    ],
)
def test_a_search_in_order_walks_the_first_products_of_the_ordering_index(client, query, index):
    # Thousands of matches: a page of them lies among the first products in order.
    plan = page_plan(client, query)
    # The first products in order, a bounded walk (Limit), and never every match.
    assert index in plan and "ix_products_search_vector" not in plan, plan
    assert plan.count("Limit") == 2 and "Seq Scan on products" not in plan, plan


@pytest.fixture
def french(catalog):
    """French titles for two products in three (the rare and common words translated too);
    the third shows its English title in French."""
    db.session.execute(
        text(
            "INSERT INTO product_translations (product_id, language, title, created_at, "
            "updated_at) SELECT id, 'fr', CASE WHEN title LIKE 'Zephyr%' THEN 'Lampes zéphyr' "
            "WHEN title LIKE 'Classic%' THEN 'Lampe classique' ELSE 'Lampe' END, now(), now() "
            "FROM products WHERE id % 3 <> 0"
        )
    )
    db.session.commit()
    db.session.execute(text("ANALYZE product_translations"))
    db.session.commit()


@pytest.mark.usefixtures("french")
@pytest.mark.parametrize(
    "query",
    [
        "?search=z%C3%A9phyr",
        "?search=classiques&ordering=-price",
        "?search=zephyr&ordering=price",
        "?search=LAMP-4000-L",
        "?search=lampes&ordering=-created_at&page=3",
    ],
)
def test_a_french_search_reads_the_translations_document_through_its_index(client, query):
    # The page is the statement before the last, which reads the page's French texts.
    plan = page_plan(client, f"{query}&lang=fr", statement=-2)
    assert "ix_product_translations_search_vector" in plan, plan
    # The untranslated products' English text, through a search index of their own
    # document (the GIN one, or a rum one read as a bitmap).
    assert "ix_products_search_" in plan, plan
    assert "Seq Scan on product" not in plan, plan


# Orderings no search index carries, each with the btree index its walk reads.
WALKED = [
    ("title", "ix_products_title"),
    ("-title", "ix_products_title"),
    ("average_rating", "ix_products_average_rating"),
    ("-average_rating", "ix_products_average_rating_desc"),
    ("category", "ix_products_category_id"),
    ("-category", "ix_products_category_id"),
]


@pytest.fixture(params=["rum", "gin_only"])
def each_search_index(request):
    """Both plans: the rum indexes, and the fallback without them."""
    request.getfixturevalue(request.param)


@pytest.mark.usefixtures("catalog", "each_search_index")
@pytest.mark.parametrize(("ordering", "index"), WALKED)
@pytest.mark.parametrize("extra", ["", "&category=books", "&page=2"])
def test_a_search_with_many_matches_walks_its_ordering_index(client, ordering, index, extra):
    # 20,000 matches: the page's first products in order hold them (a bounded walk, Limit),
    # where sorting every match would read them all.
    plan = page_plan(client, f"?search=lamp&ordering={ordering}{extra}")
    assert index in plan and plan.count("Limit") == 2, plan
    assert "Seq Scan on products" not in plan and "matches" not in plan, plan


@pytest.mark.usefixtures("catalog", "each_search_index")
@pytest.mark.parametrize(
    "ordering", [ordering for ordering, _index in WALKED] + ["stock_quantity", "-stock_quantity"]
)
def test_a_search_with_few_matches_sorts_them_from_the_search_index(client, ordering):
    # Five matches: sorting them reads five rows, where a walk would read a quarter of the
    # catalogue before the first.
    plan = page_plan(client, f"?search=zephyr&ordering={ordering}")
    assert "ix_products_search_" in plan and "matches" in plan, plan
    assert "Seq Scan on products" not in plan, plan
    assert all(index not in plan for _ordering, index in WALKED), plan


WALKED_ANSWERS = [
    f"?search={word}&ordering={ordering}{extra}"
    for word in ("lamp", "classic", "zephyr")
    for ordering in [ordering for ordering, _index in WALKED] + ["stock_quantity"]
    for extra in ("", "&page=3", "&category=leaf-7", "&price_min=100&price_max=300&in_stock=true")
]


@pytest.mark.usefixtures("catalog", "each_search_index")
def test_a_walked_page_is_the_page_of_every_match_sorted(client, monkeypatch):
    def answers() -> list:
        pages = [client.get(PRODUCTS + query) for query in WALKED_ANSWERS]
        return [
            (page.status_code, page.json.get("count"), page.json.get("results")) for page in pages
        ]

    walked = answers()
    monkeypatch.setattr(listing, "walk_pays", lambda *_args: False)
    assert answers() == walked
    assert sum(bool(results) for _status, _count, results in walked) > len(walked) / 2
