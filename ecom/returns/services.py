"""Reading returns and an order's money: for the order's owner or staff."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ecom.accounts.models import User
from ecom.common.errors import NotFound
from ecom.common.permissions import has_role
from ecom.extensions import db
from ecom.orders import services as orders
from ecom.payments.models import Payment, Refund
from ecom.returns.models import Return, ReturnLine

# Payments whose capture counts as money taken.
TAKEN = ("captured", "partially_refunded", "refunded")


def get_return(return_id: int, viewer: User) -> Return:
    """A return its customer or staff may see; anybody else's is not found."""
    return_ = db.session.get(Return, return_id)
    if return_ is None or not (return_.user_id == viewer.id or has_role(viewer, "staff")):
        raise NotFound(gettext("Return not found."))
    return return_


def returns_of(order_id: int, viewer: User) -> list[Return]:
    """An order's returns, oldest first."""
    order = orders.get_order(order_id, viewer)
    return order_returns(order.id)


def order_returns(order_id: int) -> list[Return]:
    return list(
        db.session.scalars(
            select(Return)
            .where(Return.order_id == order_id)
            .options(
                selectinload(Return.lines).selectinload(ReturnLine.item),
                selectinload(Return.history),
            )
            .order_by(Return.id)
        )
    )


@dataclass(frozen=True)
class RefundEntry:
    id: int
    payment_id: int
    amount: Decimal
    reason: str
    status: str
    return_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class MoneyHistory:
    order_id: int
    captured: Decimal
    refunded: Decimal
    refunds: list[RefundEntry]


def money_history(order_id: int, viewer: User) -> MoneyHistory:
    """What an order's payments took and each refund since, with the return it paid."""
    order = orders.get_order(order_id, viewer)
    return order_money(order.id)


def order_money(order_id: int) -> MoneyHistory:
    payments = db.session.scalars(
        select(Payment).where(Payment.order_id == order_id, Payment.status.in_(TAKEN))
    ).all()
    rows = db.session.execute(
        select(Refund, Return.id)
        .join(Payment, Refund.payment_id == Payment.id)
        .outerjoin(Return, Return.refund_id == Refund.id)
        .where(Payment.order_id == order_id)
        .order_by(Refund.id)
    )
    entries = [
        RefundEntry(
            refund.id,
            refund.payment_id,
            refund.amount,
            refund.reason,
            refund.status,
            return_id,
            refund.created_at,
        )
        for refund, return_id in rows
    ]
    zero = Decimal("0.00")
    return MoneyHistory(
        order_id,
        sum((payment.refundable_amount for payment in payments), zero),
        sum((entry.amount for entry in entries if entry.status == "succeeded"), zero),
        entries,
    )
