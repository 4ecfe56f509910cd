"""The back office's order page: the order's payments and refunds."""

from decimal import Decimal

from ecom.payments import services
from tests.factories import admin_csrf_token, admin_login
from tests.payments import event, pending_order, post_webhook, reload


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
