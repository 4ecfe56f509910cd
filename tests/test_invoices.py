"""Invoices: issued in the transaction that pays the order, numbered without gaps, rendered
to PDF by an outbox job, stored once and downloaded by the owner and staff
(docs/INVOICES.md). The PDFs are read back with poppler's pdftotext."""

import hashlib
import re

import pytest
from sqlalchemy import update

from ecom.common.models import utcnow
from ecom.common.storage import get_storage
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.invoices import rendering
from ecom.invoices.models import Invoice
from ecom.invoices.numbering import next_number
from tests.factories import token_headers
from tests.invoices import german_order, german_shop, invoice_of, pay_by_hand, pdf_text, row

pytestmark = pytest.mark.usefixtures("embedded_jobs")

LEGAL = {
    "SHOP_LEGAL_NAME": "Lovelace Goods GmbH",
    "SHOP_LEGAL_ADDRESS": "Unter den Linden 1; 10117 Berlin; Germany",
    "SHOP_VAT_NUMBER": "DE136695976",
    "SHOP_REGISTRATION": "Amtsgericht Berlin HRB 12345",
    "INVOICE_FOOTER": "Paid in full. Thank you.",
}


@pytest.fixture
def shop():
    return german_shop()


@pytest.fixture
def paid_order(customer, staff, shop):
    order = german_order(customer, shop)
    pay_by_hand(order, staff)
    return order


def download(client, user, order):
    return client.get(f"/api/v1/orders/{order.id}/invoice/", headers=token_headers(user))


def test_paying_an_order_issues_an_invoice_whose_pdf_shows_its_lines_and_totals(
    app, monkeypatch, customer, staff, shop
):
    for name, value in LEGAL.items():
        monkeypatch.setitem(app.config, name, value)
    order = german_order(customer, shop)
    assert invoice_of(order) is None

    pay_by_hand(order, staff)

    invoice = invoice_of(order)
    assert re.fullmatch(rf"INV-{utcnow().year}-\d{{6}}", invoice.number)
    assert invoice.gross_amount == order.total_amount
    assert invoice.tax_amount == order.tax_amount
    assert invoice.ready and invoice.file_key.startswith("private/invoices/")
    text = pdf_text(rendering.read_pdf(invoice))
    assert f"Invoice {invoice.number}" in text
    for detail in ("Lovelace Goods GmbH", "Unter den Linden 1", "VAT number: DE136695976"):
        assert detail in text
    assert "Amtsgericht Berlin HRB 12345" in text and "Paid in full. Thank you." in text
    # Description, SKU, quantity, net, tax rate, tax, gross.
    assert row(text, "Linen shirt")[-5:] == ["2", "$40.00", "19%", "$7.60", "$47.60"]
    assert row(text, "Field guide")[-5:] == ["1", "$12.50", "7%", "$0.88", "$13.38"]
    assert row(text, "Shipping:")[-5:] == ["1", "$4.99", "19%", "$0.95", "$5.94"]
    assert row(text, "Tax 19%")[-3:] == ["$44.99", "$8.55", "$53.54"]
    assert row(text, "Tax 7%")[-3:] == ["$12.50", "$0.88", "$13.38"]
    assert row(text, "Total")[-3:] == ["$57.49", "$9.43", "$66.92"]


def test_consecutive_payments_take_consecutive_numbers(app, monkeypatch, customer, staff, shop):
    # Only the numbers matter here: the rendering jobs stay in the outbox.
    monkeypatch.setattr(app.extensions["outbox"], "dispatch", lambda ids: None)
    orders = [german_order(customer, shop) for _ in range(3)]
    for order in orders:
        pay_by_hand(order, staff)
    sequences = [invoice_of(order).sequence for order in orders]
    assert sequences == list(range(sequences[0], sequences[0] + 3))


def test_the_owner_and_staff_download_the_invoice_and_nobody_else(
    client, customer, other_customer, staff, paid_order
):
    number = invoice_of(paid_order).number
    for user in (customer, staff):
        response = download(client, user, paid_order)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert f'filename="{number}.pdf"' in response.headers["Content-Disposition"]
        assert f"Invoice {number}" in pdf_text(response.data)
    assert download(client, other_customer, paid_order).status_code == 404
    anonymous = client.get(f"/api/v1/orders/{paid_order.id}/invoice/")
    assert anonymous.status_code == 401


def test_an_unpaid_order_has_no_invoice_yet(client, customer, shop):
    order = german_order(customer, shop)
    response = download(client, customer, order)
    assert response.status_code == 404
    assert response.json["code"] == "invoice_not_issued"


def test_an_invoice_waiting_for_its_job_is_not_ready_then_renders_once(
    client, customer, staff, shop, queue_down
):
    order = german_order(customer, shop)
    pay_by_hand(order, staff)
    invoice = invoice_of(order)
    assert not invoice.ready

    response = download(client, customer, order)
    assert response.status_code == 409
    assert response.json["code"] == "document_not_ready"

    job = {"kind": "invoice", "id": invoice.id}
    rendering.render_document("key", job)
    first = download(client, customer, order)
    assert first.status_code == 200
    assert invoice_of(order).file_sha256 == hashlib.sha256(first.data).hexdigest()
    rendering.render_document("key", job)
    assert download(client, customer, order).data == first.data


def test_a_document_rendered_again_has_the_content_it_was_issued_with(app, monkeypatch, paid_order):
    """A lost file rendered again after the settings changed: the same bytes, since the
    number, parties, lines and totals were fixed in the row at issue."""
    invoice = invoice_of(paid_order)
    stored = rendering.read_pdf(invoice)
    monkeypatch.setitem(app.config, "SHOP_LEGAL_NAME", "Another Name Ltd")
    get_storage().delete(invoice.file_key)
    db.session.execute(update(Invoice).where(Invoice.id == invoice.id).values(file_key=None))
    db.session.commit()

    rendering.render_document("key", {"kind": "invoice", "id": invoice.id})

    assert rendering.read_pdf(invoice_of(paid_order)) == stored


def test_stored_documents_are_not_served_as_media(client, paid_order):
    key = invoice_of(paid_order).file_key
    assert client.get(f"/media/{key}").status_code == 404
    assert client.get(f"/media/./{key}").status_code == 404


def test_the_paid_email_links_to_the_invoice(app, embedded_jobs, paid_order):
    [paid] = [m for m in embedded_jobs if m.subject.startswith(f"Order #{paid_order.id}: paid")]
    url = f"{app.config['SHOP_URL']}/api/v1/orders/{paid_order.id}/invoice/"
    assert url in paid.body


def test_a_number_taken_by_a_transaction_that_rolls_back_is_taken_again():
    year = utcnow().year
    with pytest.raises(RuntimeError), atomic():
        taken = next_number("invoice", year)
        raise RuntimeError("the paying transaction failed after the invoice was issued")
    with atomic():
        assert next_number("invoice", year) == taken
        assert next_number("invoice", year) == taken + 1
