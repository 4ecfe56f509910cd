"""The rules of returns: what may be returned and when, the status machine, stock, what a
refund pays back and that it pays once, goodwill refunds."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from ecom.catalog.models import ProductVariant
from ecom.common.errors import NotFound
from ecom.common.models import utcnow
from ecom.extensions import db
from ecom.orders import transitions
from ecom.payments.models import Refund
from ecom.payments.refunds import NothingToRefund, RefundTooLarge
from ecom.returns import handling, refunds, requests
from ecom.returns.errors import (
    InvalidReturnTransition,
    NotReturnable,
    ReturnWindowClosed,
    ShippingAlreadyRefunded,
    TooManyUnits,
)
from ecom.returns.refunds import units_share
from tests.factories import make_method, make_order, make_product, make_zone
from tests.payments import count
from tests.returns import (
    ask,
    count_returns,
    delivered_order,
    received,
    refunded,
    return_mails,
)


def stock_of(item) -> int:
    return db.session.scalar(
        select(ProductVariant.stock_quantity).where(ProductVariant.id == item.variant_id)
    )


def test_a_customer_returns_delivered_units_with_a_reason_and_is_told(customer):
    order = delivered_order(customer)
    return_ = ask(customer, order, 2, reason="damaged", comment="Cracked")
    assert return_.status == "requested"
    [line] = return_.lines
    assert (line.quantity, line.reason, line.comment) == (2, "damaged", "Cracked")
    assert [change.to_status for change in return_.history] == ["requested"]
    assert return_mails(return_.id) == ["requested"]


def test_units_not_delivered_cannot_be_returned_and_nothing_is_written(customer):
    order = make_order(customer, (make_product(), 2))
    with pytest.raises(NotReturnable) as refused:
        ask(customer, order, 1)
    assert refused.value.errors == {"lines": {"0": {"quantity": [refused.value.message]}}}
    assert count_returns() == 0


def test_units_already_in_a_return_cannot_be_returned_again_until_it_is_rejected(customer, staff):
    order = delivered_order(customer, quantity=3)
    first = ask(customer, order, 2)
    with pytest.raises(NotReturnable, match="At most 1 unit"):
        ask(customer, order, 2)
    handling.reject(first.id, actor=staff, reason="Worn")
    assert ask(customer, order, 3).status == "requested"


def test_the_window_closes_return_window_days_after_the_delivery(app, customer):
    days = app.config["RETURN_WINDOW_DAYS"]
    late = delivered_order(customer, at=utcnow() - timedelta(days=days, minutes=1))
    with pytest.raises(ReturnWindowClosed):
        ask(customer, late)
    in_time = delivered_order(customer, at=utcnow() - timedelta(days=days, minutes=-1))
    assert ask(customer, in_time).status == "requested"
    assert count_returns() == 1


def test_another_customers_order_is_not_found(customer, other_customer):
    order = delivered_order(customer)
    with pytest.raises(NotFound):
        ask(other_customer, order)


def test_the_customer_cancels_while_requested_only(customer, staff):
    order = delivered_order(customer)
    return_ = ask(customer, order)
    assert requests.cancel_return(customer, return_.id).status == "cancelled"
    approved = ask(customer, order)
    handling.approve(approved.id, actor=staff)
    with pytest.raises(InvalidReturnTransition):
        requests.cancel_return(customer, approved.id)


def test_statuses_follow_the_machine_with_history_and_an_e_mail_at_each_step(customer, staff):
    order = delivered_order(customer)
    with pytest.raises(InvalidReturnTransition):
        handling.receive(ask(customer, order).id, actor=staff, restock=[])
    return_ = refunded(customer, order, staff)
    assert [(c.from_status, c.to_status) for c in return_.history] == [
        (None, "requested"),
        ("requested", "approved"),
        ("approved", "received"),
        ("received", "refunded"),
    ]
    assert return_mails(return_.id) == ["requested", "approved", "received", "refunded"]


def test_received_units_go_back_to_stock_only_where_staff_choose(customer, staff):
    order = delivered_order(customer, quantity=3)
    item = order.items[0]
    before = stock_of(item)
    received(customer, order, staff, 2, restock=False)
    assert stock_of(item) == before
    received(customer, order, staff, 1, restock=True)
    assert stock_of(item) == before + 1


def test_a_return_refunds_its_units_share_of_the_line_gross():
    item = SimpleNamespace(gross_amount=Decimal("10.00"), quantity=3)
    steps = [units_share(item, 1, 0), units_share(item, 1, 1), units_share(item, 1, 2)]
    assert steps == [Decimal("3.33"), Decimal("3.34"), Decimal("3.33")]
    assert sum(steps) == item.gross_amount
    assert units_share(item, 2) == Decimal("6.67")


def test_refund_goes_through_the_payment_and_is_linked(customer, staff):
    order = delivered_order(customer, price="10.00", quantity=3)
    return_ = refunded(customer, order, staff, 2)
    refund = db.session.get(Refund, return_.refund_id)
    assert (return_.refund_amount, refund.amount, refund.status) == (
        Decimal("20.00"),
        Decimal("20.00"),
        "pending",
    )
    assert refund.reason == f"Return #{return_.id}"


def test_a_return_is_refunded_once(customer, staff):
    order = delivered_order(customer)
    return_ = refunded(customer, order, staff)
    with pytest.raises(InvalidReturnTransition):
        refunds.refund_return(return_.id, actor=staff)
    assert count(Refund) == 1


def test_shipping_is_refunded_at_most_once_per_order(customer, staff):
    make_method(make_zone("GB"), "4.50")
    order = delivered_order(customer, price="10.00", quantity=2)
    first = refunded(customer, order, staff, 1, with_shipping=True)
    assert first.refund_amount == Decimal("14.50")
    second = received(customer, order, staff, 1)
    with pytest.raises(ShippingAlreadyRefunded):
        refunds.refund_return(second.id, actor=staff, with_shipping=True)
    assert (second.status, count(Refund)) == ("received", 1)


def test_a_free_shipping_adds_nothing(customer, staff):
    return_ = received(customer, delivered_order(customer, price="10.00"), staff)
    refunds.refund_return(return_.id, actor=staff, with_shipping=True)
    assert (return_.refund_amount, return_.shipping_refunded) == (Decimal("10.00"), True)


def test_refunding_more_than_was_captured_is_refused_and_nothing_is_written(customer, staff):
    order = delivered_order(customer, price="10.00", quantity=2)
    refunds.goodwill_refund(order.id, actor=staff, reason="Late", amount=Decimal("15.00"))
    return_ = received(customer, order, staff, 1)
    with pytest.raises(RefundTooLarge):
        refunds.refund_return(return_.id, actor=staff)
    db.session.expire_all()
    assert (return_.status, return_.refund_id, count(Refund)) == ("received", None, 1)


def test_an_order_without_captured_payment_has_nothing_to_refund(customer, staff):
    return_ = received(customer, delivered_order(customer, paid=False), staff)
    with pytest.raises(NothingToRefund):
        refunds.refund_return(return_.id, actor=staff)
    assert return_.status == "received"


def test_goodwill_refunds_an_amount_or_units_of_lines_with_a_reason(customer, staff):
    order = delivered_order(customer, price="10.00", quantity=3)
    item = order.items[0]
    by_units = refunds.goodwill_refund(
        order.id, actor=staff, reason="Scratched", lines=[{"item": item.id, "quantity": 1}]
    )
    assert (by_units.amount, by_units.reason) == (Decimal("10.00"), "Scratched")
    with pytest.raises(TooManyUnits):
        refunds.goodwill_refund(
            order.id, actor=staff, reason="x", lines=[{"item": item.id, "quantity": 4}]
        )
    assert count(Refund) == 1


def test_delivering_the_order_counts_its_lines_delivered_and_opens_the_window(customer, staff):
    order = make_order(customer, (make_product(), 2))
    for step in ("paid", "processing", "shipped", "delivered"):
        transitions.change_status(order.id, step, actor=staff)
    db.session.expire_all()
    item = order.items[0]
    assert (item.quantity_delivered, item.quantity_fulfilled) == (2, 2)
    assert utcnow() - item.delivered_at < timedelta(minutes=1)
    assert requests.returnable_units(order) == {item.id: 2}
