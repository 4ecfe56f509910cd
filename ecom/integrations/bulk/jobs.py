"""A bulk job's life: queued through the outbox, claimed by one worker, its progress and
outcome recorded, each in a short transaction of its own."""

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, or_, update

from ecom.common import outbox
from ecom.common.models import utcnow
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.integrations.bulk.errors import JobNotFound
from ecom.integrations.bulk.models import BulkJob

RUN = "bulk.run"
# The problems a job keeps (errors_total counts them all).
MAX_REPORTED_ERRORS = 500
WORKING = ("validating", "running")


def get_job(job_id: int, direction: str) -> BulkJob:
    job = db.session.get(BulkJob, job_id)
    if job is None or job.direction != direction:
        raise JobNotFound()
    return job


def queue(job: BulkJob) -> BulkJob:
    """Store the job and hand it to the job queue after the commit."""
    with atomic(keep_loaded=True):
        db.session.add(job)
        db.session.flush()
        outbox.enqueue(RUN, {"job_id": job.id}, key=f"bulk:{job.id}")
    return job


def claim(job_id: int, state: str) -> bool:
    """Move a queued job to ``state`` for this worker; a job whose worker stopped
    reporting progress for a lease (``OUTBOX_LEASE_SECONDS``: it died) is claimed again.
    Of two workers handed the same job, one wins it."""
    now = utcnow()
    stale = now - timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    with atomic():
        claimed = db.session.execute(
            update(BulkJob)
            .where(
                BulkJob.id == job_id,
                or_(
                    BulkJob.state == "queued",
                    and_(BulkJob.state.in_(WORKING), BulkJob.updated_at < stale),
                ),
            )
            .values(state=state, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
    return bool(claimed)


def set_values(job_id: int, **values: Any) -> None:
    """Record progress or state in the current transaction (the caller commits); it is
    also the job's heartbeat."""
    db.session.execute(
        update(BulkJob)
        .where(BulkJob.id == job_id)
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )


def record(job_id: int, **values: Any) -> None:
    with atomic():
        set_values(job_id, **values)


def finish(job_id: int, **values: Any) -> None:
    record(job_id, state="done", finished_at=utcnow(), **values)


def fail(job_id: int, message: str, problems: list[dict] | None = None) -> None:
    problems = problems or []
    record(
        job_id,
        state="failed",
        finished_at=utcnow(),
        message=message,
        errors=problems[:MAX_REPORTED_ERRORS],
        errors_total=len(problems),
    )
