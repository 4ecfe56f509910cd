"""Some units of some lines ship, or arrive: the counters move (``lines``) and the order's
status follows along ``transitions`` (partially shipped, shipped, delivered). Each runs in
the caller's transaction under the order's row lock, so two staff shipping the same
units at once cannot both count them."""

from collections.abc import Mapping

from flask_babel import gettext

from ecom.accounts.models import User
from ecom.common.errors import Conflict, NotFound
from ecom.common.models import lock_row
from ecom.orders import lines, transitions
from ecom.orders.models import Order

# Where units may leave from; a pending order is unpaid, the others are done.
SHIPPABLE = ("paid", "processing", "partially_shipped")
DELIVERABLE = ("partially_shipped", "shipped")


class OrderNotShippable(Conflict):
    code = "order_not_shippable"

    def __init__(self, status: str) -> None:
        super().__init__(f"The order is {status}: it has nothing to ship.")


class OrderUnpaid(Conflict):
    code = "order_unpaid"

    def __init__(self) -> None:
        super().__init__("The order is not paid: it cannot ship.")


class OrderNotDeliverable(Conflict):
    code = "order_not_deliverable"

    def __init__(self, status: str) -> None:
        super().__init__(f"The order is {status}: it has no units on their way.")


def locked_order(order_id: int) -> Order:
    """The order, locked until the caller's commit and read afresh."""
    order = lock_row(Order, order_id)
    if order is None:
        raise NotFound(gettext("Order not found."))
    return order


def check_shippable(order: Order) -> None:
    """Only a paid order with units left ships."""
    if order.status not in (*SHIPPABLE, "pending"):
        raise OrderNotShippable(order.status)
    if order.payment_status != "paid":
        raise OrderUnpaid()


def ship_units(
    order: Order, quantities: Mapping[int, int], *, actor: User | None, note: str = ""
) -> str:
    """Ship ``quantities`` (units by line id) of the locked ``order``; its new status:
    shipped once every unit left, partially shipped before."""
    check_shippable(order)
    lines.fulfil(order.id, quantities)
    to_status = "shipped" if lines.all_fulfilled(order.id) else "partially_shipped"
    if to_status != order.status:
        transitions.move(order, to_status, actor=actor, note=note)
    return to_status


def deliver_units(
    order: Order, quantities: Mapping[int, int], *, actor: User | None, note: str = ""
) -> str:
    """``quantities`` (units by line id) of the locked ``order`` arrived; its new status:
    delivered once every unit arrived."""
    if order.status not in DELIVERABLE:
        raise OrderNotDeliverable(order.status)
    lines.deliver(order.id, quantities)
    if order.status == "shipped" and lines.all_delivered(order.id):
        transitions.move(order, "delivered", actor=actor, note=note)
        return "delivered"
    return order.status
