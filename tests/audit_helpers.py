"""Reading the audit log in tests."""

from sqlalchemy import select

from ecom.common.audit import AuditEntry
from ecom.extensions import db


def entries_of(response) -> list[AuditEntry]:
    """The entries the request that got ``response`` wrote (by its request id)."""
    request_id = response.headers["X-Request-ID"]
    query = select(AuditEntry).where(AuditEntry.request_id == request_id)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def all_entries() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
