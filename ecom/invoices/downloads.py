"""A document's PDF as an HTTP answer, for the API and the back office alike."""

from flask import Response

from ecom.invoices.models import CreditNote, Invoice
from ecom.invoices.services import pdf_of


def pdf_response(document: Invoice | CreditNote) -> Response:
    """The stored PDF inline, named by the document's number (``DocumentNotReady`` first)."""
    return Response(
        pdf_of(document),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{document.number}.pdf"'},
    )
