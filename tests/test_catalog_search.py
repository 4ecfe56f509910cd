"""Full-text search on PostgreSQL: prefixes, ranking, and the GIN index behind it."""

from decimal import Decimal

import pytest
from sqlalchemy import text

from ecom.catalog import search_order
from ecom.catalog.listing import WALKED_PER_ROW, matching_products
from ecom.catalog.search_order import RUM_INDEXES
from ecom.extensions import db
from tests.factories import make_category, make_product, statements

PRODUCTS = "/api/v1/products/"


@pytest.fixture
def postgresql():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("Full-text search runs on PostgreSQL (the PostgreSQL + Redis pass).")


@pytest.fixture
def gin_search(app, postgresql, monkeypatch):
    """A server without rum: the GIN plan (the rum indexes dropped in the test's
    transaction, which is rolled back)."""
    monkeypatch.setitem(app.config, "SEARCH_INDEX", "gin")
    db.session.execute(text(f"DROP INDEX IF EXISTS {', '.join(sorted(RUM_INDEXES))}"))


@pytest.fixture
def walk_first(monkeypatch):
    """A catalogue as small as its matches: every search in an indexed order walks first
    (``walk_pays``), as one with many matches does in a large catalogue."""
    monkeypatch.setattr(search_order, "catalogue_size", lambda: 0)


def titles(client, query: str) -> list[str]:
    return [p["title"] for p in client.get(PRODUCTS + query).json["results"]]


@pytest.mark.parametrize("term", ["iphone", "IPHONE", "iph", "iPhone 15", "iphone pro"])
def test_search_finds_iphone_15_pro(client, postgresql, term):
    make_product(title="iPhone 15 Pro", description="Titanium.")
    make_product(title="Galaxy S24", description="Android phone.")
    assert titles(client, f"?search={term}") == ["iPhone 15 Pro"]


def test_a_title_match_ranks_above_a_description_only_match(client, postgresql):
    make_product(title="Leather case", description="Fits the iPhone 15 perfectly.")
    make_product(title="iPhone 15", description="The phone.")
    assert titles(client, "?search=iphone") == ["iPhone 15", "Leather case"]


def test_explicit_ordering_overrides_relevance(client, postgresql):
    make_product(title="iPhone 15", description="The phone.", price=Decimal("799.00"))
    make_product(title="Leather case", description="Fits the iPhone 15.", price=Decimal("29.00"))
    assert titles(client, "?search=iphone&ordering=price") == ["Leather case", "iPhone 15"]


def test_search_ignores_tsquery_syntax_in_the_input(client, postgresql):
    make_product(title="iPhone 15 Pro")
    for term in ["iphone%20%26%20!", "iph:*|", "'iphone'", "(pro"]:
        response = client.get(f"{PRODUCTS}?search={term}")
        assert response.status_code == 200
        assert [p["title"] for p in response.json["results"]] == ["iPhone 15 Pro"]
    assert titles(client, "?search=%21%21%21") == ["iPhone 15 Pro"]


@pytest.mark.usefixtures("gin_search")
def test_search_uses_the_gin_index(postgresql):
    compiled = matching_products({"search": "iph"}, include_inactive=True).compile(db.engine)
    connection = db.session.connection()
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
    )
    assert "ix_products_search_vector" in plan


def searched(client, query: str) -> tuple[list[str], list[str]]:
    """The titles a search answers, and the statements it ran."""
    with statements() as seen:
        response = client.get(PRODUCTS + query)
    assert response.status_code == 200, response.json
    return [p["title"] for p in response.json["results"]], seen


def walks(seen: list[str]) -> list[bool]:
    """Which statements walk the first products in order (a subquery named `walked`)."""
    return [") AS walked" in statement for statement in seen]


