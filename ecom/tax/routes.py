from flask.views import MethodView

from ecom.common.api import Blueprint
from ecom.common.pagination import PageArgsSchema, page_schema, paginate
from ecom.tax import services
from ecom.tax.schemas import (
    TaxClassPatchSchema,
    TaxClassSchema,
    TaxClassWriteSchema,
    TaxRatePatchSchema,
    TaxRateSchema,
    TaxRateWriteSchema,
)

blp = Blueprint(
    "tax",
    __name__,
    url_prefix="/api/v1/tax",
    description="Tax classes and the rates each country or region charges (staff).",
)


@blp.route("/classes/")
class TaxClasses(MethodView):
    @blp.auth(permission="manage_pricing")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(TaxClassSchema))
    def get(self, args):
        """Tax classes by name (staff)."""
        return paginate(services.classes_query(), args)

    @blp.auth(permission="manage_pricing")
    @blp.arguments(TaxClassWriteSchema)
    @blp.response(201, TaxClassSchema)
    @blp.alt_response(409, response="CONFLICT", description="`tax_class_exists`: name taken.")
    def post(self, data):
        """Create a tax class (staff); the first one becomes the default."""
        return services.create_class(data)


@blp.route("/classes/<int:tax_class_id>/")
class TaxClassDetail(MethodView):
    @blp.auth(permission="manage_pricing")
    @blp.response(200, TaxClassSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, tax_class_id):
        """One tax class (staff)."""
        return services.get_class(tax_class_id)

    @blp.auth(permission="manage_pricing")
    @blp.arguments(TaxClassPatchSchema(partial=True))
    @blp.response(200, TaxClassSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, data, tax_class_id):
        """Rename a tax class or make it the default (staff)."""
        return services.update_class(tax_class_id, data)

    @blp.auth(permission="manage_pricing")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`default_tax_class`.")
    def delete(self, tax_class_id):
        """Delete a tax class and its rates (staff); its products fall back to the default
        class, which itself cannot be deleted."""
        services.delete_class(tax_class_id)


@blp.route("/rates/")
class TaxRates(MethodView):
    @blp.auth(permission="manage_pricing")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(TaxRateSchema))
    def get(self, args):
        """Tax rates by country, region and class (staff)."""
        return paginate(services.rates_query(), args)

    @blp.auth(permission="manage_pricing")
    @blp.arguments(TaxRateWriteSchema)
    @blp.response(201, TaxRateSchema)
    @blp.alt_response(409, response="CONFLICT", description="`tax_rate_exists`.")
    def post(self, data):
        """Create a rate for a country or region and a tax class, or for shipping (staff)."""
        return services.create_rate(data)


@blp.route("/rates/<int:tax_rate_id>/")
class TaxRateDetail(MethodView):
    @blp.auth(permission="manage_pricing")
    @blp.response(200, TaxRateSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, tax_rate_id):
        """One tax rate (staff)."""
        return services.get_rate(tax_rate_id)

    @blp.auth(permission="manage_pricing")
    @blp.arguments(TaxRatePatchSchema(partial=True))
    @blp.response(200, TaxRateSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`tax_rate_exists`.")
    def patch(self, data, tax_rate_id):
        """Change some of a rate's values (staff)."""
        return services.update_rate(tax_rate_id, data)

    @blp.auth(permission="manage_pricing")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, tax_rate_id):
        """Delete a tax rate (staff)."""
        services.delete_rate(tax_rate_id)
