from flask.views import MethodView
from flask_jwt_extended import current_user

from ecom.common.api import Blueprint
from ecom.common.permissions import current_user_or_none
from ecom.payments.schemas import RefundSchema
from ecom.returns import handling, refunds, requests, services
from ecom.returns.schemas import (
    GoodwillRefundSchema,
    MoneyHistorySchema,
    ReturnNoteSchema,
    ReturnReceiveSchema,
    ReturnRefundSchema,
    ReturnRejectSchema,
    ReturnRequestSchema,
    ReturnSchema,
)

blp = Blueprint(
    "returns", __name__, url_prefix="/api/v1", description="Returns, refunds and money history."
)

STEP_REFUSED = "invalid_return_transition: the return is not in a status that allows it."


@blp.route("/orders/<int:order_id>/returns/")
class OrderReturns(MethodView):
    @blp.auth()
    @blp.response(200, ReturnSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, order_id):
        """An order's returns, oldest first (own orders, or staff)."""
        return services.returns_of(order_id, current_user)

    @blp.auth()
    @blp.arguments(ReturnRequestSchema)
    @blp.response(201, ReturnSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="not_returnable (more than delivered and not yet returned), "
        "return_window_closed, unknown_line.",
    )
    def post(self, data, order_id):
        """Ask to return delivered units of one's own order, within RETURN_WINDOW_DAYS of
        their delivery, each line with a reason."""
        return requests.request_return(current_user, order_id, data["lines"]), 201


@blp.route("/returns/<int:return_id>/")
class ReturnDetail(MethodView):
    @blp.auth()
    @blp.response(200, ReturnSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, return_id):
        """One return with its lines and history (own returns, or staff)."""
        return services.get_return(return_id, current_user)


@blp.route("/returns/<int:return_id>/cancel/")
class ReturnCancel(MethodView):
    @blp.auth()
    @blp.response(200, ReturnSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=STEP_REFUSED)
    def post(self, return_id):
        """Take one's own return back while it is only requested."""
        return requests.cancel_return(current_user, return_id)


@blp.route("/returns/<int:return_id>/approve/")
class ReturnApprove(MethodView):
    @blp.auth(permission="manage_orders")
    @blp.arguments(ReturnNoteSchema, required=False)
    @blp.response(200, ReturnSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=STEP_REFUSED)
    def post(self, data, return_id):
        """Accept a requested return (staff): the customer is told to send the units."""
        return handling.approve(return_id, actor=current_user_or_none(), note=data["note"])


@blp.route("/returns/<int:return_id>/reject/")
class ReturnReject(MethodView):
    @blp.auth(permission="manage_orders")
    @blp.arguments(ReturnRejectSchema)
    @blp.response(200, ReturnSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=STEP_REFUSED)
    def post(self, data, return_id):
        """Refuse a requested return with a reason (staff); its units may be asked again."""
        return handling.reject(return_id, actor=current_user_or_none(), reason=data["reason"])


@blp.route("/returns/<int:return_id>/receive/")
class ReturnReceive(MethodView):
    @blp.auth(permission="manage_orders")
    @blp.arguments(ReturnReceiveSchema, required=False)
    @blp.response(200, ReturnSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409, response="CONFLICT", description=f"{STEP_REFUSED} unknown_line in `restock`."
    )
    def post(self, data, return_id):
        """The approved return's units arrived (staff); the lines in `restock` go back on
        sale."""
        return handling.receive(
            return_id, actor=current_user_or_none(), restock=data["restock"], note=data["note"]
        )


@blp.route("/returns/<int:return_id>/refund/")
class ReturnRefund(MethodView):
    @blp.auth(permission="manage_refunds")
    @blp.arguments(ReturnRefundSchema, required=False)
    @blp.response(200, ReturnSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description=f"{STEP_REFUSED} refund_too_large, nothing_to_refund, "
        "shipping_already_refunded.",
    )
    def post(self, data, return_id):
        """Refund a received return once (staff): its units' share of what was paid, and
        the shipping if asked. The provider is asked by a background job."""
        return refunds.refund_return(
            return_id,
            actor=current_user_or_none(),
            with_shipping=data["include_shipping"],
            note=data["note"],
        )


@blp.route("/orders/<int:order_id>/goodwill-refunds/")
class GoodwillRefunds(MethodView):
    @blp.auth(permission="manage_refunds")
    @blp.arguments(GoodwillRefundSchema)
    @blp.response(201, RefundSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="refund_too_large, nothing_to_refund, unknown_line, too_many_units.",
    )
    def post(self, data, order_id):
        """Refund without a return (staff): an amount, or some units' share of their
        lines, with a reason."""
        return refunds.goodwill_refund(order_id, actor=current_user_or_none(), **data), 201


@blp.route("/orders/<int:order_id>/refunds/")
class OrderMoney(MethodView):
    @blp.auth()
    @blp.response(200, MoneyHistorySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, order_id):
        """The order's money history: what was captured, and every refund with its reason,
        state and return (own orders, or staff)."""
        return services.money_history(order_id, current_user)
