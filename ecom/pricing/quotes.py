"""A breakdown for a cart's lines as the shop's rules stand now: the destination's tax
rates and shipping method, and the voucher entered (checked, not yet redeemed)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from ecom.accounts.destinations import Destination
from ecom.common.errors import Conflict
from ecom.pricing.breakdown import ZERO, Breakdown, Priceable
from ecom.pricing.services import ShippingCharge, VoucherTerms, line_total, price, unit_price
from ecom.promotions.models import Voucher
from ecom.promotions.vouchers import check_voucher, find_voucher, voucher_covers
from ecom.shipping.services import ShippingOption, shipping_option, shipping_options, ships_anywhere
from ecom.tax.providers import tax_quote


class ShippingMethodRequired(Conflict):
    code = "shipping_method_required"
    message = _l("Choose a shipping method offered for the address (shipping_method_id).")

    def __init__(self) -> None:
        super().__init__(errors={"shipping_method_id": [self.message]})


@dataclass(frozen=True)
class Customer:
    """Who buys, as vouchers ask: their id and how many orders they placed before."""

    user_id: int | None
    orders_placed: int


@dataclass(frozen=True)
class VoucherCheck:
    """The voucher entered and, when it applies, its terms for these lines."""

    voucher: Voucher
    terms: VoucherTerms
    covered_subtotal: Decimal
    covered_quantity: int


def check_entered_voucher(
    code: str, lines: Sequence[Priceable], customer: Customer, at: datetime
) -> VoucherCheck:
    """The voucher named by ``code`` for ``lines``; raises its reason when it does not apply."""
    voucher = find_voucher(code)
    covered = [line for line in lines if voucher_covers(voucher, line.variant)]
    subtotal = sum((line_total(unit_price(line.variant), line.quantity) for line in covered), ZERO)
    quantity = sum(line.quantity for line in covered)
    check_voucher(
        voucher,
        user_id=customer.user_id,
        orders_placed=customer.orders_placed,
        subtotal=subtotal,
        quantity=quantity,
        at=at,
    )
    terms = VoucherTerms(
        code=voucher.code,
        kind=voucher.kind,
        value=voucher.value,
        covered=frozenset(line.variant.id for line in covered),
    )
    return VoucherCheck(voucher, terms, subtotal, quantity)


def quote(
    lines: Sequence[Priceable],
    *,
    destination: Destination | None = None,
    shipping_method_id: int | None = None,
    voucher: VoucherCheck | None = None,
    require_shipping: bool = False,
) -> Breakdown:
    """Price ``lines`` for ``destination`` (None: the shop's own country, no shipping)."""
    class_ids = {line.variant.product.tax_class_id for line in lines}
    tax = tax_quote(destination, class_ids)
    home = tax_quote(None, class_ids) if tax.reverse_charge else None
    terms = voucher.terms if voucher else None
    goods = price(lines, tax=tax, home_tax=home, voucher=terms)
    charge = _shipping(goods, destination, shipping_method_id, require_shipping)
    return price(lines, tax=tax, home_tax=home, shipping=charge, voucher=terms)


def offered_shipping(
    lines: Sequence[Priceable], destination: Destination, voucher: VoucherCheck | None = None
) -> list[ShippingOption]:
    """The methods offered for ``destination`` and these lines, cheapest first."""
    goods = price(lines, voucher=voucher.terms if voucher else None)
    return shipping_options(
        destination, weight_grams=goods.weight_grams, subtotal=goods.subtotal - goods.discount
    )


def _shipping(
    goods: Breakdown,
    destination: Destination | None,
    method_id: int | None,
    required: bool,
) -> ShippingCharge | None:
    """The charge of the method chosen; free-shipping thresholds read the subtotal after
    the voucher."""
    if method_id is None or destination is None:
        if required and ships_anywhere():
            raise ShippingMethodRequired()
        return None
    option = shipping_option(
        destination,
        method_id,
        weight_grams=goods.weight_grams,
        subtotal=goods.subtotal - goods.discount,
    )
    return ShippingCharge(option.method.id, option.method.name, option.price)
