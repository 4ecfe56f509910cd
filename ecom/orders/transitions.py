"""The status machine of an order and its history; the units of its lines follow a
whole-order move (shipped, delivered), cancelling restocks what was not shipped, and the
payment status follows (``mark_refunded``)."""

from collections import deque

from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from ecom.accounts.models import User
from ecom.catalog.stock import restock_all
from ecom.common.errors import Conflict, NotFound
from ecom.common.events import record
from ecom.common.models import utcnow
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.orders import lines
from ecom.orders.events import ORDER_PAYMENT_STATUS_CHANGED, ORDER_STATUS_CHANGED
from ecom.orders.models import NEW_ORDER_STATUS, Order, OrderStatusChange

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("paid", "cancelled"),
    "paid": ("processing", "partially_shipped", "shipped", "cancelled"),
    "processing": ("partially_shipped", "shipped", "cancelled"),
    # Once units left, the order is shipped or returned, no longer cancelled.
    "partially_shipped": ("shipped",),
    "shipped": ("delivered",),
    "delivered": (),
    "cancelled": (),
}


# Statuses that follow the units shipped (``shipments``), never set by hand.
SET_BY_UNITS = ("partially_shipped",)


def status_path(*stops: str) -> tuple[str, ...]:
    """The shortest way along ``TRANSITIONS`` from a new order's status through each stop."""
    path = (NEW_ORDER_STATUS,)
    for stop in stops:
        path += _shortest_path(path[-1], stop)[1:]
    return path


def _shortest_path(start: str, goal: str) -> tuple[str, ...]:
    paths, seen = deque([(start,)]), {start}
    while paths:
        path = paths.popleft()
        if path[-1] == goal:
            return path
        for status in TRANSITIONS[path[-1]]:
            if status not in seen:
                seen.add(status)
                paths.append((*path, status))
    raise ValueError(f"An order cannot go from {start} to {goal}.")


def payment_status_after(payment_status: str, to_status: str) -> str:
    """What an order's payment status becomes when the order moves to ``to_status``; a
    cancelled paid order stays paid until its refund is confirmed (``mark_refunded``)."""
    return "paid" if to_status == "paid" else payment_status


class StatusFollowsUnits(Conflict):
    code = "status_follows_units"

    def __init__(self, requested: str) -> None:
        message = gettext(
            "An order becomes %(requested)s when some of its units ship (a fulfilment).",
            requested=requested,
        )
        super().__init__(message, errors={"status": [message]})


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def __init__(self, current: str, requested: str) -> None:
        allowed = ", ".join(TRANSITIONS.get(current, ())) or gettext("none")
        message = gettext(
            "The order is %(current)s; it cannot become %(requested)s (allowed: %(allowed)s).",
            current=current,
            requested=requested,
            allowed=allowed,
        )
        super().__init__(message, errors={"status": [message]})
        self.current = current
        self.requested = requested


def change_status(order_id: int, to_status: str, *, actor: User | None, note: str = "") -> Order:
    """Move an order along ``TRANSITIONS``; cancelling puts its stock back."""
    if to_status in SET_BY_UNITS:
        raise StatusFollowsUnits(to_status)
    with atomic():
        order = db.session.get(Order, order_id)
        if order is None:
            raise NotFound(gettext("Order not found."))
        move(order, to_status, actor=actor, note=note)
    return order


def cancel_own_order(user: User, order_id: int, note: str = "") -> Order:
    """A customer cancels their own order while it is pending."""
    with atomic():
        order = db.session.get(Order, order_id)
        if order is None or order.user_id != user.id:
            raise NotFound(gettext("Order not found."))
        if order.status != "pending":
            raise InvalidTransition(order.status, "cancelled")
        move(order, "cancelled", actor=user, note=note or "Cancelled by the customer.")
    return order


def move(order: Order, to_status: str, *, actor: User | None, note: str) -> None:
    """``change_status`` inside the caller's transaction; ``actor`` None is the shop itself.

    Compare-and-set the status, so two concurrent moves cannot both apply (and a
    cancellation cannot restock twice), with or without row locks."""
    from_status = order.status
    if to_status not in TRANSITIONS.get(from_status, ()):
        raise InvalidTransition(from_status, to_status)
    payment_status = payment_status_after(order.payment_status, to_status)
    moved = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == from_status)
        .values(
            status=to_status,
            payment_status=payment_status,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        current = db.session.scalar(select(Order.status).where(Order.id == order.id))
        raise InvalidTransition(current, to_status)
    from_payment_status = order.payment_status
    # The caller's copy says what the row now says (it may keep it past the commit).
    set_committed_value(order, "status", to_status)
    set_committed_value(order, "payment_status", payment_status)
    db.session.add(
        OrderStatusChange(
            order_id=order.id,
            from_status=from_status,
            to_status=to_status,
            changed_by_id=actor.id if actor else None,
            note=note,
        )
    )
    _units_follow(order.id, to_status)
    record(
        ORDER_STATUS_CHANGED,
        order_id=order.id,
        user_id=order.user_id,
        from_status=from_status,
        to_status=to_status,
        changed_by_id=actor.id if actor else None,
    )
    if payment_status != from_payment_status:
        _payment_status_changed(order, from_payment_status, payment_status)


def _units_follow(order_id: int, to_status: str) -> None:
    """A whole-order shipment ships what was left; a whole-order delivery delivers every
    unit; a cancellation puts back on the shelf what never left."""
    if to_status == "shipped":
        lines.fulfil_rest(order_id)
    elif to_status == "delivered":
        lines.deliver_all(order_id)
    elif to_status == "cancelled" and (unshipped := lines.unshipped(order_id)):
        restock_all(unshipped)


def mark_refunded(order: Order) -> None:
    """The order's payment was refunded in full, on a cancellation or after the sale (in the
    caller's transaction)."""
    refunded = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.payment_status == "paid")
        .values(payment_status="refunded", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if refunded:
        _payment_status_changed(order, "paid", "refunded")


def _payment_status_changed(order: Order, from_status: str, to_status: str) -> None:
    record(
        ORDER_PAYMENT_STATUS_CHANGED,
        order_id=order.id,
        user_id=order.user_id,
        from_status=from_status,
        to_status=to_status,
    )
