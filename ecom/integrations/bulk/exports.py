"""Exports: a job that writes the table to storage, downloadable by staff once done
(through the API, never at a public URL)."""

from uuid import uuid4

from ecom.common.models import utcnow
from ecom.common.storage import get_storage
from ecom.integrations.bulk import jobs
from ecom.integrations.bulk.errors import ExportNotReady
from ecom.integrations.bulk.files import CONTENT_TYPES, dump_table
from ecom.integrations.bulk.models import BulkJob
from ecom.integrations.bulk.tables import TABLES


def start_export(data: dict, user_id: int | None) -> BulkJob:
    options = {key: data[key].isoformat() for key in ("date_from", "date_to") if data.get(key)}
    job = BulkJob(
        direction="export",
        kind=data["kind"],
        format=data["format"],
        options=options,
        created_by_id=user_id,
        created_at=utcnow(),
    )
    return jobs.queue(job)


def run_export(job: BulkJob) -> None:
    """Write the table to storage (the job runner's)."""
    headers, rows_of = TABLES[job.kind]
    rows = list(rows_of(job.options))
    jobs.record(job.id, rows_total=len(rows))
    key = f"exports/{job.id}-{uuid4().hex}.{job.format}"
    get_storage().save(key, dump_table(headers, rows, job.format), CONTENT_TYPES[job.format])
    job.filename = f"{job.kind}-{job.id}.{job.format}"
    jobs.finish(job.id, file_key=key, rows_done=len(rows), filename=job.filename)


def export_file(job_id: int) -> tuple[BulkJob, bytes]:
    """A done export and its file's bytes."""
    job = jobs.get_job(job_id, "export")
    if job.state != "done" or not job.file_key:
        raise ExportNotReady()
    return job, get_storage().read(job.file_key)
