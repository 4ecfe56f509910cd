"""Placing an order: the cart becomes an order in one transaction, its stock taken."""

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ecom.accounts.addresses import default_address, get_address, snapshot
from ecom.accounts.destinations import Destination
from ecom.accounts.models import User
from ecom.accounts.schemas import ShippingAddressSchema
from ecom.cart.models import Cart, CartItem
from ecom.cart.quotes import customer
from ecom.cart.services import empty, get_cart, locked_lines
from ecom.catalog.stock import take_all
from ecom.common.errors import Conflict, DomainError, ValidationFailed
from ecom.common.events import record
from ecom.common.models import utcnow
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.orders.events import ORDER_PLACED
from ecom.orders.models import NEW_ORDER_STATUS, Order, OrderItem, OrderStatusChange
from ecom.pricing.breakdown import Breakdown, PricedLine
from ecom.pricing.quotes import VoucherCheck, check_entered_voucher, quote
from ecom.promotions.models import Promotion
from ecom.promotions.vouchers import redeem


class TwoAddresses(Conflict):
    """Checkout names an address book entry and sends an address: one must go."""

    code = "two_addresses"
    message = _l("Send shipping_address_id or shipping_address, not both.")


class EmptyCart(Conflict):
    code = "empty_cart"
    message = _l("The cart is empty.")


class EmailNotVerified(Conflict):
    code = "email_not_verified"
    message = _l("Verify your e-mail address before checking out.")


class IdempotencyKeyReused(DomainError):
    status = 422
    code = "idempotency_key_reused"
    message = _l("This Idempotency-Key was already used with a different cart or request.")


