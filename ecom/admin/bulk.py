"""Bulk jobs in the back office: each import's and export's progress and outcome
(read-only: imports and exports start through the API)."""

from typing import Any

from flask_admin.contrib.sqla.filters import FilterEqual
from markupsafe import Markup

from ecom.admin.base import ServiceModelView
from ecom.integrations.bulk.models import DIRECTIONS, STATES, BulkJob


def _progress(view: Any, context: Any, job: BulkJob, name: str) -> str:
    return f"{job.rows_done} / {job.rows_total if job.rows_total is not None else '?'}"


def _problems(view: Any, context: Any, job: BulkJob, name: str) -> Markup:
    shown = "; ".join(
        f"row {p['row']} {p['column'] or ''}: {p['code']}" for p in (job.errors or [])[:5]
    )
    more = f" (+{job.errors_total - 5} more)" if job.errors_total > 5 else ""
    return Markup('<span class="bulk-problems">{}</span>').format(shown + more)


class BulkJobsView(ServiceModelView):
    required_permission = "manage_catalog"

    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = True
    column_list = (
        "id",
        "direction",
        "kind",
        "format",
        "filename",
        "state",
        "progress",
        "counts",
        "problems",
        "message",
        "created_at",
        "finished_at",
    )
    column_default_sort = ("id", True)
    column_filters = (
        FilterEqual(BulkJob.direction, "Direction", options=[(d, d) for d in DIRECTIONS]),
        FilterEqual(BulkJob.state, "State", options=[(s, s) for s in STATES]),
    )
    column_formatters = {"progress": _progress, "problems": _problems}
    column_labels = {"finished_at": "Finished"}
