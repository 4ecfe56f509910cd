"""The outbox in the back office: every side effect's state, and a retry for failed ones."""

from typing import Any

from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import FilterEqual, FilterLike
from flask_babel import gettext
from markupsafe import Markup

from ecom.admin.base import ServiceModelView
from ecom.common import mail, outbox
from ecom.common.outbox import STATES, OutboxMessage

# Characters of a long key or error shown in the list; the whole text is its tooltip.
SHORT_TEXT = 60


def _shortened(view: Any, context: Any, message: OutboxMessage, name: str) -> Markup:
    text = getattr(message, name) or ""
    if len(text) <= SHORT_TEXT:
        return Markup('<span class="outbox-text">{}</span>').format(text)
    return Markup('<span class="outbox-text" title="{}">{}…</span>').format(text, text[:SHORT_TEXT])


def _mail_field(view: Any, context: Any, message: OutboxMessage, name: str) -> str:
    heading = mail.heading(message.handler, message.payload)
    return getattr(heading, name) if heading else ""


class OutboxView(ServiceModelView):
    """Read-only rows; a mail shows its recipient and subject, never its payload (an
    account mail's holds the state its link is made from). Failed rows get a new round of
    attempts through ``outbox.retry``."""

    required_permission = "manage_integrations"

    can_create = False
    can_edit = False
    can_delete = False
    column_list = (
        "id",
        "handler",
        "to",
        "subject",
        "key",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    )
    column_labels = {"next_attempt_at": "Next attempt", "delivered_at": "Delivered"}
    column_filters = (
        FilterEqual(OutboxMessage.state, "State", options=[(state, state) for state in STATES]),
        FilterLike(OutboxMessage.handler, "Handler"),
    )
    column_formatters = {
        "to": _mail_field,
        "subject": _mail_field,
        "key": _shortened,
        "last_error": _shortened,
    }
    column_searchable_list = ("key",)
    column_default_sort = ("id", True)

    @action("retry", "Retry", "Retry the selected failed messages?")
    def action_retry(self, ids: list[str]) -> None:
        retried = self.perform_on_rows(ids, outbox.retry)
        if retried:
            flash(gettext("%(count)s message(s) handed over again.", count=len(retried)), "success")
