"""``flask seed``: a deterministic demonstration shop, written with bulk inserts
(``ecom.cli.seeding`` holds its jobs).

Every value comes from ``random.Random(seed)`` and a fixed date, so one seed always gives
the same rows. Ids are read back from the inserts, in parameter order.
"""

import random
import time
from datetime import UTC, date, datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select, text

from ecom.accounts.passwords import hash_password
from ecom.catalog.models import Category
from ecom.cli.seeding.carriers import seed_carriers
from ecom.cli.seeding.catalog import seed_categories, seed_products
from ecom.cli.seeding.images import seed_images
from ecom.cli.seeding.orders import seed_orders
from ecom.cli.seeding.people import SEED_ADMIN_EMAIL, SEED_STAFF_EMAIL, seed_users
from ecom.cli.seeding.promotions import seed_promotions
from ecom.cli.seeding.reviews import seed_reviews
from ecom.cli.seeding.rows import Seeder
from ecom.cli.seeding.shipping import seed_shipping
from ecom.cli.seeding.tax import seed_tax
from ecom.common.cache import invalidate
from ecom.common.cache_families import EVERY_FAMILY
from ecom.extensions import db

__all__ = ["SEED_ADMIN_EMAIL", "SEED_PASSWORD", "SEED_STAFF_EMAIL", "seed"]

SEED_PASSWORD = "shop-demo-password"
DEFAULT_AS_OF = date(2026, 11, 1)


def wipe_database() -> None:
    """Delete every row of every table (ids start again at 1)."""
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()
    invalidate(*EVERY_FAMILY)


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
@click.option(
    "--images",
    default=24,
    show_default=True,
    type=click.IntRange(0),
    help="Products on sale given a drawn picture, stored like an upload (0: none).",
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
    images: int,
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
    pictured = seed_images(seeder, images)
    seed_users(seeder, users)
    seed_orders(seeder, orders)
    written_reviews = seed_reviews(seeder, reviews)
    seed_tax()
    db.session.commit()
    shipping_methods = seed_shipping(seeder.end)
    carriers = seed_carriers(seeder.end)
    seed_promotions(seeder)
    invalidate(*EVERY_FAMILY)
    click.echo(
        f"Seeded {products} products ({len(seeder.variants)} variants on sale, {pictured} "
        f"with a picture), {users} "
        f"customers, {orders} orders, {written_reviews} reviews, {shipping_methods} "
        f"shipping methods and {carriers} carriers in "
        f"{time.perf_counter() - started:.1f} s."
    )
