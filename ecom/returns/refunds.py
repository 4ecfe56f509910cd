"""Money back: a received return's refund, goodwill refunds without a return, and what
they cost. Every refund goes through the payments' refund service (a provider call as an
outbox job, capped at what was captured)."""

from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import func, select

from ecom.accounts.models import User
from ecom.common.errors import NotFound
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.orders.models import Order, OrderItem
from ecom.payments import refunds
from ecom.payments.models import Refund
from ecom.payments.services import lock_order
from ecom.pricing.money import round_money
from ecom.returns import status
from ecom.returns.errors import (
    InvalidReturnTransition,
    ShippingAlreadyRefunded,
    TooManyUnits,
    UnknownLine,
)
from ecom.returns.models import Return, ReturnLine


def units_share(item: OrderItem, units: int, already: int = 0) -> Decimal:
    """What ``units`` of a line paid (its discounted, taxed gross pro rata), after
    ``already`` of its units were refunded: rounded cumulatively, so that all the units of
    a line, refunded in any steps, add up to its gross exactly."""
    before = round_money(item.gross_amount * already / item.quantity)
    after = round_money(item.gross_amount * (already + units) / item.quantity)
    return after - before


def refunded_units(item_ids: list[int]) -> dict[int, int]:
    """Units of each line already paid back by refunded returns."""
    rows = db.session.execute(
        select(ReturnLine.order_item_id, func.sum(ReturnLine.quantity))
        .join(Return)
        .where(ReturnLine.order_item_id.in_(item_ids), Return.status == "refunded")
        .group_by(ReturnLine.order_item_id)
    )
    return {item_id: int(units) for item_id, units in rows}


def return_amount(return_: Return, with_shipping: bool) -> Decimal:
    """What a return pays back: its units' share of each line, and the shipping if asked."""
    already = refunded_units([line.order_item_id for line in return_.lines])
    amount = sum(
        (
            units_share(line.item, line.quantity, already.get(line.order_item_id, 0))
            for line in return_.lines
        ),
        Decimal("0.00"),
    )
    if with_shipping:
        amount += _shipping(return_.order)
    return amount


def _shipping(order: Order) -> Decimal:
    """The order's shipping charge (0.00 when it shipped free), refunded once per order."""
    done = select(Return.id).where(Return.order_id == order.id, Return.shipping_refunded)
    if db.session.scalar(done.limit(1)) is not None:
        raise ShippingAlreadyRefunded()
    return order.shipping_amount


def refund_return(
    return_id: int, *, actor: User | None, with_shipping: bool = False, note: str = ""
) -> Return:
    """Pay a received return back, once: the return is locked (after its order) and moves
    to ``refunded`` in the transaction that writes the refund."""
    with atomic(keep_loaded=True):
        return_ = status.lock_return(return_id)
        if return_.status != "received":
            raise InvalidReturnTransition(return_.status, "refunded")
        amount = return_amount(return_, with_shipping)
        if amount > 0:
            reason = f"Return #{return_.id}" + (f": {note}" if note else "")
            refund = refunds.request_refund(
                return_.order_id, reason=reason, actor=actor, amount=amount
            )
            return_.refund_id = refund.id
        return_.refund_amount = amount
        return_.shipping_refunded = with_shipping
        status.move(return_, "refunded", actor=actor, note=note)
    return return_


def goodwill_refund(
    order_id: int,
    *,
    actor: User | None,
    reason: str,
    amount: Decimal | None = None,
    lines: list[dict] | None = None,
) -> Refund:
    """Refund without a return: an ``amount``, or the share of some units of lines
    (``item``, ``quantity``), with a reason."""
    with atomic(keep_loaded=True):
        order = lock_order(order_id)
        if order is None:
            raise NotFound(gettext("Order not found."))
        if lines:
            amount = _lines_amount(order, lines)
            if amount <= 0:
                raise refunds.NothingToRefund(gettext("Those units were free: nothing to refund."))
        return refunds.request_refund(order_id, reason=reason, actor=actor, amount=amount)


def _lines_amount(order: Order, lines: list[dict]) -> Decimal:
    items = {item.id: item for item in order.items}
    amount = Decimal("0.00")
    for index, line in enumerate(lines):
        item = items.get(line["item"])
        if item is None:
            raise UnknownLine(index)
        if line["quantity"] > item.quantity:
            raise TooManyUnits(index, item.quantity)
        amount += units_share(item, line["quantity"])
    return amount
