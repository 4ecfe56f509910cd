"""The product list: filters, search, ordering and pagination as the seed's examples use them."""

from decimal import Decimal

import pytest
from sqlalchemy import event

from ecom.extensions import db
from tests.factories import SAVEPOINT_STATEMENTS, make_category, make_product

PRODUCTS = "/api/v1/products/"

# (title, category, price, stock) in creation order: 25 products in a 3-level tree.
CATALOG = [
    ("iPhone 15 Pro", "smartphones", "999.00", 5),
    ("iPhone 15", "smartphones", "799.00", 5),
    ("Galaxy S24 Pro", "smartphones", "899.00", 5),
    ("Pixel 9", "smartphones", "699.00", 5),
    ("Moto G", "smartphones", "199.00", 5),
    ("Phone Case Pro", "phones", "29.00", 5),
    ("Charger", "phones", "19.00", 5),
    ("MacBook Pro", "laptops", "1999.00", 5),
    ("ThinkPad X1", "laptops", "1499.00", 5),
    ("Chromebook", "laptops", "349.00", 5),
    ("Laptop Stand Pro", "laptops", "49.00", 5),
    ("USB Cable", "electronics", "9.00", 5),
    ("Headphones Pro", "electronics", "299.00", 0),
    *[(f"Cookbook {n}", "books", f"{20 + n}.00", 5) for n in range(1, 6)],
    *[(f"Novel {n}", "fiction", f"{10 + n}.00", 5) for n in range(1, 8)],
]
ELECTRONICS = [row[0] for row in CATALOG[:13]]


@pytest.fixture
def catalog():
    """The CATALOG products, by title, under Electronics > Phones > Smartphones, etc."""
    electronics = make_category("Electronics")
    phones = make_category("Phones", parent=electronics)
    books = make_category("Books")
    categories = {
        "electronics": electronics,
        "phones": phones,
        "smartphones": make_category("Smartphones", parent=phones),
        "laptops": make_category("Laptops", parent=electronics),
        "books": books,
        "fiction": make_category("Fiction", parent=books),
    }
    return {
        title: make_product(
            categories[category], title=title, price=Decimal(price), stock_quantity=stock
        )
        for title, category, price, stock in CATALOG
    }


def titles(client, query: str = "", **kwargs) -> list[str]:
    response = client.get(PRODUCTS + query, **kwargs)
    assert response.status_code == 200, response.json
    return [product["title"] for product in response.json["results"]]


def test_the_default_order_is_newest_first(client, catalog):
    assert titles(client, "?page_size=100") == [row[0] for row in reversed(CATALOG)]


def test_a_top_category_includes_every_descendant(client, catalog):
    by_slug = titles(client, "?category=electronics&page_size=100")
    assert sorted(by_slug) == sorted(ELECTRONICS)
    electronics_id = catalog["USB Cable"].category_id
    assert titles(client, f"?category={electronics_id}&page_size=100") == by_slug
    assert sorted(titles(client, "?category=phones")) == sorted(ELECTRONICS[:7])


def test_an_unknown_category_matches_nothing(client, catalog):
    assert titles(client, "?category=garden") == []


def test_price_range_is_inclusive(client, catalog):
    found = titles(client, "?price_min=100&price_max=500&ordering=price")
    assert found == ["Moto G", "Headphones Pro", "Chromebook"]
    assert titles(client, "?price_min=999&price_max=999") == ["iPhone 15 Pro"]


def test_a_price_range_upside_down_matches_nothing(client, catalog):
    assert titles(client, "?price_min=500&price_max=100") == []


def test_search_matches_title_case_insensitively(client, catalog):
    assert titles(client, "?search=iphone&ordering=title") == ["iPhone 15", "iPhone 15 Pro"]
    assert titles(client, "?search=IPHONE&ordering=title") == ["iPhone 15", "iPhone 15 Pro"]


def test_search_also_matches_the_description(client):
    make_product(title="Leather case", description="Fits the iPhone 15.")
    assert titles(client, "?search=iphone") == ["Leather case"]


def test_filters_combine(client, catalog):
    found = titles(client, "?category=electronics&price_max=1000&search=pro&ordering=-price")
    assert found == [
        "iPhone 15 Pro",
        "Galaxy S24 Pro",
        "Headphones Pro",
        "Laptop Stand Pro",
        "Phone Case Pro",
    ]


def test_in_stock_filters_both_ways(client, catalog):
    assert titles(client, "?in_stock=false") == ["Headphones Pro"]
    assert "Headphones Pro" not in titles(client, "?in_stock=true&page_size=100")
    assert len(titles(client, "?in_stock=true&page_size=100")) == 24


def test_ordering_by_descending_price(client, catalog):
    expected = [row[0] for row in sorted(CATALOG, key=lambda row: -Decimal(row[2]))]
    assert titles(client, "?ordering=-price&page_size=100") == expected


def test_ordering_by_category_then_descending_price(client, catalog):
    found = titles(client, "?ordering=category,-price&page_size=100")
    products = [catalog[title] for title in found]
    keys = [(p.category_id, -p.price) for p in products]
    assert keys == sorted(keys)
    assert found[:2] == ["Headphones Pro", "USB Cable"]  # Electronics is category 1


