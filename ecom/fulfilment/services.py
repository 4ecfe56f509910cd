"""Fulfilments: staff ship some units of an order's lines with a carrier and a tracking
number, then mark them delivered. The units and the order's status are orders' own
(``ecom.orders.shipments``): this package calls them, in its transaction, and keeps the
parcels."""

from collections import Counter
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ecom.accounts.models import User
from ecom.common.events import record
from ecom.common.models import utcnow
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.fulfilment.errors import AlreadyDelivered, FulfilmentNotFound, UnknownCarrier
from ecom.fulfilment.events import FULFILMENT_CREATED, FULFILMENT_DELIVERED
from ecom.fulfilment.models import Carrier, Fulfilment, FulfilmentLine
from ecom.orders import services as orders
from ecom.orders import shipments
from ecom.orders.models import Order


def order_fulfilments(order_id: int, viewer: User) -> list[Fulfilment]:
    """An order's fulfilments, oldest first, for its owner or staff (404 for others)."""
    orders.get_order(order_id, viewer)
    return _fulfilments(order_id)


def _fulfilments(order_id: int) -> list[Fulfilment]:
    query = (
        select(Fulfilment)
        .where(Fulfilment.order_id == order_id)
        .options(
            selectinload(Fulfilment.carrier),
            selectinload(Fulfilment.lines).selectinload(FulfilmentLine.order_item),
        )
        .order_by(Fulfilment.id)
    )
    return list(db.session.scalars(query))


def get_fulfilment(order_id: int, fulfilment_id: int, viewer: User) -> Fulfilment:
    orders.get_order(order_id, viewer)
    return _fulfilment(order_id, fulfilment_id)


def _fulfilment(order_id: int, fulfilment_id: int) -> Fulfilment:
    fulfilment = db.session.get(Fulfilment, fulfilment_id)
    if fulfilment is None or fulfilment.order_id != order_id:
        raise FulfilmentNotFound()
    return fulfilment


def create_fulfilment(order_id: int, data: dict[str, Any], *, actor: User | None) -> Fulfilment:
    """Ship ``data["lines"]`` (``line`` and ``quantity``; a line named twice counts the
    sum) with ``carrier`` and ``tracking_number``: the units, the order's status and the
    parcel commit together, or nothing does."""
    quantities = units_by_line(data["lines"])
    with atomic(keep_loaded=True):
        order = shipments.locked_order(order_id)
        carrier = db.session.get(Carrier, data["carrier"])
        if carrier is None:
            raise UnknownCarrier()
        shipments.ship_units(order, quantities, actor=actor, note=_note(carrier, data))
        fulfilment = Fulfilment(
            order_id=order.id,
            carrier=carrier,
            tracking_number=data["tracking_number"],
            created_by_id=actor.id if actor else None,
            lines=[FulfilmentLine(order_item_id=i, quantity=n) for i, n in quantities.items()],
        )
        db.session.add(fulfilment)
        db.session.flush()
        _record_created(order, fulfilment)
    return fulfilment


def deliver_fulfilment(order_id: int, fulfilment_id: int, *, actor: User | None) -> Fulfilment:
    """The parcel arrived: its units count as delivered, and the order is delivered once
    every unit is."""
    with atomic(keep_loaded=True):
        order = shipments.locked_order(order_id)
        fulfilment = _fulfilment(order_id, fulfilment_id)
        if not _deliver(order, fulfilment, actor):
            raise AlreadyDelivered()
    return fulfilment


def deliver_order(order_id: int, *, actor: User | None) -> list[Fulfilment]:
    """Every parcel of the order arrived (those already delivered stay as they were)."""
    with atomic(keep_loaded=True):
        order = shipments.locked_order(order_id)
        fulfilments = _fulfilments(order_id)
        waiting = [f for f in fulfilments if f.delivered_at is None]
        if not waiting:
            raise AlreadyDelivered(gettext("Every fulfilment of this order was already delivered."))
        for fulfilment in waiting:
            _deliver(order, fulfilment, actor)
    return fulfilments


def delivered_with_order(order: Order) -> None:
    """The whole order was marked delivered (its units already counted): so were its
    parcels still on their way. In the caller's transaction."""
    waiting = select(Fulfilment).where(
        Fulfilment.order_id == order.id, Fulfilment.delivered_at.is_(None)
    )
    for fulfilment in db.session.scalars(waiting):
        _mark_delivered(order, fulfilment)


def units_by_line(lines: Iterable[dict[str, int]]) -> dict[int, int]:
    total: Counter[int] = Counter()
    for line in lines:
        total[line["line"]] += line["quantity"]
    return dict(total)


def _deliver(order: Order, fulfilment: Fulfilment, actor: User | None) -> bool:
    """Mark the parcel delivered, then its units; False when it already was."""
    if not _mark_delivered(order, fulfilment):
        return False
    note = f"Fulfilment #{fulfilment.id} delivered."
    shipments.deliver_units(order, fulfilment.quantities, actor=actor, note=note)
    return True


def _mark_delivered(order: Order, fulfilment: Fulfilment) -> bool:
    """Compare-and-set: of two concurrent deliveries of one parcel, one counts."""
    moment = utcnow()
    marked = db.session.execute(
        update(Fulfilment)
        .where(Fulfilment.id == fulfilment.id, Fulfilment.delivered_at.is_(None))
        .values(delivered_at=moment)
        .execution_options(synchronize_session=False)
    ).rowcount
    if marked:
        set_committed_value(fulfilment, "delivered_at", moment)
        record(
            FULFILMENT_DELIVERED,
            order_id=order.id,
            user_id=order.user_id,
            fulfilment_id=fulfilment.id,
        )
    return bool(marked)


def _record_created(order: Order, fulfilment: Fulfilment) -> None:
    record(
        FULFILMENT_CREATED,
        order_id=order.id,
        user_id=order.user_id,
        fulfilment_id=fulfilment.id,
        lines=[
            {"line_id": line.order_item_id, "sku": line.order_item.sku, "quantity": line.quantity}
            for line in fulfilment.lines
        ],
        carrier_id=fulfilment.carrier.id,
        carrier=fulfilment.carrier.name,
        tracking_number=fulfilment.tracking_number,
        tracking_url=fulfilment.tracking_url,
    )


def _note(carrier: Carrier, data: dict[str, Any]) -> str:
    return f"Shipped with {carrier.name}, tracking {data['tracking_number']}."
