"""Placing an order: the cart becomes an order in one transaction, its stock taken."""

import hashlib
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ecom.accounts.addresses import default_address, get_address, snapshot
from ecom.accounts.models import User
from ecom.accounts.schemas import ShippingAddressSchema
from ecom.cart.models import CartItem
from ecom.cart.services import empty, get_cart, locked_lines
from ecom.catalog.stock import take_all
from ecom.common.errors import Conflict, ValidationFailed
from ecom.common.events import record
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.orders.events import ORDER_PLACED
from ecom.orders.models import NEW_ORDER_STATUS, Order, OrderItem, OrderStatusChange
from ecom.pricing.services import PricedLine, price


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
    record(ORDER_PLACED, order_id=order.id, user_id=user.id, total=order.total_amount)
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
