"""Reading documents: an order's invoice and credit notes, for its owner and staff."""

from sqlalchemy import select

from ecom.accounts.models import User
from ecom.extensions import db
from ecom.invoices import rendering
from ecom.invoices.errors import CreditNoteNotFound, DocumentNotReady, InvoiceNotIssued
from ecom.invoices.issuing import invoice_of

__all__ = ["credit_notes_of", "invoice_of"]
from ecom.invoices.models import CreditNote, Invoice
from ecom.orders.services import get_order


def order_invoice(order_id: int, viewer: User) -> Invoice:
    """The invoice of an order the viewer may see."""
    get_order(order_id, viewer)
    invoice = invoice_of(order_id)
    if invoice is None:
        raise InvoiceNotIssued()
    return invoice


def credit_notes_of(order_id: int) -> list[CreditNote]:
    query = select(CreditNote).where(CreditNote.order_id == order_id).order_by(CreditNote.id)
    return list(db.session.scalars(query))


def order_credit_notes(order_id: int, viewer: User) -> list[CreditNote]:
    """The credit notes of an order the viewer may see, oldest first."""
    get_order(order_id, viewer)
    return credit_notes_of(order_id)


def order_credit_note(order_id: int, credit_note_id: int, viewer: User) -> CreditNote:
    get_order(order_id, viewer)
    credit_note = db.session.get(CreditNote, credit_note_id)
    if credit_note is None or credit_note.order_id != order_id:
        raise CreditNoteNotFound()
    return credit_note


def pdf_of(document: Invoice | CreditNote) -> bytes:
    """The stored PDF; a document whose job has not run yet is not ready."""
    if document.file_key is None:
        raise DocumentNotReady()
    return rendering.read_pdf(document)
