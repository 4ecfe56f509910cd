"""The one place that turns lines into money: unit prices, line totals, subtotal, total.

Discounts, shipping and tax arrive as ``Adjustment`` rows of the breakdown, so the cart's
answer and checkout, which both call ``price``, take them without changing."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from ecom.catalog.models import ProductVariant

ZERO = Decimal("0.00")


class Priceable(Protocol):
    """A line to price: a cart line, or anything with a variant and a quantity."""

    variant: ProductVariant
    quantity: int


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return unit_price * quantity


@dataclass(frozen=True)
class PricedLine:
    source: Priceable
    unit_price: Decimal
    quantity: int

    @property
    def line_total(self) -> Decimal:
        return line_total(self.unit_price, self.quantity)


@dataclass(frozen=True)
class Adjustment:
    """A discount (negative), shipping or tax amount applied to the whole breakdown."""

    kind: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Breakdown:
    lines: tuple[PricedLine, ...]
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return self.subtotal + sum((a.amount for a in self.adjustments), ZERO)

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)


def price(lines: Iterable[Priceable]) -> Breakdown:
    """Price ``lines`` at their variants' current prices."""
    return Breakdown(
        lines=tuple(PricedLine(line, line.variant.price, line.quantity) for line in lines)
    )
