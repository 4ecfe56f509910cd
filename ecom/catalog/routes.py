from flask.views import MethodView

from ecom.catalog import (
    categories,
    details,
    images,
    listing,
    localized,
    services,
    translation_routes,  # noqa: F401  (its routes join the blueprint)
    variant_routes,  # noqa: F401  (its routes join the blueprint)
)
from ecom.catalog.blueprint import blp
from ecom.catalog.schemas import (
    CategoryDetailSchema,
    CategoryListArgsSchema,
    CategoryPatchSchema,
    CategorySchema,
    CategoryTreeSchema,
    CategoryWriteSchema,
    ProductImageSchema,
    ProductListArgsSchema,
    ProductPatchSchema,
    ProductSchema,
    ProductWriteSchema,
)
from ecom.catalog.variant_schemas import ProductDetailArgsSchema, ProductDetailSchema
from ecom.common.cache import cached_response
from ecom.common.cache_families import CATEGORY_READS, PRODUCT_READS, STOCK_SHOWN
from ecom.common.fieldsets import either, optional_fields, sparse_answer, sparse_page
from ecom.common.pagination import page_schema, paginate
from ecom.common.permissions import is_staff


def _chosen(product: object, args: dict) -> object:
    """The detail, or only the fields ``?fields=`` names."""
    only = args.get("fieldset")
    return product if only is None else sparse_answer(ProductDetailSchema, only, product)


@blp.route("/categories/")
class Categories(MethodView):
    @cached_response(*CATEGORY_READS)
    @blp.arguments(CategoryListArgsSchema, location="query")
    @blp.response(200, page_schema(CategorySchema))
    def get(self, args):
        """List categories by name, optionally the children of one (`?parent=<id>|root`)."""
        return localized.category_page(
            paginate(categories.categories_query(args.get("parent")), args)
        )

    @blp.auth(permission="manage_catalog")
    @blp.arguments(CategoryWriteSchema)
    @blp.response(201, CategoryDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND", description="No such parent category.")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, data):
        """Create a category (staff); its slug is generated from the name."""
        return categories.create_category(data)


@blp.route("/categories/tree/")
class CategoryTree(MethodView):
    @cached_response(*CATEGORY_READS)
    @blp.response(200, CategoryTreeSchema(many=True))
    def get(self):
        """The whole category tree, nested."""
        return categories.category_tree()


@blp.route("/categories/<int:category_id>/")
class CategoryDetail(MethodView):
    @cached_response(*CATEGORY_READS)
    @blp.response(200, CategoryDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, category_id):
        """One category with its children and breadcrumbs (`path`)."""
        return localized.category(categories.get_category(category_id))

    @blp.auth(permission="manage_catalog")
    @blp.arguments(CategoryWriteSchema)
    @blp.response(200, CategoryDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def put(self, data, category_id):
        """Replace a category (staff); moving it under its own descendant is a 400."""
        return categories.update_category(category_id, data)

    @blp.auth(permission="manage_catalog")
    @blp.arguments(CategoryPatchSchema(partial=True))
    @blp.response(200, CategoryDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, data, category_id):
        """Update some fields of a category (staff)."""
        return categories.update_category(category_id, data)

    @blp.auth(permission="manage_catalog")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def delete(self, category_id):
        """Delete a category (staff); one with products or subcategories is a 409."""
        categories.delete_category(category_id)


@blp.route("/products/")
class Products(MethodView):
    @cached_response(*PRODUCT_READS, timeout_setting=STOCK_SHOWN)
    @blp.auth(None, optional=True)
    @blp.arguments(ProductListArgsSchema, location="query")
    @blp.response(200, page_schema(ProductSchema))
    @blp.doc(**either(page_schema(ProductSchema), page_schema(optional_fields(ProductSchema))))
    def get(self, args):
        """List products: filters, search and ordering; inactive ones for staff only.

        Counts above 1,000 are estimates (`count_is_estimate`), and a search with more
        matches than that is not ranked (newest first); page numbers stop at 500;
        `cursor=` walks the whole list in id order. `fields=` answers only those fields
        of each product."""
        only = args.pop("fieldset", None)
        page = localized.product_page(listing.list_products(args, include_inactive=is_staff()))
        return page if only is None else sparse_page(ProductSchema, only, page)

    @blp.auth(permission="manage_catalog")
    @blp.arguments(ProductWriteSchema)
    @blp.response(201, ProductSchema)
    @blp.alt_response(404, response="NOT_FOUND", description="No such category.")
    @blp.alt_response(409, response="CONFLICT", description="`sku_unavailable`: SKU taken.")
    def post(self, data):
        """Create a product (staff) with its default variant, which takes `price`,
        `stock_quantity` and `sku`; its slug is generated from the title."""
        return services.create_product(data)


@blp.route("/products/<int:product_id>/")
class ProductDetail(MethodView):
    @cached_response(*PRODUCT_READS, timeout_setting=STOCK_SHOWN)
    @blp.auth(None, optional=True)
    @blp.arguments(ProductDetailArgsSchema, location="query")
    @blp.response(200, ProductDetailSchema)
    @blp.doc(**either(ProductDetailSchema, optional_fields(ProductDetailSchema)))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, product_id):
        """One product with its options and variants (customers see the active ones); an
        inactive product is a 404 except for staff. `fields=` answers only those fields."""
        product = details.product_detail(product_id, include_inactive=is_staff())
        return _chosen(product, args)

    @blp.auth(permission="manage_catalog")
    @blp.arguments(ProductWriteSchema)
    @blp.response(200, ProductSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`sku_unavailable`: SKU taken.")
    def put(self, data, product_id):
        """Replace a product's fields (staff); the slug stays. `price`, `stock_quantity` and
        `sku` go to its only variant (400 `variant_required` when it has several: use variants/)."""
        return services.update_product(product_id, data)

    @blp.auth(permission="manage_catalog")
    @blp.arguments(ProductPatchSchema(partial=True))
    @blp.response(200, ProductSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`sku_unavailable`: SKU taken.")
    def patch(self, data, product_id):
        """Update some fields of a product (staff); `price`, `stock_quantity` and `sku` go
        to its only variant (400 `variant_required` when it has several: use variants/)."""
        return services.update_product(product_id, data)

    @blp.auth(permission="manage_catalog")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def delete(self, product_id):
        """Delete a product and its image (staff); one in orders is a 409 (deactivate it)."""
        services.delete_product(product_id)


@blp.route("/products/slug/<slug>/")
class ProductBySlug(MethodView):
    @cached_response(*PRODUCT_READS, timeout_setting=STOCK_SHOWN)
    @blp.auth(None, optional=True)
    @blp.arguments(ProductDetailArgsSchema, location="query")
    @blp.response(200, ProductDetailSchema)
    @blp.doc(**either(ProductDetailSchema, optional_fields(ProductDetailSchema)))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, slug):
        """One product by slug, as its detail; an inactive one is a 404 except for staff."""
        product = details.product_detail_by_slug(slug, include_inactive=is_staff())
        return _chosen(product, args)


@blp.route("/products/<int:product_id>/image/")
class ProductImage(MethodView):
    @blp.auth(permission="manage_catalog")
    @blp.arguments(ProductImageSchema, location="files")
    @blp.response(200, ProductSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(413, response="DEFAULT_ERROR", description="Image too large.")
    def post(self, files, product_id):
        """Upload or replace the product's image (staff); the old file is deleted."""
        return images.save_product_image(product_id, files["image"])

    @blp.auth(permission="manage_catalog")
    @blp.response(200, ProductSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, product_id):
        """Remove the product's image (staff)."""
        return images.delete_product_image(product_id)
