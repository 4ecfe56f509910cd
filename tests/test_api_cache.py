"""The public reads are cached, and every write that changes them shows on the next read;
stock changes show once the stock TTL has passed.

Runs in every pass: on SQLite with the file cache, on PostgreSQL with Redis, and
with Redis down (the reads then come from the database; only the no-SQL proofs skip).
"""

import os
import time
from io import BytesIO

import pytest
from PIL import Image

import config
from ecom import create_app
from ecom.catalog import images
from ecom.reviews import services as reviews
from tests.factories import (
    fill_cart,
    make_address,
    make_category,
    make_product,
    make_user,
    statements,
)

PRODUCTS = "/api/v1/products/"
CATEGORIES = "/api/v1/categories/"
REVIEWS = "/api/v1/reviews/"
ORDERS = "/api/v1/orders/"


def product_url(product) -> str:
    return f"{PRODUCTS}{product.id}/"


def listed_titles(client, headers=None) -> list[str]:
    return [p["title"] for p in client.get(PRODUCTS, headers=headers or {}).json["results"]]


@pytest.fixture
def phone():
    return make_product(make_category("Phones"), title="Phone", stock=5, price="100.00")


@pytest.fixture
def public_reads(phone, customer) -> list[str]:
    """One URL of each cached public read, all filled with data."""
    review = reviews.create_review(customer, product_id=phone.id, rating=4, comment="Good.")
    return [
        PRODUCTS,
        f"{PRODUCTS}?ordering=price&in_stock=true",
        product_url(phone),
        f"{PRODUCTS}slug/{phone.slug}/",
        CATEGORIES,
        f"{CATEGORIES}{phone.category_id}/",
        f"{CATEGORIES}tree/",
        f"{REVIEWS}?product={phone.id}",
        f"{REVIEWS}{review.id}/",
    ]


# --- served from the cache -------------------------------------------------------------


@pytest.mark.usefixtures("redis_alive")
def test_a_repeated_product_list_request_runs_no_sql(client, phone):
    first = client.get(PRODUCTS)
    with statements() as seen:
        again = client.get(PRODUCTS)
    assert again.status_code == 200
    assert again.json == first.json and again.json["count"] == 1
    assert seen == []


@pytest.mark.usefixtures("redis_alive")
def test_every_public_read_runs_no_sql_when_repeated(client, public_reads):
    for url in public_reads:
        first = client.get(url)
        assert first.status_code == 200, url
        with statements() as seen:
            again = client.get(url)
        assert (url, again.json, seen) == (url, first.json, [])


def test_customers_share_the_anonymous_body(client, phone, customer, other_customer, auth_headers):
    anonymous = client.get(PRODUCTS).headers["ETag"]
    assert client.get(PRODUCTS, headers=auth_headers(customer)).headers["ETag"] == anonymous
    assert client.get(PRODUCTS, headers=auth_headers(other_customer)).headers["ETag"] == anonymous


# --- writes show on the next read ------------------------------------------------------


def test_a_product_update_is_visible_on_the_next_read(client, phone, staff, auth_headers):
    assert client.get(product_url(phone)).json["price"] == "100.00"
    assert client.get(PRODUCTS).json["results"][0]["price"] == "100.00"

    response = client.patch(
        product_url(phone), json={"price": "79.90"}, headers=auth_headers(staff)
    )

    assert response.status_code == 200
    assert client.get(product_url(phone)).json["price"] == "79.90"
    assert client.get(PRODUCTS).json["results"][0]["price"] == "79.90"
    assert client.get(f"{PRODUCTS}slug/{phone.slug}/").json["price"] == "79.90"


def test_a_new_and_a_deleted_product_show_in_the_list_at_once(client, phone, staff, auth_headers):
    assert listed_titles(client) == ["Phone"]
    created = client.post(
        PRODUCTS,
        json={"title": "Case", "price": "9.00", "category": phone.category_id},
        headers=auth_headers(staff),
    )
    assert created.status_code == 201
    assert listed_titles(client) == ["Case", "Phone"]

    assert client.delete(product_url(phone), headers=auth_headers(staff)).status_code == 204

    assert listed_titles(client) == ["Case"]
    assert client.get(product_url(phone)).status_code == 404


def test_a_remembered_product_count_is_recounted_after_a_product_write(
    app, client, phone, monkeypatch
):
    monkeypatch.setitem(app.config, "CATALOG_COUNT_CACHE_MIN", 1)
    assert client.get(f"{PRODUCTS}?page_size=1").json["count"] == 1

    make_product(title="Case")

    assert client.get(f"{PRODUCTS}?page_size=1&page=2").json["count"] == 2


