"""Invoices and credit notes in their customer's language (docs/I18N.md): the language is
fixed on the document when it is issued, so its labels, amounts and dates render the same
ever after. The PDFs are read back with poppler's pdftotext."""

import pytest
from flask_babel import format_date
from sqlalchemy import update

from ecom.common.i18n import speaking
from ecom.common.storage import get_storage
from ecom.extensions import db
from ecom.invoices import rendering
from ecom.invoices.models import Invoice
from tests.factories import make_user, token_headers
from tests.invoices import credit_notes_of, german_order, german_shop, invoice_of, pdf_text
from tests.payments import pay
from tests.translations import NBSP, compile_catalogues

pytestmark = pytest.mark.usefixtures("embedded_jobs")


@pytest.fixture(autouse=True)
def euros(app, monkeypatch):
    compile_catalogues()
    monkeypatch.setitem(app.config, "SHOP_CURRENCY", "EUR")


@pytest.fixture
def french_customer():
    return make_user("customer", language="fr")


@pytest.fixture
def paid_order(client, french_customer):
    """Paid through the dummy provider: its captured payment can be refunded."""
    order = german_order(french_customer, german_shop())
    assert pay(client, french_customer, order).status_code == 201
    return order


def words(text: str) -> str:
    """The PDF's text with its runs of spaces (pdftotext's layout) made one."""
    return " ".join(text.replace(NBSP, " ").split())


def test_a_french_customers_invoice_has_french_labels_amounts_and_day(paid_order):
    invoice = invoice_of(paid_order)
    assert invoice.language == "fr"

    text = words(pdf_text(rendering.read_pdf(invoice)))

    with speaking("fr"):
        issued = format_date(invoice.issued_at, "long")
    assert f"Facture {invoice.number}" in text
    assert f"Date d’émission : {issued} · Commande n° {paid_order.id}" in text
    assert "Désignation Réf. Qté HT Taux de TVA TVA TTC" in text
    # Net, tax rate, tax, gross, as French writes them.
    shirt = paid_order.items[0].sku
    assert f"Linen shirt {shirt} 2 40,00 € 19 % 7,60 € 47,60 €" in text
    assert "Livraison : Method" in text
    assert "TVA 19 % 44,99 € 8,55 € 53,54 €" in text
    assert "Total 57,49 € 9,43 € 66,92 €" in text


def test_its_credit_note_is_french_too(client, staff, paid_order):
    invoice = invoice_of(paid_order)
    body = {"reason": "Arrivé abîmé", "amount": "10.00"}
    response = client.post(
        f"/api/v1/orders/{paid_order.id}/refund/", json=body, headers=token_headers(staff)
    )
    assert response.status_code == 201

    [note] = credit_notes_of(paid_order)
    text = words(pdf_text(rendering.read_pdf(note)))
    assert note.language == "fr"
    assert f"Avoir {note.number}" in text
    assert f"Rectifie la facture {invoice.number}" in text and "Motif : Arrivé abîmé" in text
    assert f"Remboursement de {invoice.number}" in text
    assert "Remboursé : 10,00 €." in text


def test_a_document_renders_again_in_the_language_it_was_issued_in(
    client, french_customer, paid_order
):
    invoice = invoice_of(paid_order)
    issued = pdf_text(rendering.read_pdf(invoice))
    response = client.patch(
        "/api/v1/auth/users/me/",
        json={"language": "en"},
        headers=token_headers(french_customer),
    )
    assert response.json["language"] == "en"
    get_storage().delete(invoice.file_key)
    db.session.execute(update(Invoice).where(Invoice.id == invoice.id).values(file_key=None))
    db.session.commit()

    rendering.render_document("key", {"kind": "invoice", "id": invoice.id})

    assert pdf_text(rendering.read_pdf(invoice_of(paid_order))) == issued
