"""The benchmark's databases: filled once per size with ``flask seed``, then prepared per run
(hot products with ample stock, buyers with full carts, their tokens)."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.exc import OperationalError

from config import database_url
from ecom.accounts.models import Address, User
from ecom.accounts.tokens import issue_tokens
from ecom.catalog.models import Category, Product, ProductVariant
from ecom.cli.seed import SEED_PASSWORD
from ecom.common.models import utcnow
from ecom.extensions import db
from ecom.promotions import vouchers
from ecom.promotions.models import Voucher
from ecom.shipping.zones import zone_for
from scripts.databases import create_postgres_database

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
# Databases are named <prefix><size>, e.g. ecom_bench_1m.
DATABASE_PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "ecom_bench_")
HOT_PRODUCTS = 1000
HOT_STOCK = 1_000_000
CHECKOUT_BUYERS = 6000
CART_BUYERS = 500
LOGIN_USERS = 1000
LINES_PER_CART = 2
# What docs/PERFORMANCE.md recommends for the shop's database, set per database as on a
# managed server: no parallel workers for short reads, SSD page costs, no JIT.
DATABASE_SETTINGS = {
    "max_parallel_workers_per_gather": "0",
    "random_page_cost": "1.1",
    "jit": "off",
}
CURSORS = 200
REFILL_ATTEMPTS = 5
# Every checkout of the bench enters it: 5% off, no limit per customer.
VOUCHER = "BENCH5"
# Methods whose price does not depend on the cart's weight (no band can refuse a cart).
ANY_WEIGHT = ("flat", "subtotal")
DEADLOCK = "40P01"  # PostgreSQL's SQLSTATE for a deadlock


@dataclass(frozen=True)
class Size:
    products: int
    users: int
    orders: int
    reviews: int

    def seed_options(self) -> list[str]:
        return [
            f"--products={self.products}",
            f"--users={self.users}",
            f"--orders={self.orders}",
            f"--reviews={self.reviews}",
            "--images=0",
            "--seed=1",
        ]


SIZES = {
    "10k": Size(products=10_000, users=10_000, orders=10_000, reviews=20_000),
    "100k": Size(products=100_000, users=20_000, orders=100_000, reviews=200_000),
    "1m": Size(products=1_000_000, users=50_000, orders=200_000, reviews=400_000),
}


def url_of(name: str) -> str:
    return f"{POSTGRES}/{DATABASE_PREFIX}{name}"


def _flask(env: dict[str, str], *args: str) -> None:
    flask = str(Path(sys.executable).with_name("flask"))
    subprocess.run([flask, *args], env={**env, "FLASK_APP": "wsgi:app"}, cwd=ROOT, check=True)


def _is_filled(app: Flask, size: Size) -> bool:
    """The marker of a finished seed: exactly the size's products and customers."""
    with app.app_context():
        products = db.session.scalar(select(func.count()).select_from(Product))
        users = db.session.scalar(select(func.count()).select_from(User))
    return products == size.products and users >= size.users


def ensure_filled(name: str, env: dict[str, str], app: Flask) -> str:
    """Create, migrate and seed the size's database unless a finished seed is there."""
    create_postgres_database(env["DATABASE_URL"])
    tune(env["DATABASE_URL"])
    _flask(env, "db", "upgrade")
    if _is_filled(app, SIZES[name]):
        vacuum(env["DATABASE_URL"])
        return "reused"
    # --reset is refused in production; the seed itself is the same in every environment.
    _flask({**env, "APP_ENV": "development"}, "seed", "--reset", *SIZES[name].seed_options())
    vacuum(env["DATABASE_URL"])
    return "seeded"


