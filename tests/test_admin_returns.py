"""The back office's order page: its returns, staff's steps on them through the returns'
services, and the order's money history."""

from decimal import Decimal

from ecom.extensions import db
from ecom.returns.models import Return
from tests.factories import admin_csrf_token, admin_login
from tests.returns import ask, delivered_order


def step(client, order, return_, name, **fields):
    return client.post(
        f"/admin/orders/return/{name}/",
        data={
            "order_id": order.id,
            "return_id": return_.id,
            "csrf_token": admin_csrf_token(client),
            **fields,
        },
        follow_redirects=True,
    ).get_data(as_text=True)


def fresh(return_id) -> Return:
    db.session.expire_all()
    return db.session.get(Return, return_id)


def test_staff_take_a_return_from_request_to_refund_on_the_order_page(client, staff, customer):
    order = delivered_order(customer, price="10.00", quantity=2)
    return_ = ask(customer, order, 2, reason="damaged", comment="Cracked lid")
    admin_login(client, staff)

    page = client.get(f"/admin/orders/details/?id={order.id}").get_data(as_text=True)
    returns = page.split('id="order-returns"')[1]
    assert "2 × <code>" in returns and "damaged: Cracked lid" in returns
    assert "Approve</button>" in returns

    step(client, order, return_, "approve")
    step(client, order, return_, "receive", restock=[str(return_.lines[0].id)])
    page = step(client, order, return_, "refund")

    done = fresh(return_.id)
    assert (done.status, done.refund_amount, done.lines[0].restocked) == (
        "refunded",
        Decimal("20.00"),
        True,
    )
    money = page.split('id="order-money"')[1]
    assert f"Return #{return_.id}" in money and "20.00" in money


def test_a_refused_step_is_flashed_and_changes_nothing(client, staff, customer):
    order = delivered_order(customer)
    return_ = ask(customer, order)
    admin_login(client, staff)

    page = step(client, order, return_, "refund")
    assert "cannot become refunded" in page
    page = step(client, order, return_, "reject", reason=" ")
    assert "A rejection needs a reason." in page
    assert fresh(return_.id).status == "requested"
