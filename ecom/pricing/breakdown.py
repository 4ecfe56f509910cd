"""What ``price`` answers: each line and the shipping line priced to the cent, and the
totals they add up to (docs/PRICING.md)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from ecom.catalog.models import ProductVariant

ZERO = Decimal("0.00")


class Priceable(Protocol):
    """A line to price: a cart line, or anything with a variant and a quantity."""

    variant: ProductVariant
    quantity: int


@dataclass(frozen=True)
class Taxed:
    """An amount split into net, tax and gross at ``tax_rate`` percent."""

    net: Decimal
    tax_rate: Decimal
    tax: Decimal
    gross: Decimal


class SplitByTax:
    """Reads a ``taxed`` split as the line's own net, tax rate, tax and gross."""

    taxed: Taxed

    @property
    def net(self) -> Decimal:
        return self.taxed.net

    @property
    def tax_rate(self) -> Decimal:
        return self.taxed.tax_rate

    @property
    def tax(self) -> Decimal:
        return self.taxed.tax

    @property
    def gross(self) -> Decimal:
        return self.taxed.gross


@dataclass(frozen=True)
class PricedLine(SplitByTax):
    source: Priceable
    unit_price_undiscounted: Decimal
    unit_price: Decimal
    quantity: int
    promotion_id: int | None
    discount: Decimal
    taxed: Taxed

    @property
    def line_total(self) -> Decimal:
        """Unit price (after any catalogue promotion) × quantity, before the voucher."""
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class ShippingLine(SplitByTax):
    method_id: int
    name: str
    price: Decimal
    taxed: Taxed


@dataclass(frozen=True)
class Adjustment:
    """What turns the subtotal into the total: the voucher's discount (negative), the
    shipping charge, and the tax when catalogue prices are net."""

    kind: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Breakdown:
    lines: tuple[PricedLine, ...]
    shipping: ShippingLine | None = None
    voucher_code: str | None = None
    prices_include_tax: bool = False
    reverse_charge: bool = False

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines), ZERO)

    @property
    def discount(self) -> Decimal:
        return sum((line.discount for line in self.lines), ZERO)

    @property
    def shipping_price(self) -> Decimal:
        return self.shipping.taxed.gross if self.shipping else ZERO

    @property
    def tax(self) -> Decimal:
        parts = [line.taxed for line in self.lines]
        if self.shipping:
            parts.append(self.shipping.taxed)
        return sum((part.tax for part in parts), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((line.taxed.gross for line in self.lines), ZERO) + self.shipping_price

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def weight_grams(self) -> int:
        return sum((line.source.variant.weight_grams or 0) * line.quantity for line in self.lines)

    @property
    def adjustments(self) -> tuple[Adjustment, ...]:
        shown = []
        if self.discount:
            shown.append(Adjustment("discount", f"Voucher {self.voucher_code}", -self.discount))
        if self.shipping:
            charged = (
                self.shipping.taxed.gross if self.prices_include_tax else self.shipping.taxed.net
            )
            shown.append(Adjustment("shipping", self.shipping.name, charged))
        if not self.prices_include_tax and self.tax:
            shown.append(Adjustment("tax", "Tax", self.tax))
        return tuple(shown)
