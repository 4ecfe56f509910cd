"""Back office webhooks: subscriptions (the secret flashed once, at creation), their
deliveries with a redeliver action, and the log of every attempt."""

from typing import Any

from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext
from markupsafe import Markup
from wtforms import Form, SelectMultipleField, StringField

from ecom.admin.base import ServiceModelView
from ecom.integrations.webhooks import services as webhooks
from ecom.integrations.webhooks.models import (
    DELIVERY_STATES,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from ecom.integrations.webhooks.topics import TOPICS

SHORT_TEXT = 80


def _active(view: Any, context: Any, subscription: WebhookSubscription, name: str) -> Markup:
    if subscription.disabled_at is not None and not subscription.is_active:
        return Markup('<span class="badge badge-danger">Disabled after {} failures</span>').format(
            subscription.consecutive_failures
        )
    return Markup("{}").format("yes" if subscription.is_active else "no")


def _shortened(view: Any, context: Any, row: Any, name: str) -> Markup:
    text = getattr(row, name) or ""
    if len(text) <= SHORT_TEXT:
        return Markup("<span>{}</span>").format(text)
    return Markup('<span title="{}">{}…</span>').format(text, text[:SHORT_TEXT])


class WebhooksView(ServiceModelView):
    """Subscriptions: the URL is checked (public addresses only) by the service."""

    required_permission = "manage_integrations"

    column_list = (
        "id",
        "url",
        "events",
        "description",
        "is_active",
        "consecutive_failures",
        "disabled_at",
        "updated_at",
    )
    column_labels = {
        "is_active": "Active",
        "consecutive_failures": "Failures in a row",
        "disabled_at": "Disabled",
    }
    column_formatters = {
        "events": lambda view, context, model, name: ", ".join(model.events),
        "is_active": _active,
    }
    column_searchable_list = ("url", "description")
    column_filters = ("is_active",)
    column_default_sort = ("id", False)
    form_columns = ("url", "events", "description", "is_active")
    form_extra_fields = {
        "url": StringField("Target URL"),
        "events": SelectMultipleField("Events", choices=[(name, name) for name in TOPICS]),
    }

    def changes(self, form: Form) -> dict[str, Any]:
        return {
            "url": form.url.data,
            "events": list(form.events.data or []),
            "description": form.description.data or "",
            "is_active": bool(form.is_active.data),
        }

    def create_model(self, form: Form) -> WebhookSubscription | bool:
        subscription = self.create_with(webhooks.create_subscription, form)
        if subscription:
            flash(f"Signing secret (shown this once): {subscription.secret}", "success")
        return subscription

    def update_model(self, form: Form, model: WebhookSubscription) -> bool:
        subscription_id = model.id
        changes = self.changes(form)
        return self.perform(lambda: webhooks.update_subscription(subscription_id, changes))

    def delete_model(self, model: WebhookSubscription) -> bool:
        return self.perform(lambda: webhooks.delete_subscription(model.id))

    @action("ping", "Send a test ping", "Send a webhook.ping to the selected subscriptions?")
    def action_ping(self, ids: list[str]) -> None:
        sent = self.perform_on_rows(ids, webhooks.ping)
        if sent:
            flash(gettext("%(count)s ping(s) sent.", count=len(sent)), "success")


class WebhookDeliveriesView(ServiceModelView):
    """One row per message; failed or delivered ones may be sent again."""

    required_permission = "manage_integrations"

    can_create = False
    can_edit = False
    can_delete = False
    column_list = (
        "id",
        "subscription_id",
        "topic",
        "message_id",
        "state",
        "attempts",
        "created_at",
        "delivered_at",
    )
    column_labels = {"subscription_id": "Subscription", "topic": "Event"}
    column_filters = (
        FilterEqual(WebhookDelivery.subscription_id, "Subscription id"),
        FilterEqual(WebhookDelivery.state, "State", options=[(s, s) for s in DELIVERY_STATES]),
        "topic",
    )
    column_default_sort = ("id", True)

    @action("redeliver", "Redeliver", "Send the selected deliveries again?")
    def action_redeliver(self, ids: list[str]) -> None:
        sent = self.perform_on_rows(ids, webhooks.redeliver)
        if sent:
            flash(gettext("%(count)s delivery(ies) handed over again.", count=len(sent)), "success")


class WebhookAttemptsView(ServiceModelView):
    """The log: every request, its status, latency and the answer's first KB."""

    required_permission = "manage_integrations"

    can_create = False
    can_edit = False
    can_delete = False
    column_list = (
        "id",
        "delivery_id",
        "attempted_at",
        "status_code",
        "latency_ms",
        "outcome",
        "answer",
        "error",
    )
    column_labels = {"delivery_id": "Delivery", "status_code": "Status", "latency_ms": "ms"}
    column_formatters = {"answer": _shortened, "error": _shortened}
    column_filters = (FilterEqual(WebhookAttempt.delivery_id, "Delivery id"), "outcome")
    column_default_sort = ("id", True)
