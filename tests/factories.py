"""Small factories for test data."""

import contextlib
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from itertools import count

import pytest
import redis
from sqlalchemy import create_engine, event, text, update
from sqlalchemy.engine import make_url

import config
from ecom.accounts import addresses, groups, integration_tokens
from ecom.accounts import services as accounts
from ecom.accounts.models import PermissionGroup
from ecom.accounts.tokens import issue_tokens, start_family
from ecom.cart import quotes as cart_quotes
from ecom.cart import services as cart
from ecom.catalog import categories, options, variants
from ecom.catalog import services as catalog
from ecom.common.permissions import PERMISSIONS
from ecom.extensions import db
from ecom.orders import lines, placing, transitions
from ecom.orders.models import OrderItem
from ecom.reviews import services as reviews
from ecom.shipping import services as shipping

PASSWORD = "correct-horse-battery"
# A Redis URL at a closed port.
DEAD_REDIS = "redis://127.0.0.1:1/0"

_serial = count(1)


def production_env(**overrides: str) -> dict[str, str]:
    """The least environment ``ProductionConfig`` starts with; ``overrides`` change or add."""
    strong = "s" * 40
    return {
        "SECRET_KEY": strong,
        "JWT_SECRET_KEY": strong,
        "DATABASE_URL": "postgresql://ecom@db/ecom",
        "REDIS_URL": "redis://redis:6379/0",
        "DUMMY_WEBHOOK_SECRET": "whsec_" + "w" * 40,
        # The default provider is the dummy: production offers it only to a demo shop.
        "DEMO_SHOP": "true",
        **overrides,
    }


def make_user(role: str = "customer", *, permissions=None, **fields):
    """A saved user; the password is ``PASSWORD`` unless given. A staff member belongs to
    a group of ``permissions`` (every permission unless given)."""
    n = next(_serial)
    fields.setdefault("email", f"user{n}@example.com")
    fields.setdefault("username", f"user{n}")
    fields.setdefault("password", PASSWORD)
    user = accounts.create_user(role=role, **fields)
    if role == "staff":
        grant(user, PERMISSIONS if permissions is None else permissions)
    return user


def grant(user, permissions) -> PermissionGroup:
    """Put ``user`` in a new group of exactly ``permissions``."""
    group = groups.create_group(
        None,
        {"name": f"group{next(_serial)}", "permissions": list(permissions), "members": [user.id]},
    )
    db.session.refresh(user)
    return group


def make_token(permissions=PERMISSIONS, name: str = "ERP") -> str:
    """The secret of a new integration token holding ``permissions``."""
    return integration_tokens.create_token(None, name, list(permissions))[1]


def login(client, user, password: str = PASSWORD) -> dict:
    response = client.post(
        "/api/v1/auth/jwt/create/", json={"email": user.email, "password": password}
    )
    assert response.status_code == 200, response.json
    return response.json


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def csrf_token_from(html: str) -> str:
    """The CSRF token of the first back office form in ``html``."""
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def admin_login(client, user, password: str = PASSWORD, next_path: str | None = None):
    """Log ``user`` in to the back office; the response of the login POST."""
    url = "/admin/login/" + (f"?next={next_path}" if next_path else "")
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"email": user.email, "password": password, "csrf_token": token})


def run_seed(app, *options: str):
    """Run ``flask seed`` with small sizes unless ``options`` say otherwise."""
    result = app.test_cli_runner().invoke(args=["seed", *options])
    assert result.exit_code == 0, result.output
    return result


def make_category(name: str | None = None, parent=None, **fields):
    """A saved category (under ``parent`` when given)."""
    fields.setdefault("name", name or f"Category {next(_serial)}")
    fields.setdefault("parent_id", parent.id if parent else None)
    return categories.create_category(fields)


def make_product(category=None, *, stock: int = 10, price: str | Decimal = "10.00", **fields):
    """A saved, active product (in a new category unless given)."""
    fields.setdefault("title", f"Product {next(_serial)}")
    fields.setdefault("stock_quantity", stock)
    fields["price"] = Decimal(price)
    fields.setdefault("category_id", (category or make_category()).id)
    return catalog.create_product(fields)


def set_variant(product, **changes):
    """Change the product's only (or first) variant through the catalog's rules, e.g.
    ``set_variant(product, stock_quantity=0)``; the variant."""
    return variants.update_variant(product.id, product.variants[0].id, changes)


def make_sized_product(*sizes: str, stock: int = 10, price: str | Decimal = "10.00", **fields):
    """A saved product with a Size option and one variant per size (``stock`` units at
    ``price`` each), its variants in the sizes' order; S, M and L unless given."""
    sizes = sizes or ("S", "M", "L")
    product = make_product(stock=stock, price=price, **fields)
    options.create_option(product.id, {"name": "Size", "values": list(sizes)})
    for size in sizes[1:]:
        variants.create_variant(
            product.id,
            {
                "sku": f"{product.variants[0].sku}-{size}",
                "price": Decimal(price),
                "stock_quantity": stock,
                "options": {"Size": size},
            },
        )
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
    """Put ``(product, quantity)`` lines in the user's cart; the cart lines."""
    return [cart.add_item(user, product.id, quantity) for product, quantity in lines]


