"""Staff's internal notes on an order: who wrote what, when. No customer route or answer
carries them (the order's schema has no notes)."""

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ecom.accounts.models import User
from ecom.common.errors import NotFound
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.orders.models import Order, OrderNote


def _existing_order(order_id: int) -> Order:
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound(gettext("Order not found."))
    return order


def add_note(order_id: int, author: User | None, body: str) -> OrderNote:
    """A note by ``author`` (staff; None: an integration token) on the order, timed now."""
    with atomic(keep_loaded=True):
        note = OrderNote(order_id=_existing_order(order_id).id, author=author, body=body.strip())
        db.session.add(note)
    return note


def order_notes(order_id: int) -> list[OrderNote]:
    """The order's notes, oldest first."""
    _existing_order(order_id)
    return list(
        db.session.scalars(
            select(OrderNote)
            .where(OrderNote.order_id == order_id)
            .options(selectinload(OrderNote.author))
            .order_by(OrderNote.id)
        )
    )
