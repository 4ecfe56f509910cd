"""A product's variants and options: public reads (customers see active ones), staff writes."""

from flask.views import MethodView

from ecom.catalog import details, images, options, variants
from ecom.catalog.blueprint import blp
from ecom.catalog.models import ProductOption, ProductVariant
from ecom.catalog.schemas import ProductImageSchema
from ecom.catalog.variant_schemas import (
    OptionPatchSchema,
    OptionSchema,
    OptionWriteSchema,
    VariantPatchSchema,
    VariantSchema,
    VariantWriteSchema,
)
from ecom.common.cache import cached_response
from ecom.common.cache_families import PRODUCT_READS, STOCK_SHOWN
from ecom.common.permissions import is_staff

VARIANT_CONFLICT = "`sku_unavailable` (SKU taken) or `variant_exists` (same option values)."


@blp.route("/products/<int:product_id>/variants/")
class Variants(MethodView):
    @cached_response(*PRODUCT_READS, timeout_setting=STOCK_SHOWN)
    @blp.auth(None, optional=True)
    @blp.response(200, VariantSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, product_id: int) -> list[ProductVariant]:
        """A product's variants; customers see an active product's active ones."""
        return details.product_variants(product_id, include_inactive=is_staff())

    @blp.auth(permission="manage_catalog")
    @blp.arguments(VariantWriteSchema)
    @blp.response(201, VariantSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=VARIANT_CONFLICT)
    def post(self, data: dict, product_id: int) -> ProductVariant:
        """Add a variant (staff): one value for each of the product's options."""
        return variants.create_variant(product_id, data)


@blp.route("/products/<int:product_id>/variants/<int:variant_id>/")
class VariantDetail(MethodView):
    @cached_response(*PRODUCT_READS, timeout_setting=STOCK_SHOWN)
    @blp.auth(None, optional=True)
    @blp.response(200, VariantSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, product_id: int, variant_id: int) -> ProductVariant:
        """One variant; an inactive one (or of an inactive product) is a 404 except for staff."""
        return details.product_variant(product_id, variant_id, include_inactive=is_staff())

    @blp.auth(permission="manage_catalog")
    @blp.arguments(VariantWriteSchema)
    @blp.response(200, VariantSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=VARIANT_CONFLICT)
    def put(self, data: dict, product_id: int, variant_id: int) -> ProductVariant:
        """Replace a variant's fields (staff); without `options` its values stay."""
        return variants.update_variant(product_id, variant_id, data)

    @blp.auth(permission="manage_catalog")
    @blp.arguments(VariantPatchSchema(partial=True))
    @blp.response(200, VariantSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=VARIANT_CONFLICT)
    def patch(self, data: dict, product_id: int, variant_id: int) -> ProductVariant:
        """Update some fields of a variant (staff)."""
        return variants.update_variant(product_id, variant_id, data)

    @blp.auth(permission="manage_catalog")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="`last_variant` (a product keeps one) or `variant_in_use` (in orders: "
        "deactivate it instead).",
    )
    def delete(self, product_id: int, variant_id: int) -> None:
        """Delete a variant (staff); its cart lines go with it."""
        variants.delete_variant(product_id, variant_id)


@blp.route("/products/<int:product_id>/variants/<int:variant_id>/image/")
class VariantImage(MethodView):
    @blp.auth(permission="manage_catalog")
    @blp.arguments(ProductImageSchema, location="files")
    @blp.response(200, VariantSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(413, response="DEFAULT_ERROR", description="Image too large.")
    def post(self, files: dict, product_id: int, variant_id: int) -> ProductVariant:
        """Upload or replace a variant's image (staff); the old file is deleted."""
        return images.save_variant_image(product_id, variant_id, files["image"])

    @blp.auth(permission="manage_catalog")
    @blp.response(200, VariantSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, product_id: int, variant_id: int) -> ProductVariant:
        """Remove a variant's image (staff)."""
        return images.delete_variant_image(product_id, variant_id)


@blp.route("/products/<int:product_id>/options/")
class Options(MethodView):
    @cached_response(*PRODUCT_READS)
    @blp.auth(None, optional=True)
    @blp.response(200, OptionSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, product_id: int) -> list[ProductOption]:
        """A product's options (Size, Colour) with their values, in display order."""
        return details.product_options(product_id, include_inactive=is_staff())

    @blp.auth(permission="manage_catalog")
    @blp.arguments(OptionWriteSchema)
    @blp.response(201, OptionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`option_exists` (same name).")
    def post(self, data: dict, product_id: int) -> ProductOption:
        """Add an option (staff); every existing variant takes its first value."""
        return options.create_option(product_id, data)


@blp.route("/products/<int:product_id>/options/<int:option_id>/")
class OptionDetail(MethodView):
    @blp.auth(permission="manage_catalog")
    @blp.arguments(OptionPatchSchema(partial=True))
    @blp.response(200, OptionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="`option_exists` (same name) or `option_in_use` (a removed value is used).",
    )
    def patch(self, data: dict, product_id: int, option_id: int) -> ProductOption:
        """Rename an option or replace its values (staff)."""
        return options.update_option(product_id, option_id, data)

    @blp.auth(permission="manage_catalog")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="`option_in_use`: two variants would then be alike; delete one first.",
    )
    def delete(self, product_id: int, option_id: int) -> None:
        """Delete an option (staff); its value leaves every variant."""
        options.delete_option(product_id, option_id)