@dataclass(frozen=True)
class CheckoutRequest:
    """What the customer asked checkout for, besides the cart."""

    shipping_address_id: int | None = None
    shipping_address: dict | None = None
    shipping_method_id: int | None = None

    @property
    def fingerprint(self) -> str:
        text = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def checkout(
    user: User,
    *,
    shipping_address_id: int | None = None,
    shipping_address: dict | None = None,
    shipping_method_id: int | None = None,
    idempotency_key: str | None = None,
) -> tuple[Order, bool]:
    """Turn the user's cart into an order in one transaction; True when created now.

    With ``idempotency_key``, a repeat of the same request returns the order the key first
    created; the key with another request or cart is refused (422)."""
    if current_app.config["REQUIRE_VERIFIED_EMAIL"] and not user.is_verified:
        raise EmailNotVerified()
    try:
        # The answer is the order just written: no need to read it back after the commit.
        with atomic(keep_loaded=True):
            request = CheckoutRequest(shipping_address_id, shipping_address, shipping_method_id)
            order, created = _place_order(user, request, idempotency_key)
    except IntegrityError:
        # A concurrent request with the same key won the unique index: its order stands.
        existing = _order_for_key(user, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return existing, False
    return order, created


def _place_order(user: User, request: CheckoutRequest, key: str | None) -> tuple[Order, bool]:
    cart = get_cart(user, lock=True)  # Serialises checkouts of one user.
    # Read after the cart's lock, in a statement of their own: a checkout that waited for
    # it sees the lines as the one before it left them.
    lines = locked_lines(cart)
    fingerprint = _fingerprint(lines, request)
    existing = _order_for_key(user, key) if key else None
    if existing is not None:
        if not _replays(existing, fingerprint, bool(lines)):
            raise IdempotencyKeyReused()
        return existing, False
    if not lines:
        raise EmptyCart()
    shipping = _shipping_copy(user, request.shipping_address_id, request.shipping_address)
    # Priced under the locks: the lines' variants are the rows just read.
    voucher = _entered_voucher(cart, lines, user)
    pricing = quote(
        lines,
        destination=Destination.of_copy(shipping),
        shipping_method_id=request.shipping_method_id,
        voucher=voucher,
        require_shipping=True,
    )
    take_all(
        {line.variant_id: line.variant for line in lines},
        {line.variant_id: line.quantity for line in lines},
    )
    order = Order(
        user_id=user.id,
        shipping_address=shipping,
        idempotency_key=key,
        cart_fingerprint=fingerprint if key else None,
        items=_order_items(pricing),
        history=[
            OrderStatusChange(to_status=NEW_ORDER_STATUS, changed_by_id=user.id, note="Placed.")
        ],
        **order_amounts(pricing),
    )
    if voucher is not None:
        order.voucher_id = voucher.voucher.id
    db.session.add(order)
    empty(cart)
    cart.voucher_code = None
    db.session.flush()
    if voucher is not None:
        _redeem(voucher, user, order)
    db.session.execute(
        update(User).where(User.id == user.id).values(orders_placed=User.orders_placed + 1)
    )
    record(ORDER_PLACED, order_id=order.id, user_id=user.id, total=order.total_amount)
    return order, True


def _entered_voucher(cart: Cart, lines: list[CartItem], user: User) -> VoucherCheck | None:
    """The cart's voucher, checked for these lines: one that no longer applies stops
    checkout with its reason (the customer removes it or changes the cart)."""
    if not cart.voucher_code:
        return None
    return check_entered_voucher(cart.voucher_code, lines, customer(user), utcnow())


def _redeem(voucher: VoucherCheck, user: User, order: Order) -> None:
    """Count the use under the voucher's row lock: its limits hold against racing checkouts."""
    redeem(
        voucher.voucher.id,
        user_id=user.id,
        order_id=order.id,
        orders_placed=user.orders_placed,
        subtotal=voucher.covered_subtotal,
        quantity=voucher.covered_quantity,
        at=utcnow(),
    )


def _fingerprint(lines: list[CartItem], request: CheckoutRequest) -> str:
    cart = ";".join(f"{line.variant_id}x{line.quantity}" for line in lines)
    return f"{hashlib.sha256(cart.encode()).hexdigest()[:32]}{request.fingerprint[:32]}"


def _replays(order: Order, fingerprint: str, cart_has_lines: bool) -> bool:
    """Same request, and the same cart unless the cart is now empty (it was just placed)."""
    kept = order.cart_fingerprint or ""
    same_request = kept[32:] == fingerprint[32:]
    return same_request and (not cart_has_lines or kept[:32] == fingerprint[:32])


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
        message = gettext("A shipping address is required: send one, or save a default address.")
        raise Conflict(message, errors={"shipping_address_id": [message]}, code="no_address")
    return snapshot(chosen)


def order_amounts(pricing: Breakdown) -> dict[str, Any]:
    """An order's columns of its breakdown."""
    shipping = pricing.shipping
    return {
        "subtotal_amount": pricing.subtotal,
        "discount_amount": pricing.discount,
        "shipping_amount": pricing.shipping_price,
        "shipping_tax_amount": shipping.tax if shipping else 0,
        "shipping_tax_rate": shipping.tax_rate if shipping else 0,
        "shipping_method_id": shipping.method_id if shipping else None,
        "shipping_method_name": shipping.name if shipping else None,
        "tax_amount": pricing.tax,
        "total_amount": pricing.total,
        "voucher_code": pricing.voucher_code,
        "prices_include_tax": pricing.prices_include_tax,
        "reverse_charge": pricing.reverse_charge,
    }


def _order_items(pricing: Breakdown) -> list[OrderItem]:
    ids = {line.promotion_id for line in pricing.lines} - {None}
    query = select(Promotion.id, Promotion.name).where(Promotion.id.in_(ids))
    names = dict(db.session.execute(query).tuples().all()) if ids else {}
    return [_order_item(line, names.get(line.promotion_id)) for line in pricing.lines]


def _order_item(line: PricedLine, promotion_name: str | None) -> OrderItem:
    variant = line.source.variant
    return OrderItem(
        product_id=variant.product_id,
        variant_id=variant.id,
        title=variant.product.title,
        sku=variant.sku,
        variant_label=variant.label,
        promotion_id=line.promotion_id,
        promotion_name=promotion_name,
        quantity=line.quantity,
        **line_amounts(line),
    )


def line_amounts(line: PricedLine) -> dict[str, Any]:
    """An order line's columns of its priced line."""
    return {
        "unit_price_undiscounted": line.unit_price_undiscounted,
        "unit_price": line.unit_price,
        "discount_amount": line.discount,
        "net_amount": line.net,
        "tax_rate": line.tax_rate,
        "tax_amount": line.tax,
        "gross_amount": line.gross,
    }
