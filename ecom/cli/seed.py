"""``flask seed``: a deterministic demonstration shop, written with bulk inserts.

Every value comes from ``random.Random(seed)`` and a fixed date, so one seed always gives
the same rows. Ids are read back from the inserts, in parameter order.
"""

import functools
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import click
from flask import current_app
from flask.cli import with_appcontext
from slugify import slugify
from sqlalchemy import func, insert, select, text, update

from ecom.accounts.addresses import SHIPPING_FIELDS
from ecom.accounts.models import Address, User
from ecom.accounts.passwords import hash_password
from ecom.catalog.models import Category, Product
from ecom.cli.vocabulary import (
    CATALOG,
    CITIES,
    FIRST_NAMES,
    LAST_NAMES,
    REVIEW_TITLES,
    SELLING_POINTS,
    STREETS,
    Leaf,
)
from ecom.common.cache import invalidate_on_commit
from ecom.common.cache_families import EVERY_FAMILY
from ecom.extensions import db
from ecom.orders.models import (
    NEW_PAYMENT_STATUS,
    ORDER_STATUSES,
    Order,
    OrderItem,
    OrderStatusChange,
)
from ecom.orders.services import payment_status_after, status_path
from ecom.pricing.services import Breakdown, price
from ecom.reviews.models import Review
from ecom.reviews.services import round_rating

SEED_PASSWORD = "shop-demo-password"
SEED_ADMIN_EMAIL = "admin@shop.example"
SEED_STAFF_EMAIL = "staff@shop.example"
DEFAULT_AS_OF = date(2026, 11, 1)
ORDER_WINDOW_DAYS = 45
CHUNK = 5000
CENT = Decimal("0.01")

STATUS_WEIGHTS = (10, 15, 10, 15, 40, 10)
RATING_WEIGHTS = (5, 7, 15, 33, 40)


@dataclass
class SeededProduct:
    id: int
    title: str
    price: Decimal


@dataclass
class Seeder:
    rng: random.Random
    end: datetime  # the end of the as-of day, or now if sooner: nothing is dated later
    password_hash: str
    products: list[SeededProduct] = field(default_factory=list)
    customer_ids: list[int] = field(default_factory=list)
    staff_id: int = 0
    addresses: dict[int, dict] = field(default_factory=dict)
    delivered_pairs: set[tuple[int, int]] = field(default_factory=set)

    def moment(self, within_days: int) -> datetime:
        """A second within the ``within_days`` days before the end."""
        return self.end - timedelta(seconds=self.rng.randrange(1, within_days * 86400))

    def before_orders(self) -> datetime:
        """A second within the year before the first order (products, accounts)."""
        return self.moment(365) - timedelta(days=ORDER_WINDOW_DAYS)


def _insert(model: type[db.Model], rows: list[dict], label: str | None = None) -> list[int]:
    """Insert ``rows`` in chunks (executemany); the new ids, in the order of ``rows``."""
    table = model.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids: list[int] = []
    with click.progressbar(length=len(rows), label=label, hidden=label is None) as bar:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            ids.extend(db.session.execute(statement, chunk).scalars())
            bar.update(len(chunk))
    return ids


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    """A shop-like price: whole units ending in .99 or .00."""
    units = rng.randrange(low, high)
    return Decimal(units) + (Decimal("0.99") if rng.random() < 0.7 else Decimal("0.00"))


