"""Helpers for return tests: a delivered, paid order and its return moved along."""

from sqlalchemy import func, select

from ecom.common.outbox import OutboxMessage
from ecom.extensions import db
from ecom.returns import emails, handling, refunds, requests
from ecom.returns.models import Return
from tests.factories import deliver, make_order, make_product
from tests.payments import captured_payment


def delivered_order(user, price="10.00", quantity=3, *, paid=True, at=None):
    """An order of one line, every unit delivered, with a captured payment (refundable)."""
    order = make_order(user, (make_product(price=price, stock=20), quantity))
    if paid:
        captured_payment(order)
    return deliver(order, at=at)


def ask(user, order, quantity=1, reason="size_or_fit", index=0, **line):
    item = order.items[index]
    lines = [{"item": item.id, "quantity": quantity, "reason": reason, **line}]
    return requests.request_return(user, order.id, lines)


def received(user, order, staff, quantity=1, restock=True):
    """A return of ``quantity`` units, approved and received (restocked or not)."""
    return_ = ask(user, order, quantity)
    handling.approve(return_.id, actor=staff)
    ids = [line.id for line in return_.lines] if restock else []
    return handling.receive(return_.id, actor=staff, restock=ids)


def refunded(user, order, staff, quantity=1, **options):
    return refunds.refund_return(received(user, order, staff, quantity).id, actor=staff, **options)


def count_returns() -> int:
    return db.session.scalar(select(func.count()).select_from(Return))


def return_mails(return_id: int) -> list[str]:
    """The statuses of the e-mails written for a return, in order."""
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.handler == emails.RETURN_STEP)
        .order_by(OutboxMessage.id)
    )
    return [row.payload["status"] for row in rows if row.payload["return_id"] == return_id]
