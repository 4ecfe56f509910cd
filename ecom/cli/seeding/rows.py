"""What every seeding job shares: the seeder's state and random source, bulk inserts."""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import click
from sqlalchemy import Table, insert

from ecom.cli.vocabulary import SERIES
from ecom.extensions import db

ORDER_WINDOW_DAYS = 45
CHUNK = 5000


@dataclass(slots=True)
class SeededVariant:
    """A variant on sale (of an active product, itself active), as order lines copy it."""

    id: int
    product_id: int
    title: str
    sku: str
    label: str
    price: Decimal
    # Seeded orders are priced as placed before any promotion, tax class or shipping.
    sale_price: Decimal | None = None
    promotion_id: int | None = None
    weight_grams: int | None = None
    tax_class_id: int | None = None

    @property
    def product(self) -> "SeededVariant":
        """What pricing reads of the product (its tax class) is kept on the variant."""
        return self


@dataclass
class Seeder:
    rng: random.Random
    end: datetime  # the end of the as-of day, or now if sooner: nothing is dated later
    password_hash: str
    product_ids: list[int] = field(default_factory=list)  # active products
    variants: list[SeededVariant] = field(default_factory=list)
    customer_ids: list[int] = field(default_factory=list)
    staff_id: int = 0
    addresses: dict[int, dict] = field(default_factory=dict)
    delivered_pairs: set[tuple[int, int]] = field(default_factory=set)
    titles: Counter[str] = field(default_factory=Counter)  # products per base title

    def unique_title(self, base: str) -> str:
        """``base``, then ``base`` with a series name (and a number once they run out)."""
        taken = self.titles[base]
        self.titles[base] += 1
        if not taken:
            return base
        series = SERIES[(taken - 1) % len(SERIES)]
        round_ = (taken - 1) // len(SERIES)
        return f"{base} {series}" + (f" {round_ + 1}" if round_ else "")

    def moment(self, within_days: int) -> datetime:
        """A second within the ``within_days`` days before the end."""
        return self.end - timedelta(seconds=self.rng.randrange(1, within_days * 86400))

    def before_orders(self) -> datetime:
        """A second within the year before the first order (products, accounts)."""
        return self.moment(365) - timedelta(days=ORDER_WINDOW_DAYS)


def insert_rows(model: type[db.Model], rows: list[dict], label: str | None = None) -> list[int]:
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


def insert_links(table: Table, rows: list[dict]) -> None:
    """Insert rows of an association table (no ids to read back), in chunks."""
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start : start + CHUNK])


def money(rng: random.Random, low: int, high: int) -> Decimal:
    """A shop-like price: whole units ending in .99 or .00."""
    units = rng.randrange(low, high)
    return Decimal(units) + (Decimal("0.99") if rng.random() < 0.7 else Decimal("0.00"))


def stock(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.05:
        return 0
    if roll < 0.15:
        return rng.randint(1, 5)
    return rng.randint(6, 500)
