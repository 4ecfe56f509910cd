"""The job queue's entry: run the bulk job the outbox row names, once."""

import logging

from ecom.common.errors import DomainError
from ecom.extensions import db
from ecom.integrations.bulk import jobs
from ecom.integrations.bulk.exports import run_export
from ecom.integrations.bulk.imports import run_import
from ecom.integrations.bulk.models import BulkJob

logger = logging.getLogger(__name__)

FAILED = "The job failed; it left what the message says (see docs/INTEGRATIONS.md)."


def run_job(_key: str, payload: dict) -> None:
    """The outbox handler: a job already claimed (by another worker, or done) is left
    alone; a failure is the job's outcome, recorded on it, not retried."""
    job_id = payload["job_id"]
    direction = db.session.get(BulkJob, job_id).direction
    if not jobs.claim(job_id, "validating" if direction == "import" else "running"):
        return
    job = db.session.get(BulkJob, job_id)
    try:
        (run_import if direction == "import" else run_export)(job)
    except DomainError as exc:
        db.session.rollback()
        jobs.fail(job_id, f"{exc.code}: {exc.message}")
    except Exception as exc:  # recorded on the job: staff see it, the worker goes on
        db.session.rollback()
        logger.exception("Bulk job %s failed", job_id)
        jobs.fail(job_id, f"{FAILED} {type(exc).__name__}: {exc}"[:2000])
