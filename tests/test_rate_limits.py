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


def attempt(client, email="nobody@example.com", address="203.0.113.7", **headers):
    return client.post(
        LOGIN,
        json={"email": email, "password": "wrong-password"},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def test_the_sixth_login_within_a_minute_from_one_address_is_429(client, strict):
    statuses = [attempt(client, email=f"u{n}@example.com").status_code for n in range(5)]
    assert statuses == [401] * 5
    response = attempt(client, email="u6@example.com")
    assert response.status_code == 429
    assert response.json["code"] == "rate_limited" and response.json["status"] == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert response.headers["X-RateLimit-Limit"] == "5"
    assert response.headers["X-RateLimit-Remaining"] == "0"


def test_one_email_is_limited_whatever_the_address(client, strict):
    for n in range(5):
        attempt(client, email="target@example.com", address=f"198.51.100.{n}")
    assert attempt(client, email="Target@Example.com", address="198.51.100.99").status_code == 429


def test_a_limited_address_stays_limited_for_a_correct_password(client, strict, customer):
    for n in range(5):
        attempt(client, email=f"u{n}@example.com")
    response = client.post(
        LOGIN,
        json={"email": customer.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert response.status_code == 429


def test_another_address_is_not_affected(client, strict):
    for n in range(5):
        attempt(client, email=f"u{n}@example.com")
    assert attempt(client, email="other@example.com", address="192.0.2.1").status_code == 401


def test_a_spoofed_x_forwarded_for_does_not_reset_the_limit(client, strict):
    for n in range(5):
        attempt(client, email=f"u{n}@example.com")
    response = attempt(client, email="fresh@example.com", **{"X-Forwarded-For": "192.0.2.55"})
    assert response.status_code == 429


def test_the_sixth_wrong_admin_login_within_a_minute_is_429_on_the_login_page(
    client, strict, staff
):
    statuses = [admin_login(client, staff, password="wrong-password").status_code for _ in range(5)]
    assert statuses == [200] * 5

    response = admin_login(client, staff, password="wrong-password")

    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert "Too many login attempts" in response.get_data(as_text=True)
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert client.get("/admin/login/").status_code == 200


def test_the_admin_login_counts_one_address_across_emails(client, strict):
    for _ in range(5):
        admin_login(client, make_user("staff"), password="wrong-password")
    assert admin_login(client, make_user("staff")).status_code == 429


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


def test_a_rate_limit_hit_is_a_security_event(client, strict, caplog):
    with caplog.at_level(logging.WARNING, logger="security"):
        for n in range(6):
            attempt(client, email=f"u{n}@example.com")
    assert any("rate limit hit" in r.getMessage() for r in caplog.records if r.name == "security")


def test_limits_are_counted_in_redis_so_every_worker_shares_them(client, strict, redis_client):
    attempt(client)
    counters = [key.decode() for key in redis_client.keys("*LIMITER*")]
    assert any("auth.CreateToken" in key and "203.0.113.7" in key for key in counters)
