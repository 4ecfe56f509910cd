"""What pricing adds to a checkout and to a list page, in process (docs/PRICING.md).

``.venv/bin/python bench/pricing_cost.py [--checkouts 200] [--rounds 3]`` builds a small
shop in a fresh PostgreSQL database (``BENCH_POSTGRES``, database ``ecom_bench_pricing``),
then alternates rounds of checkouts sent straight to the app (``POST /api/v1/orders/``):
"plain", in a shop with no shipping method, no tax rate and no voucher, and "priced", the
same carts with the voucher entered, a weight-band method chosen and tax rates for the
destination. It prints, and writes to ``bench/results/<date>-pricing.md``, the SQL
statements of one checkout of each kind, the best round's rate of each and their ratio,
and the statements of a product list page without and with a live promotion.
"""

import argparse
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402

from config import TestingConfig, database_url  # noqa: E402
from ecom import create_app  # noqa: E402
from ecom.accounts import services as accounts  # noqa: E402
from ecom.accounts.addresses import create_address  # noqa: E402
from ecom.accounts.tokens import issue_tokens  # noqa: E402
from ecom.cart import services as cart  # noqa: E402
from ecom.catalog import categories  # noqa: E402
from ecom.catalog import services as catalog  # noqa: E402
from ecom.common.models import utcnow  # noqa: E402
from ecom.extensions import db  # noqa: E402
from ecom.pricing.sale_prices import recompute_products  # noqa: E402
from ecom.promotions import services as promotions  # noqa: E402
from ecom.promotions import vouchers  # noqa: E402
from ecom.shipping import services as shipping  # noqa: E402
from ecom.tax import services as tax  # noqa: E402

POSTGRES = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "ecom_bench_pricing"
ADDRESS = {
    "first_name": "Erika",
    "last_name": "Muster",
    "line1": "Unter den Linden 1",
    "city": "Berlin",
    "postal_code": "10117",
    "country": "DE",
}
ORDERS = "/api/v1/orders/"
PRODUCTS = 40


