"""Back office fulfilment: carriers, the list of parcels, and the order page's forms that
ship some units and mark parcels delivered, every write through the fulfilment services."""

from typing import Any

import marshmallow as ma
from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import Form

from ecom.admin.base import ServiceModelView, show_related
from ecom.admin.session import current_admin_user
from ecom.extensions import db
from ecom.fulfilment import carriers, services
from ecom.fulfilment.models import Carrier, Fulfilment
from ecom.fulfilment.schemas import FulfilmentCreateSchema
from ecom.orders.models import Order

ORDER_PAGE = "admin_orders.details_view"


def order_fulfilments(order: Order) -> list[Fulfilment]:
    """The order page's parcels (staff see every order's)."""
    return services.order_fulfilments(order.id, current_admin_user())


def carrier_choices() -> list[Carrier]:
    return list(db.session.scalars(select(Carrier).order_by(Carrier.name)))


def shipping_form(form: dict[str, str], order: Order) -> dict[str, Any]:
    """The order page's form as the API's body: a quantity field per line (``units-<id>``),
    blank or 0 for none."""
    lines = []
    for item in order.items:
        units = form.get(f"units-{item.id}", "").strip()
        if units and units != "0":
            lines.append({"line": item.id, "quantity": int(units) if units.isdigit() else units})
    return {
        "carrier": int(form["carrier"]) if form.get("carrier", "").isdigit() else None,
        "tracking_number": form.get("tracking_number", "").strip(),
        "lines": lines,
    }


class CarriersView(ServiceModelView):
    """Carriers and their tracking-URL templates; one that shipped a parcel stays."""

    required_permission = "manage_orders"

    column_list = ("id", "name", "tracking_url_template", "updated_at")
    column_labels = {"tracking_url_template": "Tracking URL template"}
    column_searchable_list = ("name",)
    column_sortable_list = ("id", "name", "updated_at")
    column_default_sort = "name"
    form_columns = ("name", "tracking_url_template")
    form_args = {
        "tracking_url_template": {
            "description": "An http(s) URL holding {tracking_number}, e.g. "
            "https://www.ups.com/track?tracknum={tracking_number}"
        }
    }
    written_fields = frozenset(form_columns)

    def create_model(self, form: Form) -> Carrier | bool:
        return self.create_with(carriers.create_carrier, form)

    def update_model(self, form: Form, model: Carrier) -> bool:
        carrier_id = model.id
        return self.perform(lambda: carriers.update_carrier(carrier_id, self.changes(form)))

    def delete_model(self, model: Carrier) -> bool:
        return self.perform(lambda: carriers.delete_carrier(model.id))


class FulfilmentsView(ServiceModelView):
    """Every parcel, newest first; created and delivered from the order page."""

    required_permission = "manage_orders"

    can_create = False
    can_edit = False
    can_delete = False
    column_list = ("id", "order_id", "carrier", "tracking_number", "created_at", "delivered_at")
    column_labels = {"order_id": "Order", "created_at": "Shipped", "delivered_at": "Delivered"}
    column_formatters = {"carrier": show_related("name")}
    column_searchable_list = ("tracking_number",)
    column_sortable_list = ("id", "order_id", "created_at", "delivered_at")
    column_filters = (FilterEqual(Fulfilment.order_id, "Order"),)
    column_default_sort = ("id", True)

    @expose("/ship/", methods=("POST",))
    def ship(self) -> Response:
        """Ship the units the order page's form names, through the fulfilment service."""
        order = db.get_or_404(Order, request.form.get("order_id", type=int) or 0)
        try:
            data = FulfilmentCreateSchema().load(shipping_form(request.form, order))
        except ma.ValidationError as error:
            for field, messages in error.messages.items():
                flash(f"{field}: {messages}", "error")
        else:
            actor = current_admin_user()
            if self.perform(lambda: services.create_fulfilment(order.id, data, actor=actor)):
                flash(
                    gettext("Order #%(id)s: parcel shipped, the customer is told.", id=order.id),
                    "success",
                )
        return redirect(url_for(ORDER_PAGE, id=order.id))

    @expose("/delivered/", methods=("POST",))
    def delivered(self) -> Response:
        """Mark one parcel (``fulfilment_id``) or all of the order's delivered."""
        order_id = request.form.get("order_id", type=int) or 0
        fulfilment_id = request.form.get("fulfilment_id", type=int)
        actor = current_admin_user()
        if fulfilment_id:
            done = self.perform(
                lambda: services.deliver_fulfilment(order_id, fulfilment_id, actor=actor)
            )
        else:
            done = self.perform(lambda: services.deliver_order(order_id, actor=actor))
        if done:
            flash(gettext("Order #%(id)s: delivery recorded.", id=order_id), "success")
        return redirect(url_for(ORDER_PAGE, id=order_id))
