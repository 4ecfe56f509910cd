"""Invoices and credit notes in the back office: read-only lists, and their PDFs."""

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_admin import expose
from markupsafe import Markup

from ecom.admin.base import ServiceModelView, show_money
from ecom.common.errors import DomainError
from ecom.extensions import db
from ecom.invoices.downloads import pdf_response
from ecom.invoices.models import CreditNote, Invoice


def _download(view: Any, context: Any, document: Invoice | CreditNote, name: str) -> Markup:
    if not document.ready:
        return Markup('<span class="text-muted">rendering…</span>')
    href = url_for(f"{view.endpoint}.pdf", document_id=document.id)
    return Markup('<a href="{}">PDF</a>').format(href)


def _order_link(view: Any, context: Any, document: Invoice | CreditNote, name: str) -> Markup:
    href = url_for("admin_orders.details_view", id=document.order_id)
    return Markup('<a href="{}">#{}</a>').format(href, document.order_id)


class DocumentsView(ServiceModelView):
    """Issued documents never change: no creation, edit or deletion here."""

    required_permission = "manage_orders"

    can_create = False
    can_edit = False
    can_delete = False
    column_list = (
        "number",
        "order_id",
        "issued_at",
        "net_amount",
        "tax_amount",
        "gross_amount",
        "pdf",
    )
    column_labels = {
        "order_id": "Order",
        "issued_at": "Issued",
        "net_amount": "Net",
        "tax_amount": "Tax",
        "gross_amount": "Gross",
        "pdf": "Download",
    }
    column_formatters = {
        "order_id": _order_link,
        "net_amount": show_money,
        "tax_amount": show_money,
        "gross_amount": show_money,
        "pdf": _download,
    }
    column_searchable_list = ("number",)
    column_sortable_list = ("number", "order_id", "issued_at", "gross_amount")
    column_default_sort = ("id", True)

    @expose("/<int:document_id>/pdf/")
    def pdf(self, document_id: int) -> Any:
        """The stored PDF; one not rendered yet sends staff back to the list."""
        document = db.session.get(self.model, document_id)
        if document is None:
            abort(404)
        try:
            return pdf_response(document)
        except DomainError as error:
            flash(error.message, "error")
            return redirect(url_for(".index_view"))


class CreditNotesView(DocumentsView):
    column_list = ("number", "invoice", *DocumentsView.column_list[1:])
    column_formatters = {
        **DocumentsView.column_formatters,
        "invoice": lambda view, context, note, name: note.invoice.number,
    }
