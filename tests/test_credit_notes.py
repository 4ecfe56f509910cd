"""Credit notes: each refund the provider confirms issues one, numbered in its own gapless
series, correcting the order's invoice with the refunded amount and its tax share."""

import re
from decimal import Decimal

import pytest

from ecom.common.models import utcnow
from ecom.invoices import rendering
from ecom.payments import refunds
from tests.factories import token_headers
from tests.invoices import (
    credit_notes_of,
    german_order,
    german_shop,
    invoice_of,
    pdf_text,
    row,
)
from tests.payments import captured_payment, pay, pending_order, reload

pytestmark = pytest.mark.usefixtures("embedded_jobs")


@pytest.fixture
def paid_order(client, customer):
    """Paid through the dummy provider: its captured payment can be refunded."""
    order = german_order(customer, german_shop())
    assert pay(client, customer, order).status_code == 201
    return order


def refund(client, staff, order, amount):
    body = {"reason": "Arrived damaged", "amount": amount}
    headers = token_headers(staff)
    response = client.post(f"/api/v1/orders/{order.id}/refund/", json=body, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def test_a_partial_refund_issues_a_credit_note_with_its_tax_share(client, staff, paid_order):
    invoice = invoice_of(paid_order)
    refunded = refund(client, staff, paid_order, "10.00")

    [note] = credit_notes_of(paid_order)
    assert re.fullmatch(rf"CN-{utcnow().year}-\d{{6}}", note.number)
    assert (note.invoice_id, note.refund_id) == (invoice.id, refunded["id"])
    # 10.00 shared over the invoice's 19% (53.54) and 7% (13.38) gross, taxed in proportion.
    assert [(t["tax_rate"], t["net"], t["tax"], t["gross"]) for t in note.taxes] == [
        ("19", "6.72", "1.28", "8.00"),
        ("7", "1.87", "0.13", "2.00"),
    ]
    assert (note.net_amount, note.tax_amount, note.gross_amount) == (
        Decimal("8.59"),
        Decimal("1.41"),
        Decimal("10.00"),
    )
    text = pdf_text(rendering.read_pdf(note))
    assert f"Credit note {note.number}" in text
    assert f"Corrects invoice {invoice.number}" in text and "Arrived damaged" in text
    assert row(text, "Total")[-3:] == ["$8.59", "$1.41", "$10.00"]


def test_each_refund_takes_the_next_credit_note_number(client, staff, paid_order):
    refund(client, staff, paid_order, "10.00")
    refund(client, staff, paid_order, "56.92")
    first, second = credit_notes_of(paid_order)
    assert second.sequence == first.sequence + 1
    # The whole amount refunded gives back exactly the tax invoiced.
    invoice = invoice_of(paid_order)
    assert first.gross_amount + second.gross_amount == invoice.gross_amount
    assert first.tax_amount + second.tax_amount == invoice.tax_amount


def test_the_owner_and_staff_list_and_download_credit_notes(
    client, customer, other_customer, staff, paid_order
):
    refund(client, staff, paid_order, "10.00")
    [note] = credit_notes_of(paid_order)
    listing = f"/api/v1/orders/{paid_order.id}/credit-notes/"
    for user in (customer, staff):
        [shown] = client.get(listing, headers=token_headers(user)).json
        assert shown["number"] == note.number and shown["ready"] is True
        assert shown["invoice_number"] == invoice_of(paid_order).number
        assert shown["gross_amount"] == "10.00"
        pdf = client.get(f"{listing}{note.id}/", headers=token_headers(user))
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        assert note.number in pdf_text(pdf.data)
    assert client.get(listing, headers=token_headers(other_customer)).status_code == 404
    missing = client.get(f"{listing}{note.id + 1}/", headers=token_headers(customer))
    assert (missing.status_code, missing.json["code"]) == (404, "credit_note_not_found")


def test_a_refund_the_provider_has_not_confirmed_issues_nothing(
    client, staff, paid_order, monkeypatch
):
    monkeypatch.setattr(refunds, "settle", lambda *args, **kwargs: None)
    assert refund(client, staff, paid_order, "10.00")["status"] == "pending"
    assert credit_notes_of(paid_order) == []


def test_a_refund_of_an_order_never_invoiced_issues_no_credit_note(customer, staff):
    """A payment captured for an order it did not pay (flagged) is refunded, not credited."""
    order, _ = pending_order(customer)
    payment = captured_payment(order)
    refunds.request_refund(order.id, reason="Paid twice", actor=staff)
    assert reload(payment.id).refunds[0].status == "succeeded"
    assert invoice_of(order) is None
    assert credit_notes_of(order) == []
