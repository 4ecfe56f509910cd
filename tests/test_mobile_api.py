"""Small answers for mobile clients: sparse fieldsets on products, conditional reads of the
caller's cart and orders, compressed answers on the embedded default."""

import gzip
import json

import brotli
import pytest

import config
from tests.factories import (
    fill_cart,
    make_order,
    make_product,
    make_sized_product,
    production_env,
)
from tests.test_catalog_listing import QueryCounter

PRODUCTS = "/api/v1/products/"


# --- sparse fieldsets -------------------------------------------------------------------


def test_the_list_answers_only_the_fields_asked_for(client):
    product = make_product(title="Desk lamp", price="19.90")
    answer = client.get(f"{PRODUCTS}?fields=price,title,id,image")
    assert answer.status_code == 200
    body = answer.json
    assert set(body) == {"count", "count_is_estimate", "next", "previous", "results"}
    assert body["results"] == [
        {"id": product.id, "title": "Desk lamp", "price": "19.90", "image": None}
    ]


def test_a_page_link_keeps_the_fieldset(client):
    make_product()
    make_product()
    body = client.get(f"{PRODUCTS}?fields=id&page_size=1").json
    assert "fields=id" in body["next"]
    assert list(client.get(body["next"]).json["results"][0]) == ["id"]


@pytest.mark.parametrize("path", ["{id}/", "slug/{slug}/"])
def test_the_detail_answers_only_the_fields_asked_for(client, path):
    product = make_sized_product("S", "M")
    url = PRODUCTS + path.format(id=product.id, slug=product.slug)
    body = client.get(f"{url}?fields=variants,id").json
    assert list(body) == ["id", "variants"]
    assert [variant["label"] for variant in body["variants"]] == ["S", "M"]


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ("id,colour", "Unknown fields: `colour`."),
        ("id,variants,Title", "Unknown fields: `variants`, `Title`."),
        ("id,", "Name at least one field, and no empty name between commas."),
        ("", "Name at least one field, and no empty name between commas."),
    ],
)
def test_an_unknown_field_is_a_400_that_names_it(client, fields, said):
    make_product()
    answer = client.get(f"{PRODUCTS}?fields={fields}")
    assert answer.status_code == 400
    (message,) = answer.json["errors"]["query"]["fields"]
    assert message.startswith(said)


def test_a_detail_field_is_unknown_to_the_list_but_known_to_the_detail(client):
    product = make_product()
    assert client.get(f"{PRODUCTS}{product.id}/?fields=options").json == {"options": []}
    answer = client.get(f"{PRODUCTS}{product.id}/?fields=id,colour")
    assert "`colour`" in answer.json["errors"]["query"]["fields"][0]


def test_a_sparse_list_runs_the_statements_of_the_full_list(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "CACHE_ENABLED", False)
    make_product()
    with QueryCounter() as full:
        assert client.get(f"{PRODUCTS}?page_size=5").status_code == 200
    with QueryCounter() as sparse:
        assert client.get(f"{PRODUCTS}?page_size=5&fields=id,title").status_code == 200
    assert len(sparse) == len(full)


def test_fieldsets_in_any_order_share_one_cached_answer(client):
    make_product()
    first = client.get(f"{PRODUCTS}?fields=title,id")
    with QueryCounter() as statements:
        second = client.get(f"{PRODUCTS}?fields=id,title")
    assert statements == []
    assert second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    other = client.get(f"{PRODUCTS}?fields=id")
    assert other.headers["ETag"] != first.headers["ETag"]


# --- conditional reads of the caller's own -----------------------------------------------


def _conditional(client, url, headers):
    first = client.get(url, headers=headers)
    assert first.status_code == 200
    again = client.get(url, headers={**headers, "If-None-Match": first.headers["ETag"]})
    return first, again


def test_the_cart_answers_304_to_its_current_etag_privately(client, customer, auth_headers):
    fill_cart(customer, (make_product(), 1))
    headers = auth_headers(customer)
    first, again = _conditional(client, "/api/v1/cart/", headers)
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    for answer in (first, again):
        assert answer.cache_control.private and answer.cache_control.max_age == 0
        assert "Authorization" in answer.vary


def test_a_changed_cart_answers_its_new_body_to_the_old_etag(client, customer, auth_headers):
    product = make_product()
    fill_cart(customer, (product, 1))
    headers = auth_headers(customer)
    etag = client.get("/api/v1/cart/", headers=headers).headers["ETag"]
    fill_cart(customer, (product, 1))
    answer = client.get("/api/v1/cart/", headers={**headers, "If-None-Match": etag})
    assert answer.status_code == 200 and answer.json["items"][0]["quantity"] == 2
    assert answer.headers["ETag"] != etag


def test_an_order_answers_304_to_its_owner_and_404_to_others(
    client, customer, other_customer, auth_headers
):
    order = make_order(customer, (make_product(), 1))
    url = f"/api/v1/orders/{order.id}/"
    first, again = _conditional(client, url, auth_headers(customer))
    assert again.status_code == 304 and first.cache_control.private
    stranger = {**auth_headers(other_customer), "If-None-Match": first.headers["ETag"]}
    assert client.get(url, headers=stranger).status_code == 404


def test_the_document_lists_the_etag_the_304_and_if_none_match(client):
    document = client.get("/api/v1/schema/").json
    for path in ("/api/v1/cart/", "/api/v1/orders/{order_id}/"):
        operation = document["paths"][path]["get"]
        assert "304" in operation["responses"]
        assert "ETag" in operation["responses"]["200"]["headers"]
        names = [parameter.get("name") for parameter in operation["parameters"]]
        assert "If-None-Match" in names


# --- compression ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "decode"), [("gzip", gzip.decompress), ("br", brotli.decompress)]
)
def test_json_is_compressed_for_a_client_that_accepts_it(client, encoding, decode):
    for _ in range(5):
        make_product(description="A sturdy lamp for the desk. " * 5)
    plain = client.get(PRODUCTS)
    packed = client.get(PRODUCTS, headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.vary
    assert len(packed.data) < len(plain.data)
    assert json.loads(decode(packed.data)) == plain.json


def test_a_compressed_answer_still_answers_304_to_its_etag(client):
    make_product(description="words " * 200)
    first = client.get(PRODUCTS, headers={"Accept-Encoding": "gzip"})
    again = client.get(
        PRODUCTS, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_the_app_compresses_except_in_production_behind_nginx():
    assert config.TestingConfig({}).COMPRESS_RESPONSES is True
    assert config.ProductionConfig(production_env()).COMPRESS_RESPONSES is False
    assert config.ProductionConfig(production_env(COMPRESS_RESPONSES="true")).COMPRESS_RESPONSES
