"""Account guards: reset and activation mails capped per recipient, an e-mail change that
needs the password and the new address's link, and outbox rows that hold no usable link."""

import json
import re

import pytest
from sqlalchemy import select

from ecom.accounts import emails
from ecom.accounts.models import User
from ecom.common.outbox import OutboxMessage
from ecom.extensions import db
from tests.factories import PASSWORD, login, make_user, token_headers

BASE = "/api/v1/auth/users"
ME = f"{BASE}/me/"
NEW_PASSWORD = "a-brand-new-secret"
LINK = re.compile(r"/(?:activate|password/reset/confirm|email/confirm)/([\w-]+)/([\w.-]+)")


def link_of(message) -> dict[str, str]:
    match = LINK.search(message.body)
    assert match, message.body
    return {"uid": match.group(1), "token": match.group(2)}


def rows(handler: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.handler == handler)))


def ask_reset(client, email: str):
    return client.post(f"{BASE}/reset_password/", json={"email": email})


# Reset e-mail bombing


def test_reset_mails_to_one_address_stop_at_the_hourly_cap_and_every_answer_is_204(
    app, client, embedded_jobs, customer
):
    cap = int(app.config["RATELIMIT_ACCOUNT_MAILS"].split()[0])

    answers = [ask_reset(client, customer.email).status_code for _ in range(cap + 7)]
    unknown = ask_reset(client, "nobody@example.com").status_code

    assert answers == [204] * (cap + 7) and unknown == 204
    assert [message.to for message in embedded_jobs] == [[customer.email]] * cap


def test_the_cap_is_a_setting_and_counts_each_recipient_apart(
    app, client, embedded_jobs, customer, other_customer, monkeypatch
):
    monkeypatch.setitem(app.config, "RATELIMIT_ACCOUNT_MAILS", "1 per hour")
    for user in (customer, customer, other_customer, other_customer):
        assert ask_reset(client, user.email).status_code == 204

    assert [message.to for message in embedded_jobs] == [[customer.email], [other_customer.email]]


