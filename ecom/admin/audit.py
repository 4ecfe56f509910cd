"""The audit log in the back office: read-only, filtered by actor, object and date."""

import json
from typing import Any

from flask_admin.contrib.sqla.filters import (
    DateTimeBetweenFilter,
    FilterEqual,
)
from markupsafe import Markup

from ecom.admin.base import ServiceModelView
from ecom.common.audit import AuditEntry


def _changes(view: Any, context: Any, entry: AuditEntry, name: str) -> Markup:
    lines = (
        f"{field}: {json.dumps(change['before'])} → {json.dumps(change['after'])}"
        for field, change in sorted(entry.changes.items())
    )
    return Markup("<br>").join(lines)


class AuditView(ServiceModelView):
    """Entries are never created, edited or deleted here (nor anywhere: append-only)."""

    required_permission = "view_reports"

    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = True
    column_list = (
        "created_at",
        "actor_email",
        "actor_token_id",
        "action",
        "object_type",
        "object_id",
        "method",
        "route",
        "ip",
        "request_id",
        "changes",
    )
    column_labels = {"actor_email": "Actor", "actor_token_id": "Token", "ip": "IP"}
    column_filters = (
        FilterEqual(AuditEntry.actor_user_id, "Actor (user id)"),
        FilterEqual(AuditEntry.actor_email, "Actor (e-mail)"),
        FilterEqual(AuditEntry.actor_token_id, "Integration token"),
        FilterEqual(AuditEntry.object_type, "Object type"),
        FilterEqual(AuditEntry.object_id, "Object id"),
        DateTimeBetweenFilter(AuditEntry.created_at, "Date"),
    )
    column_formatters = {"changes": _changes}
    column_formatters_detail = {"changes": _changes}
    column_default_sort = ("id", True)
    page_size = 50
