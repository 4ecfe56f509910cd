from flask.views import MethodView

from ecom.common.api import Blueprint
from ecom.common.pagination import PageArgsSchema, page_schema, paginate
from ecom.shipping import services
from ecom.shipping.schemas import (
    ShippingMethodListArgsSchema,
    ShippingMethodPatchSchema,
    ShippingMethodSchema,
    ShippingMethodWriteSchema,
    ShippingZonePatchSchema,
    ShippingZoneSchema,
    ShippingZoneWriteSchema,
)

blp = Blueprint(
    "shipping",
    __name__,
    url_prefix="/api/v1/shipping",
    description="Shipping zones (countries, postal prefixes, rest of the world) and their "
    "methods with flat, weight-band or subtotal-band rates (staff).",
)


@blp.route("/zones/")
class Zones(MethodView):
    @blp.auth(permission="manage_pricing")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(ShippingZoneSchema))
    def get(self, args):
        """Shipping zones by name (staff)."""
        return paginate(services.zones_query(), args)

    @blp.auth(permission="manage_pricing")
    @blp.arguments(ShippingZoneWriteSchema)
    @blp.response(201, ShippingZoneSchema)
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="`shipping_zone_overlap`: a country (and prefix) is another zone's; "
        "`shipping_rest_of_world_taken`.",
    )
    def post(self, data):
        """Create a zone (staff)."""
        return services.create_zone(data)


@blp.route("/zones/<int:zone_id>/")
class ZoneDetail(MethodView):
    @blp.auth(permission="manage_pricing")
    @blp.response(200, ShippingZoneSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, zone_id):
        """One zone (staff)."""
        return services.get_zone(zone_id)

    @blp.auth(permission="manage_pricing")
    @blp.arguments(ShippingZonePatchSchema(partial=True))
    @blp.response(200, ShippingZoneSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="`shipping_zone_overlap`, `shipping_rest_of_world_taken`.",
    )
    def patch(self, data, zone_id):
        """Change some fields of a zone (staff); `countries` and `postal_prefixes` replace
        the zone's."""
        return services.update_zone(zone_id, data)

    @blp.auth(permission="manage_pricing")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`shipping_zone_not_empty`.")
    def delete(self, zone_id):
        """Delete a zone without methods (staff); one with methods is a 409."""
        services.delete_zone(zone_id)


@blp.route("/methods/")
class Methods(MethodView):
    @blp.auth(permission="manage_pricing")
    @blp.arguments(ShippingMethodListArgsSchema, location="query")
    @blp.response(200, page_schema(ShippingMethodSchema))
    def get(self, args):
        """Shipping methods by zone (staff)."""
        return paginate(services.methods_query(args.get("zone")), args)

    @blp.auth(permission="manage_pricing")
    @blp.arguments(ShippingMethodWriteSchema)
    @blp.response(201, ShippingMethodSchema)
    @blp.alt_response(404, response="NOT_FOUND", description="No such zone.")
    def post(self, data):
        """Create a method of a zone (staff)."""
        return services.create_method(data)


@blp.route("/methods/<int:method_id>/")
class MethodDetail(MethodView):
    @blp.auth(permission="manage_pricing")
    @blp.response(200, ShippingMethodSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, method_id):
        """One method with its bands (staff)."""
        return services.get_method(method_id)

    @blp.auth(permission="manage_pricing")
    @blp.arguments(ShippingMethodPatchSchema(partial=True))
    @blp.response(200, ShippingMethodSchema)
    @blp.alt_response(404, response="NOT_FOUND", description="No such method or zone.")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="`shipping_rate_mismatch`: a price or bands the method's rate does not use.",
    )
    def patch(self, data, method_id):
        """Change some fields of a method (staff); `bands` replace the method's."""
        return services.update_method(method_id, data)

    @blp.auth(permission="manage_pricing")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, method_id):
        """Delete a method and its bands (staff)."""
        services.delete_method(method_id)
