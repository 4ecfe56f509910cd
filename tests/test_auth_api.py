"""The account and JWT contract under /api/v1/auth/."""

import pytest

from tests.factories import PASSWORD, bearer, login, make_user

USERS = "/api/v1/auth/users/"
ME = "/api/v1/auth/users/me/"


def register(client, **overrides):
    body = {"email": "Alice@Example.com", "username": "alice", "password": PASSWORD}
    body.update(overrides)
    return client.post(USERS, json=body)


def test_register_returns_the_user_with_lowercased_email_and_no_hash(client):
    response = register(client, first_name="Alice")
    assert response.status_code == 201
    body = response.json
    assert body["email"] == "alice@example.com"
    assert body["role"] == "customer" and body["first_name"] == "Alice"
    assert "password" not in body and "password_hash" not in body


@pytest.mark.parametrize("field", ["email", "username"])
def test_register_refuses_a_taken_email_or_username_with_a_field_error(client, field):
    assert register(client).status_code == 201
    again = {"email": "other@example.com", "username": "other"}
    again[field] = {"email": "ALICE@example.com", "username": "alice"}[field]
    response = register(client, **again)
    assert response.status_code == 409
    assert field in response.json["errors"]["json"]


@pytest.mark.parametrize(
    "password",
    ["short1", "1234567890", " " * 12, "1234 5678 90"],
    ids=["short", "digits", "spaces", "digits-and-spaces"],
)
def test_register_enforces_the_password_policy(client, password):
    response = register(client, password=password)
    assert response.status_code == 400
    assert "password" in response.json["errors"]["json"]


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_register_refuses_a_whitespace_only_name(client, field):
    response = register(client, **{field: " \t "})
    assert response.status_code == 400
    assert field in response.json["errors"]["json"]


def test_register_refuses_a_role_field(client):
    response = register(client, role="admin")
    assert response.status_code == 400
    assert "role" in response.json["errors"]["json"]


def test_full_token_lifecycle(client):
    register(client)
    pair = client.post(
        "/api/v1/auth/jwt/create/", json={"email": "ALICE@example.com", "password": PASSWORD}
    ).json
    me = client.get(ME, headers=bearer(pair["access"]))
    assert me.status_code == 200 and me.json["username"] == "alice"

    rotated = client.post("/api/v1/auth/jwt/refresh/", json={"refresh": pair["refresh"]})
    assert rotated.status_code == 200
    assert rotated.json["refresh"] != pair["refresh"]

    new = rotated.json
    out = client.post(
        "/api/v1/auth/jwt/logout/", json={"refresh": new["refresh"]}, headers=bearer(new["access"])
    )
    assert out.status_code == 204
    for token in (new["access"], new["refresh"], pair["access"]):
        assert client.post("/api/v1/auth/jwt/verify/", json={"token": token}).status_code == 401
    assert client.get(ME, headers=bearer(new["access"])).status_code == 401


def test_verify_accepts_a_valid_token(client, customer):
    pair = login(client, customer)
    response = client.post("/api/v1/auth/jwt/verify/", json={"token": pair["access"]})
    assert response.status_code == 200 and response.json == {}


