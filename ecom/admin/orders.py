"""Back office view of orders: read-only, with status changes through the order state machine."""

from typing import Any

import marshmallow as ma
from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import (
    DateTimeBetweenFilter,
    DateTimeGreaterFilter,
    DateTimeSmallerFilter,
    FilterEqual,
)

from ecom.admin.base import ServiceModelView, show_related
from ecom.admin.session import current_admin_user
from ecom.orders import transitions
from ecom.orders.models import ORDER_STATUSES, Order
from ecom.payments import capture, refunds
from ecom.payments.schemas import RefundRequestSchema
from ecom.payments.services import order_payments

# The back office's button for each status an order can be moved to.
STATUS_ACTIONS = {
    "paid": "Mark paid",
    "processing": "Mark processing",
    "shipped": "Mark shipped",
    "delivered": "Mark delivered",
    "cancelled": "Cancel",
}


def action_name(to_status: str) -> str:
    return f"status_{to_status}"


def _status_action(to_status: str) -> Any:
    label = STATUS_ACTIONS[to_status]

    @action(action_name(to_status), label, f"{label}: are you sure?")
    def move(self: "OrdersView", ids: list[str]) -> None:
        self.move_orders(ids, to_status)

    return move


class OrdersView(ServiceModelView):
    """Orders by status and date; no creation and no raw edit: a status changes only through
    ``transitions.change_status`` (history, payment status and restocking stay right)."""

    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = True
    details_template = "ecom_admin/order_details.html"
    column_list = ("id", "user", "status", "payment_status", "total_amount", "created_at")
    column_labels = {
        "user": "Customer",
        "user.email": "customer email",
        "total_amount": "Total",
        "created_at": "Placed",
    }
    column_formatters = {"user": show_related("email")}
    column_searchable_list = ("user.email",)
    column_sortable_list = (
        "id",
        ("user", "user.email"),
        "status",
        "payment_status",
        "total_amount",
        "created_at",
    )
    column_filters = (
        FilterEqual(Order.status, "Status", options=[(s, s) for s in ORDER_STATUSES]),
        DateTimeGreaterFilter(Order.created_at, "Placed"),
        DateTimeSmallerFilter(Order.created_at, "Placed"),
        DateTimeBetweenFilter(Order.created_at, "Placed"),
    )
    column_default_sort = ("created_at", True)

    action_status_paid = _status_action("paid")
    action_status_processing = _status_action("processing")
    action_status_shipped = _status_action("shipped")
    action_status_delivered = _status_action("delivered")
    action_status_cancelled = _status_action("cancelled")

    def render(self, template: str, **kwargs: Any) -> str:
        return super().render(
            template,
            transitions=transitions.TRANSITIONS,
            status_actions=STATUS_ACTIONS,
            action_name=action_name,
            order_payments=order_payments,
            **kwargs,
        )

    def move_orders(self, ids: list[str], to_status: str) -> None:
        """Move each order through the state machine; each refusal is flashed."""
        actor = current_admin_user()
        moved = [
            order_id
            for order_id in ids
            if self.perform(
                lambda order_id=order_id: transitions.change_status(
                    int(order_id), to_status, actor=actor, note="Back office"
                )
            )
        ]
        if moved:
            flash(f"{len(moved)} order(s) now {to_status}: #{', #'.join(moved)}.", "success")

    @expose("/refund/", methods=("POST",))
    def refund(self) -> Any:
        """Refund all or part of an order's captured payment through the payments service."""
        order_id = request.form.get("order_id", type=int)
        fields = {"reason": request.form.get("reason", "").strip()}
        if request.form.get("amount", "").strip():
            fields["amount"] = request.form["amount"].strip()
        try:
            data = RefundRequestSchema().load(fields)
        except ma.ValidationError as error:
            for field, messages in error.messages.items():
                flash(f"{field}: {' '.join(messages)}", "error")
        else:
            actor = current_admin_user()
            if self.perform(lambda: refunds.request_refund(order_id, actor=actor, **data)):
                flash(f"Refund of order #{order_id} asked of the provider.", "success")
        return redirect(url_for(".details_view", id=order_id))

    @expose("/capture/", methods=("POST",))
    def capture_payment(self) -> Any:
        """Capture an order's authorized payment through the payments service."""
        order_id = request.form.get("order_id", type=int)
        if self.perform(lambda: capture.request_capture(order_id)):
            flash(f"Capture of order #{order_id} asked of the provider.", "success")
        return redirect(url_for(".details_view", id=order_id))