def test_activation_resends_share_the_cap(app, client, embedded_jobs, customer, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ACCOUNT_MAILS", "2 per hour")
    for _ in range(4):
        answer = client.post(f"{BASE}/resend_activation/", json={"email": customer.email})
        assert answer.status_code == 204
    assert ask_reset(client, customer.email).status_code == 204

    assert len(embedded_jobs) == 2


def test_past_the_cap_the_owner_resets_with_a_link_already_received(
    app, client, embedded_jobs, customer, monkeypatch
):
    monkeypatch.setitem(app.config, "RATELIMIT_ACCOUNT_MAILS", "2 per hour")
    for _ in range(5):
        ask_reset(client, customer.email)
    first_link = link_of(embedded_jobs[0])

    answer = client.post(
        f"{BASE}/reset_password_confirm/", json={**first_link, "new_password": NEW_PASSWORD}
    )

    assert answer.status_code == 204
    assert login(client, customer, NEW_PASSWORD)["access"]


# E-mail change


def test_an_e_mail_change_without_the_current_password_is_403_and_changes_nothing(
    client, customer, queue_down
):
    email = customer.email
    for method in (client.patch, client.put):
        body = {"email": "thief@example.com", "username": customer.username}
        answer = method(ME, json=body, headers=token_headers(customer))
        assert answer.status_code == 403
        assert answer.json["code"] == "current_password_required"
        assert "current_password" in answer.json["errors"]["json"]
    db.session.expire_all()
    assert (customer.email, customer.pending_email) == (email, None)
    assert rows(emails.EMAIL_CHANGE_CONFIRM) == []


def test_an_e_mail_change_with_a_wrong_password_is_403(client, customer, queue_down):
    body = {"email": "thief@example.com", "current_password": "not-the-password"}
    answer = client.patch(ME, json=body, headers=token_headers(customer))

    assert (answer.status_code, answer.json["code"]) == (403, "wrong_password")
    db.session.expire_all()
    assert customer.pending_email is None


def test_the_same_e_mail_in_a_whole_profile_needs_no_password(client, customer):
    body = {"email": customer.email.upper(), "username": customer.username, "first_name": "Al"}
    answer = client.put(ME, json=body, headers=token_headers(customer))

    assert answer.status_code == 200, answer.json
    assert (answer.json["first_name"], answer.json["pending_email"]) == ("Al", None)


def test_a_new_e_mail_takes_effect_only_once_its_link_is_followed(client, embedded_jobs, customer):
    old = customer.email
    body = {"email": "New@Example.com", "current_password": PASSWORD}

    asked = client.patch(ME, json=body, headers=token_headers(customer))

    assert asked.status_code == 200, asked.json
    assert (asked.json["email"], asked.json["pending_email"]) == (old, "new@example.com")
    confirm, notice = sorted(embedded_jobs, key=lambda message: message.to[0] == old)
    assert confirm.to == ["new@example.com"] and notice.to == [old]
    assert "new@example.com" in notice.body
    assert login(client, customer)["access"]  # still the old address until confirmed

    confirmed = client.post(f"{BASE}/confirm_email/", json=link_of(confirm))
    again = client.post(f"{BASE}/confirm_email/", json=link_of(confirm))

    assert confirmed.status_code == 204
    assert (again.status_code, again.json["code"]) == (409, "invalid_token")
    user = db.session.get(User, customer.id)
    db.session.refresh(user)
    assert (user.email, user.pending_email, user.is_verified) == ("new@example.com", None, True)
    moved = client.post(
        "/api/v1/auth/jwt/create/", json={"email": "new@example.com", "password": PASSWORD}
    )
    assert moved.status_code == 200


def test_a_later_change_spends_the_earlier_link(client, embedded_jobs, customer):
    headers = token_headers(customer)
    for address in ("first@example.com", "second@example.com"):
        body = {"email": address, "current_password": PASSWORD}
        assert client.patch(ME, json=body, headers=headers).status_code == 200
    (first,) = [m for m in embedded_jobs if m.to == ["first@example.com"]]

    answer = client.post(f"{BASE}/confirm_email/", json=link_of(first))

    assert (answer.status_code, answer.json["code"]) == (409, "invalid_token")


def test_an_e_mail_change_link_expires(app, client, embedded_jobs, customer, monkeypatch):
    body = {"email": "late@example.com", "current_password": PASSWORD}
    client.patch(ME, json=body, headers=token_headers(customer))
    (confirm,) = [m for m in embedded_jobs if m.to == ["late@example.com"]]
    monkeypatch.setitem(app.config, "PASSWORD_RESET_TIMEOUT", -1)

    answer = client.post(f"{BASE}/confirm_email/", json=link_of(confirm))

    assert (answer.status_code, answer.json["code"]) == (409, "invalid_token")


def test_a_confirmation_for_an_address_taken_meanwhile_is_409(client, embedded_jobs, customer):
    body = {"email": "wanted@example.com", "current_password": PASSWORD}
    client.patch(ME, json=body, headers=token_headers(customer))
    (confirm,) = [m for m in embedded_jobs if m.to == ["wanted@example.com"]]
    make_user(email="wanted@example.com")

    answer = client.post(f"{BASE}/confirm_email/", json=link_of(confirm))

    assert (answer.status_code, answer.json["code"]) == (409, "account_exists")


# Outbox rows hold no usable link


@pytest.mark.parametrize(
    ("ask", "handler"),
    [
        (lambda client, user: ask_reset(client, user.email), emails.PASSWORD_RESET),
        (
            lambda client, user: client.post(
                f"{BASE}/resend_activation/", json={"email": user.email}
            ),
            emails.ACTIVATION,
        ),
        (
            lambda client, user: client.patch(
                ME,
                json={"email": "moved@example.com", "current_password": PASSWORD},
                headers=token_headers(user),
            ),
            emails.EMAIL_CHANGE_CONFIRM,
        ),
    ],
)
def test_an_outbox_row_of_a_link_mail_holds_no_usable_link(client, embedded_jobs, ask, handler):
    user = make_user()
    assert ask(client, user).status_code in (200, 204)

    (row,) = rows(handler)
    (sent,) = [
        m
        for m in embedded_jobs
        if handler != emails.EMAIL_CHANGE_CONFIRM or m.to == ["moved@example.com"]
    ]
    link = link_of(sent)
    stored = json.dumps(row.payload)

    assert "url" not in row.payload and link["token"] not in stored
    assert not LINK.search(stored)
    assert row.state == "done"
