"""What each export holds: its header and its rows, read in chunks. The products export
has the import's columns, so an exported file imports back unchanged."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ecom.accounts.models import User
from ecom.catalog.models import Category, Product, ProductVariant
from ecom.extensions import db
from ecom.orders.models import Order, OrderItem

CHUNK = 1000
PRODUCT_HEADERS = ("sku", "handle", "title", "category", "price", "stock", "description")
PRODUCT_HEADERS += ("options", "active")
ORDER_HEADERS = ("order_id", "created_at", "status", "payment_status", "customer_email")
ORDER_HEADERS += ("total_amount", "sku", "title", "variant", "quantity", "unit_price")
CUSTOMER_HEADERS = ("id", "email", "first_name", "last_name", "is_active", "is_verified")
CUSTOMER_HEADERS += ("orders_placed", "created_at")

Rows = Iterator[tuple[Any, ...]]


def category_paths() -> dict[int, str]:
    rows = db.session.execute(select(Category.id, Category.name, Category.parent_id)).all()
    by_id = {row.id: row for row in rows}

    def path(category_id: int) -> str:
        row = by_id[category_id]
        return row.name if row.parent_id is None else f"{path(row.parent_id)}/{row.name}"

    return {row.id: path(row.id) for row in rows}


def product_rows(_options: dict) -> Rows:
    paths = category_paths()
    query = (
        select(ProductVariant)
        .join(ProductVariant.product)
        .options(
            joinedload(ProductVariant.product).load_only(
                Product.title,
                Product.slug,
                Product.category_id,
                Product.description,
                Product.is_active,
            ),
            selectinload(ProductVariant.values),
        )
        .order_by(ProductVariant.product_id, ProductVariant.id)
        .execution_options(yield_per=CHUNK)
    )
    for variant in db.session.scalars(query):
        product = variant.product
        options = "; ".join(f"{name}={value}" for name, value in variant.named_values.items())
        yield (
            variant.sku,
            product.slug,
            product.title,
            paths[product.category_id],
            variant.price,
            variant.stock_quantity,
            product.description,
            options,
            "true" if product.is_active else "false",
        )


def _moment(day: str | None, *, end: bool = False) -> datetime | None:
    if not day:
        return None
    moment = datetime.combine(date.fromisoformat(day), time(), tzinfo=UTC)
    return moment + timedelta(days=1) if end else moment


def order_rows(options: dict) -> Rows:
    """One row per order line, orders placed from ``date_from`` to ``date_to``
    (inclusive, UTC days)."""
    query = (
        select(
            OrderItem,
            Order.created_at,
            Order.status,
            Order.payment_status,
            Order.total_amount,
            User.email,
        )
        .join(OrderItem.order)
        .join(Order.user)
        .order_by(Order.id, OrderItem.id)
        .execution_options(yield_per=CHUNK)
    )
    start, end = _moment(options.get("date_from")), _moment(options.get("date_to"), end=True)
    if start:
        query = query.where(Order.created_at >= start)
    if end:
        query = query.where(Order.created_at < end)
    for item, created_at, status, payment_status, total, email in db.session.execute(query):
        yield (
            item.order_id,
            created_at.isoformat(),
            status,
            payment_status,
            email,
            total,
            item.sku,
            item.title,
            item.variant_label,
            item.quantity,
            item.unit_price,
        )


def customer_rows(_options: dict) -> Rows:
    query = (
        select(User)
        .where(User.role == "customer")
        .order_by(User.id)
        .execution_options(yield_per=CHUNK)
    )
    for user in db.session.scalars(query):
        yield (
            user.id,
            user.email,
            user.first_name,
            user.last_name,
            user.is_active,
            user.is_verified,
            user.orders_placed,
            user.created_at.isoformat(),
        )


TABLES = {
    "products": (PRODUCT_HEADERS, product_rows),
    "orders": (ORDER_HEADERS, order_rows),
    "customers": (CUSTOMER_HEADERS, customer_rows),
}
