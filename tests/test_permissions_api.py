"""Permission groups and integration tokens over the API: who grants what, a group's
change taking effect at once, tokens shown once, stored hashed, revoked at once, their
last use recorded at most once a minute."""

import hashlib
from datetime import timedelta

from flask import request

from ecom.accounts.models import IntegrationToken, PermissionGroup
from ecom.common.models import utcnow
from ecom.common.permissions import TOKEN_KEY, current_integration_token, integration_token_id
from ecom.extensions import db
from tests.factories import bearer, login, make_order, make_product, make_token, make_user
from tests.payments import captured_payment

GROUPS = "/api/v1/permission-groups/"
TOKENS = "/api/v1/integration-tokens/"


def headers_of(client, user) -> dict:
    return bearer(login(client, user)["access"])


def test_a_group_grants_its_members_its_permissions_and_a_change_applies_at_once(client):
    manager = make_user("staff", permissions=["manage_staff", "manage_pricing"])
    clerk = make_user("staff", permissions=[])
    clerk_headers = headers_of(client, clerk)
    assert client.get("/api/v1/tax/classes/", headers=clerk_headers).status_code == 403

    created = client.post(
        GROUPS,
        json={"name": "Pricing", "permissions": ["manage_pricing"], "members": [clerk.id]},
        headers=headers_of(client, manager),
    )
    allowed = client.get("/api/v1/tax/classes/", headers=clerk_headers)
    client.patch(
        f"{GROUPS}{created.json['id']}/", json={"members": []}, headers=headers_of(client, manager)
    )
    removed = client.get("/api/v1/tax/classes/", headers=clerk_headers)

    assert created.status_code == 201, created.json
    assert created.json["members"] == [clerk.id]
    assert (allowed.status_code, removed.status_code) == (200, 403)
    assert removed.json["message"] == "This operation needs the permission `manage_pricing`."


def test_nobody_grants_a_permission_they_do_not_hold_and_nothing_is_written(client):
    manager = make_user("staff", permissions=["manage_staff"])

    response = client.post(
        GROUPS,
        json={"name": "Refunds", "permissions": ["manage_refunds"]},
        headers=headers_of(client, manager),
    )

    assert (response.status_code, response.json["code"]) == (403, "beyond_own_permissions")
    assert (
        db.session.scalar(db.select(PermissionGroup).where(PermissionGroup.name == "Refunds"))
        is None
    )


def test_only_staff_join_groups_and_names_are_unique(client, customer, admin):
    headers = headers_of(client, admin)
    client.post(GROUPS, json={"name": "Desk"}, headers=headers)

    customer_member = client.post(
        GROUPS, json={"name": "Shoppers", "members": [customer.id]}, headers=headers
    )
    twice = client.post(GROUPS, json={"name": "Desk"}, headers=headers)
    unknown = client.post(GROUPS, json={"name": "X", "permissions": ["fly"]}, headers=headers)

    assert (customer_member.status_code, customer_member.json["code"]) == (409, "not_staff")
    assert (twice.status_code, twice.json["code"]) == (409, "group_exists")
    assert unknown.status_code == 400 and "permissions" in unknown.json["errors"]["json"]


def test_a_token_is_shown_once_stored_hashed_and_works_within_its_permissions(client, admin):
    response = client.post(
        TOKENS,
        json={"name": "ERP", "permissions": ["manage_pricing"]},
        headers=headers_of(client, admin),
    )
    secret = response.json["token"]
    stored = db.session.get(IntegrationToken, response.json["id"])
    listed = client.get(TOKENS, headers=headers_of(client, admin)).get_data(as_text=True)

    assert response.status_code == 201 and secret.startswith("ecom_it_")
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in listed and stored.hint == secret[:12]
    assert client.get("/api/v1/tax/classes/", headers=bearer(secret)).status_code == 200
    assert (
        client.post(
            "/api/v1/categories/", json={"name": "Hats"}, headers=bearer(secret)
        ).status_code
        == 403
    )


def test_a_token_is_refused_customer_operations_and_may_read_the_catalogue(client):
    secret = make_token()

    cart = client.get("/api/v1/cart/", headers=bearer(secret))
    products = client.get("/api/v1/products/", headers=bearer(secret))

    assert (cart.status_code, cart.json["message"]) == (
        403,
        "Integration tokens call staff operations only.",
    )
    assert products.status_code == 200


def test_a_revoked_or_unknown_token_is_refused_at_once(client, admin):
    secret = make_token(["manage_pricing"])
    token = db.session.scalar(db.select(IntegrationToken))
    assert client.get("/api/v1/tax/classes/", headers=bearer(secret)).status_code == 200

    revoked = client.delete(f"{TOKENS}{token.id}/", headers=headers_of(client, admin))
    after = client.get("/api/v1/tax/classes/", headers=bearer(secret))
    forged = client.get("/api/v1/tax/classes/", headers=bearer("ecom_it_forged"))

    assert revoked.status_code == 204
    assert (after.status_code, after.json["code"]) == (401, "not_authenticated")
    assert forged.status_code == 401
    assert client.get(f"{TOKENS}{token.id}/", headers=headers_of(client, admin)).json["revoked_at"]


def test_the_last_use_is_written_at_most_once_a_minute(client):
    secret = make_token(["manage_pricing"])
    token = db.session.scalar(db.select(IntegrationToken))

    client.get("/api/v1/tax/classes/", headers=bearer(secret))
    db.session.refresh(token)
    first = token.last_used_at
    client.get("/api/v1/tax/classes/", headers=bearer(secret))
    db.session.refresh(token)
    unchanged = token.last_used_at
    token.last_used_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    client.get("/api/v1/tax/classes/", headers=bearer(secret))
    db.session.refresh(token)

    assert first is not None and unchanged == first
    assert token.last_used_at > first


def test_the_request_names_its_token_for_whoever_records_who_acted(app):
    secret = make_token(["manage_orders"])
    token = db.session.scalar(db.select(IntegrationToken))

    with app.test_request_context(headers=bearer(secret)):
        assert integration_token_id() is None  # not authenticated yet
        caller = current_integration_token()
        assert request.environ[TOKEN_KEY] is caller
        assert integration_token_id() == token.id == caller.id


def test_a_token_cannot_mark_paid_an_order_its_provider_pays(client, customer):
    order = make_order(customer, (make_product(stock=5), 1))
    captured_payment(order, status="authorized")
    secret = make_token(["manage_orders"])

    response = client.put(
        f"/api/v1/orders/{order.id}/", json={"status": "paid"}, headers=bearer(secret)
    )

    assert response.status_code == 409
