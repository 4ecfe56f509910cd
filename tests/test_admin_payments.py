"""The back office's order page: the order's payments and refunds."""

from decimal import Decimal

from ecom.payments import services
from tests.factories import admin_login
from tests.payments import event, pending_order, post_webhook, reload


def details(client, order) -> str:
    page = client.get(f"/admin/orders/details/?id={order.id}").get_data(as_text=True)
    return page.split('id="order-payments"')[1].split("</table>")[0]


def test_the_order_page_lists_its_payments_with_status_reference_and_flag(client, staff, customer):
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
