"""Returns under concurrency, proven on PostgreSQL with real threads and row locks."""

import pytest
from sqlalchemy import func, select

from ecom.extensions import db
from ecom.payments.models import Refund
from ecom.returns import refunds, requests
from ecom.returns.models import Return
from tests.concurrency import CREATED, run_together, skip_unless_postgres
from tests.returns import delivered_order, received

# Threads with a connection each: their commits must be real.
pytestmark = pytest.mark.committed


@pytest.fixture(autouse=True)
def postgres_only():
    skip_unless_postgres()


def test_staff_refunding_one_return_at_once_refund_it_once(app, customer, staff):
    order = delivered_order(customer, price="10.00", quantity=3)
    return_id = received(customer, order, staff, 2).id

    outcomes = run_together(
        app, [staff.id] * 4, lambda user: refunds.refund_return(return_id, actor=user)
    )

    assert sorted(outcomes, key=str) == [409, 409, 409, CREATED]
    db.session.expire_all()
    [refund] = db.session.scalars(select(Refund)).all()
    return_ = db.session.get(Return, return_id)
    assert (return_.status, return_.refund_id, str(refund.amount)) == (
        "refunded",
        refund.id,
        "20.00",
    )


def test_customers_asking_for_the_same_units_at_once_get_them_once(app, customer):
    order = delivered_order(customer, quantity=3)
    lines = [{"item": order.items[0].id, "quantity": 2, "reason": "other"}]

    outcomes = run_together(
        app, [customer.id] * 3, lambda user: requests.request_return(user, order.id, lines)
    )

    assert sorted(outcomes, key=str) == [409, 409, CREATED]
    assert db.session.scalar(select(func.count()).select_from(Return)) == 1
