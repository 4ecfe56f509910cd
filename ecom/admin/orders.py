"""Back office view of orders: read-only, with status changes through the order state machine."""

from typing import Any

import marshmallow as ma
from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext
from sqlalchemy import ColumnElement, false, or_

from ecom.accounts.models import User
from ecom.admin.base import (
    ServiceModelView,
    TermSearch,
    containing,
    requires,
    show_money,
    show_related,
)
from ecom.admin.fulfilment import carrier_choices, order_fulfilments
from ecom.admin.order_search import ORDER_FILTERS, OrderSearchMixin
from ecom.admin.returns import ReturnActions
from ecom.admin.session import current_admin_user
from ecom.common.ids import parse_id
from ecom.invoices import services as invoices
from ecom.orders import transitions
from ecom.orders.models import Order, OrderItem
from ecom.payments import capture, manual, refunds
from ecom.payments.schemas import RefundRequestSchema
from ecom.payments.services import order_payments

# The back office's button for each status an order can be moved to; "paid" is not one:
# a provider's captured payment pays an order, staff only record money taken by hand.
STATUS_ACTIONS = {
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


def order_search(term: str) -> ColumnElement[bool]:
    """An order matches a term by its number (``#1042`` is the number alone; ``1042`` also
    text), its customer's email, the shipping address's first or last name, or one of its
    items' SKUs."""
    number = parse_id(term.removeprefix("#"))
    if term.startswith("#"):
        return Order.id == number if number else false()
    like = containing(term)
    address = Order.shipping_address
    matches = [
        Order.user.has(User.email.ilike(like, escape="\\")),
        address["first_name"].as_string().ilike(like, escape="\\"),
        address["last_name"].as_string().ilike(like, escape="\\"),
        Order.items.any(OrderItem.sku.ilike(like, escape="\\")),
    ]
    return or_(Order.id == number, *matches) if number else or_(*matches)


class OrdersView(OrderSearchMixin, ReturnActions, TermSearch, ServiceModelView):
    """Orders by status and date; no creation and no raw edit: a status changes only through
    ``transitions.change_status`` (history, payment status and restocking stay right)."""

    required_permission = "manage_orders"

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
    column_formatters = {"user": show_related("email"), "total_amount": show_money}
    column_searchable_list = ("user.email",)
    search_condition = staticmethod(order_search)
    column_sortable_list = (
        "id",
        ("user", "user.email"),
        "status",
        "payment_status",
        "total_amount",
        "created_at",
    )
    column_filters = ORDER_FILTERS
    column_default_sort = ("created_at", True)

    action_status_processing = _status_action("processing")
    action_status_shipped = _status_action("shipped")
    action_status_delivered = _status_action("delivered")
    action_status_cancelled = _status_action("cancelled")

    def search_placeholder(self) -> str:
        return "Order number, email, shipping name or SKU"

    def render(self, template: str, **kwargs: Any) -> str:
        return super().render(
            template,
            transitions=transitions.TRANSITIONS,
            status_actions=STATUS_ACTIONS,
            action_name=action_name,
            order_payments=order_payments,
            live_payment=manual.live_payment,
            invoice_of=invoices.invoice_of,
            credit_notes_of=invoices.credit_notes_of,
            **self.returns_context(),
            order_fulfilments=order_fulfilments,
            carrier_choices=carrier_choices,
            **kwargs,
        )

    def move_orders(self, ids: list[str], to_status: str) -> None:
        """Move each order through the state machine; each refusal is flashed."""
        actor = current_admin_user()
        moved = self.perform_on_rows(
            ids,
            lambda order_id: transitions.change_status(
                order_id, to_status, actor=actor, note="Back office"
            ),
        )
        if moved:
            numbers = ", #".join(map(str, moved))
            flash(f"{len(moved)} order(s) now {to_status}: #{numbers}.", "success")

    @expose("/refund/", methods=("POST",))
    @requires("manage_refunds")
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
                flash(
                    gettext("Refund of order #%(id)s asked of the provider.", id=order_id),
                    "success",
                )
        return redirect(url_for(".details_view", id=order_id))

    @expose("/capture/", methods=("POST",))
    def capture_payment(self) -> Any:
        """Capture an order's authorized payment through the payments service."""
        order_id = request.form.get("order_id", type=int)
        if self.perform(lambda: capture.request_capture(order_id)):
            flash(
                gettext("Capture of order #%(id)s asked of the provider.", id=order_id), "success"
            )
        return redirect(url_for(".details_view", id=order_id))

    @expose("/mark-paid/", methods=("POST",))
    def mark_paid(self) -> Any:
        """Record money taken outside the shop (cash, bank transfer), with its reason."""
        order_id = request.form.get("order_id", type=int)
        reason = request.form.get("reason", "")
        actor = current_admin_user()
        if self.perform(lambda: manual.mark_paid_by_hand(order_id, actor=actor, reason=reason)):
            flash(f"Order #{order_id} marked paid by hand: {reason.strip()}", "success")
        return redirect(url_for(".details_view", id=order_id))
