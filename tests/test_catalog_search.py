"""Full-text search on PostgreSQL: prefixes, ranking, and the GIN index behind it."""

from decimal import Decimal

import pytest
from sqlalchemy import text

from ecom.catalog.listing import products_query
from ecom.extensions import db
from tests.factories import make_product

PRODUCTS = "/api/v1/products/"


@pytest.fixture
def postgresql():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("Full-text search runs on PostgreSQL (the PostgreSQL + Redis pass).")


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


def test_search_uses_the_gin_index(postgresql):
    compiled = products_query({"search": "iph"}, include_inactive=True).compile(db.engine)
    connection = db.session.connection()
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
    )
    assert "ix_products_search_vector" in plan