def _stock(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.05:
        return 0
    if roll < 0.15:
        return rng.randint(1, 5)
    return rng.randint(6, 500)


def seed_categories(seeder: Seeder) -> list[tuple[int, Leaf]]:
    """The category tree; returns the leaves with their ids."""
    created = seeder.end - timedelta(days=400)
    leaves: list[tuple[int, Leaf]] = []

    def add(name: str, parent_id: int | None) -> int:
        row = {
            "name": name,
            "slug": slugify(name),
            "description": f"Everything in {name}.",
            "parent_id": parent_id,
            "created_at": created,
        }
        return _insert(Category, [row])[0]

    for top, middles in CATALOG.items():
        top_id = add(top, None)
        for middle, bottoms in middles.items():
            middle_id = add(middle, top_id)
            leaves.extend((add(name, middle_id), leaf) for name, leaf in bottoms.items())
    return leaves


def _product_row(seeder: Seeder, number: int, category_id: int, leaf: Leaf) -> dict:
    rng = seeder.rng
    title = f"{rng.choice(leaf.lines)} {rng.choice(leaf.variants)}"
    created = seeder.before_orders()
    return {
        "title": title,
        "slug": f"{slugify(title)}-{number}",
        "description": f"{title}. {'. '.join(rng.sample(SELLING_POINTS, 2))}.",
        "price": _money(rng, *leaf.price_range),
        "stock_quantity": _stock(rng),
        "category_id": category_id,
        "is_active": rng.random() > 0.03,
        "reviews_count": 0,
        "created_at": created,
        "updated_at": created,
    }


def seed_products(seeder: Seeder, leaves: list[tuple[int, Leaf]], count: int) -> None:
    rows = [_product_row(seeder, n, *seeder.rng.choice(leaves)) for n in range(1, count + 1)]
    ids = _insert(Product, rows, label="Products")
    seeder.products = [
        SeededProduct(id, row["title"], row["price"])
        for id, row in zip(ids, rows, strict=True)
        if row["is_active"]
    ]


def _user_row(seeder: Seeder, email: str, username: str, role: str) -> dict:
    created = seeder.before_orders()
    return {
        "email": email,
        "username": username,
        "password_hash": seeder.password_hash,
        "first_name": seeder.rng.choice(FIRST_NAMES),
        "last_name": seeder.rng.choice(LAST_NAMES),
        "role": role,
        "is_active": True,
        "token_version": 0,
        "created_at": created,
        "updated_at": created,
    }


def _address_row(seeder: Seeder, user: dict, user_id: int) -> dict:
    rng = seeder.rng
    city, country, postal_code = rng.choice(CITIES)
    return {
        "user_id": user_id,
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "line1": f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
        "line2": "",
        "city": city,
        "postal_code": postal_code,
        "country": country,
        "phone": f"+{rng.randint(30, 49)} {rng.randint(100000000, 999999999)}",
        "is_default": True,
        "created_at": user["created_at"],
        "updated_at": user["created_at"],
    }


def seed_users(seeder: Seeder, count: int) -> None:
    """An admin, a staff member and ``count`` customers, each with a default address."""
    rows = [
        _user_row(seeder, SEED_ADMIN_EMAIL, "shop-admin", "admin"),
        _user_row(seeder, SEED_STAFF_EMAIL, "shop-staff", "staff"),
    ]
    rows += [
        _user_row(seeder, f"customer{n:05}@shop.example", f"customer{n:05}", "customer")
        for n in range(1, count + 1)
    ]
    ids = _insert(User, rows)
    seeder.staff_id = ids[1]
    seeder.customer_ids = ids[2:]
    addresses = [_address_row(seeder, row, id) for id, row in zip(ids[2:], rows[2:], strict=True)]
    _insert(Address, addresses)
    seeder.addresses = {row["user_id"]: row for row in addresses}


def _shipping_address(address: dict) -> dict:
    return {key: address[key] for key in SHIPPING_FIELDS}


def _order_status(rng: random.Random, number: int) -> str:
    """Every status appears in the first six orders; then a plausible mix."""
    if number < len(ORDER_STATUSES):
        return ORDER_STATUSES[number]
    return rng.choices(ORDER_STATUSES, STATUS_WEIGHTS)[0]


@dataclass
class SeededLine:
    product: SeededProduct
    quantity: int


def _lines(seeder: Seeder) -> Breakdown:
    size = min(len(seeder.products), seeder.rng.choices((1, 2, 3, 4), (50, 30, 15, 5))[0])
    chosen = seeder.rng.sample(seeder.products, size)
    return price(
        SeededLine(product, seeder.rng.choices((1, 2, 3), (75, 20, 5))[0]) for product in chosen
    )


def _history(seeder: Seeder, user_id: int, path: tuple[str, ...], placed: datetime) -> list[dict]:
    changes, moment, previous = [], placed, None
    for step, status in enumerate(path):
        if step:
            moment = min(moment + timedelta(minutes=seeder.rng.randint(20, 2000)), seeder.end)
        by = user_id if status in ("pending", "cancelled") else seeder.staff_id
        changes.append(
            {
                "from_status": previous,
                "to_status": status,
                "changed_by_id": by,
                "note": "",
                "created_at": moment,
            }
        )
        previous = status
    return changes


def _payment_status(path: tuple[str, ...]) -> str:
    return functools.reduce(payment_status_after, path[1:], NEW_PAYMENT_STATUS)


def seed_orders(seeder: Seeder, count: int) -> None:
    """Orders in every status, with their lines, totals and status history."""
    if not seeder.customer_ids or not seeder.products:
        return
    orders, lines, histories = [], [], []
    for number in range(count):
        rng = seeder.rng
        user_id = rng.choice(seeder.customer_ids)
        final = _order_status(rng, number)
        # Half the cancelled orders were paid first.
        stops = ("paid", final) if final == "cancelled" and rng.random() < 0.5 else (final,)
        path = status_path(*stops)
        placed = seeder.moment(ORDER_WINDOW_DAYS)
        pricing = _lines(seeder)
        history = _history(seeder, user_id, path, placed)
        orders.append(
            {
                "user_id": user_id,
                "status": path[-1],
                "payment_status": _payment_status(path),
                "total_amount": pricing.total,
                "shipping_address": _shipping_address(seeder.addresses[user_id]),
                "created_at": placed,
                "updated_at": history[-1]["created_at"],
            }
        )
        lines.append(pricing.lines)
        histories.append(history)
        if path[-1] == "delivered":
            seeder.delivered_pairs.update(
                (user_id, line.source.product.id) for line in pricing.lines
            )
    order_ids = _insert(Order, orders, label="Orders")
    _insert(OrderItem, list(_item_rows(order_ids, lines)))
    _insert(OrderStatusChange, list(_history_rows(order_ids, histories)))


def _item_rows(order_ids: list[int], lines: list) -> Iterator[dict]:
    for order_id, order_lines in zip(order_ids, lines, strict=True):
        for line in order_lines:
            yield {
                "order_id": order_id,
                "product_id": line.source.product.id,
                "title": line.source.product.title,
                "unit_price": line.unit_price,
                "quantity": line.quantity,
            }


def _history_rows(order_ids: list[int], histories: list) -> Iterator[dict]:
    for order_id, history in zip(order_ids, histories, strict=True):
        for change in history:
            yield {"order_id": order_id, **change}


def _review_pairs(seeder: Seeder, count: int) -> list[tuple[int, int]]:
    """Distinct (user, product) pairs: bought-and-delivered ones first, then others."""
    pairs = sorted(seeder.delivered_pairs)
    seeder.rng.shuffle(pairs)
    chosen = dict.fromkeys(pairs[: count // 2])
    product_ids = [product.id for product in seeder.products]
    for _ in range(count * 3):
        if len(chosen) >= count:
            break
        chosen.setdefault((seeder.rng.choice(seeder.customer_ids), seeder.rng.choice(product_ids)))
    return list(chosen)


def seed_reviews(seeder: Seeder, count: int) -> int:
    """Reviews, then each product's rating summary from its visible reviews; how many."""
    if not seeder.customer_ids or not seeder.products:
        return 0
    rows = []
    for user_id, product_id in _review_pairs(seeder, count):
        rating = seeder.rng.choices((1, 2, 3, 4, 5), RATING_WEIGHTS)[0]
        written = seeder.moment(ORDER_WINDOW_DAYS)
        rows.append(
            {
                "product_id": product_id,
                "user_id": user_id,
                "rating": rating,
                "title": seeder.rng.choice(REVIEW_TITLES[rating]),
                "comment": seeder.rng.choice(SELLING_POINTS) + ".",
                "verified_purchase": (user_id, product_id) in seeder.delivered_pairs,
                "is_visible": seeder.rng.random() > 0.05,
                "created_at": written,
                "updated_at": written,
            }
        )
    _insert(Review, rows)
    _store_ratings(rows)
    return len(rows)


def _store_ratings(reviews: list[dict]) -> None:
    ratings: dict[int, list[int]] = defaultdict(list)
    last_review: dict[int, datetime] = {}
    for review in reviews:
        if review["is_visible"]:
            ratings[review["product_id"]].append(review["rating"])
            last_review[review["product_id"]] = max(
                review["created_at"], last_review.get(review["product_id"], review["created_at"])
            )
    summaries = [
        {
            "id": product_id,
            "updated_at": last_review[product_id],
            "average_rating": round_rating(Decimal(sum(values)) / len(values)),
            "reviews_count": len(values),
        }
        for product_id, values in sorted(ratings.items())
    ]
    if summaries:
        db.session.execute(update(Product), summaries)


def wipe_database() -> None:
    """Delete every row of every table (ids start again at 1)."""
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    invalidate_on_commit(db.session, *EVERY_FAMILY)
    db.session.commit()


def already_seeded() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Category)))


