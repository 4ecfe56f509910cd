"""The one place that turns lines into money (docs/PRICING.md).

In this order: each line at the price a customer pays (the catalogue promotion already in
the variant's sale price), the voucher's discount shared out over the lines it covers, the
shipping charge, then the tax of each line on its discounted amount and of the shipping."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from flask import current_app

from ecom.catalog.models import ProductVariant, current_price
from ecom.pricing.breakdown import ZERO, Breakdown, Priceable, PricedLine, ShippingLine, Taxed
from ecom.pricing.money import allocate, round_money

HUNDRED = Decimal(100)


class TaxRates(Protocol):
    """The rates of a destination (``ecom.tax.TaxQuote``)."""

    shipping_rate: Decimal
    reverse_charge: bool

    def rate_for(self, tax_class_id: int | None) -> Decimal: ...


@dataclass(frozen=True)
class NoTax:
    shipping_rate: Decimal = ZERO
    reverse_charge: bool = False

    def rate_for(self, tax_class_id: int | None) -> Decimal:
        return ZERO


@dataclass(frozen=True)
class ShippingCharge:
    """The method chosen and what it charges this cart, in catalogue terms."""

    method_id: int
    name: str
    price: Decimal


@dataclass(frozen=True)
class VoucherTerms:
    """A voucher as pricing applies it: ``covered`` names the variants it discounts."""

    code: str
    kind: str  # "percentage", "fixed" or "free_shipping"
    value: Decimal
    covered: frozenset[int]


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return unit_price * quantity


def unit_price(variant: ProductVariant) -> Decimal:
    """What a customer pays for one unit: the sale price while a promotion runs."""
    return current_price(variant.price, variant.sale_price)


def split_tax(amount: Decimal, rate: Decimal, *, gross: bool) -> Taxed:
    """``amount`` at ``rate`` percent: the tax extracted from a gross amount, or added to a
    net one, rounded half up to the minor unit."""
    if gross:
        tax = round_money(amount * rate / (HUNDRED + rate))
        return Taxed(net=amount - tax, tax_rate=rate, tax=tax, gross=amount)
    tax = round_money(amount * rate / HUNDRED)
    return Taxed(net=amount, tax_rate=rate, tax=tax, gross=amount + tax)


def voucher_discount(voucher: VoucherTerms, covered_amount: Decimal) -> Decimal:
    """What ``voucher`` takes off ``covered_amount``: never more than it."""
    if voucher.kind == "percentage":
        return round_money(covered_amount * voucher.value / HUNDRED)
    if voucher.kind == "fixed":
        return min(voucher.value, covered_amount)
    return ZERO


def price(
    lines: Iterable[Priceable],
    *,
    tax: TaxRates | None = None,
    home_tax: TaxRates | None = None,
    shipping: ShippingCharge | None = None,
    voucher: VoucherTerms | None = None,
    prices_include_tax: bool | None = None,
) -> Breakdown:
    """Price ``lines`` for a destination's ``tax`` rates, a ``shipping`` method and a
    ``voucher``; ``home_tax`` is the shop's own country's (what gross catalogue prices
    include, taken off when a reverse charge zero-rates the order)."""
    gross = _prices_include_tax(prices_include_tax)
    tax = tax or NoTax()
    lines = list(lines)
    amounts = [line_total(unit_price(line.variant), line.quantity) for line in lines]
    discounts = _discounts(lines, amounts, voucher)
    priced = tuple(
        PricedLine(
            source=line,
            unit_price_undiscounted=line.variant.price,
            unit_price=unit_price(line.variant),
            quantity=line.quantity,
            promotion_id=line.variant.promotion_id,
            discount=discount,
            taxed=_taxed(
                amount - discount,
                _class_rates(line.variant.product.tax_class_id, tax, home_tax),
                tax.reverse_charge,
                gross,
            ),
        )
        for line, amount, discount in zip(lines, amounts, discounts, strict=True)
    )
    return Breakdown(
        lines=priced,
        shipping=_shipping_line(shipping, voucher, tax, home_tax, gross),
        voucher_code=voucher.code if voucher else None,
        prices_include_tax=gross,
        reverse_charge=tax.reverse_charge,
    )


def _prices_include_tax(given: bool | None) -> bool:
    return current_app.config["PRICES_INCLUDE_TAX"] if given is None else given


def _discounts(
    lines: list[Priceable], amounts: list[Decimal], voucher: VoucherTerms | None
) -> list[Decimal]:
    """The voucher's discount shared out over the lines it covers, by their amounts."""
    if voucher is None:
        return [ZERO for _ in lines]
    covered = [
        amount if line.variant.id in voucher.covered else ZERO
        for line, amount in zip(lines, amounts, strict=True)
    ]
    return allocate(voucher_discount(voucher, sum(covered, ZERO)), covered)


def _taxed(
    amount: Decimal, rates: tuple[Decimal, Decimal | None], reverse_charge: bool, gross: bool
) -> Taxed:
    """``amount`` taxed at the destination's rate; under a reverse charge a gross price is
    charged net of the home rate it includes, with no tax."""
    rate, home_rate = rates
    if reverse_charge and gross and home_rate is not None:
        net = split_tax(amount, home_rate, gross=True).net
        return Taxed(net=net, tax_rate=ZERO, tax=ZERO, gross=net)
    return split_tax(amount, rate, gross=gross)


def _class_rates(
    tax_class_id: int | None, tax: TaxRates, home_tax: TaxRates | None
) -> tuple[Decimal, Decimal | None]:
    home = home_tax.rate_for(tax_class_id) if home_tax else None
    return tax.rate_for(tax_class_id), home


def _shipping_line(
    shipping: ShippingCharge | None,
    voucher: VoucherTerms | None,
    tax: TaxRates,
    home_tax: TaxRates | None,
    gross: bool,
) -> ShippingLine | None:
    if shipping is None:
        return None
    charged = ZERO if voucher and voucher.kind == "free_shipping" else shipping.price
    rates = (tax.shipping_rate, home_tax.shipping_rate if home_tax else None)
    taxed = _taxed(charged, rates, tax.reverse_charge, gross)
    return ShippingLine(shipping.method_id, shipping.name, charged, taxed)
