"""The product list's performance contract: bounded counts, the page window, cursor pages,
and a fixed number of statements per list (docs/API.md, "Pagination")."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import text, update

from ecom.catalog.models import Product
from ecom.common import pagination
from ecom.common.pagination import MAX_PAGE
from ecom.extensions import db
from tests.factories import make_category, make_product, statements

PRODUCTS = "/api/v1/products/"


@pytest.fixture
def limits(app, monkeypatch):
    """Exact counts up to 5."""
    monkeypatch.setitem(app.config, "EXACT_COUNT_LIMIT", 5)


@pytest.fixture
def products():
    category = make_category("Shelf")
    return [make_product(category, title=f"Item {n}").id for n in range(9)]


def cursor_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["cursor"][0]


def test_a_count_within_the_limit_is_exact(client, limits, products):
    small = make_category("Small")
    for n in range(5):
        make_product(small, title=f"Small {n}")

    body = client.get(f"{PRODUCTS}?category=small").json

    assert (body["count"], body["count_is_estimate"]) == (5, False)


def test_a_count_above_the_limit_is_the_estimate_on_postgresql_and_next_keeps_working(
    client, limits, products
):
    first = client.get(f"{PRODUCTS}?page_size=2").json

    if db.engine.dialect.name == "postgresql":
        assert first["count_is_estimate"] is True
        assert first["count"] > 5
    else:
        assert (first["count"], first["count_is_estimate"]) == (9, False)
    second = client.get(first["next"]).json
    assert len(second["results"]) == 2
    assert not {p["id"] for p in first["results"]} & {p["id"] for p in second["results"]}


def analysed() -> None:
    """The planner's statistics of the products as they stand."""
    db.session.commit()
    db.session.execute(text("ANALYZE products"))
    db.session.commit()


def postgresql_only() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("The planner's estimates are PostgreSQL's (the PostgreSQL + Redis pass).")


def test_a_search_the_planner_expects_to_match_many_is_not_counted(
    client, app, limits, products, monkeypatch
):
    postgresql_only()
    # Any estimate is above this limit.
    monkeypatch.setitem(app.config, "COUNTED_ESTIMATE_LIMIT", 0)

    with statements() as seen:
        first = client.get(f"{PRODUCTS}?search=item&page_size=4").json

    # However low the estimate, a full page links to the next one.
    assert (first["count_is_estimate"], len(first["results"])) == (True, 4)
    assert first["next"]
    assert len(seen) == 2  # the estimate, the page: no count
    assert not any("count(" in statement.lower() for statement in seen)
    last = client.get(f"{PRODUCTS}?search=item&page_size=4&page=3").json
    assert (len(last["results"]), last["count"], last["count_is_estimate"]) == (1, 9, False)


def test_a_short_page_makes_an_estimated_count_exact(client, limits, products):
    postgresql_only()
    assert client.get(f"{PRODUCTS}?page_size=4").json["count_is_estimate"] is True

    last = client.get(f"{PRODUCTS}?page_size=4&page=3").json

    assert (last["count"], last["count_is_estimate"], last["next"]) == (9, False, None)


def test_a_page_past_the_end_of_an_overestimated_list_is_a_404(client, app, products, monkeypatch):
    postgresql_only()
    monkeypatch.setitem(app.config, "EXACT_COUNT_LIMIT", 2)
    analysed()
    db.session.execute(update(Product).where(Product.id.in_(products[3:])).values(is_active=False))
    db.session.commit()
    # The statistics still count nine active products; three are.
    first = client.get(f"{PRODUCTS}?page_size=2").json
    assert first["count"] > 3 and first["count_is_estimate"] is True

    last = client.get(f"{PRODUCTS}?page_size=2&page=2").json
    assert (last["count"], last["count_is_estimate"], last["next"]) == (3, False, None)
    beyond = client.get(f"{PRODUCTS}?page_size=2&page=3")
    assert (beyond.status_code, beyond.json["code"]) == (404, "invalid_page")


