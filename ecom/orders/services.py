"""Reading orders: one order for its owner or staff, and the filtered list."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ecom.accounts.models import User
from ecom.common.errors import NotFound
from ecom.common.permissions import has_role
from ecom.extensions import db
from ecom.orders.models import Order


def get_order(order_id: int, viewer: User) -> Order:
    """An order its owner or staff may see; anybody else's is not found."""
    order = db.session.get(Order, order_id)
    if order is None or not (order.user_id == viewer.id or has_role(viewer, "staff")):
        raise NotFound("Order not found.")
    return order


def staff_order(order_id: int) -> Order:
    """Any order, for a staff operation its caller is already authorised for."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound("Order not found.")
    return order


def orders_query(viewer: User, filters: dict[str, Any]) -> Select:
    """Newest first; customers see their own orders, staff everybody's."""
    query = (
        select(Order)
        .options(selectinload(Order.items), selectinload(Order.history))
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
    if not has_role(viewer, "staff"):
        query = query.where(Order.user_id == viewer.id)
    elif filters.get("user") is not None:
        query = query.where(Order.user_id == filters["user"])
    if filters.get("status"):
        query = query.where(Order.status == filters["status"])
    if filters.get("created_after"):
        query = query.where(Order.created_at >= _utc(filters["created_after"]))
    if filters.get("created_before"):
        query = query.where(Order.created_at < _utc(filters["created_before"]))
    return query


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
