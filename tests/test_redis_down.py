"""With Redis down (or stopping mid-run) every endpoint answers from the database.

The cache and the rate limits fail open with one warning per interval; token checks
read the database only. The fixtures point every Redis consumer at a closed port, so
these tests run in every pass; ``TEST_REDIS_URL=redis://127.0.0.1:1/0`` runs the whole
suite that way.
"""

import logging

import pytest
from flask_caching.backends import RedisCache

from ecom.common.cache import CACHE_DOWN, invalidate
from ecom.common.redis import create_client
from ecom.extensions import cache, db
from ecom.logging import LimiterOutageFilter
from tests.factories import DEAD_REDIS, PASSWORD, bearer, login, make_user

READ = "/probe/users/"


@pytest.fixture
def redis_down(stop_redis):
    stop_redis()


def warnings_saying(caplog, message: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage() == message]


def test_health_reports_the_cache_degraded_with_200(client, redis_down):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json["status"] == "healthy"
    assert response.json["checks"] == {"database": "ok", "cache": "degraded"}


def test_accounts_work_end_to_end(client, redis_down):
    registered = client.post(
        "/api/v1/auth/users/",
        json={"email": "new@example.com", "username": "new", "password": PASSWORD},
    )
    assert registered.status_code == 201
    tokens = client.post(
        "/api/v1/auth/jwt/create/", json={"email": "new@example.com", "password": PASSWORD}
    ).json
    headers = bearer(tokens["access"])
    assert client.get("/api/v1/auth/users/me/", headers=headers).json["email"] == "new@example.com"
    renamed = client.patch("/api/v1/auth/users/me/", json={"first_name": "N"}, headers=headers)
    assert renamed.status_code == 200
    verify = client.post("/api/v1/auth/jwt/verify/", json={"token": tokens["access"]})
    assert verify.status_code == 200
    refresh = client.post("/api/v1/auth/jwt/refresh/", json={"refresh": tokens["refresh"]})
    assert refresh.status_code == 200


def test_cached_reads_answer_from_the_database_and_warn_once(client, redis_down, caplog):
    make_user(email="a@example.com")
    with caplog.at_level(logging.WARNING):
        responses = [client.get(READ) for _ in range(3)]
        invalidate("users")
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert responses[-1].json["emails"] == ["a@example.com"]
    assert len(warnings_saying(caplog, CACHE_DOWN)) == 1


def test_rate_limits_fail_open_and_warn_once(client, app, redis_down, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_FAILURES", "1/minute")
    body = {"email": "nobody@example.com", "password": "wrong-password"}
    with caplog.at_level(logging.WARNING):
        statuses = [
            client.post("/api/v1/auth/jwt/create/", json=body).status_code for _ in range(3)
        ]
    assert statuses == [401, 401, 401]
    [warning] = warnings_saying(caplog, LimiterOutageFilter.MESSAGE)
    assert warning.levelname == "WARNING" and warning.exc_info is None


def test_a_revoked_token_is_never_accepted(client, customer, redis_down):
    tokens = login(client, customer)
    headers = bearer(tokens["access"])
    logout = client.post(
        "/api/v1/auth/jwt/logout/", json={"refresh": tokens["refresh"]}, headers=headers
    )
    assert logout.status_code == 204
    assert client.get("/api/v1/auth/users/me/", headers=headers).status_code == 401
    assert (
        client.post("/api/v1/auth/jwt/refresh/", json={"refresh": tokens["refresh"]}).status_code
        == 401
    )


def test_redis_stopping_mid_run_keeps_reads_correct(client, stop_redis):
    user = make_user(email="before@example.com")
    assert client.get(READ).json["emails"] == ["before@example.com"]
    stop_redis()
    user.email = "after@example.com"
    db.session.commit()
    invalidate("users")
    assert client.get(READ).json["emails"] == ["after@example.com"]
    assert client.get("/health/").json["checks"]["cache"] == "degraded"


@pytest.mark.usefixtures("redis_alive")
def test_an_invalidation_lost_in_an_outage_is_applied_when_redis_returns(client, app, monkeypatch):
    user = make_user(email="before@example.com")
    client.get(READ)
    with monkeypatch.context() as outage:
        dead = RedisCache(host=create_client(DEAD_REDIS))
        outage.setitem(app.extensions["cache"], cache, dead)
        user.email = "after@example.com"
        db.session.commit()
        invalidate("users")
    assert client.get(READ).json["emails"] == ["after@example.com"]