def test_ties_are_broken_by_id_so_pages_never_overlap(client):
    category = make_category()
    made = [make_product(category, price=Decimal("5.00")).id for _ in range(7)]
    pages = [
        [
            p["id"]
            for p in client.get(f"{PRODUCTS}?ordering=price&page_size=3&page={n}").json["results"]
        ]
        for n in (1, 2, 3)
    ]
    assert sum(pages, []) == sorted(made)


def test_pages_hold_the_right_items_and_link_absolutely(client, catalog):
    newest_first = [row[0] for row in reversed(CATALOG)]
    first = client.get(f"{PRODUCTS}?page_size=10").json
    assert first["count"] == 25 and first["previous"] is None
    assert [p["title"] for p in first["results"]] == newest_first[:10]
    assert first["next"] == "http://localhost/api/v1/products/?page_size=10&page=2"

    second = client.get(first["next"]).json
    assert [p["title"] for p in second["results"]] == newest_first[10:20]
    assert [p["title"] for p in client.get(second["previous"]).json["results"]] == (
        newest_first[:10]
    )
    assert titles(client, "?page=2&page_size=10") == newest_first[10:20]
    third = client.get(second["next"]).json
    assert len(third["results"]) == 5 and third["next"] is None


def test_the_default_page_holds_20(client, catalog):
    assert len(titles(client, "?page=1")) == 20
    assert len(titles(client, "?page=2")) == 5
    assert client.get(f"{PRODUCTS}?page=3").status_code == 404


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?ordering=colour", "ordering"),
        ("?ordering=price,-bogus", "ordering"),
        ("?price_min=abc", "price_min"),
        ("?price_min=1e1000000", "price_min"),
        ("?price_min=1_000", "price_min"),
        ("?price_min=%EF%BC%95", "price_min"),
        ("?price_max=NaN", "price_max"),
        ("?in_stock=maybe", "in_stock"),
        ("?page_size=1000", "page_size"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, query, parameter):
    response = client.get(PRODUCTS + query)
    assert response.status_code == 400
    assert parameter in response.json["errors"]["query"]


def test_the_openapi_document_lists_every_filter(client):
    spec = client.get("/api/v1/schema/").json
    parameters = {p["name"]: p for p in spec["paths"]["/api/v1/products/"]["get"]["parameters"]}
    expected = {"category", "price_min", "price_max", "in_stock", "is_active", "search"}
    assert expected | {"ordering", "page", "page_size"} <= set(parameters)
    assert parameters["in_stock"]["schema"]["type"] == "boolean"
    assert "-price" not in parameters["ordering"]["description"]
    assert "`average_rating`" in parameters["ordering"]["description"]


class QueryCounter:
    """``with QueryCounter() as statements:`` collects the SQL statements run inside,
    from an empty session as a real request starts with."""

    def __enter__(self) -> list[str]:
        db.session.remove()
        self.statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", self.record)
        return self.statements

    def __exit__(self, *exc) -> None:
        event.remove(db.engine, "before_cursor_execute", self.record)

    def record(self, conn, cursor, statement, *args) -> None:
        if not statement.startswith(SAVEPOINT_STATEMENTS):
            self.statements.append(statement)


def test_listing_100_products_costs_as_many_queries_as_listing_1(client, staff, auth_headers):
    category = make_category()
    make_product(category)
    page = f"?page_size=100&category={category.slug}"
    headers = auth_headers(staff)
    with QueryCounter() as one:
        assert len(titles(client, page, headers=headers)) == 1
    for _ in range(99):
        make_product(make_category(parent=category), average_rating=Decimal("4.5"))
    with QueryCounter() as hundred:
        assert len(titles(client, page, headers=headers)) == 100
    assert len(hundred) == len(one)


@pytest.fixture
def remember_every_count(app, monkeypatch):
    monkeypatch.setitem(app.config, "CATALOG_COUNT_CACHE_MIN", 1)


@pytest.mark.usefixtures("redis_alive")
def test_large_counts_are_not_recounted_on_every_page(client, remember_every_count):
    category = make_category()
    for _ in range(3):
        make_product(category)
    with QueryCounter() as first:
        assert client.get(f"{PRODUCTS}?page_size=2&search=product").json["count"] == 3
    with QueryCounter() as second:
        assert client.get(f"{PRODUCTS}?page_size=2&search=product&page=2").json["count"] == 3
    assert len(second) == 1 < len(first)  # the page alone: the count is remembered
    with QueryCounter() as other_filter:
        assert (
            client.get(f"{PRODUCTS}?page_size=2&search=product&in_stock=false").json["count"] == 0
        )
    assert len(other_filter) == len(first)


def test_unrated_products_come_last_when_ordering_by_rating(client):
    category = make_category()
    unrated = make_product(category, title="Unrated")
    make_product(category, title="Good", average_rating=Decimal("4.0"))
    make_product(category, title="Best", average_rating=Decimal("4.8"))
    assert unrated.average_rating is None
    assert titles(client, "?ordering=-average_rating") == ["Best", "Good", "Unrated"]
    assert titles(client, "?ordering=average_rating") == ["Good", "Best", "Unrated"]


def test_an_underscore_in_a_search_is_not_a_wildcard(client):
    make_product(title="usb_c adapter")
    make_product(title="usbxc adapter")
    assert titles(client, "?search=usb_c") == ["usb_c adapter"]
