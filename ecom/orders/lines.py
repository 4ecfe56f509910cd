"""The units of an order's lines after the sale: how many left (fulfilled) and how many
arrived (delivered). Only these functions write the counters, each in the caller's
transaction; the order's status follows in ``transitions`` (a whole-order move) and
``shipments`` (some units of some lines)."""

from collections.abc import Mapping

from flask_babel import gettext
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import InstrumentedAttribute

from ecom.common.errors import Conflict, NotFound
from ecom.common.models import utcnow
from ecom.extensions import db
from ecom.orders.models import OrderItem


class LineNotInOrder(NotFound):
    code = "order_line_not_found"

    def __init__(self, line_ids: list[int]) -> None:
        ids = ", ".join(map(str, sorted(line_ids)))
        message = gettext("Not lines of this order: %(ids)s.", ids=ids)
        super().__init__(message, errors={"lines": [message]})


class TooManyUnits(Conflict):
    """More units than a line has left to ship (or, shipped, to deliver)."""

    code = "units_exceed_remaining"

    def __init__(self, problems: list[str]) -> None:
        message = " ".join(problems)
        super().__init__(message, errors={"lines": problems})


def fulfil(order_id: int, quantities: Mapping[int, int]) -> None:
    """Count ``quantities`` (units by line id) as shipped; none beyond a line's quantity."""
    left = _left(order_id, quantities, OrderItem.quantity - OrderItem.quantity_fulfilled)
    _refuse_beyond(quantities, left, "to ship")
    for line_id, units in quantities.items():
        _add(line_id, units, OrderItem.quantity_fulfilled, OrderItem.quantity, left, "to ship")


def deliver(order_id: int, quantities: Mapping[int, int]) -> None:
    """Count ``quantities`` (units by line id) as arrived; none beyond what was shipped."""
    gap = OrderItem.quantity_fulfilled - OrderItem.quantity_delivered
    left = _left(order_id, quantities, gap)
    _refuse_beyond(quantities, left, "to deliver")
    for line_id, units in quantities.items():
        _add(
            line_id,
            units,
            OrderItem.quantity_delivered,
            OrderItem.quantity_fulfilled,
            left,
            "to deliver",
            delivered_at=utcnow(),
        )


def fulfil_rest(order_id: int) -> None:
    """Every unit not yet shipped leaves (the whole order marked shipped)."""
    db.session.execute(
        update(OrderItem)
        .where(OrderItem.order_id == order_id, OrderItem.quantity_fulfilled < OrderItem.quantity)
        .values(quantity_fulfilled=OrderItem.quantity)
    )


def deliver_all(order_id: int) -> None:
    """Every unit arrived (the whole order marked delivered): shipped, if it was not."""
    db.session.execute(
        update(OrderItem)
        .where(OrderItem.order_id == order_id, OrderItem.quantity_delivered < OrderItem.quantity)
        .values(
            quantity_fulfilled=OrderItem.quantity,
            quantity_delivered=OrderItem.quantity,
            delivered_at=utcnow(),
        )
    )


def unshipped(order_id: int) -> dict[int, int]:
    """Units not shipped, by variant (what a cancellation puts back on the shelf)."""
    rows = db.session.execute(
        select(OrderItem.variant_id, func.sum(OrderItem.quantity - OrderItem.quantity_fulfilled))
        .where(OrderItem.order_id == order_id, OrderItem.quantity_fulfilled < OrderItem.quantity)
        .group_by(OrderItem.variant_id)
    )
    return {variant_id: int(units) for variant_id, units in rows}


def all_fulfilled(order_id: int) -> bool:
    return not _count_below(order_id, OrderItem.quantity_fulfilled)


def all_delivered(order_id: int) -> bool:
    return not _count_below(order_id, OrderItem.quantity_delivered)


def _count_below(order_id: int, counter: InstrumentedAttribute[int]) -> int:
    query = select(func.count(OrderItem.id)).where(
        OrderItem.order_id == order_id, counter < OrderItem.quantity
    )
    return db.session.scalar(query)


def _left(order_id: int, quantities: Mapping[int, int], room: ColumnElement[int]) -> dict[int, int]:
    """What each named line has left, as the database has it now; a line of another
    order is a 404."""
    rows = db.session.execute(
        select(OrderItem.id, room).where(
            OrderItem.order_id == order_id, OrderItem.id.in_(list(quantities))
        )
    )
    left = {line_id: units for line_id, units in rows}
    if missing := set(quantities) - set(left):
        raise LineNotInOrder(list(missing))
    return left


def _beyond(what: str, **values: int) -> str:
    if what == "to ship":
        return gettext(
            "Line %(line)s has %(left)s unit(s) left to ship; %(asked)s asked.", **values
        )
    return gettext("Line %(line)s has %(left)s unit(s) left to deliver; %(asked)s asked.", **values)


def _refuse_beyond(quantities: Mapping[int, int], left: dict[int, int], what: str) -> None:
    problems = [
        _beyond(what, line=line_id, left=left[line_id], asked=units)
        for line_id, units in sorted(quantities.items())
        if units > left[line_id]
    ]
    if problems:
        raise TooManyUnits(problems)


def _add(
    line_id: int,
    units: int,
    counter: InstrumentedAttribute[int],
    ceiling: InstrumentedAttribute[int],
    left: dict[int, int],
    what: str,
    **also: object,
) -> None:
    """Add ``units`` to the line's counter unless that passes its ceiling: a conditional
    UPDATE, so a concurrent writer the caller's lock missed still cannot count them twice."""
    added = db.session.execute(
        update(OrderItem)
        .where(OrderItem.id == line_id, counter + units <= ceiling)
        .values({counter.key: counter + units, **also})
    ).rowcount
    if not added:
        _refuse_beyond({line_id: units}, {line_id: 0}, what)
