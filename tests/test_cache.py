"""Cached reads: no SQL on a repeat, invalidation by family, visibility, ETag and 304."""

import os

import pytest
from sqlalchemy import update

import config
from ecom import create_app
from ecom.accounts.models import User
from ecom.common.cache import invalidate
from ecom.common.events import after_commit
from ecom.extensions import db
from tests.factories import make_user, statements

URL = "/probe/users/"


@pytest.mark.usefixtures("redis_alive")
def test_a_repeated_read_runs_no_sql(client):
    make_user(email="a@example.com")
    first = client.get(URL)
    with statements() as seen:
        second = client.get(URL)
    assert second.status_code == 200
    assert second.json == first.json == {"emails": ["a@example.com"], "staff": False}
    assert seen == []


@pytest.mark.usefixtures("redis_alive")
def test_query_parameter_order_does_not_split_the_cache(client):
    client.get(URL + "?b=2&a=1")
    with statements() as seen:
        assert client.get(URL + "?a=1&b=2").status_code == 200
    assert seen == []


@pytest.mark.usefixtures("redis_alive")
def test_without_invalidation_a_change_is_not_seen(client):
    user = make_user(email="old@example.com")
    client.get(URL)
    user.email = "new@example.com"
    db.session.commit()
    assert client.get(URL).json["emails"] == ["old@example.com"]


def test_invalidating_the_family_shows_a_change_on_the_next_read(client):
    user = make_user(email="old@example.com")
    client.get(URL)
    user.email = "new@example.com"
    db.session.commit()
    invalidate("users")
    assert client.get(URL).json["emails"] == ["new@example.com"]


@pytest.mark.usefixtures("redis_alive")
def test_invalidating_another_family_keeps_the_entry(client):
    client.get(URL)
    invalidate("products", "reviews")
    with statements() as seen:
        client.get(URL)
    assert seen == []


def test_staff_and_public_callers_get_separate_entries(client, staff, customer, auth_headers):
    assert client.get(URL).json["staff"] is False
    assert client.get(URL, headers=auth_headers(customer)).json["staff"] is False
    assert client.get(URL, headers=auth_headers(staff)).json["staff"] is True
    assert client.get(URL).json["staff"] is False


def test_a_cacheable_read_has_an_etag_and_revalidation_headers(client):
    response = client.get(URL)
    assert response.headers["ETag"]
    cache_control = response.headers["Cache-Control"]
    assert "public" in cache_control and "must-revalidate" in cache_control
    assert "Authorization" in response.headers["Vary"]


def test_a_signed_in_read_is_private(client, customer, auth_headers):
    response = client.get(URL, headers=auth_headers(customer))
    assert "private" in response.headers["Cache-Control"]


@pytest.mark.parametrize("cached_first", [False, True])
def test_if_none_match_with_the_current_etag_is_304(client, cached_first):
    if cached_first:
        client.get(URL)
    etag = client.get(URL).headers["ETag"]
    response = client.get(URL, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""


def test_an_old_etag_gets_the_new_body(client):
    user = make_user(email="old@example.com")
    etag = client.get(URL).headers["ETag"]
    user.email = "new@example.com"
    db.session.commit()
    invalidate("users")
    response = client.get(URL, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json["emails"] == ["new@example.com"]
    assert response.headers["ETag"] != etag


def test_error_responses_are_not_cached(client):
    response = client.get("/probe/missing/")
    assert response.status_code == 404
    assert "ETag" not in response.headers


def test_entries_live_in_redis_under_the_environment_prefix(client, redis_client):
    client.get(URL)
    keys = [key.decode() for key in redis_client.keys("*")]
    assert any(key.startswith("ecom:testing:response:") for key in keys)
    assert "ecom:testing:generation:users" in keys


@pytest.mark.usefixtures("redis_alive")
def test_a_flask_smorest_page_is_cached_per_query(client):
    for n in range(3):
        make_user(email=f"u{n}@example.com")
    first = client.get("/probe/api/users/?page_size=2")
    with statements() as seen:
        again = client.get("/probe/api/users/?page_size=2")
    assert seen == [] and again.json == first.json
    assert first.json["count"] == 3 and len(first.json["results"]) == 2
    assert first.json["next"].startswith("http://localhost/probe/api/users/")
    assert len(client.get("/probe/api/users/?page_size=1").json["results"]) == 1


def test_bad_query_parameters_are_still_refused_and_not_cached(client):
    assert client.get("/probe/api/users/?page_size=500").status_code == 400
    assert client.get("/probe/api/users/?page_size=500").status_code == 400


def test_a_bad_token_is_refused_even_when_the_read_is_cached(client):
    client.get("/probe/api/users/")
    response = client.get("/probe/api/users/", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401


@pytest.mark.usefixtures("redis_alive")
def test_an_invalidation_after_commit_waits_for_the_commit(client):
    user = make_user(email="old@example.com")
    client.get(URL)
    user.email = "new@example.com"
    after_commit(lambda: invalidate("users"))
    with statements() as seen:
        client.get(URL)
    assert seen == []
    db.session.commit()
    assert client.get(URL).json["emails"] == ["new@example.com"]


@pytest.mark.usefixtures("redis_alive")
def test_an_invalidation_after_commit_does_nothing_on_rollback(client):
    make_user(email="a@example.com")
    client.get(URL)
    after_commit(lambda: invalidate("users"))
    db.session.rollback()
    db.session.commit()
    with statements() as seen:
        client.get(URL)
    assert seen == []


def test_a_write_from_another_process_is_seen_at_the_next_read(app, client):
    """Another process of the same database (a worker, ``flask seed``) has its own app."""
    make_user(email="old@example.com")
    assert client.get(URL).json["emails"] == ["old@example.com"]
    same_stores = {
        "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CACHE_DIR": app.config["CACHE_DIR"],
    }
    other_process = create_app(config.TestingConfig({**os.environ, **same_stores}))
    with other_process.app_context():
        db.session.execute(update(User).values(email="new@example.com"))
        after_commit(lambda: invalidate("users"))
        db.session.commit()
    db.session.commit()  # End this test's read transaction.
    assert client.get(URL).json["emails"] == ["new@example.com"]
