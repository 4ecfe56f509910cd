"""The front door: ``/`` and ``/api/v1/`` answer links to the documents and the back office."""

import pytest

from config import Config


@pytest.mark.parametrize("path", ["/", "/api/v1/"])
def test_the_roots_answer_links_to_the_docs_the_schema_and_the_back_office(client, path):
    response = client.get(path)

    assert response.status_code == 200
    links = response.get_json()
    assert links["docs"] == "/api/v1/docs/"
    assert links["back_office"] == "/admin/"
    for name in ("docs", "redoc", "schema", "health"):
        assert client.get(links[name]).status_code == 200, name


def test_the_api_root_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/schema/").get_json()["paths"]

    assert "get" in paths["/api/v1/"]


def test_the_shop_url_follows_the_port_and_host_make_run_serves_on():
    assert Config({}).SHOP_URL == "http://127.0.0.1:8000"
    assert Config({"PORT": "8001"}).SHOP_URL == "http://127.0.0.1:8001"
    assert Config({"HOST": "0.0.0.0", "PORT": "9000"}).SHOP_URL == "http://127.0.0.1:9000"
    assert Config({"PORT": "8001", "SHOP_URL": "https://shop.example/"}).SHOP_URL == (
        "https://shop.example"
    )
