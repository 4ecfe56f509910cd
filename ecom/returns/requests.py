"""A customer asks to return delivered units, or takes the request back.

Returnable units of a line: those delivered, less those in returns still open or done
(a rejected or cancelled return gives its units back). A line may be returned until
``RETURN_WINDOW_DAYS`` after its last unit arrived."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select

from ecom.accounts.models import User
from ecom.common.errors import NotFound
from ecom.common.events import record
from ecom.common.models import utcnow
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.orders.models import Order, OrderItem
from ecom.payments.services import lock_order
from ecom.returns import status
from ecom.returns.errors import NotReturnable, ReturnWindowClosed, UnknownLine
from ecom.returns.events import RETURN_REQUESTED
from ecom.returns.models import RELEASED_STATUSES, Return, ReturnLine, ReturnStatusChange


def window_closes_at(item: OrderItem) -> datetime | None:
    """When the line's return window closes; None while nothing of it was delivered."""
    if item.delivered_at is None:
        return None
    return item.delivered_at + timedelta(days=current_app.config["RETURN_WINDOW_DAYS"])


def units_held(item_ids: Iterable[int]) -> dict[int, int]:
    """Units of each line in returns that hold them (any status but rejected, cancelled)."""
    rows = db.session.execute(
        select(ReturnLine.order_item_id, func.sum(ReturnLine.quantity))
        .join(Return)
        .where(
            ReturnLine.order_item_id.in_(list(item_ids)),
            Return.status.not_in(RELEASED_STATUSES),
        )
        .group_by(ReturnLine.order_item_id)
    )
    return {item_id: int(units) for item_id, units in rows}


def returnable_units(order: Order) -> dict[int, int]:
    """Each line's units that can still be returned (window aside)."""
    held = units_held(item.id for item in order.items)
    return {item.id: item.quantity_delivered - held.get(item.id, 0) for item in order.items}


def request_return(user: User, order_id: int, lines: list[dict[str, Any]]) -> Return:
    """Ask to return ``lines`` (``item``, ``quantity``, ``reason``, ``comment``) of one's
    own order; the order stays locked while the units are counted."""
    with atomic(keep_loaded=True):
        order = lock_order(order_id)
        if order is None or order.user_id != user.id:
            raise NotFound(gettext("Order not found."))
        _check(order, lines)
        return_ = Return(order=order, user_id=user.id, status="requested")
        return_.lines = [
            ReturnLine(
                order_item_id=line["item"],
                quantity=line["quantity"],
                reason=line["reason"],
                comment=line.get("comment", ""),
            )
            for line in lines
        ]
        return_.history = [ReturnStatusChange(to_status="requested", changed_by_id=user.id)]
        db.session.add(return_)
        db.session.flush()
        record(
            RETURN_REQUESTED,
            return_id=return_.id,
            order_id=order.id,
            user_id=user.id,
            units=sum(line["quantity"] for line in lines),
        )
    return return_


def _check(order: Order, lines: list[dict[str, Any]]) -> None:
    items = {item.id: item for item in order.items}
    returnable = returnable_units(order)
    now = utcnow()
    for index, line in enumerate(lines):
        item = items.get(line["item"])
        if item is None:
            raise UnknownLine(index)
        closes_at = window_closes_at(item)
        if closes_at is not None and closes_at < now:
            raise ReturnWindowClosed(index, closes_at)
        if line["quantity"] > returnable[item.id]:
            raise NotReturnable(index, max(returnable[item.id], 0))


def cancel_return(user: User, return_id: int) -> Return:
    """The customer takes back their own return while it is only requested."""
    with atomic(keep_loaded=True):
        return_ = status.lock_return(return_id)
        if return_.user_id != user.id:
            raise NotFound(gettext("Return not found."))
        status.move(return_, "cancelled", actor=user, note="Cancelled by the customer.")
    return return_
