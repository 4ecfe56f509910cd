"""A payment attempt of an order, what its provider said about it, and its refunds."""

from decimal import Decimal

from ecom.common.models import TimestampMixin, UTCDateTime, one_of, utcnow
from ecom.extensions import db

PAYMENT_STATUSES = (
    "pending",
    "requires_action",
    "authorized",
    "captured",
    "failed",
    "cancelled",
    "refunded",
    "partially_refunded",
)
REFUND_STATUSES = ("pending", "succeeded", "failed")
# Why staff should look at a payment: it was captured but did not pay its order.
FLAGS = ("amount_mismatch", "order_not_payable")


class Payment(TimestampMixin, db.Model):
    __tablename__ = "payments"
    __table_args__ = (
        one_of("status", PAYMENT_STATUSES),
        db.CheckConstraint("amount > 0", name="amount_positive"),
        db.CheckConstraint(
            "refunded_amount >= 0 AND refunded_amount <= amount", name="refunded_within_amount"
        ),
        db.UniqueConstraint("order_id", "request_key", name="uq_payments_order_request_key"),
        db.UniqueConstraint("provider", "reference", name="uq_payments_provider_reference"),
    )

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id"), nullable=False, index=True)
    provider = db.Column(db.String(32), nullable=False)
    amount = db.Column(db.Numeric(12, 2), nullable=False)
    currency = db.Column(db.String(3), nullable=False)
    status = db.Column(db.String(24), nullable=False, default="pending")
    # The provider's id of the payment (a Stripe PaymentIntent id).
    reference = db.Column(db.String(255))
    # Sent to the provider with the create call: a retried call makes no second charge.
    idempotency_key = db.Column(db.String(64), nullable=False, unique=True)
    # The client's Idempotency-Key of `POST /orders/{id}/pay/`.
    request_key = db.Column(db.String(255))
    # What the client needs to finish the payment (a client secret, a redirect URL).
    client_data = db.Column(db.JSON, nullable=False, default=dict)
    refunded_amount = db.Column(db.Numeric(12, 2), nullable=False, default=Decimal("0.00"))
    # What the provider's captured webhook said it took (in ``currency``): what refunds are
    # capped by, since it may differ from ``amount`` (a flagged ``amount_mismatch``).
    captured_amount = db.Column(db.Numeric(12, 2))
    flag = db.Column(db.String(32))

    order = db.relationship("Order")
    events = db.relationship("PaymentEvent", back_populates="payment", order_by="PaymentEvent.id")
    refunds = db.relationship("Refund", back_populates="payment", order_by="Refund.id")

    @property
    def refundable_amount(self) -> Decimal:
        """The most its refunds may add up to: what was captured, never past ``amount``."""
        return min(self.amount, self.captured_amount or Decimal("0.00"))


class PaymentEvent(db.Model):
    """A provider's webhook event or API answer, stored as received."""

    __tablename__ = "payment_events"
    __table_args__ = (
        # A webhook delivered twice is recorded (and acted on) once.
        db.UniqueConstraint("provider", "event_id", name="uq_payment_events_provider_event_id"),
    )

    id = db.Column(db.Integer, primary_key=True)
    payment_id = db.Column(db.Integer, db.ForeignKey("payments.id"), index=True)
    provider = db.Column(db.String(32), nullable=False)
    # The provider's event id; null for an answer to an API call.
    event_id = db.Column(db.String(255))
    kind = db.Column(db.String(64), nullable=False)
    data = db.Column(db.JSON, nullable=False)
    created_at = db.Column(UTCDateTime(), nullable=False, default=utcnow)

    payment = db.relationship("Payment", back_populates="events")


class Refund(TimestampMixin, db.Model):
    __tablename__ = "refunds"
    __table_args__ = (
        one_of("status", REFUND_STATUSES),
        db.CheckConstraint("amount > 0", name="amount_positive"),
    )

    id = db.Column(db.Integer, primary_key=True)
    payment_id = db.Column(db.Integer, db.ForeignKey("payments.id"), nullable=False, index=True)
    amount = db.Column(db.Numeric(12, 2), nullable=False)
    reason = db.Column(db.Text, nullable=False, default="")
    status = db.Column(db.String(16), nullable=False, default="pending")
    reference = db.Column(db.String(255))
    idempotency_key = db.Column(db.String(64), nullable=False, unique=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))

    payment = db.relationship("Payment", back_populates="refunds")
    created_by = db.relationship("User")
