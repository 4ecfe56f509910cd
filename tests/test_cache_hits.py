"""Cache hits answered before Flask (ecom.common.cache_hits): the same answer as Flask's,
the same request line, metrics and headers, and Flask for whatever a hit cannot settle."""

import json
import logging

import pytest
from prometheus_client import REGISTRY

from ecom.common.cache import CACHE_DOWN, invalidate
from ecom.extensions import cache, db
from ecom.logging import JsonFormatter
from tests.factories import make_user, statements

URL = "/probe/users/"
SMOREST_URL = "/probe/api/users/"
# Each response's own id, and the limiter's headers (the Flask answers have limits on).
VARYING = {"X-Request-ID", "Retry-After"}


@pytest.fixture
def limits_off(app, monkeypatch):
    """Hits skip Flask only while the app's rate limits are off (every read counts else)."""
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)


def headers_of(response) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headers
        if name not in VARYING and not name.startswith("X-RateLimit-")
    }


@pytest.mark.usefixtures("limits_off", "redis_alive")
@pytest.mark.parametrize(
    "url",
    [
        URL,
        SMOREST_URL + "?page=1&page_size=5",
        "/api/v1/products/?ordering=-price",
        "/api/v1/categories/tree/",
    ],
)
def test_an_anonymous_hit_gets_flasks_answer_without_flask(app, client, flask_calls, url):
    make_user(email="a@example.com")
    first = client.get(url)
    with statements() as seen:
        hit = client.get(url)
    app.config["RATELIMIT_ENABLED"] = True
    through_flask = client.get(url)

    assert len(flask_calls) == 2 and seen == []
    assert hit.status_code == through_flask.status_code == first.status_code == 200
    assert hit.data == through_flask.data == first.data
    assert headers_of(hit) == headers_of(through_flask)


@pytest.mark.usefixtures("limits_off", "redis_alive")
def test_an_invalidation_is_seen_by_the_next_read_before_flask_too(client):
    user = make_user(email="old@example.com")
    client.get(URL)
    assert client.get(URL).json["emails"] == ["old@example.com"]
    user.email = "new@example.com"
    db.session.commit()
    invalidate("users")
    assert client.get(URL).json["emails"] == ["new@example.com"]


@pytest.mark.usefixtures("limits_off", "redis_alive")
def test_a_hit_answers_304_to_its_etag_with_flasks_headers(app, client, flask_calls):
    etag = client.get(URL).headers["ETag"]
    hit = client.get(URL, headers={"If-None-Match": etag})
    app.config["RATELIMIT_ENABLED"] = True
    through_flask = client.get(URL, headers={"If-None-Match": etag})

    assert len(flask_calls) == 2
    assert hit.status_code == through_flask.status_code == 304 and hit.data == b""
    assert headers_of(hit) == headers_of(through_flask)


@pytest.mark.usefixtures("limits_off")
def test_a_hit_over_https_carries_hsts(client):
    client.get(URL, base_url="https://localhost")
    hit = client.get(URL, base_url="https://localhost")
    assert hit.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.usefixtures("limits_off", "redis_alive")
def test_a_hit_writes_its_request_line_and_is_counted(client, caplog, flask_calls):
    client.get(URL)
    caplog.set_level(logging.INFO, logger="ecom.request")
    labels = {"route": URL, "method": "GET", "status": "200"}
    before = REGISTRY.get_sample_value("ecom_http_requests_total", labels) or 0
    hits = REGISTRY.get_sample_value("ecom_cache_lookups_total", {"result": "hit"}) or 0
    caplog.clear()  # The first read's line too, when an earlier test left the level at INFO.

    response = client.get(URL, headers={"X-Request-ID": "lb-7"})

    assert len(flask_calls) == 1 and response.headers["X-Request-ID"] == "lb-7"
    [record] = [r for r in caplog.records if r.name == "ecom.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "lb-7" and line["path"] == URL and line["status"] == 200
    assert line["user_id"] is None and line["client_ip"] == "127.0.0.1"
    assert REGISTRY.get_sample_value("ecom_http_requests_total", labels) == before + 1
    assert REGISTRY.get_sample_value("ecom_cache_lookups_total", {"result": "hit"}) == hits + 1


@pytest.mark.usefixtures("limits_off", "redis_alive")
def test_signed_in_callers_and_bad_tokens_go_through_flask(
    client, flask_calls, staff, auth_headers
):
    signed_in = auth_headers(staff)
    client.get(URL)
    flask_calls.clear()
    assert client.get(URL, headers=signed_in).json["staff"] is True
    assert client.get(URL, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    assert client.get(URL).json["staff"] is False
    assert len(flask_calls) == 2


@pytest.mark.usefixtures("limits_off")
def test_a_read_that_is_not_cached_or_not_found_goes_through_flask(client, flask_calls):
    client.get(URL)
    assert client.get("/probe/missing/").status_code == 404
    assert client.get("/api/v1/nope/").status_code == 404
    assert client.post(URL).status_code == 405
    assert client.get(URL, data=b'{"a": 1}', content_type="application/json").status_code == 200
    assert flask_calls == [URL, "/probe/missing/", "/api/v1/nope/", URL, URL]


def test_with_rate_limits_on_every_hit_goes_through_flask(client, flask_calls):
    client.get(URL)
    client.get(URL)
    assert flask_calls == [URL, URL]


@pytest.mark.usefixtures("limits_off")
def test_with_the_cache_down_a_read_tries_it_once_and_answers_from_the_database(
    app, client, stop_redis, caplog, monkeypatch
):
    stop_redis()
    backend = app.extensions["cache"][cache]
    reads, dead_read = [], backend.get_many

    def counted_read(*keys: str) -> list:
        reads.append(keys)
        return dead_read(*keys)

    monkeypatch.setattr(backend, "get_many", counted_read)
    make_user(email="a@example.com")
    with caplog.at_level(logging.WARNING):
        responses = [client.get(URL) for _ in range(2)]

    assert [r.json["emails"] for r in responses] == [["a@example.com"]] * 2
    assert len(reads) == 2
    assert [r.getMessage() for r in caplog.records].count(CACHE_DOWN) == 1
