from flask import Response, stream_with_context
from flask.views import MethodView
from flask_jwt_extended import current_user

from ecom.common.api import Blueprint
from ecom.common.conditional import private_etag
from ecom.common.pagination import page_schema, paginate
from ecom.common.permissions import current_user_or_none
from ecom.orders import export, notes, placing, search, services, transitions
from ecom.orders.schemas import (
    CancelSchema,
    CheckoutSchema,
    IdempotencyHeaderSchema,
    OrderSchema,
    StatusChangeSchema,
    StatusPatchSchema,
)
from ecom.orders.search_schemas import (
    OrderFilterSchema,
    OrderListArgsSchema,
    OrderNoteCreateSchema,
    OrderNoteSchema,
)

CSV_RESPONSE = {
    "description": "`orders.csv`: a header row, then one row per order; a cell that would "
    "start with `=`, `+`, `-`, `@`, a tab or a carriage return starts with `'`.",
    "content": {"text/csv": {"schema": {"type": "string"}}},
    "headers": {
        "Content-Disposition": {
            "description": '`attachment; filename="orders.csv"`',
            "schema": {"type": "string"},
        }
    },
}

blp = Blueprint("orders", __name__, url_prefix="/api/v1/orders", description="Checkout and orders.")


@blp.route("/")
class Orders(MethodView):
    @blp.auth()
    @blp.arguments(OrderListArgsSchema, location="query")
    @blp.response(200, page_schema(OrderSchema))
    def get(self, args):
        """Orders, newest first unless `ordering` says otherwise: the caller's own, or
        everybody's for staff, who may also find them by customer (docs/ORDERS.md)."""
        return paginate(search.orders_query(current_user, args), args)

    @blp.auth()
    @blp.arguments(CheckoutSchema, required=False)
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.response(201, OrderSchema)
    @blp.alt_response(200, schema=OrderSchema, description="Replay of an Idempotency-Key.")
    @blp.alt_response(404, response="NOT_FOUND", description="No such address of the caller.")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="Short of stock; shipping_method_required or shipping_method_not_offered; "
        "the cart's voucher no longer applies (its voucher_* reason).",
    )
    @blp.alt_response(
        422,
        response="UNPROCESSABLE_ENTITY",
        description="idempotency_key_reused: the key came with another request or cart.",
    )
    def post(self, data, headers):
        """Check out the cart: stock is taken, the voucher used and the order created in
        one transaction, priced as `GET cart/` quotes it for the same address and method."""
        order, created = placing.checkout(
            current_user, idempotency_key=headers.get("idempotency_key"), **data
        )
        return order, 201 if created else 200


@blp.route("/<int:order_id>/")
class OrderDetail(MethodView):
    @private_etag
    @blp.auth()
    @blp.response(200, OrderSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, order_id):
        """One order with its history (own orders only, unless staff)."""
        return services.get_order(order_id, current_user)

    @blp.auth(permission="manage_orders")
    @blp.arguments(StatusChangeSchema)
    @blp.response(200, OrderSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="Transition not allowed.")
    def put(self, data, order_id):
        """Move an order through the status machine (staff)."""
        return transitions.change_status(
            order_id, data["status"], actor=current_user_or_none(), note=data["note"]
        )

    @blp.auth(permission="manage_orders")
    @blp.arguments(StatusPatchSchema)
    @blp.response(200, OrderSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="Transition not allowed.")
    def patch(self, data, order_id):
        """Move an order through the status machine (staff); without `status`, the order
        as it is."""
        if "status" not in data:
            return services.staff_order(order_id)
        return transitions.change_status(
            order_id, data["status"], actor=current_user_or_none(), note=data.get("note", "")
        )


@blp.route("/<int:order_id>/cancel/")
class OrderCancel(MethodView):
    @blp.auth()
    @blp.arguments(CancelSchema, required=False)
    @blp.response(200, OrderSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="The order is no longer pending.")
    def post(self, data, order_id):
        """Cancel one's own pending order; its stock is put back."""
        return transitions.cancel_own_order(current_user, order_id, data["note"])


@blp.route("/export/")
class OrdersExport(MethodView):
    @blp.auth(permission="view_reports")
    @blp.arguments(OrderFilterSchema, location="query")
    @blp.doc(responses={"200": CSV_RESPONSE})
    def get(self, args):
        """The orders the list's filters find, as CSV, streamed (staff)."""
        return Response(
            stream_with_context(export.order_rows(args)),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="orders.csv"'},
        )


@blp.route("/<int:order_id>/notes/")
class OrderNotes(MethodView):
    @blp.auth(permission="manage_orders")
    @blp.response(200, OrderNoteSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, order_id):
        """Staff's internal notes on the order, oldest first; customers never see them."""
        return notes.order_notes(order_id)

    @blp.auth(permission="manage_orders")
    @blp.arguments(OrderNoteCreateSchema)
    @blp.response(201, OrderNoteSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, data, order_id):
        """Add an internal note to the order, signed by the caller (staff)."""
        return notes.add_note(order_id, current_user_or_none(), data["body"])
