"""The cart priced for a destination, its voucher, and the shipping methods it may take."""

from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ecom.accounts.addresses import get_address
from ecom.accounts.destinations import Destination
from ecom.accounts.models import User
from ecom.cart.models import Cart
from ecom.cart.services import get_cart
from ecom.common.errors import Conflict
from ecom.common.models import utcnow
from ecom.common.transactions import atomic
from ecom.pricing.breakdown import Breakdown
from ecom.pricing.quotes import (
    Customer,
    VoucherCheck,
    check_entered_voucher,
    offered_shipping,
    quote,
)
from ecom.shipping.services import ShippingOption


class DestinationRequired(Conflict):
    """Query parameters cannot state "one of two" in the document: a coded 409, not a 400."""

    code = "destination_required"

    def __init__(self, message: str) -> None:
        super().__init__(message, errors={"address_id": [message]}, location="query")


class DestinationAmbiguous(Conflict):
    code = "destination_ambiguous"
    message = _l("Send address_id or country, not both.")

    def __init__(self) -> None:
        super().__init__(
            errors={"address_id": [self.message], "country": [self.message]}, location="query"
        )


@dataclass(frozen=True)
class VoucherState:
    """The voucher entered in a cart: applied, or why not (a reason code)."""

    code: str
    applied: bool
    reason: str | None = None


@dataclass(frozen=True)
class PricedCart:
    """A cart with its lines priced as the shop's rules stand now."""

    cart: Cart
    pricing: Breakdown
    voucher: VoucherState | None = None


@dataclass(frozen=True)
class QuoteRequest:
    """Where a quote ships to (a saved address, or a country and postal code) and how."""

    address_id: int | None = None
    country: str | None = None
    postal_code: str = ""
    shipping_method_id: int | None = None


def customer(user: User) -> Customer:
    return Customer(user.id, user.orders_placed)


def destination_of(user: User, request: QuoteRequest) -> Destination | None:
    if request.address_id is not None and request.country is not None:
        raise DestinationAmbiguous()
    if request.address_id is not None:
        return Destination.of_address(get_address(user, request.address_id))
    if request.country is not None:
        return Destination.of_copy({"country": request.country, "postal_code": request.postal_code})
    if request.shipping_method_id is not None:
        raise DestinationRequired(
            gettext("A shipping method needs a destination: address_id or country.")
        )
    return None


def entered_voucher(cart: Cart, user: User) -> tuple[VoucherCheck | None, VoucherState | None]:
    """The cart's voucher checked for its lines now; one that no longer applies is shown
    with its reason and left out of the price."""
    if not cart.voucher_code:
        return None, None
    try:
        check = check_entered_voucher(cart.voucher_code, cart.items, customer(user), utcnow())
    except Conflict as refusal:
        return None, VoucherState(cart.voucher_code, applied=False, reason=refusal.code)
    return check, VoucherState(check.voucher.code, applied=True)


def priced_cart(user: User, request: QuoteRequest | None = None) -> PricedCart:
    """The cart priced as read: kept loaded, so the answer is one consistent snapshot."""
    request = request or QuoteRequest()
    with atomic(keep_loaded=True):
        cart = get_cart(user, shown=True)
        check, state = entered_voucher(cart, user)
        pricing = quote(
            cart.items,
            destination=destination_of(user, request),
            shipping_method_id=request.shipping_method_id,
            voucher=check,
        )
        return PricedCart(cart, pricing, state)


def shipping_methods(user: User, request: QuoteRequest) -> list[ShippingOption]:
    destination = destination_of(user, request)
    if destination is None:
        raise DestinationRequired(
            gettext("Name a destination: address_id, or country (and postal_code).")
        )
    with atomic(keep_loaded=True):
        cart = get_cart(user, shown=True)
        check, _ = entered_voucher(cart, user)
        return offered_shipping(cart.items, destination, check)


def enter_voucher(user: User, code: str) -> PricedCart:
    """Keep ``code`` on the cart if it applies to the cart now; else its reason (409)."""
    with atomic():
        cart = get_cart(user, lock=True, shown=True)
        check = check_entered_voucher(code, cart.items, customer(user), utcnow())
        cart.voucher_code = check.voucher.code
    return priced_cart(user)


def remove_voucher(user: User) -> None:
    with atomic():
        get_cart(user, lock=True).voucher_code = None