@pytest.mark.usefixtures("gin_search", "walk_first")
def test_a_search_in_order_finds_a_dense_page_among_the_first_products(client, postgresql):
    category = make_category()
    for price in range(1, 21):
        make_product(category, title=f"{'Lamp' if price % 2 else 'Shade'} {price}", price=price)
    lamps = [f"Lamp {price}" for price in range(19, 0, -2)]
    pages = [
        searched(client, f"?search=lamp&ordering=-price&page_size=3&page={n}") for n in (1, 2, 4)
    ]
    assert [titles for titles, _ in pages] == [lamps[0:3], lamps[3:6], lamps[9:]]
    # The estimate and the count, then the page from the walk (the last one short but
    # complete).
    assert [walks(seen) for _, seen in pages] == [[False, False, True]] * 3


@pytest.mark.usefixtures("gin_search", "walk_first")
def test_a_search_in_order_whose_matches_lie_past_the_walk_sorts_them_all(client, postgresql):
    category = make_category()
    for price in range(1, 4):
        make_product(category, title=f"Lamp {price}", price=price)
    for price in range(100, 100 + WALKED_PER_ROW + 5):
        make_product(category, title=f"Shade {price}", description="For any light.", price=price)
    first, seen = searched(client, "?search=lamp&ordering=-price&page_size=1")
    last, _ = searched(client, "?search=lamp&ordering=-price&page_size=1&page=3")
    # The walk of the first WALKED_PER_ROW products, all shades, found no lamp: a third
    # statement sorted the three lamps.
    assert (first, walks(seen)) == (["Lamp 3"], [False, False, True, False])
    assert last == ["Lamp 1"]


@pytest.mark.usefixtures("gin_search", "walk_first")
def test_a_search_in_order_finds_a_sku_among_the_first_products(client, postgresql):
    category = make_category()
    lamp = make_product(category, title="Desk lamp", price=5)
    make_product(category, title="Floor lamp", price=9)
    found, seen = searched(client, f"?search={lamp.variants[0].sku}&ordering=-price")
    assert (found, walks(seen)) == (["Desk lamp"], [False, False, True])


@pytest.mark.usefixtures("gin_search")
@pytest.mark.parametrize("ordering", ["-price", "title", "-average_rating", "category"])
def test_a_search_with_few_matches_in_a_large_catalogue_sorts_them_without_walking(
    client, postgresql, monkeypatch, ordering
):
    monkeypatch.setattr(search_order, "catalogue_size", lambda: 1_000_000)
    category = make_category()
    for price in range(1, 4):
        make_product(category, title=f"Lamp {price}", price=price)
    make_product(category, title="Shade", price=9)
    found, seen = searched(client, f"?search=lamp&ordering={ordering}&page_size=2")
    # Three matches sorted read three rows, where a walk would read a million / 3 per row.
    assert len(found) == 2 and not any(walks(seen)), seen


def test_words_shorter_than_three_letters_match_whole_words_only(client, postgresql):
    make_product(title="Wi-Fi router")
    make_product(title="Wide monitor")
    assert titles(client, "?search=wi") == ["Wi-Fi router"]
    assert titles(client, "?search=wid") == ["Wide monitor"]


@pytest.mark.parametrize("setting", ["rum", "gin"])
def test_a_search_in_price_order_breaks_ties_by_id_on_either_plan(
    app, client, postgresql, monkeypatch, setting
):
    if setting == "rum" and not db.session.scalar(
        text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_products_search_price'")
    ):
        pytest.skip("This PostgreSQL has no rum extension (postgresql-15-rum).")
    monkeypatch.setitem(app.config, "SEARCH_INDEX", setting)
    category = make_category()
    for n in range(6):
        make_product(category, title=f"Lamp {n}", price=Decimal(10 if n % 2 else 20))
    assert titles(client, "?search=lamp&ordering=-price&page_size=2&page=2") == [
        "Lamp 0",
        "Lamp 5",
    ]
    assert titles(client, "?search=lamp&ordering=price&page_size=4") == [
        "Lamp 1",
        "Lamp 3",
        "Lamp 5",
        "Lamp 0",
    ]
