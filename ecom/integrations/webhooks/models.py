"""Subscriptions, one delivery per (event, subscription), and each attempt at it."""

from ecom.common.models import TimestampMixin, UTCDateTime, one_of, utcnow
from ecom.extensions import db

DELIVERY_STATES = ("pending", "succeeded", "failed")
OUTCOMES = ("succeeded", "retrying", "failed")
# The first bytes of a receiver's answer the log keeps.
ANSWER_BYTES = 1024


class WebhookSubscription(TimestampMixin, db.Model):
    """A receiver of some events (webhook topics); ``disabled_at`` when failures stopped it."""

    __tablename__ = "webhook_subscriptions"

    id = db.Column(db.Integer, primary_key=True)
    url = db.Column(db.String(2000), nullable=False)
    description = db.Column(db.String(200), nullable=False, default="")
    events = db.Column(db.JSON, nullable=False)
    # Standard Webhooks' ``whsec_<base64>``: needed in clear to sign every delivery.
    secret = db.Column(db.String(100), nullable=False)
    is_active = db.Column(db.Boolean, nullable=False, default=True)
    consecutive_failures = db.Column(db.Integer, nullable=False, default=0)
    disabled_at = db.Column(UTCDateTime())

    deliveries = db.relationship(
        "WebhookDelivery", back_populates="subscription", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<WebhookSubscription {self.id} {self.url}>"


class WebhookDelivery(TimestampMixin, db.Model):
    """One message to one subscription: its body is fixed when the event happens, and every
    retry or redelivery sends it again under the same ``message_id`` (``webhook-id``)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        one_of("state", DELIVERY_STATES),
        db.UniqueConstraint("subscription_id", "event_id", name="uq_webhook_deliveries_event"),
        db.Index("ix_webhook_deliveries_subscription_id_id", "subscription_id", "id"),
    )

    id = db.Column(db.Integer, primary_key=True)
    subscription_id = db.Column(
        db.Integer, db.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), nullable=False
    )
    message_id = db.Column(db.String(64), nullable=False, unique=True)
    event_id = db.Column(db.String(32), nullable=False)
    topic = db.Column(db.String(64), nullable=False)
    body = db.Column(db.JSON, nullable=False)
    state = db.Column(db.String(16), nullable=False, default="pending")
    # Attempts since it was written or last redelivered.
    attempts = db.Column(db.Integer, nullable=False, default=0)
    delivered_at = db.Column(UTCDateTime())

    subscription = db.relationship("WebhookSubscription", back_populates="deliveries")
    attempt_log = db.relationship(
        "WebhookAttempt",
        back_populates="delivery",
        order_by="WebhookAttempt.id",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.topic} {self.state}>"


class WebhookAttempt(db.Model):
    """One HTTP request of a delivery: the answer's status, the time it took and its start."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (one_of("outcome", OUTCOMES),)

    id = db.Column(db.Integer, primary_key=True)
    delivery_id = db.Column(
        db.Integer,
        db.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    attempted_at = db.Column(UTCDateTime(), nullable=False, default=utcnow)
    status_code = db.Column(db.Integer)
    latency_ms = db.Column(db.Integer, nullable=False)
    answer = db.Column(db.Text, nullable=False, default="")
    error = db.Column(db.String(500), nullable=False, default="")
    outcome = db.Column(db.String(16), nullable=False)

    delivery = db.relationship("WebhookDelivery", back_populates="attempt_log")

    def __repr__(self) -> str:
        return f"<WebhookAttempt {self.id} {self.status_code} {self.outcome}>"
