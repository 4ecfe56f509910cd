"""Finding orders: the filters staff list, search and export orders by, each a condition
that walks an index at any number of orders (docs/ORDERS.md), and the list's ordering
whitelist. The API, the CSV export and the back office's filters all use these."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import selectinload

from ecom.accounts.models import User
from ecom.common.ordering import Ordering
from ecom.common.permissions import has_role
from ecom.orders.models import Order, OrderItem

ORDERING = Ordering(
    Order,
    {"created_at": "created_at", "total_amount": "total_amount", "id": "id"},
    default=["-created_at"],
)
# Filters only staff may use: a customer's list is always their own orders.
STAFF_FILTERS = frozenset({"user", "email", "email_prefix"})


def _like_prefix(text: str) -> str:
    """A LIKE pattern (escape ``\\``) of text starting with ``text`` as typed."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _customers(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    # A subquery of ids, not a join: the users index finds the few, then orders by user_id.
    return Order.user_id.in_(select(User.id).where(condition))


def _with_sku(sku: str) -> ColumnElement[bool]:
    return Order.id.in_(select(OrderItem.order_id).where(OrderItem.sku == sku))


# Each filter's condition; e-mails are kept lower-case (accounts.normalise_email).
CONDITIONS: dict[str, Callable[[Any], ColumnElement[bool]]] = {
    "number": lambda number: Order.id == number,
    "user": lambda user_id: Order.user_id == user_id,
    "email": lambda email: _customers(User.email == email.strip().lower()),
    "email_prefix": lambda prefix: _customers(
        User.email.like(_like_prefix(prefix.strip().lower()), escape="\\")
    ),
    "status": lambda status: Order.status == status,
    "payment_status": lambda status: Order.payment_status == status,
    "created_after": lambda moment: Order.created_at >= moment,
    "created_before": lambda moment: Order.created_at < moment,
    "sku": _with_sku,
    "total_min": lambda amount: Order.total_amount >= amount,
    "total_max": lambda amount: Order.total_amount <= amount,
}


def conditions(filters: dict[str, Any]) -> list[ColumnElement[bool]]:
    """The conditions of the filters given (None and absent ones are no filter)."""
    return [
        CONDITIONS[name](value)
        for name, value in filters.items()
        if name in CONDITIONS and value is not None and value != ""
    ]


def filtered(filters: dict[str, Any]) -> Select:
    """Every order meeting ``filters``, in their ``ordering`` (default newest first)."""
    return (
        select(Order)
        .where(*conditions(filters))
        .order_by(*ORDERING.clauses(filters.get("ordering")))
    )


def orders_query(viewer: User, filters: dict[str, Any]) -> Select:
    """The list: customers see their own orders (the staff filters ignored), staff
    everybody's."""
    if not has_role(viewer, "staff"):
        filters = {name: value for name, value in filters.items() if name not in STAFF_FILTERS}
        filters["user"] = viewer.id
    return filtered(filters).options(selectinload(Order.items), selectinload(Order.history))
