"""Reading orders: one order for its owner or staff (the list: ``ecom.orders.search``)."""

from flask_babel import gettext

from ecom.accounts.models import User
from ecom.common.errors import NotFound
from ecom.common.permissions import has_role
from ecom.extensions import db
from ecom.orders.models import Order


def get_order(order_id: int, viewer: User) -> Order:
    """An order its owner or staff may see; anybody else's is not found."""
    order = db.session.get(Order, order_id)
    if order is None or not (order.user_id == viewer.id or has_role(viewer, "staff")):
        raise NotFound(gettext("Order not found."))
    return order


def staff_order(order_id: int) -> Order:
    """Any order, for a staff operation its caller is already authorised for."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound(gettext("Order not found."))
    return order
