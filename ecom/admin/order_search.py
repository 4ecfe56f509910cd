"""Finding orders in the back office: the order list's filters are the API's (the same
fields load the values, ``ecom.orders.search`` filters), its Export streams the CSV the
API's export writes for the same filters and search, and an order's page holds staff's
internal notes."""

from typing import Any

import marshmallow as ma
from flask import Response, flash, redirect, request, stream_with_context, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_babel import gettext

from ecom.admin.session import current_admin_user
from ecom.orders import export, notes, search
from ecom.orders.models import ORDER_STATUSES, PAYMENT_STATUSES, Order
from ecom.orders.search_schemas import OrderFilterSchema, OrderNoteCreateSchema

_FIELDS = OrderFilterSchema().fields


class ServiceFilter(BaseSQLAFilter):
    """One of the order search's filters: its API field loads the value (a value the API
    refuses is flashed and ignored), its condition filters."""

    def __init__(self, key: str, name: str, operation: str, **kwargs: Any) -> None:
        super().__init__(Order.id, name, **kwargs)
        self.key = key
        self._operation = operation

    def clean(self, value: str) -> Any:
        try:
            return _FIELDS[self.key].deserialize(value.strip())
        except ma.ValidationError as error:
            raise ValueError(" ".join(map(str, error.messages))) from error

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(*search.conditions({self.key: value}))

    def operation(self) -> str:
        return self._operation


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


ORDER_FILTERS = (
    ServiceFilter("status", "Status", "equals", options=_choices(ORDER_STATUSES)),
    ServiceFilter("payment_status", "Payment", "equals", options=_choices(PAYMENT_STATUSES)),
    ServiceFilter("number", "Number", "equals"),
    ServiceFilter("email", "Customer email", "equals"),
    ServiceFilter("email_prefix", "Customer email", "starts with"),
    ServiceFilter("sku", "SKU", "equals"),
    ServiceFilter("total_min", "Total", "at least"),
    ServiceFilter("total_max", "Total", "at most"),
    ServiceFilter("created_after", "Placed", "greater than", data_type="datetimepicker"),
    ServiceFilter("created_before", "Placed", "smaller than", data_type="datetimepicker"),
)


class OrderSearchMixin:
    """The order list's export and the order page's notes (for ``OrdersView``)."""

    can_export = True
    export_types = ["csv"]

    def _export_csv(self, return_url: str) -> Response:
        """The list as filtered and searched, as the API's CSV, streamed."""
        args = self._get_list_extra_args()
        filters: dict[str, Any] = {}
        for index, _name, value in args.filters or ():
            found = self._filters[index]
            filters[found.key] = found.clean(value)
        terms = [self.search_condition(term) for term in (args.search or "").split()]
        return Response(
            stream_with_context(export.order_rows(filters, also=terms)),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="orders.csv"'},
        )

    def render(self, template: str, **kwargs: Any) -> str:
        return super().render(template, order_notes=notes.order_notes, **kwargs)

    @expose("/notes/", methods=("POST",))
    def add_note(self) -> Any:
        """Add an internal note to an order, signed by the staff member logged in."""
        order_id = request.form.get("order_id", type=int)
        try:
            data = OrderNoteCreateSchema().load({"body": request.form.get("body", "")})
        except ma.ValidationError as error:
            flash(f"Note: {' '.join(error.messages['body'])}", "error")
        else:
            author = current_admin_user()
            if self.perform(lambda: notes.add_note(order_id, author, data["body"])):
                flash(gettext("Note added."), "success")
        return redirect(url_for(".details_view", id=order_id))
