"""Order rules: checkout with atomic stock, the status machine and its history."""

import hashlib
from collections import deque
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ecom.accounts.addresses import default_address, get_address, snapshot
from ecom.accounts.models import User
from ecom.accounts.schemas import ShippingAddressSchema
from ecom.cart.models import CartItem
from ecom.cart.services import empty, get_cart, locked_lines
from ecom.catalog.stock import restock_all, take_all
from ecom.common import outbox
from ecom.common.errors import Conflict, NotFound, ValidationFailed
from ecom.common.metrics import ORDERS, PAYMENTS
from ecom.common.models import utcnow
from ecom.common.permissions import has_role
from ecom.common.transactions import after_commit, atomic
from ecom.extensions import db
from ecom.orders import emails
from ecom.orders.models import NEW_ORDER_STATUS, Order, OrderItem, OrderStatusChange
from ecom.pricing.services import PricedLine, price

# The outbox row a cancelled paid order leaves for the payments domain to refund.
ORDER_CANCELLED = "orders.order_cancelled"

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("paid", "cancelled"),
    "paid": ("processing", "cancelled"),
    "processing": ("shipped", "cancelled"),
    "shipped": ("delivered",),
    "delivered": (),
    "cancelled": (),
}


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


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def __init__(self, current: str, requested: str) -> None:
        allowed = ", ".join(TRANSITIONS.get(current, ())) or "none"
        message = f"The order is {current}; it cannot become {requested} (allowed: {allowed})."
        super().__init__(message, errors={"status": [message]})
        self.current = current
        self.requested = requested


class TwoAddresses(Conflict):
    """Checkout names an address book entry and sends an address: one must go."""

    code = "two_addresses"
    message = "Send shipping_address_id or shipping_address, not both."


class EmptyCart(Conflict):
    code = "empty_cart"
    message = "The cart is empty."


class EmailNotVerified(Conflict):
    code = "email_not_verified"
    message = "Verify your e-mail address before checking out."


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was already used with a different cart."


# Checkout


def checkout(
    user: User,
    *,
    shipping_address_id: int | None = None,
    shipping_address: dict | None = None,
    idempotency_key: str | None = None,
) -> tuple[Order, bool]:
    """Turn the user's cart into an order in one transaction; True when created now.

    With ``idempotency_key``, a repeat returns the order the key first created."""
    if current_app.config["REQUIRE_VERIFIED_EMAIL"] and not user.is_verified:
        raise EmailNotVerified()
    try:
        # The answer is the order just written: no need to read it back after the commit.
        with atomic(keep_loaded=True):
            order, created = _place_order(
                user, shipping_address_id, shipping_address, idempotency_key
            )
    except IntegrityError:
        # A concurrent request with the same key won the unique index: its order stands.
        existing = _order_for_key(user, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return existing, False
    if created:
        ORDERS.labels("placed").inc()
    return order, created


def _place_order(
    user: User, address_id: int | None, address: dict | None, key: str | None
) -> tuple[Order, bool]:
    cart = get_cart(user, lock=True)  # Serialises checkouts of one user.
    # Read after the cart's lock, in a statement of their own: a checkout that waited for
    # it sees the lines as the one before it left them.
    lines = locked_lines(cart)
    fingerprint = _fingerprint(lines)
    existing = _order_for_key(user, key) if key else None
    if existing is not None:
        if lines and fingerprint != existing.cart_fingerprint:
            raise IdempotencyKeyReused()
        return existing, False
    if not lines:
        raise EmptyCart()
    shipping = _shipping_copy(user, address_id, address)
    # Priced under the locks: the lines' variants are the rows just read.
    pricing = price(lines)
    take_all(
        {line.variant_id: line.variant for line in lines},
        {line.variant_id: line.quantity for line in lines},
    )
    order = Order(
        user_id=user.id,
        total_amount=pricing.total,
        shipping_address=shipping,
        idempotency_key=key,
        cart_fingerprint=fingerprint if key else None,
        items=[_order_item(line) for line in pricing.lines],
        history=[
            OrderStatusChange(to_status=NEW_ORDER_STATUS, changed_by_id=user.id, note="Placed.")
        ],
    )
    db.session.add(order)
    empty(cart)
    db.session.flush()
    emails.send_confirmation(order)
    return order, True


def _fingerprint(lines: list[CartItem]) -> str:
    text = ";".join(f"{line.variant_id}x{line.quantity}" for line in lines)
    return hashlib.sha256(text.encode()).hexdigest()


def _order_for_key(user: User, key: str) -> Order | None:
    return db.session.scalar(
        select(Order).where(Order.user_id == user.id, Order.idempotency_key == key)
    )


def _shipping_copy(user: User, address_id: int | None, address: dict | None) -> dict[str, Any]:
    if address_id is not None and address is not None:
        raise TwoAddresses(errors={"shipping_address": [TwoAddresses.message]})
    if address is not None:
        errors = ShippingAddressSchema().validate(address)
        if errors:
            raise ValidationFailed(errors={"shipping_address": errors})
        return ShippingAddressSchema().load(address)
    chosen = get_address(user, address_id) if address_id is not None else default_address(user)
    if chosen is None:
        message = "A shipping address is required: send one, or save a default address."
        raise Conflict(message, errors={"shipping_address_id": [message]}, code="no_address")
    return snapshot(chosen)


def _order_item(line: PricedLine) -> OrderItem:
    variant = line.source.variant
    return OrderItem(
        product_id=variant.product_id,
        variant_id=variant.id,
        title=variant.product.title,
        sku=variant.sku,
        variant_label=variant.label,
        unit_price=line.unit_price,
        quantity=line.quantity,
    )


# Reading


def get_order(order_id: int, viewer: User) -> Order:
    """An order its owner or staff may see; anybody else's is not found."""
    order = db.session.get(Order, order_id)
    if order is None or not (order.user_id == viewer.id or has_role(viewer, "staff")):
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


# The status machine


def change_status(order_id: int, to_status: str, *, actor: User, note: str = "") -> Order:
    """Move an order along ``TRANSITIONS``; cancelling puts its stock back."""
    with atomic():
        order = db.session.get(Order, order_id)
        if order is None:
            raise NotFound("Order not found.")
        move(order, to_status, actor=actor, note=note)
    return order


def cancel_own_order(user: User, order_id: int, note: str = "") -> Order:
    """A customer cancels their own order while it is pending."""
    with atomic():
        order = db.session.get(Order, order_id)
        if order is None or order.user_id != user.id:
            raise NotFound("Order not found.")
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
    after_commit(ORDERS.labels(to_status).inc)
    if payment_status != order.payment_status:
        after_commit(PAYMENTS.labels(payment_status).inc)
    db.session.add(
        OrderStatusChange(
            order_id=order.id,
            from_status=from_status,
            to_status=to_status,
            changed_by_id=actor.id if actor else None,
            note=note,
        )
    )
    emails.send_status_change(order, to_status)
    if to_status == "cancelled":
        restock_all({item.variant_id: item.quantity for item in order.items})
        # The payments domain refunds a captured payment, or voids an authorized one
        # (its handler of this row).
        outbox.enqueue(ORDER_CANCELLED, {"order_id": order.id}, key=f"{ORDER_CANCELLED}:{order.id}")


def mark_refunded(order: Order) -> None:
    """The payment of a cancelled order was refunded (in the caller's transaction)."""
    refunded = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.payment_status == "paid")
        .values(payment_status="refunded", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if refunded:
        after_commit(PAYMENTS.labels("refunded").inc)
        emails.send_status_change(order, "refunded")
