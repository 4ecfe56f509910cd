"""Catalog reads are cached; every write that changes what they show makes them fresh."""

import os

import pytest

import config
from ecom import create_app
from ecom.catalog import services as catalog
from ecom.orders import services as orders
from ecom.reviews import services as reviews
from tests.factories import fill_cart, make_address, make_category, make_product
from tests.test_cache import statements

LIST = "/api/v1/products/"


@pytest.mark.usefixtures("redis_alive")
def test_a_repeated_product_list_runs_no_sql(client):
    make_product(title="Lamp")
    first = client.get(LIST + "?search=lamp")
    with statements() as seen:
        second = client.get(LIST + "?search=lamp")
    assert second.json == first.json and first.json["count"] == 1
    assert seen == []


@pytest.mark.usefixtures("redis_alive")
def test_a_repeated_product_detail_and_category_tree_run_no_sql(client):
    product = make_product()
    for url in (f"/api/v1/products/{product.id}/", "/api/v1/categories/tree/"):
        client.get(url)
        with statements() as seen:
            assert client.get(url).status_code == 200
        assert seen == [], url


def test_a_product_update_shows_on_the_next_list_and_detail(client):
    product = make_product(price="10.00")
    client.get(LIST)
    client.get(f"/api/v1/products/{product.id}/")
    catalog.update_product(product.id, {"price": "12.50"})
    assert client.get(LIST).json["results"][0]["price"] == "12.50"
    assert client.get(f"/api/v1/products/{product.id}/").json["price"] == "12.50"


def test_a_checkout_shows_the_new_stock_and_a_cancellation_the_old(client, customer):
    product = make_product(stock=5)
    make_address(customer)
    fill_cart(customer, (product, 2))
    assert client.get(LIST).json["results"][0]["stock_quantity"] == 5
    order, _ = orders.checkout(customer)
    assert client.get(LIST).json["results"][0]["stock_quantity"] == 3
    orders.cancel_own_order(customer, order.id)
    assert client.get(LIST).json["results"][0]["stock_quantity"] == 5


def test_a_review_shows_the_new_rating_on_the_cached_detail(client, customer):
    product = make_product()
    url = f"/api/v1/products/{product.id}/"
    assert client.get(url).json["reviews_count"] == 0
    reviews.create_review(customer, product_id=product.id, rating=4, comment="Good.")
    assert client.get(url).json["reviews_count"] == 1


def test_a_category_rename_shows_in_the_tree_and_the_product_list(client):
    category = make_category("Lamps")
    make_product(category)
    client.get("/api/v1/categories/tree/")
    client.get(LIST)
    catalog.update_category(category.id, {"name": "Lights"})
    assert client.get("/api/v1/categories/tree/").json[0]["name"] == "Lights"
    assert client.get(LIST).json["results"][0]["category_name"] == "Lights"


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
        client.get(LIST)
        with statements() as seen:
            assert client.get(LIST).json["count"] == 1
        assert seen


def test_the_cache_is_on_unless_turned_off():
    assert config.TestingConfig({}).CACHE_ENABLED is True
    assert config.TestingConfig({"CACHE_ENABLED": "false"}).CACHE_ENABLED is False
