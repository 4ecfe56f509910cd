"""Small factories for test data."""

from itertools import count

import redis

from ecom.auth import services as accounts

PASSWORD = "correct-horse-battery"

_serial = count(1)


def make_user(role: str = "customer", **fields):
    """A saved user; the password is ``PASSWORD`` unless given."""
    n = next(_serial)
    fields.setdefault("email", f"user{n}@example.com")
    fields.setdefault("username", f"user{n}")
    fields.setdefault("password", PASSWORD)
    return accounts.create_user(role=role, **fields)


def login(client, user, password: str = PASSWORD) -> dict:
    response = client.post(
        "/api/v1/auth/jwt/create/", json={"email": user.email, "password": password}
    )
    assert response.status_code == 200, response.json
    return response.json


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def redis_state(app) -> str:
    """What /health/ should say of the cache: disabled, ok, or degraded (Redis down)."""
    client = app.extensions.get("redis")
    if client is None:
        return "disabled"
    try:
        client.ping()
    except redis.RedisError:
        return "degraded"
    return "ok"
