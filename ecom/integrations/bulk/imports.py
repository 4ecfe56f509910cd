"""Imports: a file checked in the request (size, format, columns), then either a dry run
answered at once or a job that validates every row first and only then writes, in
batches of ``IMPORT_BATCH_ROWS`` rows, one transaction each with its progress.

All or nothing: no row is written while any row has a problem. A failure once writing
has begun (the database gone, a SKU taken meanwhile by a concurrent write) leaves the
batches before it committed, and the job failed with its message; running the same file
again finishes the work (each line is an upsert by SKU). A worker that dies mid-way leaves
the job to be claimed again, which resumes after the last committed batch."""

from collections import Counter
from uuid import uuid4

from flask import current_app
from werkzeug.datastructures import FileStorage

from ecom.common.errors import DomainError
from ecom.common.models import utcnow
from ecom.common.storage import get_storage
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.integrations.bulk import jobs
from ecom.integrations.bulk.errors import RowFailed
from ecom.integrations.bulk.files import CONTENT_TYPES, format_of, load_table, read_bounded
from ecom.integrations.bulk.models import BulkJob
from ecom.integrations.bulk.plan import Group, Plan, plan_import
from ecom.integrations.bulk.rows import check_columns
from ecom.integrations.bulk.writer import create_categories, write_group


def start_import(
    upload: FileStorage,
    kind: str,
    *,
    dry_run: bool,
    create_categories: bool,
    user_id: int | None,
) -> BulkJob:
    """A dry run's report (a job never stored), or the queued job of a real run."""
    data = read_bounded(upload.stream, current_app.config["IMPORT_MAX_BYTES"])
    file_format = format_of(upload.filename or "", data)
    headers, values = load_table(data, file_format)
    check_columns(headers, kind)
    job = BulkJob(
        direction="import",
        kind=kind,
        format=file_format,
        filename=(upload.filename or "")[:255],
        options={"dry_run": dry_run, "create_categories": create_categories},
        created_by_id=user_id,
        created_at=utcnow(),
        rows_total=len(values),
    )
    if dry_run:
        return _dry_run(job, headers, values)
    job.file_key = f"imports/{uuid4().hex}.{file_format}"
    get_storage().save(job.file_key, data, CONTENT_TYPES[file_format])
    return jobs.queue(job)


def _dry_run(job: BulkJob, headers: list[str], values: list[tuple]) -> BulkJob:
    plan = plan_import(
        headers, values, job.kind, create_categories=job.options["create_categories"]
    )
    problems = [problem.as_dict() for problem in plan.problems]
    job.state = "failed" if problems else "done"
    job.errors = problems[: jobs.MAX_REPORTED_ERRORS]
    job.errors_total = len(problems)
    job.message = _summary(len(problems))
    return job


def _summary(problems: int) -> str:
    return f"{problems} problem(s): nothing was written." if problems else ""


def run_import(job: BulkJob) -> None:
    """Validate every row, then write batch by batch (the job runner's)."""
    job_id, done, counts = job.id, job.rows_done, Counter(job.counts or {})
    headers, values = load_table(get_storage().read(job.file_key), job.format)
    plan = plan_import(
        headers, values, job.kind, create_categories=job.options.get("create_categories", False)
    )
    if plan.problems:
        problems = [problem.as_dict() for problem in plan.problems]
        jobs.fail(job_id, _summary(len(problems)), problems)
        return
    jobs.record(job_id, state="running", rows_total=plan.rows_total)
    with atomic():
        create_categories(plan)
    _write_batches(job_id, plan, done, counts)
    jobs.finish(job_id, rows_done=plan.rows_total)


def _write_batches(job_id: int, plan: Plan, done: int, counts: Counter) -> None:
    """Each batch and the progress it makes commit together: a resumed job skips the
    ``done`` rows a dead worker committed."""
    size = current_app.config["IMPORT_BATCH_ROWS"]
    resume_after, skipped = done, 0
    batch: list[Group] = []
    for group in plan.groups:
        if skipped < resume_after:
            skipped += len(group.rows)
            continue
        batch.append(group)
        if sum(len(g.rows) for g in batch) >= size:
            done = _write_batch(job_id, plan, batch, done, counts)
            batch = []
    if batch:
        _write_batch(job_id, plan, batch, done, counts)


def _write_batch(job_id: int, plan: Plan, batch: list[Group], done: int, counts: Counter) -> int:
    outcomes: Counter = Counter()
    with atomic():
        for group in batch:
            try:
                outcomes[write_group(plan, group)] += 1
            except DomainError as exc:
                raise RowFailed(group.first.number, exc) from exc
        done += sum(len(group.rows) for group in batch)
        jobs.set_values(job_id, rows_done=done, counts=dict(counts + outcomes))
    counts.update(outcomes)
    db.session.expunge_all()
    return done
