"""Money rules, stated once: the currency's minor unit, rounding, and sharing an amount out
over lines (docs/PRICING.md)."""

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from flask import current_app

# ISO 4217 currencies without a minor unit (as Stripe lists its zero-decimal currencies).
ZERO_DECIMAL_CURRENCIES = frozenset(
    "BIF CLP DJF GNF ISK JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()  # noqa: SIM905
)


def minor_unit(currency: str | None = None) -> Decimal:
    """The smallest amount of ``currency`` (default ``SHOP_CURRENCY``): 0.01, or 1 for JPY."""
    code = currency or current_app.config["SHOP_CURRENCY"]
    return Decimal("1") if code in ZERO_DECIMAL_CURRENCIES else Decimal("0.01")


def round_money(amount: Decimal, currency: str | None = None) -> Decimal:
    """``amount`` rounded half up to the minor unit: the one rounding rule of the shop."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def allocate(
    amount: Decimal, weights: Sequence[Decimal], currency: str | None = None
) -> list[Decimal]:
    """Share ``amount`` out over ``weights`` in proportion, in minor units, the remainder
    unit by unit to the largest remainders (ties: the earlier weight); the shares add up to
    ``amount`` exactly."""
    unit = minor_unit(currency)
    total = sum(weights, Decimal(0))
    if not weights or total == 0:
        return [Decimal(0) * unit for _ in weights]
    units = int((amount / unit).to_integral_value(rounding=ROUND_HALF_UP))
    exact = [Decimal(units) * weight / total for weight in weights]
    shares = [int(share.to_integral_value(rounding=ROUND_DOWN)) for share in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for index in by_remainder[: units - sum(shares)]:
        shares[index] += 1
    return [share * unit for share in shares]