def fresh_database() -> str:
    admin = create_engine(database_url(f"{POSTGRES}/postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    return f"{POSTGRES}/{DATABASE}"


def build_app(url: str) -> Flask:
    env = {"TEST_DATABASE_URL": url, "RATELIMIT_ENABLED": "false", "CACHE_ENABLED": "false"}
    app = create_app(TestingConfig(env))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


@contextmanager
def counted() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


class Shop:
    """The catalogue, the customers and the pricing rules the rounds switch on and off."""

    def __init__(self, checkouts: int, rounds: int) -> None:
        category = categories.create_category({"name": "Bench"})
        self.products = [
            catalog.create_product(
                {
                    "title": f"Bench product {n}",
                    "price": Decimal("19.90") + n,
                    "stock_quantity": 1_000_000,
                    "category_id": category.id,
                }
            )
            for n in range(PRODUCTS)
        ]
        for product in self.products:
            product.variants[0].weight_grams = 400
        db.session.commit()
        self.buyers = [self._buyer(n) for n in range(2 * checkouts * rounds)]
        zone = shipping.create_zone({"name": "Germany", "countries": ["DE"]})
        bands = [
            {"lower": Decimal(0), "upper": Decimal(1000), "price": Decimal("4.90")},
            {"lower": Decimal(1000), "upper": None, "price": Decimal("9.90")},
        ]
        self.method = shipping.create_method(
            {
                "zone_id": zone.id,
                "name": "Parcel",
                "min_days": 1,
                "max_days": 3,
                "rate": "weight",
                "bands": bands,
                "is_active": False,
            }
        )
        self.standard = tax.create_class({"name": "Standard", "is_default": True})
        vouchers.create_voucher(
            {"code": "BENCH10", "kind": "percentage", "value": Decimal(10), "starts_at": utcnow()}
        )
        self.rates: list[int] = []

    def _buyer(self, n: int) -> tuple[object, dict]:
        user = accounts.create_user(
            role="customer", email=f"buyer{n}@example.com", username=f"buyer{n}", password="x" * 12
        )
        address = create_address(user, ADDRESS)
        return user, {"Authorization": f"Bearer {issue_tokens(user)['access']}"}, address.id

    def rules(self, on: bool) -> None:
        shipping.update_method(self.method.id, {"is_active": on})
        for rate_id in self.rates:
            tax.delete_rate(rate_id)
        self.rates = []
        if on:
            rate = {"country": "DE", "tax_class_id": self.standard.id, "rate": Decimal(19)}
            self.rates = [
                tax.create_rate(rate).id,
                tax.create_rate({**rate, "tax_class_id": None}).id,
            ]

    def fill(self, buyers: list, voucher: bool) -> None:
        for n, (user, _, _) in enumerate(buyers):
            for product in (self.products[n % PRODUCTS], self.products[(n + 7) % PRODUCTS]):
                cart.add_item(user, variant_id=product.variants[0].id)
            if voucher:
                cart.get_cart(user).voucher_code = "BENCH10"
        db.session.commit()


def checkout_body(address_id: int, method_id: int | None) -> dict:
    body = {"shipping_address_id": address_id}
    return body if method_id is None else {**body, "shipping_method_id": method_id}


def run_round(app: Flask, buyers: list, method_id: int | None) -> tuple[float, int]:
    """Seconds for the buyers' checkouts, and the statements of the first one."""
    client = app.test_client()
    with counted() as first:
        user, headers, address_id = buyers[0]
        answer = client.post(ORDERS, json=checkout_body(address_id, method_id), headers=headers)
        assert answer.status_code == 201, answer.get_data(as_text=True)
    started = time.perf_counter()
    for _user, headers, address_id in buyers[1:]:
        answer = client.post(ORDERS, json=checkout_body(address_id, method_id), headers=headers)
        assert answer.status_code == 201, answer.get_data(as_text=True)
    return time.perf_counter() - started, len(first)


def list_statements(app: Flask) -> int:
    client = app.test_client()
    client.get("/api/v1/products/?page_size=20")
    with counted() as seen:
        assert client.get("/api/v1/products/?page_size=20").status_code == 200
    return len(seen)


def measure(app: Flask, checkouts: int, rounds: int) -> dict:
    with app.app_context():
        shop = Shop(checkouts, rounds)
        buyers = iter(
            [shop.buyers[i : i + checkouts] for i in range(0, len(shop.buyers), checkouts)]
        )
        rates: dict[str, list[float]] = {"plain": [], "priced": []}
        statements: dict[str, int] = {}
        for _ in range(rounds):
            for kind, on in (("plain", False), ("priced", True)):
                shop.rules(on)
                batch = next(buyers)
                shop.fill(batch, voucher=on)
                seconds, statements[kind] = run_round(app, batch, shop.method.id if on else None)
                rates[kind].append((len(batch) - 1) / seconds)
        lists = {"without a promotion": list_statements(app)}
        promotions.create_promotion(
            {
                "name": "Bench sale",
                "kind": "percentage",
                "value": Decimal(20),
                "starts_at": utcnow(),
                "product_ids": [p.id for p in shop.products],
            }
        )
        recompute_products([p.id for p in shop.products])
        db.session.commit()
        lists["with a live promotion"] = list_statements(app)
    return {"rates": rates, "statements": statements, "lists": lists}


def report(result: dict, checkouts: int, rounds: int) -> str:
    plain, priced = (max(result["rates"][kind]) for kind in ("plain", "priced"))
    s = result["statements"]
    lines = [
        f"# Pricing's cost ({datetime.now(UTC):%Y-%m-%d}, in process, PostgreSQL)",
        "",
        f"{checkouts} checkouts of 2 lines per round, {rounds} rounds of each kind alternating; "
        "the best round's rate of each.",
        "",
        "| checkout | statements | checkouts/s |",
        "|---|---|---|",
        f"| plain (no method, tax or voucher) | {s['plain']} | {plain:.0f} |",
        f"| priced (voucher, weight-band method, 19 % tax) | {s['priced']} | {priced:.0f} |",
        "",
        f"Priced over plain: **{s['priced'] - s['plain']:+d} statements** (goal: at most +3), "
        f"**{priced / plain:.2f}×** the rate (goal: at least 0.85×).",
        "",
        "| product list page (20) | statements |",
        "|---|---|",
        *(f"| {name} | {count} |" for name, count in result["lists"].items()),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkouts", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    app = build_app(fresh_database())
    result = measure(app, args.checkouts, args.rounds)
    text_ = report(result, args.checkouts, args.rounds)
    print(text_)
    out = ROOT / "bench" / "results" / f"{datetime.now(UTC):%Y-%m-%d}-pricing.md"
    out.write_text(text_)


if __name__ == "__main__":
    main()
