from flask import request
from flask.views import MethodView
from flask_jwt_extended import current_user

from ecom.common.api import Blueprint
from ecom.common.permissions import current_user_or_none
from ecom.payments import capture, refunds, services, webhooks
from ecom.payments.schemas import (
    PayHeaderSchema,
    PaymentSchema,
    PaySchema,
    RefundRequestSchema,
    RefundSchema,
    WebhookAnswerSchema,
)

blp = Blueprint("payments", __name__, url_prefix="/api/v1", description="Payments and refunds.")


@blp.route("/orders/<int:order_id>/pay/")
class OrderPay(MethodView):
    @blp.auth()
    @blp.arguments(PaySchema, required=False)
    @blp.arguments(PayHeaderSchema, location="headers")
    @blp.response(201, PaymentSchema)
    @blp.alt_response(200, schema=PaymentSchema, description="The payment already open.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="The order is not pending.")
    def post(self, data, headers, order_id):
        """Start paying one's own pending order; the answer holds what the client needs to
        finish (e.g. Stripe's `client_secret`). A repeated Idempotency-Key, or a payment
        still open, answers that payment."""
        payment, created = services.start_payment(
            current_user, order_id, request_key=headers.get("idempotency_key"), **data
        )
        return payment, 201 if created else 200


@blp.route("/orders/<int:order_id>/payments/")
class OrderPayments(MethodView):
    @blp.auth()
    @blp.response(200, PaymentSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, order_id):
        """An order's payments with their refunds, oldest first (own orders, or staff)."""
        return services.payments_of(order_id, current_user)


@blp.route("/orders/<int:order_id>/refund/")
class OrderRefund(MethodView):
    @blp.auth(permission="manage_refunds")
    @blp.arguments(RefundRequestSchema)
    @blp.response(201, RefundSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="No captured payment to refund.")
    def post(self, data, order_id):
        """Refund all or part of the order's captured payment (staff). The provider is
        asked by a background job; the refund is `succeeded` once it confirms."""
        return refunds.request_refund(order_id, actor=current_user_or_none(), **data)


@blp.route("/orders/<int:order_id>/capture/")
class OrderCapture(MethodView):
    @blp.auth(permission="manage_orders")
    @blp.response(202, PaymentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="No authorized payment to capture.")
    def post(self, order_id):
        """Capture the order's authorized payment (staff; manual capture). The provider is
        asked by a background job; its webhook then marks the payment captured and the
        order paid."""
        return capture.request_capture(order_id)


@blp.route("/payments/webhooks/<provider>/")
class Webhook(MethodView):
    @blp.response(200, WebhookAnswerSchema)
    @blp.alt_response(
        400,
        response="BAD_REQUEST",
        description="Missing or bad signature, or a signed body of another shape.",
    )
    @blp.alt_response(404, response="NOT_FOUND", description="No such provider enabled.")
    def post(self, provider):
        """A provider's signed event (no authentication: the signature is checked).
        An event already processed answers 200 too."""
        return {"received": webhooks.receive(provider, request.get_data(), request.headers)}