@click.command("seed")
@click.option("--products", default=1000, show_default=True, type=click.IntRange(0))
@click.option(
    "--users",
    default=100,
    show_default=True,
    type=click.IntRange(0),
    help="Customers (an admin and a staff member are added).",
)
@click.option("--orders", default=500, show_default=True, type=click.IntRange(0))
@click.option("--reviews", default=1000, show_default=True, type=click.IntRange(0))
@click.option("--seed", "seed_value", default=1, show_default=True, help="Random seed.")
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=DEFAULT_AS_OF.isoformat(),
    show_default=True,
    help="Last day of the seeded history.",
)
@click.option("--reset", is_flag=True, help="Delete EVERY row (accounts too) first.")
@with_appcontext
def seed(
    products: int,
    users: int,
    orders: int,
    reviews: int,
    seed_value: int,
    as_of: datetime,
    reset: bool,
) -> None:
    """Fill the database with a deterministic demonstration shop."""
    if reset:
        if current_app.config["ENV_NAME"] == "production":
            raise click.ClickException("--reset is refused in production.")
        wipe_database()
    elif already_seeded():
        click.echo(
            "The database already holds a catalog; nothing was added "
            "(use --reset to wipe it and seed again)."
        )
        return
    started = time.perf_counter()
    seeder = Seeder(
        rng=random.Random(seed_value),
        end=min(
            datetime.combine(as_of.date() + timedelta(days=1), datetime.min.time(), UTC),
            datetime.now(UTC),
        ),
        password_hash=hash_password(SEED_PASSWORD),
    )
    seed_products(seeder, seed_categories(seeder), products)
    seed_users(seeder, users)
    seed_orders(seeder, orders)
    written_reviews = seed_reviews(seeder, reviews)
    invalidate_on_commit(db.session, *EVERY_FAMILY)
    db.session.commit()
    click.echo(
        f"Seeded {products} products, {users} customers, {orders} orders and "
        f"{written_reviews} reviews in {time.perf_counter() - started:.1f} s."
    )
