"""The figures of the back office's home page, computed in SQL.

Revenue is the sum of the totals of orders that are not cancelled (what customers pay),
shown beside its discounts, shipping and tax; order counts include every order placed.
Periods are whole UTC days ending with the day of ``now``.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import contains_eager, selectinload

from ecom.catalog.models import Product, ProductVariant
from ecom.extensions import db
from ecom.orders.models import ORDER_STATUSES, Order, OrderItem

PERIODS = (("Today", 1), ("Last 7 days", 7), ("Last 30 days", 30))
NOT_CANCELLED = Order.status != "cancelled"
ZERO = Decimal("0.00")
MONEY_FIGURES = (
    Order.total_amount,
    Order.discount_amount,
    Order.shipping_amount,
    Order.tax_amount,
)


@dataclass(frozen=True)
class PeriodFigures:
    label: str
    revenue: Decimal
    orders: int
    discounts: Decimal = ZERO
    shipping: Decimal = ZERO
    tax: Decimal = ZERO


@dataclass(frozen=True)
class TopProduct:
    product_id: int
    title: str
    units: int
    revenue: Decimal


def period_bounds(now: datetime, days: int) -> tuple[datetime, datetime]:
    """``[start, end)``: the ``days`` whole UTC days ending with the day of ``now``."""
    end = datetime.combine(now.astimezone(UTC).date() + timedelta(days=1), time(), UTC)
    return end - timedelta(days=days), end


def _placed_within(now: datetime, days: int) -> ColumnElement[bool]:
    start, end = period_bounds(now, days)
    return (Order.created_at >= start) & (Order.created_at < end)


def period_figures(now: datetime) -> list[PeriodFigures]:
    """Revenue and order count for today, the last 7 and the last 30 days."""
    figures = []
    for label, days in PERIODS:
        within = _placed_within(now, days)
        sums = db.session.execute(
            select(*(func.coalesce(func.sum(column), ZERO) for column in MONEY_FIGURES)).where(
                within, NOT_CANCELLED
            )
        ).one()
        orders = db.session.scalar(select(func.count(Order.id)).where(within))
        revenue, discounts, shipping, tax = (Decimal(amount) for amount in sums)
        figures.append(PeriodFigures(label, revenue, orders, discounts, shipping, tax))
    return figures


def orders_by_status() -> dict[str, int]:
    """Number of orders in each status (all time), every status listed."""
    counts = dict(
        db.session.execute(select(Order.status, func.count()).group_by(Order.status)).all()
    )
    return {status: counts.get(status, 0) for status in ORDER_STATUSES}


def top_products(now: datetime, limit: int = 10, days: int = 30) -> list[TopProduct]:
    """The products that brought the most revenue in the last ``days`` days."""
    revenue = func.sum(OrderItem.unit_price * OrderItem.quantity)
    query = (
        select(Product.id, Product.title, func.sum(OrderItem.quantity), revenue)
        .join(OrderItem, OrderItem.product_id == Product.id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(_placed_within(now, days), NOT_CANCELLED)
        .group_by(Product.id, Product.title)
        .order_by(revenue.desc(), Product.id)
        .limit(limit)
    )
    return [
        TopProduct(id, title, int(units), Decimal(amount).quantize(Decimal("0.01")))
        for id, title, units, amount in db.session.execute(query)
    ]


@dataclass(frozen=True)
class LowStockVariant:
    variant_id: int
    product_id: int
    title: str
    label: str
    sku: str
    stock: int


def low_stock(
    threshold: int, page: int = 1, per_page: int = 20
) -> tuple[int, list[LowStockVariant]]:
    """How many active variants of active products have at most ``threshold`` units, and
    one page of them, lowest first (what is not for sale needs no restocking)."""
    short = (
        (ProductVariant.stock_quantity <= threshold)
        & ProductVariant.is_active.is_(True)
        & Product.is_active.is_(True)
    )
    on_sale = select(ProductVariant).join(Product, Product.id == ProductVariant.product_id)
    count = db.session.scalar(on_sale.with_only_columns(func.count(ProductVariant.id)).where(short))
    variants = db.session.scalars(
        on_sale.where(short)
        .options(
            contains_eager(ProductVariant.product),
            selectinload(ProductVariant.values),
        )
        .order_by(ProductVariant.stock_quantity, ProductVariant.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return count, [
        LowStockVariant(v.id, v.product_id, v.product.title, v.label, v.sku, v.stock_quantity)
        for v in variants
    ]


def _utc_day(column: ColumnElement) -> ColumnElement:
    if db.engine.dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)  # SQLite keeps the UTC wall-clock time


def daily_revenue(now: datetime, days: int = 30) -> list[tuple[date, Decimal]]:
    """Revenue of each of the last ``days`` UTC days, oldest first, zero days included."""
    day = _utc_day(Order.created_at)
    query = (
        select(day, func.sum(Order.total_amount))
        .where(_placed_within(now, days), NOT_CANCELLED)
        .group_by(day)
    )
    totals = {date.fromisoformat(str(value)): amount for value, amount in db.session.execute(query)}
    start, _ = period_bounds(now, days)
    dates = [start.date() + timedelta(days=n) for n in range(days)]
    return [(day, Decimal(totals.get(day, ZERO)).quantize(Decimal("0.01"))) for day in dates]
