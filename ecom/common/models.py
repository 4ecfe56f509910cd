"""Column helpers shared by the domain models."""

from datetime import UTC, datetime

from ecom.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class TimestampMixin:
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = db.Column(
        db.DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow
    )
