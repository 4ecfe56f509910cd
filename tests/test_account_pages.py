"""The pages the account e-mails link to, followed end to end through their forms."""

import re

import pytest

from ecom.accounts.models import User
from ecom.extensions import db
from tests.factories import PASSWORD, csrf_token_from

NEW_PASSWORD = "a-brand-new-secret"


def linked_path(message) -> str:
    """The path of the shop link in an e-mail's text part."""
    match = re.search(r"http://[^/\s]+(/(?:activate|password/reset/confirm)/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def submit(client, path: str, **fields: str):
    """Open the page at ``path`` and post its form with ``fields`` and its CSRF token."""
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={**fields, "csrf_token": csrf_token_from(page.text)})


def register(client, email: str = "page@example.com") -> None:
    body = {"email": email, "username": "page", "password": PASSWORD}
    assert client.post("/api/v1/auth/users/", json=body).status_code == 201


def test_the_activation_link_opens_a_page_whose_button_activates_the_account_once(
    client, embedded_jobs
):
    register(client)
    path = linked_path(embedded_jobs[-1])

    done = submit(client, path)

    assert done.status_code == 200 and "Your account is active" in done.text
    assert db.session.scalar(db.select(User.is_verified)) is True
    again = submit(client, path)
    assert again.status_code == 409 and "invalid or has expired" in again.text


def test_opening_the_activation_page_activates_nothing(client, embedded_jobs):
    register(client)

    assert client.get(linked_path(embedded_jobs[-1])).status_code == 200
    assert db.session.scalar(db.select(User.is_verified)) is False


def test_a_password_is_reset_through_the_request_page_and_the_e_mailed_page(
    client, embedded_jobs, customer
):
    asked = submit(client, "/password/reset", email=customer.email)
    assert asked.status_code == 200 and "on its way" in asked.text
    path = linked_path(embedded_jobs[-1])

    done = submit(client, path, new_password=NEW_PASSWORD, repeated_password=NEW_PASSWORD)

    assert done.status_code == 200 and "password is changed" in done.text
    login = {"email": customer.email, "password": NEW_PASSWORD}
    assert client.post("/api/v1/auth/jwt/create/", json=login).status_code == 200


@pytest.mark.parametrize(
    ("new", "repeated", "said"),
    [("short", "short", "characters long"), (NEW_PASSWORD, NEW_PASSWORD + "x", "differ")],
)
def test_the_reset_page_shows_why_a_password_is_refused_and_keeps_the_old_one(
    client, embedded_jobs, customer, new, repeated, said
):
    submit(client, "/password/reset", email=customer.email)

    refused = submit(
        client, linked_path(embedded_jobs[-1]), new_password=new, repeated_password=repeated
    )

    assert refused.status_code == 400 and said in refused.text
    login = {"email": customer.email, "password": PASSWORD}
    assert client.post("/api/v1/auth/jwt/create/", json=login).status_code == 200


def test_a_form_posted_without_its_csrf_token_is_refused(client, embedded_jobs):
    register(client)

    refused = client.post(linked_path(embedded_jobs[-1]))

    assert refused.status_code == 400
    assert db.session.scalar(db.select(User.is_verified)) is False


def test_the_pages_allow_no_script_and_post_only_to_themselves(client):
    policy = client.get("/password/reset").headers["Content-Security-Policy"]

    assert "default-src 'none'" in policy and "form-action 'self'" in policy
    assert "script-src" not in policy


def test_the_links_lead_to_the_shop_front_end_when_one_is_set(
    app, client, embedded_jobs, monkeypatch
):
    monkeypatch.setitem(app.config, "FRONTEND_URL", "https://front.example")

    register(client)

    assert "https://front.example/activate/" in embedded_jobs[-1].body
