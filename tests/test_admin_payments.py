"""The back office's order page: the order's payments and refunds."""

from decimal import Decimal

from ecom.extensions import db
from ecom.orders.models import Order
from ecom.payments import services
from tests.factories import admin_csrf_token, admin_login
from tests.payments import captured_payment, event, pending_order, post_webhook, reload


def reload_order(order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def details(client, order) -> str:
    page = client.get(f"/admin/orders/details/?id={order.id}").get_data(as_text=True)
    return page.split('id="order-payments"')[1].split("</table>")[0]


def test_the_order_page_lists_its_payments_with_status_reference_and_flag(
    client, staff, customer, queue_down
):
    order, _ = pending_order(customer)
    payment, _ = services.start_payment(customer, order.id)
    post_webhook(client, event("captured", payment, amount=Decimal("1.00")))
    admin_login(client, staff)

    table = details(client, order)

    payment = reload(payment.id)
    assert payment.reference in table
    assert "captured" in table and "amount_mismatch" in table
    assert "19.90 USD" in table


def test_an_order_without_payment_says_so(client, staff, customer):
    order, _ = pending_order(customer)
    admin_login(client, staff)
    assert "No payment yet." in details(client, order)


def refund_form(client, order, **fields):
    data = {"order_id": order.id, "csrf_token": admin_csrf_token(client), **fields}
    return client.post("/admin/orders/refund/", data=data, follow_redirects=True)


def test_the_refund_action_refunds_through_the_service(client, staff, customer, embedded_jobs):
    order, _ = pending_order(customer)
    payment, _ = services.start_payment(customer, order.id)
    assert reload(payment.id).status == "captured"  # the dummy's webhook ran after the commit
    admin_login(client, staff)
    assert 'id="refund-form"' in client.get(f"/admin/orders/details/?id={order.id}").get_data(
        as_text=True
    )

    page = refund_form(client, order, amount="5.00", reason="Scratched").get_data(as_text=True)

    assert f"Refund of order #{order.id} asked" in page
    payment = reload(payment.id)
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("5.00"))
    assert payment.refunds[0].created_by_id == staff.id
    assert "Scratched" in details(client, order)


def test_a_refund_past_the_capture_is_refused_with_the_service_message(
    client, staff, customer, embedded_jobs
):
    order, _ = pending_order(customer)
    payment, _ = services.start_payment(customer, order.id)
    assert reload(payment.id).status == "captured"
    admin_login(client, staff)
    page = refund_form(client, order, amount="50.00", reason="Too much").get_data(as_text=True)
    assert "At most 19.90 USD is left to refund." in page
    assert reload(payment.id).refunds == []


def mark_paid(client, order, reason: str):
    data = {"order_id": order.id, "reason": reason, "csrf_token": admin_csrf_token(client)}
    return client.post("/admin/orders/mark-paid/", data=data, follow_redirects=True)


def test_an_authorized_payment_offers_capture_and_no_mark_paid(client, staff, customer):
    order, _ = pending_order(customer)
    payment = captured_payment(order, status="authorized")
    admin_login(client, staff)

    page = client.get(f"/admin/orders/details/?id={order.id}").get_data(as_text=True)
    refused = mark_paid(client, order, "Cash").get_data(as_text=True)

    assert 'id="capture-form"' in page and 'id="mark-paid-form"' not in page
    assert f"becomes paid when payment #{payment.id} (dummy, authorized) is captured" in page
    assert "Mark paid" not in page.split('id="status-actions"')[1].split("</div>")[0]
    assert f"Payment #{payment.id} (dummy) is authorized: the order becomes paid" in refused
    assert reload_order(order).status == "pending"


def test_a_manual_mark_paid_says_what_it_does_and_keeps_its_reason(client, staff, customer):
    order, _ = pending_order(customer)
    admin_login(client, staff)

    page = client.get(f"/admin/orders/details/?id={order.id}").get_data(as_text=True)
    done = mark_paid(client, order, "  Bank transfer ref. 8841 ").get_data(as_text=True)

    form = page.split('id="mark-paid-form"')[1].split("</form>")[0]
    assert "no payment provider is asked and no money is taken" in form
    assert 'name="reason"' in form and "required" in form
    assert f"Order #{order.id} marked paid by hand: Bank transfer ref. 8841" in done
    paid = reload_order(order)
    assert (paid.status, paid.payment_status) == ("paid", "paid")
    assert paid.history[-1].note == "Marked paid by hand: Bank transfer ref. 8841"
    assert paid.history[-1].changed_by_id == staff.id


def test_a_manual_mark_paid_without_a_reason_is_refused(client, staff, customer):
    order, _ = pending_order(customer)
    admin_login(client, staff)

    page = mark_paid(client, order, "   ").get_data(as_text=True)

    assert "Say how the order was paid" in page
    assert reload_order(order).status == "pending"


def test_a_failed_provider_payment_leaves_the_manual_mark_paid(client, staff, customer):
    order, _ = pending_order(customer)
    captured_payment(order, status="failed")
    admin_login(client, staff)

    mark_paid(client, order, "Paid in cash at the counter")

    assert reload_order(order).status == "paid"


def test_the_api_cannot_mark_paid_an_order_whose_provider_payment_is_only_authorized(
    client, staff, customer, auth_headers
):
    order, _ = pending_order(customer)
    captured_payment(order, status="authorized")

    refused = client.put(
        f"/api/v1/orders/{order.id}/", json={"status": "paid"}, headers=auth_headers(staff)
    )

    assert refused.status_code == 409 and refused.json["code"] == "paid_through_provider"
    assert reload_order(order).status == "pending"
