"""Security headers, HTTPS, CORS, body limits and what an unexpected error reveals."""

import json
import logging

import pytest
from sqlalchemy import func, select

from config import ProductionConfig
from ecom.accounts.models import Address
from ecom.common.security import API_CSP, PAGE_CSP, nesting_exceeds
from ecom.extensions import db
from tests.factories import ADDRESS, PASSWORD, production_env, token_headers
from tests.probe import security_app

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/health/", 200),
        ("get", "/api/v1/nope/", 404),
        ("post", "/api/v1/auth/jwt/create/", 400),
        ("get", "/api/v1/auth/users/me/", 401),
        ("get", "/api/v1/schema/", 200),
    ],
)
def test_every_response_carries_the_security_headers(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Content-Security-Policy"] == API_CSP


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_doc_pages_get_a_policy_for_their_local_assets_and_inline_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert policy == PAGE_CSP
    assert "script-src 'self' 'unsafe-inline'" in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy


def test_api_answers_are_not_stored_by_shared_caches_unless_cacheable(client, customer):
    tokens = client.post(
        "/api/v1/auth/jwt/create/", json={"email": customer.email, "password": PASSWORD}
    )
    assert tokens.headers["Cache-Control"] == "no-store"
    asset = client.get("/api/v1/static/swagger-ui/swagger-ui.css")
    assert asset.headers["Cache-Control"] == "no-cache"


def test_plain_http_gets_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/health/").headers


def test_https_gets_hsts(client):
    response = client.get("/health/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_force_https_sends_hsts_on_every_response(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "FORCE_HTTPS", True)
    assert "Strict-Transport-Security" in client.get("/health/").headers


def test_production_redirects_to_https_and_secures_cookies():
    config = ProductionConfig(production_env())
    assert config.SECURE_SSL_REDIRECT and config.SESSION_COOKIE_SECURE
    assert config.SESSION_COOKIE_HTTPONLY and config.SESSION_COOKIE_SAMESITE == "Lax"


def test_ssl_redirect_sends_http_to_https_but_not_health_probes():
    client = security_app(SECURE_SSL_REDIRECT=True).test_client()
    response = client.get("/api/v1/whoami/?a=1")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://localhost/api/v1/whoami/?a=1"
    assert client.post("/api/v1/echo/").status_code == 308
    assert client.get("/health/").status_code == 200
    assert client.get("/api/v1/whoami/", base_url="https://localhost").status_code == 200


def test_by_default_a_cross_origin_preflight_gets_no_grant(client):
    response = client.options(
        "/api/v1/auth/jwt/create/",
        headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in response.headers


def preflight(client, origin, path="/api/v1/whoami/"):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )


def test_a_listed_origin_may_call_the_api_with_authorization():
    client = security_app(CORS_ALLOWED_ORIGINS=["https://shop.example"]).test_client()
    response = preflight(client, "https://shop.example")
    assert response.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert "authorization" in response.headers["Access-Control-Allow-Headers"].lower()


def test_an_unlisted_origin_gets_no_grant_and_non_api_paths_none_at_all():
    client = security_app(CORS_ALLOWED_ORIGINS=["https://shop.example"]).test_client()
    assert "Access-Control-Allow-Origin" not in preflight(client, "https://evil.example").headers
    health = preflight(client, "https://shop.example", path="/health/")
    assert "Access-Control-Allow-Origin" not in health.headers


def test_a_body_over_max_content_length_is_413_json(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100)
    response = client.post(
        "/api/v1/auth/jwt/create/", json={"email": "a@example.com", "password": "x" * 200}
    )
    assert response.status_code == 413
    assert response.json["status"] == 413 and response.json["code"]


def test_max_content_length_defaults_to_ten_megabytes(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 10 * 1024 * 1024


@pytest.mark.parametrize(
    "body", ["[" * 100_000, "[" * 50 + "]" * 50, '{"a":' * 40 + "1" + "}" * 40]
)
def test_abusively_nested_json_is_400_not_500(client, body):
    response = client.post("/api/v1/auth/jwt/create/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["code"] == "validation_error"
    assert "nested deeper than 32 levels" in response.json["message"]


@pytest.mark.parametrize(
    ("body", "exceeds"),
    [
        (b'{"a": [1, {"b": [2, 3]}], "c": "[[[[[[[[[["}', False),
        (b"[" * 10 + b"]" * 10, False),
        (b"[" * 11 + b"]" * 11, True),
        (b'[1, "\\"[[[[[[[[[[[["]', False),
        (b'{"a": [{"b": {"c": [[[[[[[1]]]]]]]}}]}', True),
    ],
)
def test_nesting_depth_is_measured_outside_strings(body, exceeds):
    assert nesting_exceeds(json.loads(body), 10) is exceeds


def test_an_unexpected_error_is_500_json_without_details_and_logged_with_trace(client, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get("/probe/boom/")
    assert response.status_code == 500
    assert response.json["code"] == "server_error"
    assert "hunter2" not in response.get_data(as_text=True)
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and "hunter2" in str(logged[0].exc_info[1])


def test_without_trusted_proxies_x_forwarded_for_is_ignored():
    client = security_app(TRUSTED_PROXIES=0).test_client()
    response = client.get(
        "/api/v1/whoami/",
        headers={"X-Forwarded-For": "192.0.2.55"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert response.json["ip"] == "10.0.0.2"


def test_one_trusted_proxy_supplies_the_last_forwarded_address():
    client = security_app(TRUSTED_PROXIES=1).test_client()
    response = client.get(
        "/api/v1/whoami/",
        headers={"X-Forwarded-For": "6.6.6.6, 192.0.2.55"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert response.json["ip"] == "192.0.2.55"


LONE = "x\ud800y"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/auth/jwt/create/", {"email": "a@example.com", "password": LONE}),
        ("post", "/api/v1/auth/users/", {"email": "b@example.com", "username": LONE}),
        ("patch", "/api/v1/auth/users/me/", {"first_name": LONE}),
        ("post", "/api/v1/auth/users/me/addresses/", {**ADDRESS, "line1": LONE}),
        ("post", "/api/v1/orders/", {"shipping_address": {**ADDRESS, "city": "\udc00"}}),
        ("post", "/api/v1/products/", {"title": LONE, "price": "1.00", "stock_quantity": 1}),
    ],
)
def test_a_lone_surrogate_in_any_json_text_is_400_and_writes_nothing(
    client, staff, method, path, body
):
    response = getattr(client, method)(path, json=body, headers=token_headers(staff))
    assert response.status_code == 400
    assert "surrogate" in response.json["message"]
    assert db.session.scalar(select(func.count()).select_from(Address)) == 0


def test_a_surrogate_pair_is_ordinary_text(client, customer):
    response = client.patch(
        "/api/v1/auth/users/me/", json={"first_name": "Ann 😀"}, headers=token_headers(customer)
    )
    assert response.status_code == 200 and response.json["first_name"] == "Ann 😀"


@pytest.mark.parametrize(
    "body", [b"[" * (5 * 1024 * 1024), b'["\\u0000"]', b'["\\ud800"]', b"{" * 100 + b"}"]
)
def test_a_body_sent_to_a_route_that_does_not_exist_is_never_inspected(client, body):
    response = client.post("/api/v1/nowhere/", data=body, content_type="application/json")
    assert response.status_code == 404


def test_a_nul_escape_in_a_json_body_is_400(client):
    response = client.post(
        "/api/v1/auth/jwt/create/", json={"email": "a\x00@example.com", "password": "x"}
    )
    assert response.status_code == 400 and "NUL" in response.json["message"]
