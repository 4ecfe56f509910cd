"""The filtered order list as CSV, written row by row as the database streams it, with
every cell safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement
from sqlalchemy.orm import selectinload

from ecom.extensions import db
from ecom.orders.models import Order
from ecom.orders.search import filtered

COLUMNS = (
    "number",
    "placed_at",
    "customer_email",
    "status",
    "payment_status",
    "lines",
    "subtotal",
    "discount",
    "shipping",
    "tax",
    "total",
    "currency",
    "voucher_code",
    "ship_to_name",
    "ship_to_country",
)
# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 500


def safe_cell(value: Any) -> str:
    """The cell as text, with a leading ``'`` when a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _row(order: Order, currency: str) -> list[str]:
    address = order.shipping_address or {}
    name = " ".join(filter(None, (address.get("first_name"), address.get("last_name"))))
    cells = (
        order.id,
        order.created_at.isoformat(),
        order.user.email,
        order.status,
        order.payment_status,
        " ".join(f"{item.sku}x{item.quantity}" for item in order.items),
        order.subtotal_amount,
        order.discount_amount,
        order.shipping_amount,
        order.tax_amount,
        order.total_amount,
        currency,
        order.voucher_code,
        name,
        address.get("country"),
    )
    return [safe_cell(cell) for cell in cells]


def _line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def order_rows(
    filters: dict[str, Any], *, also: Iterable[ColumnElement[bool]] = ()
) -> Iterator[str]:
    """The header, then one CSV line per order meeting ``filters`` (and the conditions
    ``also``), in their ordering; the orders arrive ``BATCH`` at a time (a server-side
    cursor on PostgreSQL)."""
    currency = current_app.config["SHOP_CURRENCY"]
    query = filtered(filters).where(*also)
    query = query.options(selectinload(Order.user), selectinload(Order.items))
    yield _line(list(COLUMNS))
    for order in db.session.scalars(query.execution_options(yield_per=BATCH)):
        yield _line(_row(order, currency))