def tune(url: str) -> None:
    """``DATABASE_SETTINGS`` for every later connection to the database."""
    engine = create_engine(database_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        name = conn.scalar(text("SELECT current_database()"))
        for setting, value in DATABASE_SETTINGS.items():
            conn.execute(text(f"ALTER DATABASE \"{name}\" SET {setting} = '{value}'"))
    engine.dispose()


def vacuum(url: str) -> None:
    """Planner statistics and visibility maps as autovacuum keeps them in a running shop
    (a bulk load has neither yet, and earlier runs leave dead rows behind)."""
    engine = create_engine(database_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


@dataclass
class Fixtures:
    """What the scenarios draw on, all from the seeded rows."""

    hot_products: list[int]
    # One active variant of each hot product.
    hot_variants: list[int]
    # Filter sets by scope: "leaf", "department" and "none" (no category).
    filters: dict[str, list[dict[str, str]]]
    # Words of the search document: one in about 5% of products, and a rare one.
    common_word: str
    rare_word: str
    # Cursors spread over the whole catalog, for the cursor walk.
    cursors: list[str]
    # Many distinct list URLs' query strings (every leaf, orderings, pages).
    browse: list[dict[str, str]]
    checkout_buyers: list[User]
    cart_buyers: list[User]
    login_emails: list[str]
    probe_buyer: User
    # A checkout's body per buyer (checkout buyers and the probe): a shipping method
    # offered at the buyer's default address.
    checkout_bodies: dict[int, dict] = field(default_factory=dict)
    password: str = SEED_PASSWORD


@dataclass(frozen=True)
class HotProducts:
    ids: list[int]
    # The first active variant of each, for cart adds and the checkout carts.
    variants: list[int]


def _hot_products(count: int) -> HotProducts:
    """Active products spread over the whole table, each with an active variant; their
    active variants get stock no run can exhaust, and the products' summary its sum."""
    total = db.session.scalar(select(func.max(Product.id)))
    step = max(1, total // count)
    on_sale = ProductVariant.is_active & (ProductVariant.product_id == Product.id)
    ids = db.session.scalars(
        select(Product.id)
        .where(
            Product.is_active,
            Product.id % step == 0,
            select(ProductVariant.id).where(on_sale).exists(),
        )
        .order_by(Product.id)
        .limit(count)
    ).all()
    db.session.execute(
        update(ProductVariant)
        .where(ProductVariant.product_id.in_(ids), ProductVariant.is_active)
        .values(stock_quantity=HOT_STOCK)
    )
    active = select(func.count(ProductVariant.id)).where(on_sale).scalar_subquery()
    db.session.execute(
        update(Product).where(Product.id.in_(ids)).values(stock_quantity=HOT_STOCK * active)
    )
    db.session.commit()
    first_active = dict(
        db.session.execute(
            select(ProductVariant.product_id, func.min(ProductVariant.id))
            .where(ProductVariant.product_id.in_(ids), ProductVariant.is_active)
            .group_by(ProductVariant.product_id)
        ).all()
    )
    return HotProducts(ids=list(ids), variants=[first_active[id] for id in ids])


def _filters(product_ids: list[int], scope: str) -> list[dict[str, str]]:
    """Realistic filtered searches: a word of a product's title, a price range around it,
    dearest first; within its leaf category, its department, or the whole catalog."""
    filters = []
    for product in db.session.scalars(select(Product).where(Product.id.in_(product_ids[:8]))):
        path = db.session.get(Category, product.category_id).path
        category = {"leaf": {"category": path[-1].slug}, "department": {"category": path[0].slug}}
        filters.append(
            {
                **category.get(scope, {}),
                "price_min": str(int(product.price / 2)),
                "price_max": str(int(product.price * 2)),
                "search": max(product.title.split(), key=len).lower(),
                "ordering": "-price",
            }
        )
    return filters


def _search_words() -> tuple[str, str]:
    """A word of the search document in about 5% of the products, and the rarest one, both
    counted on every tenth product (``ts_stat``)."""
    words = db.session.execute(
        text(
            "SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM products "
            "WHERE id % 10 = 0') WHERE length(word) > 3"
        )
    ).all()
    total = db.session.scalar(select(func.count()).where(Product.id % 10 == 0))
    common = min(words, key=lambda row: abs(row.ndoc / total - 0.05)).word
    rare = min(words, key=lambda row: (row.ndoc, row.word)).word
    return common, rare


def _cursors(count: int) -> list[str]:
    """Cursors after ``count`` ids spread evenly over the catalog."""
    top = db.session.scalar(select(func.max(Product.id)))
    return [str(top * n // count) for n in range(count)]


def _browse() -> list[dict[str, str]]:
    """Every leaf category, by three orderings, pages 1 and 2."""
    leaves = db.session.scalars(
        select(Category.slug).where(
            ~Category.id.in_(select(Category.parent_id).where(Category.parent_id.is_not(None)))
        )
    ).all()
    return [
        {"category": slug, "ordering": ordering, "page": str(page)}
        for slug in leaves
        for ordering in ("price", "-price", "-created_at")
        for page in (1, 2)
    ]


def _customers(count: int) -> list[User]:
    return db.session.scalars(
        select(User).where(User.role == "customer").order_by(User.id).limit(count)
    ).all()


def ensure_voucher() -> None:
    """The bench's voucher, entered in every checkout's cart."""
    if db.session.scalar(select(Voucher.id).where(Voucher.code == VOUCHER)) is None:
        vouchers.create_voucher(
            {"code": VOUCHER, "kind": "percentage", "value": 5, "starts_at": utcnow()}
        )


def checkout_bodies(users: list[User]) -> dict[int, dict]:
    """Each buyer's checkout: a method of the zone of their default address that takes a
    cart of any weight (the seeded zones claim whole countries)."""
    addresses = db.session.execute(
        select(Address.user_id, Address.country, Address.postal_code).where(
            Address.user_id.in_([user.id for user in users]), Address.is_default
        )
    ).all()
    by_country: dict[str, int] = {}
    bodies = {}
    for address in addresses:
        if address.country not in by_country:
            methods = zone_for(address).methods
            by_country[address.country] = next(
                m.id for m in methods if m.is_active and m.rate in ANY_WEIGHT
            )
        bodies[address.user_id] = {"shipping_method_id": by_country[address.country]}
    return bodies


def prepare(app: Flask) -> Fixtures:
    """Hot products, filter sets and the customers each write scenario uses."""
    with app.app_context():
        hot = _hot_products(HOT_PRODUCTS)
        ensure_voucher()
        customers = _customers(CHECKOUT_BUYERS + CART_BUYERS + LOGIN_USERS + 1)
        common_word, rare_word = _search_words()
        fixtures = Fixtures(
            hot_products=hot.ids,
            hot_variants=hot.variants,
            filters={scope: _filters(hot.ids, scope) for scope in ("leaf", "department", "none")},
            common_word=common_word,
            rare_word=rare_word,
            cursors=_cursors(CURSORS),
            browse=_browse(),
            checkout_buyers=customers[:CHECKOUT_BUYERS],
            cart_buyers=customers[CHECKOUT_BUYERS : CHECKOUT_BUYERS + CART_BUYERS],
            login_emails=[u.email for u in customers[-LOGIN_USERS - 1 : -1]],
            probe_buyer=customers[-1],
            checkout_bodies=checkout_bodies([*customers[:CHECKOUT_BUYERS], customers[-1]]),
        )
        db.session.expunge_all()
    return fixtures


def tokens(app: Flask, users: list[User]) -> list[str]:
    with app.app_context():
        return [issue_tokens(db.session.merge(user, load=False))["access"] for user in users]


def refill_carts(
    app: Flask, users: list[User], variants: list[int], lines: int, voucher: str | None = None
) -> None:
    """Empty the users' carts, then put ``lines`` hot variants in each (one unit) and the
    voucher; again after a deadlock with checkouts the server is still completing when wrk
    stops."""
    with app.app_context():
        for attempt in range(1, REFILL_ATTEMPTS + 1):
            try:
                _refill(users, variants, lines, voucher)
                db.session.commit()
                return
            except OperationalError as error:
                db.session.rollback()
                if getattr(error.orig, "pgcode", None) != DEADLOCK or attempt == REFILL_ATTEMPTS:
                    raise
                time.sleep(attempt)


def _refill(users: list[User], variants: list[int], lines: int, voucher: str | None) -> None:
    user_ids = [user.id for user in users]
    db.session.execute(
        text(
            "INSERT INTO carts (user_id, created_at, updated_at) "
            "SELECT unnest(CAST(:ids AS int[])), now(), now() ON CONFLICT (user_id) DO NOTHING"
        ),
        {"ids": user_ids},
    )
    db.session.execute(
        text("UPDATE carts SET voucher_code = :code WHERE user_id = ANY(CAST(:ids AS int[]))"),
        {"ids": user_ids, "code": voucher},
    )
    db.session.execute(
        text(
            "DELETE FROM cart_items USING carts WHERE cart_items.cart_id = carts.id "
            "AND carts.user_id = ANY(CAST(:ids AS int[]))"
        ),
        {"ids": user_ids},
    )
    owners = [user_id for user_id in user_ids for _ in range(lines)]
    chosen = [variants[n % len(variants)] for n in range(len(owners))]
    db.session.execute(
        text(
            "INSERT INTO cart_items (cart_id, variant_id, quantity, created_at, updated_at) "
            "SELECT carts.id, line.variant, 1, now(), now() "
            "FROM unnest(CAST(:owners AS int[]), CAST(:chosen AS int[])) "
            "AS line(owner, variant) "
            "JOIN carts ON carts.user_id = line.owner"
        ),
        {"owners": owners, "chosen": chosen},
    )


def oversold(app: Flask) -> int:
    """Variants whose stock went below zero: an order took more than there was."""
    with app.app_context():
        below = select(func.count()).where(ProductVariant.stock_quantity < 0)
        return db.session.scalar(below)
