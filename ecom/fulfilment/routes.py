from flask.views import MethodView
from flask_jwt_extended import current_user

from ecom.common.api import Blueprint
from ecom.common.pagination import PageArgsSchema, page_schema, paginate
from ecom.common.permissions import current_user_or_none
from ecom.fulfilment import carriers, services
from ecom.fulfilment.schemas import (
    CarrierPatchSchema,
    CarrierSchema,
    CarrierWriteSchema,
    FulfilmentCreateSchema,
    FulfilmentSchema,
)

blp = Blueprint(
    "fulfilment",
    __name__,
    url_prefix="/api/v1",
    description="Carriers, and the fulfilments of an order: parcels of some units with a "
    "carrier and a tracking number (docs/FULFILMENT.md).",
)

SHIP_REFUSALS = (
    "`order_unpaid`, `order_not_shippable` (cancelled, shipped or delivered), "
    "`units_exceed_remaining` (more units than a line has left)."
)


@blp.route("/carriers/")
class Carriers(MethodView):
    @blp.auth(permission="manage_orders")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(CarrierSchema))
    def get(self, args):
        """Carriers by name (staff)."""
        return paginate(carriers.carriers_query(), args)

    @blp.auth(permission="manage_orders")
    @blp.arguments(CarrierWriteSchema)
    @blp.response(201, CarrierSchema)
    @blp.alt_response(409, response="CONFLICT", description="`carrier_name_taken`.")
    def post(self, data):
        """Create a carrier (staff)."""
        return carriers.create_carrier(data)


@blp.route("/carriers/<int:carrier_id>/")
class CarrierDetail(MethodView):
    @blp.auth(permission="manage_orders")
    @blp.response(200, CarrierSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, carrier_id):
        """One carrier (staff)."""
        return carriers.get_carrier(carrier_id)

    @blp.auth(permission="manage_orders")
    @blp.arguments(CarrierPatchSchema(partial=True))
    @blp.response(200, CarrierSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`carrier_name_taken`.")
    def patch(self, data, carrier_id):
        """Change a carrier's name or tracking-URL template (staff); its fulfilments' links
        follow the new template."""
        return carriers.update_carrier(carrier_id, data)

    @blp.auth(permission="manage_orders")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`carrier_in_use`.")
    def delete(self, carrier_id):
        """Delete a carrier no fulfilment names (staff)."""
        carriers.delete_carrier(carrier_id)


@blp.route("/orders/<int:order_id>/fulfilments/")
class Fulfilments(MethodView):
    @blp.auth()
    @blp.response(200, FulfilmentSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, order_id):
        """An order's fulfilments with their tracking links, oldest first (the owner's
        order, or any for staff)."""
        return services.order_fulfilments(order_id, current_user)

    @blp.auth(permission="manage_orders")
    @blp.arguments(FulfilmentCreateSchema)
    @blp.response(201, FulfilmentSchema)
    @blp.alt_response(
        404,
        response="NOT_FOUND",
        description="No such order; `carrier_not_found`; `order_line_not_found`.",
    )
    @blp.alt_response(409, response="CONFLICT", description=SHIP_REFUSALS)
    def post(self, data, order_id):
        """Ship some units of an order's lines (staff): the order becomes
        `partially_shipped`, or `shipped` once every unit left; the customer is e-mailed
        the tracking link."""
        return services.create_fulfilment(order_id, data, actor=current_user_or_none())


@blp.route("/orders/<int:order_id>/fulfilments/<int:fulfilment_id>/")
class FulfilmentDetail(MethodView):
    @blp.auth()
    @blp.response(200, FulfilmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, order_id, fulfilment_id):
        """One fulfilment of an order (the owner's order, or any for staff)."""
        return services.get_fulfilment(order_id, fulfilment_id, current_user)


@blp.route("/orders/<int:order_id>/fulfilments/<int:fulfilment_id>/delivered/")
class FulfilmentDelivered(MethodView):
    @blp.auth(permission="manage_orders")
    @blp.response(200, FulfilmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`fulfilment_already_delivered`.")
    def post(self, order_id, fulfilment_id):
        """Mark a fulfilment delivered (staff): its units arrived; the order becomes
        `delivered` once every unit did."""
        return services.deliver_fulfilment(order_id, fulfilment_id, actor=current_user_or_none())


@blp.route("/orders/<int:order_id>/fulfilments/delivered/")
class OrderDelivered(MethodView):
    @blp.auth(permission="manage_orders")
    @blp.response(200, FulfilmentSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="`fulfilment_already_delivered`: no fulfilment is on its way.",
    )
    def post(self, order_id):
        """Mark every fulfilment of the order delivered (staff); the order becomes
        `delivered` if every unit had shipped."""
        return services.deliver_order(order_id, actor=current_user_or_none())
