"""The response cache keeps one entry per scheme: its answers hold absolute links."""

import os

import pytest

import config
from ecom import create_app
from tests.factories import make_product

PAGE = "/api/v1/products/?page_size=1"


@pytest.mark.usefixtures("redis_alive")
@pytest.mark.committed  # a second app (behind one trusted proxy), with an engine of its own
def test_http_and_https_callers_each_get_their_own_links_from_the_cache(app):
    env = {
        **os.environ,
        "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CACHE_DIR": app.config["CACHE_DIR"],
        "TRUSTED_PROXIES": "1",
    }
    proxied = create_app(config.TestingConfig(env))
    with proxied.app_context():
        make_product()
        make_product()
        client = proxied.test_client()
        # Each scheme twice (a miss, then a hit), http again after https had its entry.
        schemes = ["http", "http", "https", "https", "http"]
        links = [
            client.get(PAGE, headers={"X-Forwarded-Proto": scheme}).json["next"]
            for scheme in schemes
        ]

    assert [link.split("://")[0] for link in links] == schemes
