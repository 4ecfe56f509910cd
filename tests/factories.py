"""Small factories for test data."""

from decimal import Decimal
from itertools import count

from ecom.auth import addresses
from ecom.auth import services as accounts
from ecom.cart import services as cart
from ecom.catalog.models import Category, Product
from ecom.extensions import db

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


def make_category(**fields):
    n = next(_serial)
    category = Category(name=fields.pop("name", f"Category {n}"), slug=f"category-{n}", **fields)
    db.session.add(category)
    db.session.commit()
    return category


def make_product(*, stock: int = 10, price: str = "10.00", **fields):
    """A saved, active product with ``stock`` units at ``price``."""
    n = next(_serial)
    fields.setdefault("title", f"Product {n}")
    fields.setdefault("slug", f"product-{n}")
    if "category" not in fields:
        fields["category"] = make_category()
    product = Product(stock_quantity=stock, price=Decimal(price), **fields)
    db.session.add(product)
    db.session.commit()
    return product


ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}


def make_address(user, **fields):
    return addresses.create_address(user, {**ADDRESS, **fields})


def fill_cart(user, *lines):
    """Put ``(product, quantity)`` lines in the user's cart."""
    for product, quantity in lines:
        cart.add_item(user, product.id, quantity)
