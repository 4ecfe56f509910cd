"""Small factories for test data."""

from decimal import Decimal
from itertools import count

from ecom.auth import services as accounts
from ecom.catalog import services as catalog

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


def make_category(name: str | None = None, parent=None, **fields):
    """A saved category (under ``parent`` when given)."""
    fields.setdefault("name", name or f"Category {next(_serial)}")
    fields.setdefault("parent_id", parent.id if parent else None)
    return catalog.create_category(fields)


def make_product(category=None, **fields):
    """A saved, active product in stock (in a new category unless given)."""
    fields.setdefault("title", f"Product {next(_serial)}")
    fields.setdefault("price", Decimal("10.00"))
    fields.setdefault("stock_quantity", 5)
    fields.setdefault("category_id", (category or make_category()).id)
    return catalog.create_product(fields)