def fill_cart_with_variants(user, *lines):
    """Put ``(variant, quantity)`` lines in the user's cart; the cart lines."""
    return [cart.add_item(user, quantity=quantity, variant_id=v.id) for v, quantity in lines]


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


def admin_session(client, user) -> None:
    """Sign ``user`` in to the back office whatever their role (as a login would have)."""
    family = start_family(user, with_refresh=False)
    db.session.commit()
    with client.session_transaction() as session:
        session["admin_user"] = {"id": user.id, "ver": user.token_version, "fam": family.id}


def admin_csrf_token(client) -> str:
    """The CSRF token of the client's back office session."""
    return csrf_token_from(client.get("/admin/login/").get_data(as_text=True))


def make_order(user, *lines, statuses=(), actor=None):
    """A placed order of ``(product, quantity)`` lines, then moved through ``statuses``.

    Once the shop has shipping methods, checkout requires one: the order takes the cheapest
    offered for the user's default address, as a customer would."""
    address = addresses.default_address(user) or make_address(user)
    fill_cart(user, *lines)
    order = placing.checkout(user, shipping_method_id=cheapest_method_id(user, address.id))[0]
    for status in statuses:
        transitions.change_status(order.id, status, actor=actor or user)
    return order


def deliver(order, at=None):
    """Every unit of the order's lines delivered, as a whole-order delivery records it
    (``at``: when, for a delivery in the past); the order's status is left as it is."""
    lines.deliver_all(order.id)
    if at is not None:
        arrived = update(OrderItem).where(OrderItem.order_id == order.id).values(delivered_at=at)
        db.session.execute(arrived)
    db.session.commit()
    db.session.expire(order)
    return order


def cheapest_method_id(user, address_id: int) -> int | None:
    """The cheapest shipping method offered for the user's cart to the address, if any."""
    request = cart_quotes.QuoteRequest(address_id=address_id)
    offered = cart_quotes.shipping_methods(user, request)
    return offered[0].method.id if offered else None


SAVEPOINT_STATEMENTS = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")


@contextlib.contextmanager
def statements() -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block (not the savepoints a test's
    rolled-back transaction turns the app's commits into)."""
    seen = []

    def record(_conn, _cursor, statement, *_args):
        if not statement.startswith(SAVEPOINT_STATEMENTS):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def token_headers(user) -> dict:
    """Authorization header of a freshly issued access token (no login round trip)."""
    return bearer(issue_tokens(user)["access"])


def make_review(user, product, rating: int = 4, comment: str = "Does the job."):
    return reviews.create_review(user, product_id=product.id, rating=rating, comment=comment)


def make_zone(*countries: str, **fields):
    """A saved shipping zone of ``countries`` (with ``postal_prefixes``, ``rest_of_world``)."""
    fields.setdefault("name", f"Zone {next(_serial)}")
    return shipping.create_zone({"countries": list(countries), **fields})


def make_method(zone, price: str | Decimal | None = "5.00", **fields):
    """A saved, active shipping method of ``zone``: flat at ``price`` unless ``rate`` and
    ``bands`` say otherwise (bands as ``(lower, upper, price)``)."""
    fields.setdefault("name", f"Method {next(_serial)}")
    fields.setdefault("min_days", 2)
    fields.setdefault("max_days", 5)
    fields.setdefault("rate", "flat")
    if fields["rate"] == "flat":
        fields["price"] = Decimal(price)
    fields["bands"] = [
        {
            "lower": Decimal(lower),
            "upper": None if upper is None else Decimal(upper),
            "price": Decimal(band_price),
        }
        for lower, upper, band_price in fields.get("bands", [])
    ]
    return shipping.create_method({"zone_id": zone.id, **fields})


@contextlib.contextmanager
def scratch_postgres_database(suffix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database beside ``TEST_DATABASE_URL``'s, named with
    ``suffix`` and dropped afterwards; skips the test without ``TEST_DATABASE_URL``."""
    test_db = os.environ.get("TEST_DATABASE_URL", "")
    if not test_db.startswith("postgres"):
        pytest.skip("Needs TEST_DATABASE_URL (PostgreSQL): the second pass.")
    url = make_url(config.database_url(test_db))
    url = url.set(database=f"{url.database}_{suffix}")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    with admin.connect() as conn:
        conn.execute(drop)
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    try:
        yield url.set(drivername="postgresql").render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(drop)
        admin.dispose()
