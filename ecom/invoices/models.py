"""The issued documents and the counters their numbers come from.

A document's number, its parties and its amounts are written when it is issued and never
change; the PDF is rendered from these rows alone, so it can be rendered again to the
same content (``file_key`` says where it was stored)."""

from ecom.common.models import UTCDateTime, utcnow
from ecom.extensions import db

AMOUNT = db.Numeric(12, 2)
DOCUMENT_KINDS = ("invoice", "credit_note")


class DocumentCounter(db.Model):
    """The last number issued of one kind of document in one year: locked by the issuing
    transaction, so a rollback gives its number back (a sequence would leave a gap)."""

    __tablename__ = "document_counters"

    kind = db.Column(db.String(16), primary_key=True)
    year = db.Column(db.Integer, primary_key=True)
    last_number = db.Column(db.Integer, nullable=False, default=0)


class IssuedDocument:
    """What invoices and credit notes share: their number, parties, lines and totals."""

    id = db.Column(db.Integer, primary_key=True)
    number = db.Column(db.String(32), nullable=False, unique=True)
    year = db.Column(db.Integer, nullable=False)
    sequence = db.Column(db.Integer, nullable=False)
    issued_at = db.Column(UTCDateTime(), nullable=False, default=utcnow)
    currency = db.Column(db.String(3), nullable=False)
    # The customer's language at issue: the document's labels, amounts and dates, rendered
    # again the same. Documents issued before languages were all in English.
    language = db.Column(db.String(8), nullable=False, server_default="en")
    # Copies taken at issue: the shop's legal details and the customer's address.
    seller = db.Column(db.JSON, nullable=False)
    buyer = db.Column(db.JSON, nullable=False)
    # Each line: description, sku, quantity, unit price, net, tax rate, tax, gross.
    lines = db.Column(db.JSON, nullable=False)
    # Per tax rate: net, tax and gross.
    taxes = db.Column(db.JSON, nullable=False)
    net_amount = db.Column(AMOUNT, nullable=False)
    tax_amount = db.Column(AMOUNT, nullable=False)
    gross_amount = db.Column(AMOUNT, nullable=False)
    # Where the rendered PDF is stored, and its digest; null until the job has run.
    file_key = db.Column(db.String(255))
    file_sha256 = db.Column(db.String(64))
    rendered_at = db.Column(UTCDateTime())

    @property
    def ready(self) -> bool:
        """Whether the PDF is stored and can be downloaded."""
        return self.file_key is not None


class Invoice(IssuedDocument, db.Model):
    __tablename__ = "invoices"
    __table_args__ = (db.UniqueConstraint("year", "sequence", name="uq_invoices_year_sequence"),)

    order_id = db.Column(db.Integer, db.ForeignKey("orders.id"), nullable=False, unique=True)
    reverse_charge = db.Column(db.Boolean, nullable=False, default=False)

    credit_notes = db.relationship("CreditNote", back_populates="invoice", order_by="CreditNote.id")


class CreditNote(IssuedDocument, db.Model):
    __tablename__ = "credit_notes"
    __table_args__ = (
        db.UniqueConstraint("year", "sequence", name="uq_credit_notes_year_sequence"),
    )

    invoice_id = db.Column(db.Integer, db.ForeignKey("invoices.id"), nullable=False, index=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id"), nullable=False, index=True)
    refund_id = db.Column(db.Integer, db.ForeignKey("refunds.id"), nullable=False, unique=True)
    reason = db.Column(db.Text, nullable=False, default="")

    invoice = db.relationship("Invoice", back_populates="credit_notes")