def test_an_uploaded_image_shows_on_the_next_read(
    app, client, phone, staff, auth_headers, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path))
    assert client.get(product_url(phone)).json["image"] is None
    png = BytesIO()
    Image.new("RGB", (4, 4), "blue").save(png, "PNG")

    response = client.post(
        f"{product_url(phone)}image/",
        data={"image": (BytesIO(png.getvalue()), "blue.png")},
        headers=auth_headers(staff),
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    assert client.get(product_url(phone)).json["image"] == response.json["image"]
    images.delete_product_image(phone.id)
    assert client.get(product_url(phone)).json["image"] is None


def test_a_category_rename_shows_in_categories_and_products(client, phone, staff, auth_headers):
    category_url = f"{CATEGORIES}{phone.category_id}/"
    assert client.get(category_url).json["name"] == "Phones"
    assert client.get(product_url(phone)).json["category_name"] == "Phones"

    renamed = client.patch(category_url, json={"name": "Mobiles"}, headers=auth_headers(staff))

    assert renamed.status_code == 200
    assert client.get(category_url).json["name"] == "Mobiles"
    assert client.get(f"{CATEGORIES}tree/").json[0]["name"] == "Mobiles"
    assert [c["name"] for c in client.get(CATEGORIES).json["results"]] == ["Mobiles"]
    assert client.get(product_url(phone)).json["category_name"] == "Mobiles"


@pytest.fixture
def stock_ttl(app, monkeypatch) -> float:
    """A one-second stock lag; returns how long to wait for it to pass."""
    monkeypatch.setitem(app.config, "STOCK_CACHE_SECONDS", 1)
    return 1.5


def shown_stock(client, product) -> tuple[int, bool, int]:
    body = client.get(product_url(product)).json
    return (
        body["stock_quantity"],
        body["in_stock"],
        client.get(f"{PRODUCTS}?in_stock=true").json["count"],
    )


@pytest.mark.usefixtures("redis_alive")
def test_a_checkout_keeps_cached_product_reads(client, phone, customer, auth_headers):
    make_address(customer)
    assert shown_stock(client, phone) == (5, True, 1)
    fill_cart(customer, (phone, 5))

    placed = client.post(ORDERS, json={}, headers=auth_headers(customer))

    assert placed.status_code == 201
    assert shown_stock(client, phone) == (5, True, 1)


def test_the_stock_a_checkout_took_shows_after_the_stock_ttl(
    client, phone, customer, auth_headers, stock_ttl
):
    make_address(customer)
    assert shown_stock(client, phone) == (5, True, 1)
    fill_cart(customer, (phone, 5))

    placed = client.post(ORDERS, json={}, headers=auth_headers(customer))
    time.sleep(stock_ttl)

    assert placed.status_code == 201
    assert shown_stock(client, phone) == (0, False, 0)


@pytest.mark.usefixtures("redis_alive")
def test_a_checkout_never_trusts_the_stock_a_cached_read_shows(
    client, phone, customer, other_customer, auth_headers
):
    for buyer in (customer, other_customer):
        make_address(buyer)
        fill_cart(buyer, (phone, 5))
    assert client.get(product_url(phone)).json["stock_quantity"] == 5
    assert client.post(ORDERS, json={}, headers=auth_headers(customer)).status_code == 201
    assert client.get(product_url(phone)).json["stock_quantity"] == 5

    refused = client.post(ORDERS, json={}, headers=auth_headers(other_customer))

    assert refused.status_code == 409
    assert client.get(product_url(phone)).json["stock_quantity"] == 5


@pytest.mark.parametrize("by", ["customer", "staff"])
def test_a_cancel_that_restocks_shows_after_the_stock_ttl(
    client, phone, customer, staff, auth_headers, by, stock_ttl
):
    make_address(customer)
    fill_cart(customer, (phone, 2))
    order_id = client.post(ORDERS, json={}, headers=auth_headers(customer)).json["id"]
    assert client.get(product_url(phone)).json["stock_quantity"] == 3

    if by == "customer":
        cancelled = client.post(
            f"{ORDERS}{order_id}/cancel/", json={}, headers=auth_headers(customer)
        )
    else:
        cancelled = client.patch(
            f"{ORDERS}{order_id}/", json={"status": "cancelled"}, headers=auth_headers(staff)
        )

    assert cancelled.status_code == 200
    time.sleep(stock_ttl)
    assert client.get(product_url(phone)).json["stock_quantity"] == 5


def test_a_new_review_is_visible_on_the_next_read(client, phone, customer, auth_headers):
    reviews_of_phone = f"{REVIEWS}?product={phone.id}"
    assert client.get(reviews_of_phone).json["count"] == 0
    assert client.get(product_url(phone)).json["reviews_count"] == 0

    written = client.post(
        REVIEWS,
        json={"product": phone.id, "rating": 5, "comment": "Great."},
        headers=auth_headers(customer),
    )

    assert written.status_code == 201
    assert [r["comment"] for r in client.get(reviews_of_phone).json["results"]] == ["Great."]
    product = client.get(product_url(phone)).json
    assert (product["reviews_count"], product["average_rating"]) == (1, "5.0")


def test_review_edits_moderation_and_deletion_show_on_the_next_read(
    client, phone, customer, auth_headers
):
    review = reviews.create_review(customer, product_id=phone.id, rating=2, comment="Meh.")
    review_url = f"{REVIEWS}{review.id}/"
    assert client.get(review_url).json["rating"] == 2

    edited = client.patch(
        review_url, json={"rating": 4, "comment": "Better."}, headers=auth_headers(customer)
    )
    assert edited.status_code == 200
    assert client.get(review_url).json["rating"] == 4
    assert client.get(product_url(phone)).json["average_rating"] == "4.0"

    reviews.set_visibility(review.id, False)
    assert client.get(review_url).status_code == 404
    assert client.get(REVIEWS).json["count"] == 0
    assert client.get(product_url(phone)).json["reviews_count"] == 0

    reviews.set_visibility(review.id, True)
    assert client.get(REVIEWS).json["count"] == 1
    assert client.delete(review_url, headers=auth_headers(customer)).status_code == 204
    assert client.get(review_url).status_code == 404
    assert client.get(product_url(phone)).json["average_rating"] is None


# --- visibility -----------------------------------------------------------------------


@pytest.mark.parametrize("staff_first", [True, False])
def test_staff_and_anonymous_callers_never_share_a_cached_body(
    client, phone, staff, auth_headers, staff_first
):
    hidden = make_product(title="Prototype", is_active=False)
    as_staff = auth_headers(staff)
    reads = [(None, ["Phone"], 404), (as_staff, ["Prototype", "Phone"], 200)]
    if staff_first:
        reads.reverse()
    for _ in range(2):
        for headers, titles, detail_status in reads:
            assert listed_titles(client, headers) == titles
            detail = client.get(product_url(hidden), headers=headers or {})
            assert detail.status_code == detail_status


def test_a_hidden_review_shown_to_its_author_is_never_served_to_anybody_else(
    client, phone, customer, auth_headers
):
    review = reviews.create_review(customer, product_id=phone.id, rating=1, comment="Bad.")
    reviews.set_visibility(review.id, False)
    review_url = f"{REVIEWS}{review.id}/"

    mine = client.get(review_url, headers=auth_headers(customer))

    assert mine.status_code == 200 and "ETag" not in mine.headers
    assert "private" in mine.headers["Cache-Control"]
    assert client.get(review_url).status_code == 404
    stranger = make_user("customer")
    assert client.get(review_url, headers=auth_headers(stranger)).status_code == 404


# --- revalidation ---------------------------------------------------------------------


def test_the_product_list_answers_304_to_its_current_etag(client, phone):
    etag = client.get(PRODUCTS).headers["ETag"]

    response = client.get(PRODUCTS, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.data == b""


def test_after_a_product_update_the_old_etag_gets_the_new_list(client, phone, staff, auth_headers):
    etag = client.get(PRODUCTS).headers["ETag"]
    client.patch(product_url(phone), json={"title": "Phone 2"}, headers=auth_headers(staff))

    response = client.get(PRODUCTS, headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response.json["results"][0]["title"] == "Phone 2"
    assert response.headers["ETag"] != etag


@pytest.mark.usefixtures("redis_alive")
@pytest.mark.committed  # a second app, with an engine of its own
def test_with_the_cache_disabled_every_read_goes_to_the_database(app):
    env = {
        **os.environ,
        "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CACHE_ENABLED": "false",
    }
    uncached = create_app(config.TestingConfig(env))
    with uncached.app_context():
        make_product()
        client = uncached.test_client()
        client.get(PRODUCTS)
        with statements() as seen:
            assert client.get(PRODUCTS).json["count"] == 1
        assert seen


def test_the_cache_is_on_unless_turned_off():
    assert config.TestingConfig({}).CACHE_ENABLED is True
    assert config.TestingConfig({"CACHE_ENABLED": "false"}).CACHE_ENABLED is False
