"""Staff shipping and delivering the same units at once (PostgreSQL: row locks, many
writers): no unit ships or arrives twice."""

import pytest
from sqlalchemy import func, select

from ecom.extensions import db
from ecom.fulfilment import services
from ecom.fulfilment.models import Fulfilment, FulfilmentLine
from ecom.orders.models import Order, OrderItem
from tests.concurrency import CREATED, run_together, skip_unless_postgres
from tests.factories import make_user
from tests.fulfilments import make_carrier, paid_order, ship

# Threads with a connection each: their commits must be real.
pytestmark = pytest.mark.committed


@pytest.fixture(autouse=True)
def postgres_only():
    skip_unless_postgres()


def shipped_units(order) -> int:
    query = select(func.sum(FulfilmentLine.quantity)).join(Fulfilment)
    return db.session.scalar(query.where(Fulfilment.order_id == order.id)) or 0


def test_eight_staff_shipping_units_of_a_five_unit_line_ship_five(app):
    customer, staff = make_user(), make_user("staff")
    order = paid_order(customer, staff, 5)
    line_id, carrier = order.items[0].id, make_carrier()
    staff_ids = [make_user("staff").id for _ in range(8)]

    def ship_two(user):
        data = {"carrier": carrier.id, "tracking_number": f"T{user.id}", "lines": []}
        data["lines"] = [{"line": line_id, "quantity": 2}]
        services.create_fulfilment(order.id, data, actor=user)

    outcomes = run_together(app, staff_ids, ship_two)

    # Two parcels of two, then one unit left: every other request is refused.
    assert outcomes.count(CREATED) == 2 and outcomes.count(409) == 6
    db.session.expire_all()
    assert db.session.get(OrderItem, line_id).quantity_fulfilled == 4 == shipped_units(order)
    statuses = [change.to_status for change in db.session.get(Order, order.id).history]
    assert statuses == ["pending", "paid", "partially_shipped"]


def test_the_last_units_shipped_at_once_move_the_order_once(app):
    customer, staff = make_user(), make_user("staff")
    order = paid_order(customer, staff, 6)
    line_id, carrier = order.items[0].id, make_carrier()
    staff_ids = [make_user("staff").id for _ in range(6)]

    def ship_one(user):
        data = {"carrier": carrier.id, "tracking_number": f"T{user.id}"}
        data["lines"] = [{"line": line_id, "quantity": 1}]
        services.create_fulfilment(order.id, data, actor=user)

    outcomes = run_together(app, staff_ids, ship_one)

    assert outcomes == [CREATED] * 6
    db.session.expire_all()
    assert db.session.get(OrderItem, line_id).quantity_fulfilled == 6 == shipped_units(order)
    statuses = [change.to_status for change in db.session.get(Order, order.id).history]
    assert statuses == ["pending", "paid", "partially_shipped", "shipped"]


def test_a_parcel_delivered_by_six_staff_at_once_arrives_once(app):
    customer, staff = make_user(), make_user("staff")
    order = paid_order(customer, staff, 2)
    parcel = ship(order, staff, make_carrier(), 2)
    staff_ids = [make_user("staff").id for _ in range(6)]

    outcomes = run_together(
        app, staff_ids, lambda user: services.deliver_fulfilment(order.id, parcel.id, actor=user)
    )

    assert outcomes.count(CREATED) == 1 and outcomes.count(409) == 5
    db.session.expire_all()
    assert db.session.get(OrderItem, order.items[0].id).quantity_delivered == 2
    assert db.session.get(Order, order.id).status == "delivered"
