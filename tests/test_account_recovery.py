"""Activation and password reset by e-mailed links (djoser's endpoints)."""

import re

import pytest

from ecom.accounts.errors import InvalidLink
from ecom.accounts.models import User
from ecom.extensions import db
from tests.factories import PASSWORD, bearer, fill_cart, login, make_address, make_product

BASE = "/api/v1/auth/users"
NEW_PASSWORD = "a-brand-new-secret"


def link_of(message) -> tuple[str, str]:
    """``(uid, token)`` of the front-end link in an e-mail's text part."""
    match = re.search(r"/(?:activate|password/reset/confirm)/([\w-]+)/([\w.-]+)", message.body)
    assert match, message.body
    return match.group(1), match.group(2)


def register(client, email="new@example.com"):
    body = {"email": email, "username": email.split("@")[0], "password": PASSWORD}
    response = client.post(f"{BASE}/", json=body)
    assert response.status_code == 201, response.json
    return response.json


def reset_link(client, mailbox, user) -> tuple[str, str]:
    assert client.post(f"{BASE}/reset_password/", json={"email": user.email}).status_code == 204
    return link_of(mailbox[-1])


def test_registration_sends_an_activation_link_that_verifies_the_account_once(
    client, embedded_jobs
):
    assert register(client)["is_verified"] is False
    [message] = embedded_jobs
    assert message.to == ["new@example.com"] and "Activate" in message.subject
    uid, token = link_of(message)
    assert client.post(f"{BASE}/activation/", json={"uid": uid, "token": token}).status_code == 204
    assert db.session.scalar(db.select(User.is_verified)) is True
    again = client.post(f"{BASE}/activation/", json={"uid": uid, "token": token})
    assert (again.status_code, again.json["code"]) == (409, "invalid_token")


def test_resend_activation_answers_204_and_mails_only_unverified_accounts(
    client, embedded_jobs, customer
):
    for email in (customer.email, "nobody@example.com"):
        response = client.post(f"{BASE}/resend_activation/", json={"email": email})
        assert response.status_code == 204
    assert [message.to for message in embedded_jobs] == [[customer.email]]


def test_reset_password_answers_204_whether_or_not_the_account_exists(
    client, embedded_jobs, customer
):
    for email in (customer.email, "nobody@example.com"):
        response = client.post(f"{BASE}/reset_password/", json={"email": email})
        assert (response.status_code, response.data) == (204, b"")
    assert [message.to for message in embedded_jobs] == [[customer.email]]


def test_a_reset_sets_the_password_revokes_every_token_and_spends_the_link(
    client, embedded_jobs, customer
):
    tokens = login(client, customer)
    uid, token = reset_link(client, embedded_jobs, customer)
    body = {"uid": uid, "token": token, "new_password": NEW_PASSWORD}
    assert client.post(f"{BASE}/reset_password_confirm/", json=body).status_code == 204
    assert client.get(f"{BASE}/me/", headers=bearer(tokens["access"])).status_code == 401
    login(client, customer, NEW_PASSWORD)
    assert "password was changed" in embedded_jobs[-1].subject
    again = client.post(f"{BASE}/reset_password_confirm/", json={**body, "new_password": "x" * 12})
    assert (again.status_code, again.json["code"]) == (409, "invalid_token")


def test_a_reset_link_stops_working_when_the_password_changes(
    client, embedded_jobs, customer, auth_headers
):
    uid, token = reset_link(client, embedded_jobs, customer)
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    changed = client.post(f"{BASE}/me/password/", json=change, headers=auth_headers(customer))
    assert changed.status_code == 204
    body = {"uid": uid, "token": token, "new_password": "another-secret-1"}
    assert client.post(f"{BASE}/reset_password_confirm/", json=body).status_code == 409


def test_a_reset_link_expires(app, client, embedded_jobs, customer, monkeypatch):
    uid, token = reset_link(client, embedded_jobs, customer)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_TIMEOUT", -1)
    body = {"uid": uid, "token": token, "new_password": NEW_PASSWORD}
    assert client.post(f"{BASE}/reset_password_confirm/", json=body).json["code"] == "invalid_token"


@pytest.mark.parametrize(
    ("uid", "token"),
    [
        ("MQ", "forged"),
        ("!!", "x"),
        ("OTk5OTk", "x"),
        ("OTk5OTk5OTk5OTk5OTk5OTk5", "x"),
        ("w6k", "x"),
    ],
)
def test_forged_links_are_a_409_naming_the_token(client, customer, uid, token):
    body = {"uid": uid, "token": token, "new_password": NEW_PASSWORD}
    response = client.post(f"{BASE}/reset_password_confirm/", json=body)
    assert (response.status_code, response.json["errors"]) == (
        409,
        {"json": {"token": [InvalidLink.message]}},
    )


def test_a_weak_new_password_is_refused_and_the_link_still_works(client, embedded_jobs, customer):
    uid, token = reset_link(client, embedded_jobs, customer)
    weak = client.post(
        f"{BASE}/reset_password_confirm/", json={"uid": uid, "token": token, "new_password": "1234"}
    )
    assert (weak.status_code, list(weak.json["errors"]["json"])) == (400, ["new_password"])
    body = {"uid": uid, "token": token, "new_password": NEW_PASSWORD}
    assert client.post(f"{BASE}/reset_password_confirm/", json=body).status_code == 204


def test_with_require_verified_email_an_unverified_account_cannot_check_out(
    app, client, customer, auth_headers, monkeypatch
):
    monkeypatch.setitem(app.config, "REQUIRE_VERIFIED_EMAIL", True)
    make_address(customer)
    fill_cart(customer, (make_product(), 1))
    response = client.post("/api/v1/orders/", json={}, headers=auth_headers(customer))
    assert (response.status_code, response.json["code"]) == (409, "email_not_verified")
    customer.is_verified = True
    db.session.commit()
    assert (
        client.post("/api/v1/orders/", json={}, headers=auth_headers(customer)).status_code == 201
    )


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("reset_password", {"email": "nobody@example.com"}),
        ("reset_password_confirm", {"uid": "MQ", "token": "x", "new_password": NEW_PASSWORD}),
        ("resend_activation", {"email": "nobody@example.com"}),
        ("activation", {"uid": "MQ", "token": "x"}),
    ],
)
def test_the_link_endpoints_are_rate_limited(app, client, monkeypatch, redis_alive, path, body):
    monkeypatch.setitem(app.config, "RATELIMIT_AUTH", "5/minute")
    statuses = [client.post(f"{BASE}/{path}/", json=body).status_code for _ in range(6)]
    assert statuses[-1] == 429 and 429 not in statuses[:5]
