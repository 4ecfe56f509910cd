from flask.views import MethodView

from ecom.common.api import Blueprint
from ecom.common.pagination import PageArgsSchema, page_schema, paginate
from ecom.integrations.webhooks import services
from ecom.integrations.webhooks.schemas import (
    DeliveryListArgsSchema,
    DeliverySchema,
    NewSubscriptionSchema,
    SubscriptionPatchSchema,
    SubscriptionSchema,
    SubscriptionWriteSchema,
)

blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/api/v1/webhooks",
    description="Outgoing webhooks (staff): subscriptions, their delivery log, a test ping "
    "and redelivery. Deliveries are signed as Standard Webhooks says; topics and payloads "
    "in docs/WEBHOOKS.md.",
)

REFUSED = "`webhook_target_refused`: the URL's host resolves to a private, loopback or "
REFUSED += "link-local address (or does not resolve)."


@blp.route("/")
class Subscriptions(MethodView):
    @blp.auth(permission="manage_integrations")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(SubscriptionSchema))
    def get(self, args):
        """Webhook subscriptions (staff)."""
        return paginate(services.subscriptions_query(), args)

    @blp.auth(permission="manage_integrations")
    @blp.arguments(SubscriptionWriteSchema)
    @blp.response(201, NewSubscriptionSchema)
    @blp.alt_response(400, response="BAD_REQUEST", description=REFUSED)
    def post(self, data):
        """Subscribe a URL to events (staff); the answer holds the signing secret, once."""
        return services.create_subscription(data)


@blp.route("/<int:subscription_id>/")
class SubscriptionDetail(MethodView):
    @blp.auth(permission="manage_integrations")
    @blp.response(200, SubscriptionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, subscription_id):
        """One subscription, without its secret (staff)."""
        return services.get_subscription(subscription_id)

    @blp.auth(permission="manage_integrations")
    @blp.arguments(SubscriptionPatchSchema(partial=True))
    @blp.response(200, SubscriptionSchema)
    @blp.alt_response(400, response="BAD_REQUEST", description=REFUSED)
    @blp.alt_response(404, response="NOT_FOUND")
    def patch(self, data, subscription_id):
        """Change some fields (staff); activating a disabled one resets its failures."""
        return services.update_subscription(subscription_id, data)

    @blp.auth(permission="manage_integrations")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, subscription_id):
        """Delete a subscription and its delivery log (staff)."""
        services.delete_subscription(subscription_id)


@blp.route("/<int:subscription_id>/ping/")
class Ping(MethodView):
    @blp.auth(permission="manage_integrations")
    @blp.response(202, DeliverySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, subscription_id):
        """Send a `webhook.ping` delivery now (staff), even to an inactive subscription."""
        return services.ping(subscription_id)


@blp.route("/<int:subscription_id>/deliveries/")
class Deliveries(MethodView):
    @blp.auth(permission="manage_integrations")
    @blp.arguments(DeliveryListArgsSchema, location="query")
    @blp.response(200, page_schema(DeliverySchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, subscription_id):
        """A subscription's deliveries, newest first, each with its attempts (staff)."""
        return paginate(services.deliveries_query(subscription_id, args.get("state")), args)


@blp.route("/deliveries/<int:delivery_id>/redeliver/")
class Redeliver(MethodView):
    @blp.auth(permission="manage_integrations")
    @blp.response(202, DeliverySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="`webhook_delivery_pending`: still under way; `webhook_subscription_inactive`.",
    )
    def post(self, delivery_id):
        """Send a finished delivery again, same body and `webhook-id` (staff)."""
        return services.redeliver(delivery_id)
