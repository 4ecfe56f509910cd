"""Rate limits: strict on credentials, defaults for reads and writes, 429 in the API format."""

import logging

import pytest

from tests.factories import PASSWORD, admin_login, bearer, login, make_user

LOGIN = "/api/v1/auth/jwt/create/"
REGISTER = "/api/v1/auth/users/"

# Without a working storage the limits fail open (see test_redis_down.py).
pytestmark = pytest.mark.usefixtures("redis_alive")


@pytest.fixture
def strict(app, monkeypatch):
    """The production default for credential endpoints (the test config relaxes it)."""
    monkeypatch.setitem(app.config, "RATELIMIT_AUTH", "5/minute")


@pytest.fixture
def login_limits(app, monkeypatch):
    """Small login limits: 3 failures per account and address, 5 per account, 10 logins
    per address (the production numbers are in docs/SECURITY.md)."""
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_FAILURES", "3/minute")
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ACCOUNT_FAILURES", "5/hour")
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ADDRESS", "10/minute")


def attempt(client, email="nobody@example.com", address="203.0.113.7", password=None, **headers):
    return client.post(
        LOGIN,
        json={"email": email, "password": password or "wrong-password"},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def test_failures_per_account_and_address_are_limited_strictly(client, login_limits, customer):
    assert [attempt(client, customer.email).status_code for _ in range(3)] == [401] * 3
    response = attempt(client, customer.email, password=PASSWORD)
    assert response.status_code == 429
    assert response.json["code"] == "rate_limited" and response.json["status"] == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_a_correct_password_from_a_clean_address_works_while_the_account_is_attacked(
    client, login_limits, customer
):
    for n in range(6):
        attempt(client, customer.email.upper(), address=f"198.51.100.{n}")
    assert attempt(client, customer.email, address="198.51.100.0").status_code == 429
    assert attempt(client, customer.email, address="198.51.100.99").status_code == 401
    clean = attempt(client, customer.email, address="192.0.2.1", password=PASSWORD)
    assert clean.status_code == 200


def test_successful_logins_do_not_count_as_failures(client, login_limits, customer):
    statuses = [attempt(client, customer.email, password=PASSWORD).status_code for _ in range(5)]
    assert statuses == [200] * 5


def test_an_address_is_limited_generously_for_every_login(client, login_limits):
    users = [make_user() for _ in range(11)]
    statuses = [attempt(client, user.email, password=PASSWORD).status_code for user in users]
    assert statuses == [200] * 10 + [429]


def test_failures_for_one_account_leave_other_accounts_at_that_address_alone(
    client, login_limits, customer, other_customer
):
    for _ in range(3):
        attempt(client, customer.email)
    assert attempt(client, other_customer.email, password=PASSWORD).status_code == 200


def test_a_spoofed_x_forwarded_for_does_not_reset_the_limit(client, login_limits, customer):
    for _ in range(3):
        attempt(client, customer.email)
    spoofed = attempt(client, customer.email, **{"X-Forwarded-For": "192.0.2.55"})
    assert spoofed.status_code == 429


def test_wrong_admin_logins_share_the_limits_and_429_on_the_login_page(client, login_limits, staff):
    attempt(client, staff.email, address="127.0.0.1")
    statuses = [admin_login(client, staff, password="wrong-password").status_code for _ in range(2)]
    assert statuses == [401] * 2

    response = admin_login(client, staff)

    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert "Too many login attempts" in response.get_data(as_text=True)
    assert client.get("/admin/login/").status_code == 200


def test_registration_is_strictly_limited(client, strict):
    for n in range(5):
        client.post(REGISTER, json={"email": f"r{n}@example.com", "username": f"r{n}"})
    response = client.post(
        REGISTER, json={"email": "r9@example.com", "username": "r9", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_password_change_is_strictly_limited(client, app, customer, monkeypatch):
    headers = bearer(login(client, customer)["access"])
    monkeypatch.setitem(app.config, "RATELIMIT_AUTH", "2/minute")
    body = {"current_password": "wrong-password", "new_password": "another-long-one"}
    statuses = [
        client.post("/api/v1/auth/users/me/password/", json=body, headers=headers).status_code
        for _ in range(3)
    ]
    assert statuses == [403, 403, 429]


def test_reads_have_a_default_limit_per_client_but_health_checks_do_not(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_READS", "3/minute")
    assert [client.get("/health/").status_code for _ in range(5)] == [200] * 5
    statuses = [client.get("/probe/users/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_writes_are_counted_per_signed_in_user(client, app, monkeypatch):
    first, second = make_user(), make_user()
    first_headers = bearer(login(client, first)["access"])
    second_headers = bearer(login(client, second)["access"])
    monkeypatch.setitem(app.config, "RATELIMIT_WRITES", "2/minute")

    def rename(headers, name):
        return client.patch("/api/v1/auth/users/me/", json={"first_name": name}, headers=headers)

    assert [rename(first_headers, f"n{n}").status_code for n in range(3)] == [200, 200, 429]
    assert rename(second_headers, "x").status_code == 200


def test_a_rate_limit_hit_is_a_security_event(client, login_limits, caplog):
    with caplog.at_level(logging.WARNING, logger="security"):
        for _ in range(4):
            attempt(client)
    assert any("rate limit hit" in r.getMessage() for r in caplog.records if r.name == "security")


def test_limits_are_counted_in_redis_so_every_worker_shares_them(client, redis_client):
    attempt(client)
    counters = [key.decode() for key in redis_client.keys("*LIMITER*")]
    assert any("login-failures" in key and "203.0.113.7" in key for key in counters)