def test_a_page_number_past_the_window_is_a_400_that_points_to_the_cursor(client, products):
    beyond = client.get(f"{PRODUCTS}?page={MAX_PAGE + 1}")

    assert beyond.status_code == 400
    assert "cursor=" in beyond.json["errors"]["query"]["page"][0]


def test_the_last_page_number_links_no_further(client, products, monkeypatch):
    monkeypatch.setattr(pagination, "MAX_PAGE", 2)

    last = client.get(f"{PRODUCTS}?page_size=2&page=2").json

    assert len(last["results"]) == 2
    assert last["next"] is None


def test_cursor_pages_walk_every_product_once_in_id_order(client, limits, products):
    seen, link = [], f"{PRODUCTS}?cursor=&page_size=2"
    while link:
        body = client.get(link).json
        seen += [p["id"] for p in body["results"]]
        assert body["previous"] is None
        link = body["next"]

    assert seen == sorted(products)


def test_cursor_pages_keep_the_filters(client, products):
    other = make_product(make_category("Other"), title="Elsewhere")
    body = client.get(f"{PRODUCTS}?cursor=&category=shelf&page_size=5").json
    following = client.get(body["next"]).json

    walked = [p["id"] for p in body["results"] + following["results"]]
    assert walked == sorted(products)
    assert other.id not in walked
    assert "category=shelf" in body["next"]


@pytest.mark.parametrize("cursor", ["bm90IGEgY3Vyc29y", "-1", "1.5", "1" * 19])
def test_a_cursor_that_is_not_ours_is_a_400(client, products, cursor):
    response = client.get(f"{PRODUCTS}?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json["errors"]["query"]


def test_cursor_pages_ignore_ordering(client, products):
    walked = client.get(f"{PRODUCTS}?cursor=&ordering=-price&page_size=3").json["results"]
    assert [p["id"] for p in walked] == sorted(products)[:3]


@pytest.mark.parametrize("how_many", [3, 30])
def test_a_list_page_costs_two_statements_whatever_it_shows(client, how_many):
    category = make_category()
    for n in range(how_many):
        make_product(category, title=f"Thing {n}")

    with statements() as seen:
        response = client.get(f"{PRODUCTS}?ordering=price&page_size=25")

    assert response.status_code == 200
    assert len(seen) == 2  # the count, the page (category and rating come with the rows)


def test_a_list_past_the_exact_count_costs_three_statements(client, limits, products):
    with statements() as seen:
        response = client.get(f"{PRODUCTS}?ordering=-price")

    assert response.status_code == 200
    assert len(seen) == 3  # the bounded count, the estimate (elsewhere a full count), the page


def test_a_moved_category_leaves_its_old_parents_filter_at_once(client, staff, auth_headers):
    books, toys = make_category("Books"), make_category("Toys")
    novels = make_category("Novels", parent=books)
    make_product(novels, title="A novel")
    assert [p["title"] for p in client.get(f"{PRODUCTS}?category=books").json["results"]] == [
        "A novel"
    ]

    moved = client.patch(
        f"/api/v1/categories/{novels.id}/", json={"parent": toys.id}, headers=auth_headers(staff)
    )

    assert moved.status_code == 200
    assert client.get(f"{PRODUCTS}?category=books").json["results"] == []
    assert client.get(f"{PRODUCTS}?category={toys.id}").json["count"] == 1


def test_a_count_asked_for_more_rows_counts_them_and_stays_an_estimate_above_the_limit(
    app, limits, products
):
    # A search's choice between walking its order and sorting its matches asks whether
    # there are that many (``at_least``); the count says no more than the limit exactly.
    query = Product.__table__.select()
    with app.test_request_context():
        counted = pagination.count_rows(query, at_least=8)
    postgresql = db.engine.dialect.name == "postgresql"
    assert counted.total >= 9 and counted.estimated == postgresql