def test_wrong_password_and_unknown_email_get_the_same_answer(client, customer):
    wrong = client.post(
        "/api/v1/auth/jwt/create/", json={"email": customer.email, "password": "nope-nope-1"}
    )
    unknown = client.post(
        "/api/v1/auth/jwt/create/", json={"email": "ghost@example.com", "password": PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json


def test_inactive_user_cannot_log_in(client):
    user = make_user(is_active=False)
    response = client.post(
        "/api/v1/auth/jwt/create/", json={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 401


def test_a_tampered_token_is_rejected(client, customer):
    access = login(client, customer)["access"]
    index = len(access) // 2
    tampered = access[:index] + ("A" if access[index] != "A" else "B") + access[index + 1 :]
    assert client.get(ME, headers=bearer(tampered)).status_code == 401
    verify = client.post("/api/v1/auth/jwt/verify/", json={"token": tampered})
    assert verify.status_code == 401


def test_expired_token_is_rejected(app, client, customer):
    from datetime import timedelta

    from flask_jwt_extended import create_access_token

    token = create_access_token(
        identity=str(customer.id), additional_claims={"ver": 0}, expires_delta=timedelta(seconds=-1)
    )
    assert client.get(ME, headers=bearer(token)).status_code == 401
    assert client.post("/api/v1/auth/jwt/verify/", json={"token": token}).status_code == 401


def test_a_refresh_token_cannot_be_used_as_an_access_token(client, customer):
    refresh = login(client, customer)["refresh"]
    assert client.get(ME, headers=bearer(refresh)).status_code == 401


def test_profile_update_changes_names_but_refuses_role_and_is_active(
    client, customer, auth_headers
):
    headers = auth_headers(customer)
    ok = client.patch(ME, json={"first_name": "Bob"}, headers=headers)
    assert ok.status_code == 200 and ok.json["first_name"] == "Bob"
    for field, value in (("role", "admin"), ("is_active", False)):
        refused = client.patch(ME, json={field: value}, headers=headers)
        assert refused.status_code == 400
        assert field in refused.json["errors"]["json"]
    assert client.get(ME, headers=headers).json["role"] == "customer"


def test_profile_put_refuses_another_users_email(client, customer, other_customer, auth_headers):
    profile = {
        "email": other_customer.email,
        "username": customer.username,
        "current_password": PASSWORD,
    }
    response = client.put(ME, json=profile, headers=auth_headers(customer))
    assert response.status_code == 409
    assert "email" in response.json["errors"]["json"]


def test_password_change_revokes_outstanding_tokens(client, customer):
    old = login(client, customer)
    response = client.post(
        "/api/v1/auth/users/me/password/",
        json={"current_password": PASSWORD, "new_password": "a-brand-new-secret"},
        headers=bearer(old["access"]),
    )
    assert response.status_code == 204
    assert client.get(ME, headers=bearer(old["access"])).status_code == 401
    assert (
        client.post("/api/v1/auth/jwt/refresh/", json={"refresh": old["refresh"]}).status_code
        == 401
    )
    new = login(client, customer, "a-brand-new-secret")
    assert client.get(ME, headers=bearer(new["access"])).status_code == 200


def test_password_change_needs_the_current_password(client, customer, auth_headers):
    response = client.post(
        "/api/v1/auth/users/me/password/",
        json={"current_password": "wrong-password", "new_password": "a-brand-new-secret"},
        headers=auth_headers(customer),
    )
    assert response.status_code == 403 and response.json["code"] == "wrong_password"
    assert "current_password" in response.json["errors"]["json"]


def test_customer_and_staff_get_403_on_admin_user_endpoints(client, customer, staff, auth_headers):
    for user in (customer, staff):
        headers = auth_headers(user)
        assert client.get(USERS, headers=headers).status_code == 403
        assert client.get(f"{USERS}{customer.id}/", headers=headers).status_code == 403
        assert (
            client.patch(
                f"{USERS}{customer.id}/", json={"role": "admin"}, headers=headers
            ).status_code
            == 403
        )


def test_anonymous_gets_401_on_protected_endpoints(client):
    assert client.get(ME).status_code == 401
    assert client.get(USERS).status_code == 401


def test_admin_lists_users_filtered_by_role(client, admin, customer, staff, auth_headers):
    response = client.get(f"{USERS}?role=staff", headers=auth_headers(admin))
    assert response.status_code == 200
    assert [user["id"] for user in response.json["results"]] == [staff.id]
    assert response.json["count"] == 1


def test_role_change_takes_effect_on_the_next_request(client, admin, customer, auth_headers):
    customer_headers = auth_headers(customer)
    assert client.get(USERS, headers=customer_headers).status_code == 403
    promoted = client.patch(
        f"{USERS}{customer.id}/", json={"role": "admin"}, headers=auth_headers(admin)
    )
    assert promoted.status_code == 200 and promoted.json["role"] == "admin"
    assert client.get(USERS, headers=customer_headers).status_code == 200


def test_deactivation_takes_effect_on_the_next_request(client, admin, customer, auth_headers):
    customer_headers = auth_headers(customer)
    response = client.delete(f"{USERS}{customer.id}/", headers=auth_headers(admin))
    assert response.status_code == 204
    assert client.get(ME, headers=customer_headers).status_code == 401


def test_admin_cannot_demote_themselves(client, admin, auth_headers):
    response = client.patch(
        f"{USERS}{admin.id}/", json={"role": "staff"}, headers=auth_headers(admin)
    )
    assert response.status_code == 409


def test_unknown_user_is_404(client, admin, auth_headers):
    assert client.get(f"{USERS}999999/", headers=auth_headers(admin)).status_code == 404


def test_a_password_equal_to_the_email_is_a_documented_conflict(client):
    body = {"email": "bob@example.com", "username": "bob", "password": "BOB@example.com"}

    response = client.post("/api/v1/auth/users/", json=body)

    assert response.status_code == 409
    assert response.json["code"] == "password_is_email"
    assert "password" in response.json["errors"]["json"]


def test_profile_put_replaces_the_profile_and_patch_changes_only_what_it_names(
    client, customer, auth_headers
):
    headers = auth_headers(customer)
    assert client.patch(ME, json={"first_name": "Ada"}, headers=headers).status_code == 200
    partial = client.put(ME, json={"first_name": "Ada"}, headers=headers)
    assert partial.status_code == 400
    assert set(partial.json["errors"]["json"]) == {"email", "username"}
    whole = {"email": customer.email, "username": customer.username, "last_name": "King"}
    answer = client.put(ME, json=whole, headers=headers)
    assert answer.status_code == 200
    assert (answer.json["first_name"], answer.json["last_name"]) == ("", "King")
    assert client.patch(ME, headers=headers).status_code == 400
