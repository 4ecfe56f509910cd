"""The outbox in the back office: every side effect's state, and a retry for failed ones."""

from flask import flash
from flask_admin.actions import action

from ecom.admin.base import ServiceModelView
from ecom.common import outbox


class OutboxView(ServiceModelView):
    """Read-only rows (payloads hold links meant for their recipient alone); failed rows
    get a new round of attempts through ``outbox.retry``."""

    can_create = False
    can_edit = False
    can_delete = False
    column_list = (
        "id",
        "handler",
        "key",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    )
    column_filters = ("state", "handler")
    column_searchable_list = ("key",)
    column_default_sort = ("id", True)

    @action("retry", "Retry", "Retry the selected failed messages?")
    def action_retry(self, ids: list[str]) -> None:
        retried = [
            message_id
            for message_id in ids
            if self.perform(lambda message_id=message_id: outbox.retry(int(message_id)))
        ]
        if retried:
            flash(f"{len(retried)} message(s) handed over again.", "success")
