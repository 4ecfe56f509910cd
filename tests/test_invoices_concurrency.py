"""Invoice numbers under real concurrency (PostgreSQL: many transactions paying at once)."""

import pytest
from sqlalchemy import select

from ecom.extensions import db
from ecom.invoices.models import DocumentCounter, Invoice
from ecom.orders import transitions
from ecom.orders.models import Order, OrderItem
from tests.concurrency import CREATED, run_each, skip_unless_postgres
from tests.factories import make_address, make_order, make_product, make_user

# Threads with a connection each: their commits must be real.
pytestmark = pytest.mark.committed


@pytest.fixture(autouse=True)
def postgres_only():
    skip_unless_postgres()


def columns_of(row, *skipped: str) -> dict:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in skipped}


def copies(order: Order, count: int) -> list[int]:
    """``count`` more pending orders like ``order`` (a checkout each would cost seconds)."""
    copied = [
        Order(
            **columns_of(order, "id", "idempotency_key", "created_at", "updated_at"),
            items=[OrderItem(**columns_of(item, "id", "order_id")) for item in order.items],
        )
        for _ in range(count)
    ]
    db.session.add_all(copied)
    db.session.commit()
    return [copy.id for copy in copied]


def test_fifty_orders_paid_at_once_get_fifty_consecutive_numbers(app, monkeypatch):
    # The PDFs are not the point here: their jobs stay in the outbox.
    monkeypatch.setattr(app.extensions["outbox"], "dispatch", lambda ids: None)
    staff, customer = make_user("staff"), make_user()
    make_address(customer)
    order = make_order(customer, (make_product(stock=1), 1))
    order_ids = [order.id, *copies(order, 49)]

    def pay(order_id):
        return lambda user: transitions.change_status(order_id, "paid", actor=user)

    outcomes = run_each(app, [(staff.id, pay(order_id)) for order_id in order_ids])

    assert outcomes == [CREATED] * 50
    invoices = db.session.scalars(select(Invoice)).all()
    assert sorted(invoice.order_id for invoice in invoices) == sorted(order_ids)
    sequences = sorted(invoice.sequence for invoice in invoices)
    assert sequences == list(range(1, 51))
    assert len({invoice.number for invoice in invoices}) == 50
    counter = db.session.get(DocumentCounter, ("invoice", invoices[0].year))
    assert counter.last_number == 50
