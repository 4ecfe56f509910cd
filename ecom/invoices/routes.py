from flask.views import MethodView
from flask_jwt_extended import current_user

from ecom.common.api import Blueprint
from ecom.invoices import services
from ecom.invoices.downloads import pdf_response
from ecom.invoices.schemas import PDF, CreditNoteSchema

blp = Blueprint(
    "invoices", __name__, url_prefix="/api/v1/orders", description="Invoices and credit notes."
)

NOT_READY = "document_not_ready: issued, its PDF not rendered yet (retry shortly)."


@blp.route("/<int:order_id>/invoice/")
class OrderInvoice(MethodView):
    @blp.auth()
    @blp.response(200, PDF, content_type="application/pdf", description="The invoice's PDF.")
    @blp.alt_response(
        404, response="NOT_FOUND", description="No such order of the caller; invoice_not_issued."
    )
    @blp.alt_response(409, response="CONFLICT", description=NOT_READY)
    def get(self, order_id):
        """The invoice of a paid order as a PDF (own orders only, unless staff)."""
        return pdf_response(services.order_invoice(order_id, current_user))


@blp.route("/<int:order_id>/credit-notes/")
class OrderCreditNotes(MethodView):
    @blp.auth()
    @blp.response(200, CreditNoteSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, order_id):
        """An order's credit notes, one per refund that succeeded, oldest first (own
        orders only, unless staff)."""
        return services.order_credit_notes(order_id, current_user)


@blp.route("/<int:order_id>/credit-notes/<int:credit_note_id>/")
class OrderCreditNote(MethodView):
    @blp.auth()
    @blp.response(200, PDF, content_type="application/pdf", description="The credit note's PDF.")
    @blp.alt_response(
        404, response="NOT_FOUND", description="No such order of the caller or credit note."
    )
    @blp.alt_response(409, response="CONFLICT", description=NOT_READY)
    def get(self, order_id, credit_note_id):
        """One credit note of an order as a PDF (own orders only, unless staff)."""
        return pdf_response(services.order_credit_note(order_id, credit_note_id, current_user))
