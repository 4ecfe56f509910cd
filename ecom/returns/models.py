"""A customer's return of delivered units: its lines, its status history and the refund
that paid it back."""

from ecom.common.models import TimestampMixin, UTCDateTime, one_of, utcnow
from ecom.extensions import db

RETURN_STATUSES = ("requested", "approved", "rejected", "received", "refunded", "cancelled")
# Why a customer sends units back.
RETURN_REASONS = (
    "damaged",
    "defective",
    "wrong_item",
    "not_as_described",
    "size_or_fit",
    "no_longer_needed",
    "other",
)
# A return in these statuses no longer holds its units: they may be returned again.
RELEASED_STATUSES = ("rejected", "cancelled")


class Return(TimestampMixin, db.Model):
    __tablename__ = "returns"
    __table_args__ = (one_of("status", RETURN_STATUSES),)

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    status = db.Column(db.String(16), nullable=False, default="requested", index=True)
    # Why staff refused it (shown to the customer).
    rejection_reason = db.Column(db.Text, nullable=False, default="")
    # Set once, when refunded: a return pays back at most once.
    refund_id = db.Column(db.Integer, db.ForeignKey("refunds.id"), unique=True)
    refund_amount = db.Column(db.Numeric(12, 2))
    shipping_refunded = db.Column(db.Boolean, nullable=False, default=False)

    order = db.relationship("Order")
    user = db.relationship("User")
    refund = db.relationship("Refund")
    lines = db.relationship(
        "ReturnLine",
        back_populates="return_",
        cascade="all, delete-orphan",
        order_by="ReturnLine.id",
    )
    history = db.relationship(
        "ReturnStatusChange",
        back_populates="return_",
        cascade="all, delete-orphan",
        order_by="ReturnStatusChange.id",
    )


class ReturnLine(db.Model):
    __tablename__ = "return_lines"
    __table_args__ = (
        one_of("reason", RETURN_REASONS),
        db.CheckConstraint("quantity > 0", name="quantity_positive"),
        db.UniqueConstraint("return_id", "order_item_id", name="uq_return_lines_return_item"),
    )

    id = db.Column(db.Integer, primary_key=True)
    return_id = db.Column(db.Integer, db.ForeignKey("returns.id"), nullable=False, index=True)
    order_item_id = db.Column(
        db.Integer, db.ForeignKey("order_items.id"), nullable=False, index=True
    )
    quantity = db.Column(db.Integer, nullable=False)
    reason = db.Column(db.String(32), nullable=False)
    comment = db.Column(db.Text, nullable=False, default="")
    # Staff's choice when the units arrived: back on sale, or not (damaged...).
    restocked = db.Column(db.Boolean, nullable=False, default=False)

    return_ = db.relationship("Return", back_populates="lines")
    item = db.relationship("OrderItem")


class ReturnStatusChange(db.Model):
    __tablename__ = "return_status_changes"

    id = db.Column(db.Integer, primary_key=True)
    return_id = db.Column(db.Integer, db.ForeignKey("returns.id"), nullable=False, index=True)
    from_status = db.Column(db.String(16))
    to_status = db.Column(db.String(16), nullable=False)
    changed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    note = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(UTCDateTime(), nullable=False, default=utcnow)

    return_ = db.relationship("Return", back_populates="history")
    changed_by = db.relationship("User")
