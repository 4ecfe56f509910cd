"""What a document lists: an order's lines and shipping as invoiced, the totals per tax
rate, and a refund's share of each rate. Amounts are kept as strings of two decimals; the
words of a line are written in the document's language when it is issued."""

from collections.abc import Iterable
from decimal import Decimal

from flask_babel import gettext as _

from ecom.orders.models import Order, OrderItem
from ecom.pricing.money import allocate, round_money

ZERO = Decimal("0.00")
AMOUNTS = ("net", "tax", "gross")


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _rate(rate: Decimal) -> str:
    return f"{rate:.3f}".rstrip("0").rstrip(".")


def _line(
    description: str, sku: str, quantity: int, unit_price: Decimal, taxed: tuple
) -> dict[str, str | int]:
    net, rate, tax, gross = taxed
    return {
        "description": description,
        "sku": sku,
        "quantity": quantity,
        "unit_price": _money(unit_price),
        "net": _money(net),
        "tax_rate": _rate(rate),
        "tax": _money(tax),
        "gross": _money(gross),
    }


def _item_line(item: OrderItem) -> dict[str, str | int]:
    description = f"{item.title} ({item.variant_label})" if item.variant_label else item.title
    taxed = (item.net_amount, item.tax_rate, item.tax_amount, item.gross_amount)
    return _line(description, item.sku, item.quantity, item.unit_price, taxed)


def order_lines(order: Order) -> list[dict[str, str | int]]:
    """The order's lines, then its shipping, each split into net, tax and gross."""
    lines = [_item_line(item) for item in order.items]
    charge = order.shipping_charge
    if charge is not None:
        net = charge.gross - charge.tax
        taxed = (net, charge.tax_rate, charge.tax, charge.gross)
        unit_price = charge.gross if order.prices_include_tax else net
        lines.append(_line(_("Shipping: %(name)s", name=charge.name), "", 1, unit_price, taxed))
    return lines


def by_rate(lines: Iterable[dict]) -> list[dict[str, str]]:
    """Net, tax and gross per tax rate, highest rate first."""
    totals: dict[str, dict[str, Decimal]] = {}
    for line in lines:
        sums = totals.setdefault(line["tax_rate"], dict.fromkeys(AMOUNTS, ZERO))
        for name in AMOUNTS:
            sums[name] += Decimal(line[name])
    ordered = sorted(totals.items(), key=lambda item: Decimal(item[0]), reverse=True)
    return [
        {"tax_rate": rate, **{name: _money(sums[name]) for name in AMOUNTS}}
        for rate, sums in ordered
    ]


def totals(taxes: Iterable[dict]) -> dict[str, Decimal]:
    """The document's net, tax and gross: the sums of its rates'."""
    sums = dict.fromkeys(AMOUNTS, ZERO)
    for rate in taxes:
        for name in AMOUNTS:
            sums[name] += Decimal(rate[name])
    return {f"{name}_amount": amount for name, amount in sums.items()}


def refund_lines(
    amount: Decimal, invoiced: list[dict], description: str
) -> list[dict[str, str | int]]:
    """A refund of ``amount`` (tax included) as one line per tax rate of the invoice: its
    share of each rate's gross, with that rate's tax in proportion (a whole refund gives
    back exactly the tax invoiced)."""
    grosses = [Decimal(rate["gross"]) for rate in invoiced]
    lines = []
    for rate, share in zip(invoiced, allocate(amount, grosses), strict=True):
        if not share:
            continue
        gross = Decimal(rate["gross"])
        tax = round_money(Decimal(rate["tax"]) * share / gross)
        taxed = (share - tax, Decimal(rate["tax_rate"]), tax, share)
        lines.append(_line(description, "", 1, share, taxed))
    return lines
