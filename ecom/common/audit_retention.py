"""The audit log's retention: entries older than ``AUDIT_RETENTION_DAYS`` are purged by
beat (``ecom.audit.purge``, every ``AUDIT_PURGE_SECONDS``; by the sweep on the embedded
default), in batches of ``AUDIT_PURGE_BATCH`` rows, each its own short transaction.

This is the only DELETE of ``audit_entries`` in the code. On PostgreSQL the table's
trigger refuses any UPDATE, and any DELETE of a transaction that has not said it is the
purge (``ecom.audit_purge``, set for that transaction alone).
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, text

from ecom.common.audit import AuditEntry
from ecom.common.models import is_postgresql, utcnow
from ecom.common.transactions import atomic
from ecom.extensions import celery, db

PURGE_SETTING = "ecom.audit_purge"


@celery.task(name="ecom.audit.purge")
def purge_task() -> int:
    return purge_expired()


def purge_expired() -> int:
    """Delete the entries older than the retention, a batch per transaction; how many."""
    days = current_app.config["AUDIT_RETENTION_DAYS"]
    if not days:
        return 0
    cutoff = utcnow() - timedelta(days=days)
    batch = current_app.config["AUDIT_PURGE_BATCH"]
    purged = 0
    while True:
        with atomic():
            removed = _purge_batch(cutoff, batch)
        purged += removed
        if removed < batch:
            return purged


def _purge_batch(cutoff: object, batch: int) -> int:
    if is_postgresql():
        db.session.execute(text("SELECT set_config(:name, 'on', true)"), {"name": PURGE_SETTING})
    oldest = (
        select(AuditEntry.id)
        .where(AuditEntry.created_at < cutoff)
        .order_by(AuditEntry.id)
        .limit(batch)
    )
    ids = list(db.session.scalars(oldest))
    if ids:
        db.session.execute(
            delete(AuditEntry)
            .where(AuditEntry.id.in_(ids))
            .execution_options(synchronize_session=False)
        )
    return len(ids)
