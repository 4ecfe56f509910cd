"""Returns through the API: the contract, bad input refused with a code and nothing
written, and a whole return on the embedded job queue (the dummy provider refunds it, the
customer gets an e-mail at each step)."""

from decimal import Decimal

import pytest

from ecom.extensions import db
from ecom.payments.models import Refund
from tests.factories import make_method, make_zone, token_headers
from tests.payments import count, pay, pending_order, reload
from tests.returns import count_returns, delivered_order


def post(client, user, path, body=None):
    return client.post(f"/api/v1/{path}", json=body, headers=token_headers(user))


def get(client, user, path):
    return client.get(f"/api/v1/{path}", headers=token_headers(user))


def ask(client, user, order, quantity=1, **line):
    line = {"item": order.items[0].id, "quantity": quantity, "reason": "damaged", **line}
    return post(client, user, f"orders/{order.id}/returns/", {"lines": [line]})


def test_a_return_is_asked_seen_and_handled_through_the_api(client, customer, staff):
    order = delivered_order(customer, price="10.00", quantity=3)
    asked = ask(client, customer, order, 2, comment="Cracked")
    assert asked.status_code == 201, asked.json
    return_id = asked.json["id"]
    assert asked.json["status"] == "requested"
    assert asked.json["lines"][0] | {"id": 0} == {
        "id": 0,
        "item": order.items[0].id,
        "sku": order.items[0].sku,
        "title": order.items[0].title,
        "quantity": 2,
        "reason": "damaged",
        "comment": "Cracked",
        "restocked": False,
    }
    assert post(client, staff, f"returns/{return_id}/approve/").json["status"] == "approved"
    line_id = asked.json["lines"][0]["id"]
    body = {"restock": [line_id]}
    assert post(client, staff, f"returns/{return_id}/receive/", body).json["status"] == "received"
    done = post(client, staff, f"returns/{return_id}/refund/", {"include_shipping": False})
    assert (done.status_code, done.json["refund_amount"]) == (200, "20.00")
    assert [r["id"] for r in get(client, customer, f"orders/{order.id}/returns/").json] == [
        return_id
    ]
    assert get(client, customer, f"returns/{return_id}/").json["history"][-1]["to_status"] == (
        "refunded"
    )
    money = get(client, customer, f"orders/{order.id}/refunds/").json
    [entry] = money["refunds"]
    assert (entry["return"], entry["amount"], entry["reason"]) == (
        return_id,
        "20.00",
        f"Return #{return_id}",
    )


def test_bad_lines_are_refused_with_their_field_and_nothing_is_written(client, customer):
    order = delivered_order(customer, quantity=2)
    item = order.items[0].id
    cases = [
        ({"lines": []}, 400, "validation_error"),
        ({"lines": [{"item": item, "quantity": 1, "reason": "bored"}]}, 400, "validation_error"),
        ({"lines": [{"item": item, "quantity": 0, "reason": "other"}]}, 400, "validation_error"),
        (
            {"lines": [{"item": item, "quantity": 1, "reason": "other"}] * 2},
            400,
            "validation_error",
        ),
        ({"lines": [{"item": item, "quantity": 3, "reason": "other"}]}, 409, "not_returnable"),
        ({"lines": [{"item": 999999, "quantity": 1, "reason": "other"}]}, 409, "unknown_line"),
    ]
    for body, status, code in cases:
        answer = post(client, customer, f"orders/{order.id}/returns/", body)
        assert (answer.status_code, answer.json["code"]) == (status, code), body
        assert "lines" in answer.json["errors"]["json"]
    assert count_returns() == 0


def test_refunding_twice_is_a_409_with_its_code(client, customer, staff):
    order = delivered_order(customer)
    return_id = ask(client, customer, order).json["id"]
    for step in ("approve", "receive", "refund"):
        assert post(client, staff, f"returns/{return_id}/{step}/").status_code == 200
    again = post(client, staff, f"returns/{return_id}/refund/")
    assert (again.status_code, again.json["code"]) == (409, "invalid_return_transition")
    assert count(Refund) == 1


def test_a_reject_needs_a_reason_which_the_customer_sees(client, customer, staff):
    order = delivered_order(customer)
    return_id = ask(client, customer, order).json["id"]
    assert post(client, staff, f"returns/{return_id}/reject/", {"reason": " "}).status_code == 400
    rejected = post(client, staff, f"returns/{return_id}/reject/", {"reason": "Worn."})
    assert (rejected.json["status"], rejected.json["rejection_reason"]) == ("rejected", "Worn.")


def test_goodwill_takes_an_amount_or_lines_not_both(client, customer, staff):
    order = delivered_order(customer, price="10.00", quantity=2)
    item = order.items[0].id
    both = {"reason": "Late", "amount": "1.00", "lines": [{"item": item, "quantity": 1}]}
    path = f"orders/{order.id}/goodwill-refunds/"
    assert post(client, staff, path, both).status_code == 400
    assert post(client, staff, path, {"reason": "Late"}).status_code == 400
    too_much = post(client, staff, path, {"reason": "Late", "amount": "20.01"})
    assert (too_much.status_code, too_much.json["code"]) == (409, "refund_too_large")
    by_units = post(
        client, staff, path, {"reason": "Scuffed", "lines": [{"item": item, "quantity": 1}]}
    )
    assert (by_units.status_code, by_units.json["amount"]) == (201, "10.00")
    [entry] = get(client, staff, f"orders/{order.id}/refunds/").json["refunds"]
    assert (entry["reason"], entry["return"]) == ("Scuffed", None)


@pytest.mark.usefixtures("embedded_jobs")
def test_a_paid_order_delivered_returned_and_refunded_by_the_dummy_provider(
    client, customer, staff, embedded_jobs
):
    make_method(make_zone("GB"), "5.00")
    order, _ = pending_order(customer, price="19.90", quantity=2)
    payment_id = pay(client, customer, order).json["id"]
    db.session.expire_all()  # the webhook paid it in another transaction
    for status in ("processing", "shipped", "delivered"):
        moved = client.put(
            f"/api/v1/orders/{order.id}/", json={"status": status}, headers=token_headers(staff)
        )
        assert moved.status_code == 200, moved.json
    return_id = ask(client, customer, order, 1).json["id"]
    post(client, staff, f"returns/{return_id}/approve/")
    post(client, staff, f"returns/{return_id}/receive/")
    refunded = post(client, staff, f"returns/{return_id}/refund/", {"include_shipping": True})
    assert refunded.json["refund_amount"] == "24.90"
    payment = reload(payment_id)
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("24.90"))
    money = get(client, customer, f"orders/{order.id}/refunds/").json
    assert (money["captured"], money["refunded"]) == ("44.80", "24.90")
    assert money["refunds"][0]["status"] == "succeeded"
    subjects = [m.subject.split(" |")[0] for m in embedded_jobs if "Return" in m.subject]
    assert subjects == [
        f"Return #{return_id} of order #{order.id}: {status}"
        for status in ("requested", "approved", "received", "refunded")
    ]
    assert "24.90" in embedded_jobs[-1].body
    # A goodwill refund of the other unit refunds the whole payment: the order's e-mail
    # says so, without telling of a cancellation
    goodwill = {"lines": [{"item": order.items[0].id, "quantity": 1}], "reason": "Late"}
    assert post(client, staff, f"orders/{order.id}/goodwill-refunds/", goodwill).status_code == 201
    assert reload(payment_id).status == "refunded"
    [told] = [m for m in embedded_jobs if m.subject.startswith(f"Order #{order.id}: refunded")]
    assert "Your payment was refunded in full." in told.body
    assert "cancelled" not in told.body.lower()
