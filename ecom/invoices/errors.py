"""The invoices' refusals, each with its code."""

from flask_babel import lazy_gettext as _l

from ecom.common.errors import Conflict, NotFound


class InvoiceNotIssued(NotFound):
    code = "invoice_not_issued"
    message = _l("The order has no invoice: it is issued when the order is paid.")


class CreditNoteNotFound(NotFound):
    code = "credit_note_not_found"
    message = _l("The order has no such credit note.")


class DocumentNotReady(Conflict):
    code = "document_not_ready"
    message = _l("The document is issued but its PDF is still being rendered; try again shortly.")
