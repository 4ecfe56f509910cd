"""Staff endpoints: catalogue promotions, vouchers and their redemptions."""

from flask.views import MethodView

from ecom.common.api import Blueprint
from ecom.common.pagination import PageArgsSchema, page_schema, paginate
from ecom.promotions import services, vouchers
from ecom.promotions.schemas import (
    ActiveListArgsSchema,
    PromotionPatchSchema,
    PromotionSchema,
    PromotionWriteSchema,
    RedemptionSchema,
    VoucherPatchSchema,
    VoucherSchema,
    VoucherWriteSchema,
)

promotions_blp = Blueprint(
    "promotions",
    __name__,
    url_prefix="/api/v1/promotions",
    description="Catalogue promotions: sale prices on chosen products, variants or categories.",
)
vouchers_blp = Blueprint(
    "vouchers",
    __name__,
    url_prefix="/api/v1/vouchers",
    description="Vouchers: codes for money off an order or free shipping, and their use.",
)


@promotions_blp.route("/")
class Promotions(MethodView):
    @promotions_blp.auth(permission="manage_pricing")
    @promotions_blp.arguments(ActiveListArgsSchema, location="query")
    @promotions_blp.response(200, page_schema(PromotionSchema))
    def get(self, args):
        """Promotions, newest first (staff)."""
        return paginate(services.promotions_query(args.get("is_active")), args)

    @promotions_blp.auth(permission="manage_pricing")
    @promotions_blp.arguments(PromotionWriteSchema)
    @promotions_blp.response(201, PromotionSchema)
    @promotions_blp.alt_response(404, response="NOT_FOUND", description="A target not found.")
    @promotions_blp.alt_response(
        409, response="CONFLICT", description="`invalid_period` or `invalid_value`."
    )
    def post(self, data):
        """Create a promotion (staff); sale prices follow after the commit."""
        return services.create_promotion(data)


@promotions_blp.route("/<int:promotion_id>/")
class PromotionDetail(MethodView):
    @promotions_blp.auth(permission="manage_pricing")
    @promotions_blp.response(200, PromotionSchema)
    @promotions_blp.alt_response(404, response="NOT_FOUND")
    def get(self, promotion_id):
        """One promotion (staff)."""
        return services.get_promotion(promotion_id)

    @promotions_blp.auth(permission="manage_pricing")
    @promotions_blp.arguments(PromotionWriteSchema)
    @promotions_blp.response(200, PromotionSchema)
    @promotions_blp.alt_response(404, response="NOT_FOUND")
    @promotions_blp.alt_response(
        409, response="CONFLICT", description="`invalid_period` or `invalid_value`."
    )
    def put(self, data, promotion_id):
        """Replace a promotion (staff)."""
        return services.update_promotion(promotion_id, data)

    @promotions_blp.auth(permission="manage_pricing")
    @promotions_blp.arguments(PromotionPatchSchema(partial=True))
    @promotions_blp.response(200, PromotionSchema)
    @promotions_blp.alt_response(404, response="NOT_FOUND")
    @promotions_blp.alt_response(
        409, response="CONFLICT", description="`invalid_period` or `invalid_value`."
    )
    def patch(self, data, promotion_id):
        """Change some fields of a promotion (staff)."""
        return services.update_promotion(promotion_id, data)

    @promotions_blp.auth(permission="manage_pricing")
    @promotions_blp.response(204)
    @promotions_blp.alt_response(404, response="NOT_FOUND")
    def delete(self, promotion_id):
        """Delete a promotion (staff); its sale prices go after the commit."""
        services.delete_promotion(promotion_id)


@vouchers_blp.route("/")
class Vouchers(MethodView):
    @vouchers_blp.auth(permission="manage_pricing")
    @vouchers_blp.arguments(ActiveListArgsSchema, location="query")
    @vouchers_blp.response(200, page_schema(VoucherSchema))
    def get(self, args):
        """Vouchers with their usage counts, newest first (staff)."""
        return paginate(vouchers.vouchers_query(args.get("is_active")), args)

    @vouchers_blp.auth(permission="manage_pricing")
    @vouchers_blp.arguments(VoucherWriteSchema)
    @vouchers_blp.response(201, VoucherSchema)
    @vouchers_blp.alt_response(404, response="NOT_FOUND", description="A target not found.")
    @vouchers_blp.alt_response(
        409,
        response="CONFLICT",
        description="The code is taken (`voucher_code_taken`), or "
        "`invalid_period` or `invalid_value`.",
    )
    def post(self, data):
        """Create a voucher (staff)."""
        return vouchers.create_voucher(data)


@vouchers_blp.route("/<int:voucher_id>/")
class VoucherDetail(MethodView):
    @vouchers_blp.auth(permission="manage_pricing")
    @vouchers_blp.response(200, VoucherSchema)
    @vouchers_blp.alt_response(404, response="NOT_FOUND")
    def get(self, voucher_id):
        """One voucher with its usage count (staff)."""
        return vouchers.get_voucher(voucher_id)

    @vouchers_blp.auth(permission="manage_pricing")
    @vouchers_blp.arguments(VoucherWriteSchema)
    @vouchers_blp.response(200, VoucherSchema)
    @vouchers_blp.alt_response(404, response="NOT_FOUND")
    @vouchers_blp.alt_response(
        409,
        response="CONFLICT",
        description="The code is taken (`voucher_code_taken`), or "
        "`invalid_period` or `invalid_value`.",
    )
    def put(self, data, voucher_id):
        """Replace a voucher (staff)."""
        return vouchers.update_voucher(voucher_id, data)

    @vouchers_blp.auth(permission="manage_pricing")
    @vouchers_blp.arguments(VoucherPatchSchema(partial=True))
    @vouchers_blp.response(200, VoucherSchema)
    @vouchers_blp.alt_response(404, response="NOT_FOUND")
    @vouchers_blp.alt_response(
        409,
        response="CONFLICT",
        description="The code is taken (`voucher_code_taken`), or "
        "`invalid_period` or `invalid_value`.",
    )
    def patch(self, data, voucher_id):
        """Change some fields of a voucher (staff)."""
        return vouchers.update_voucher(voucher_id, data)

    @vouchers_blp.auth(permission="manage_pricing")
    @vouchers_blp.response(204)
    @vouchers_blp.alt_response(404, response="NOT_FOUND")
    @vouchers_blp.alt_response(409, response="CONFLICT", description="Orders used it.")
    def delete(self, voucher_id):
        """Delete a voucher nobody used (staff); deactivate a used one instead."""
        vouchers.delete_voucher(voucher_id)


@vouchers_blp.route("/<int:voucher_id>/redemptions/")
class VoucherRedemptions(MethodView):
    @vouchers_blp.auth(permission="manage_pricing")
    @vouchers_blp.arguments(PageArgsSchema, location="query")
    @vouchers_blp.response(200, page_schema(RedemptionSchema))
    @vouchers_blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, voucher_id):
        """The orders that used a voucher, newest first (staff)."""
        return paginate(vouchers.redemptions_query(voucher_id), args)
