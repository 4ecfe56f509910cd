"""Token families: rotation, reuse detection, logout, deactivation and database resets."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from flask_jwt_extended import create_access_token, decode_token
from sqlalchemy import select

from ecom.accounts import services
from ecom.accounts.models import TokenFamily, User
from ecom.cli.seed import SEED_ADMIN_EMAIL, SEED_PASSWORD
from ecom.extensions import db
from tests.concurrency import CREATED, run_together, skip_unless_postgres
from tests.factories import admin_login, bearer, login, make_user, run_seed

ME = "/api/v1/auth/users/me/"
REFRESH = "/api/v1/auth/jwt/refresh/"
LOGOUT = "/api/v1/auth/jwt/logout/"


def refresh(client, token: str):
    return client.post(REFRESH, json={"refresh": token})


def test_reusing_a_rotated_refresh_token_revokes_every_token_of_the_login(client, customer):
    first = login(client, customer)
    second = refresh(client, first["refresh"]).json

    assert refresh(client, first["refresh"]).status_code == 401
    assert refresh(client, second["refresh"]).status_code == 401
    assert client.get(ME, headers=bearer(second["access"])).status_code == 401


def test_reuse_ends_only_that_login(client, customer):
    stolen = login(client, customer)
    other_device = login(client, customer)
    refresh(client, stolen["refresh"])
    refresh(client, stolen["refresh"])
    assert client.get(ME, headers=bearer(other_device["access"])).status_code == 200


def test_rotation_keeps_the_expiry_fixed_at_login(client, customer):
    first = login(client, customer)
    rotated = refresh(client, first["refresh"]).json
    assert decode_token(rotated["refresh"])["exp"] == decode_token(first["refresh"])["exp"]

    family = db.session.get(TokenFamily, decode_token(rotated["refresh"])["fam"])
    family.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert refresh(client, rotated["refresh"]).status_code == 401


def test_logout_ends_the_access_tokens_issued_before_a_refresh(client, customer):
    first = login(client, customer)
    second = refresh(client, first["refresh"]).json
    out = client.post(LOGOUT, json={"refresh": second["refresh"]}, headers=bearer(second["access"]))
    assert out.status_code == 204
    assert client.get(ME, headers=bearer(first["access"])).status_code == 401


def test_a_logged_out_token_stays_refused_when_redis_loses_its_data(client, customer, redis_client):
    pair = login(client, customer)
    client.post(LOGOUT, json={"refresh": pair["refresh"]}, headers=bearer(pair["access"]))
    redis_client.flushdb()
    assert client.get(ME, headers=bearer(pair["access"])).status_code == 401
    assert refresh(client, pair["refresh"]).status_code == 401


def test_reactivating_a_user_does_not_revive_their_tokens(client, customer, admin):
    pair = login(client, customer)
    services.deactivate_user(admin, customer.id)
    services.administer_user(admin, customer.id, {"is_active": True})
    assert client.get(ME, headers=bearer(pair["access"])).status_code == 401
    assert refresh(client, pair["refresh"]).status_code == 401
    assert client.get(ME, headers=bearer(login(client, customer)["access"])).status_code == 200


def forged(app, **claims) -> str:
    """A token signed with the real key, with exactly these claims."""
    return jwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256")


@pytest.mark.parametrize("subject", ["abc", "-1", "0", "99999999999999999999", "１"])
def test_a_token_with_a_malformed_subject_is_refused_with_401(app, client, customer, subject):
    real = decode_token(login(client, customer)["access"])
    token = forged(app, **{**real, "sub": subject})
    assert client.get(ME, headers=bearer(token)).status_code == 401
    assert client.post("/api/v1/auth/jwt/verify/", json={"token": token}).status_code == 401


@pytest.mark.parametrize("missing", ["jti", "fam"])
def test_a_token_without_its_id_or_family_is_refused_with_401(app, client, customer, missing):
    claims = decode_token(login(client, customer)["refresh"])
    del claims[missing]
    token = forged(app, **claims)
    assert refresh(client, token).status_code == 401
    assert (
        client.get(ME, headers=bearer(forged(app, **{**claims, "type": "access"}))).status_code
        == 401
    )


def test_tokens_and_back_office_sessions_do_not_survive_a_seed_reset(app, client):
    tiny = ("--products", "5", "--users", "1", "--orders", "0", "--reviews", "0", "--reset")
    run_seed(app, *tiny)
    seeded_admin = db.session.scalar(select(User).where(User.email == SEED_ADMIN_EMAIL))
    old_id = seeded_admin.id
    pair = login(client, seeded_admin, SEED_PASSWORD)
    admin_login(client, seeded_admin, SEED_PASSWORD)
    assert client.get("/admin/").status_code == 200
    run_seed(app, *tiny)

    assert db.session.scalar(select(User.id).where(User.email == SEED_ADMIN_EMAIL)) == old_id
    assert client.get(ME, headers=bearer(pair["access"])).status_code == 401
    assert client.get("/admin/").status_code == 302


def test_a_token_forged_for_another_user_id_with_a_real_family_is_refused(app, client, customer):
    other = make_user()
    claims = decode_token(login(client, customer)["access"])
    with app.test_request_context():
        token = create_access_token(
            identity=str(other.id), additional_claims={"fam": claims["fam"], "ver": 0}
        )
    assert client.get(ME, headers=bearer(token)).status_code == 401


@pytest.mark.committed
def test_twelve_parallel_refreshes_of_one_token_give_one_success(app, client, customer):
    skip_unless_postgres()
    token = login(client, customer)["refresh"]
    outcomes = run_together(
        app, [customer.id] * 12, lambda _user: services.rotate_refresh_token(token)
    )
    assert sorted(outcomes, key=str) == [401] * 11 + [CREATED]
