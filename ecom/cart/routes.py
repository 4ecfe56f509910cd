from flask.views import MethodView
from flask_jwt_extended import current_user

from ecom.cart import quotes, services
from ecom.cart.schemas import (
    CartAddSchema,
    CartQuantityPatchSchema,
    CartQuantitySchema,
    CartQuoteArgsSchema,
    CartSchema,
    DestinationArgsSchema,
    ShippingOptionSchema,
    VoucherCodeSchema,
)
from ecom.common.api import Blueprint
from ecom.common.conditional import private_etag

blp = Blueprint(
    "cart", __name__, url_prefix="/api/v1/cart", description="The caller's shopping cart."
)


@blp.route("/")
class CartView(MethodView):
    @private_etag
    @blp.auth()
    @blp.arguments(CartQuoteArgsSchema, location="query")
    @blp.response(200, CartSchema)
    @blp.alt_response(404, response="NOT_FOUND", description="No such address of the caller.")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="shipping_method_not_offered: the method does not ship there or this cart; "
        "destination_ambiguous: address_id and country both sent; destination_required: "
        "shipping_method_id without address_id or country.",
    )
    def get(self, args):
        """The caller's cart, priced at current prices.

        With a destination (a saved address, or a country and postal code) and a
        shipping_method_id, the answer is the quote checkout will charge: shipping and the
        destination's tax included. Without one, tax is the shop's own country's."""
        return quotes.priced_cart(current_user, quotes.QuoteRequest(**args))


@blp.route("/shipping-methods/")
class CartShippingMethods(MethodView):
    @blp.auth()
    @blp.arguments(DestinationArgsSchema, location="query")
    @blp.response(200, ShippingOptionSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND", description="No such address of the caller.")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="destination_required: neither address_id nor country sent; "
        "destination_ambiguous: both sent.",
    )
    def get(self, args):
        """The shipping methods offered for the cart to a destination, cheapest first."""
        return quotes.shipping_methods(current_user, quotes.QuoteRequest(**args))


@blp.route("/voucher/")
class CartVoucher(MethodView):
    @blp.auth()
    @blp.arguments(VoucherCodeSchema)
    @blp.response(200, CartSchema)
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="The code does not apply: voucher_not_found, voucher_expired, "
        "voucher_not_active, voucher_exhausted, voucher_customer_limit, "
        "voucher_first_order_only, voucher_min_subtotal or voucher_min_quantity.",
    )
    def post(self, data):
        """Enter a voucher: kept on the cart, checked again whenever it is priced."""
        return quotes.enter_voucher(current_user, data["code"])

    @blp.auth()
    @blp.response(204)
    def delete(self):
        """Take the voucher off the cart."""
        quotes.remove_voucher(current_user)


@blp.route("/add/")
class CartAdd(MethodView):
    @blp.auth()
    @blp.arguments(CartAddSchema)
    @blp.response(200, CartSchema)
    @blp.alt_response(
        400,
        response="BAD_REQUEST",
        description="Bad input, or variant_required: the product has several variants.",
    )
    @blp.alt_response(404, response="NOT_FOUND", description="No such variant or product on sale.")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="More than the stock on hand, or line_full: the line would pass 999 units.",
    )
    def post(self, data):
        """Add a variant, or add to its quantity when it is already in the cart.

        Name the variant (variant_id), or a product with a single variant (product_id): a
        product with several variants answers 400 with the code variant_required."""
        services.add_item(
            current_user,
            data.get("product_id"),
            data["quantity"],
            variant_id=data.get("variant_id"),
        )
        return quotes.priced_cart(current_user)


@blp.route("/update/<int:item_id>/")
class CartUpdate(MethodView):
    def _update(self, data, item_id):
        services.update_item(current_user, item_id, data.get("quantity"))
        return quotes.priced_cart(current_user)

    @blp.auth()
    @blp.arguments(CartQuantitySchema)
    @blp.response(200, CartSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="More than the stock on hand.")
    def put(self, data, item_id):
        """Set a line's quantity."""
        return self._update(data, item_id)

    @blp.auth()
    @blp.arguments(CartQuantityPatchSchema(partial=True))
    @blp.response(200, CartSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="More than the stock on hand.")
    def patch(self, data, item_id):
        """Set a line's quantity, if given."""
        return self._update(data, item_id)


@blp.route("/remove/<int:item_id>/")
class CartRemove(MethodView):
    @blp.auth()
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, item_id):
        """Remove a line from the cart."""
        services.remove_item(current_user, item_id)


@blp.route("/clear/")
class CartClear(MethodView):
    @blp.auth()
    @blp.response(204)
    def delete(self):
        """Empty the cart."""
        services.clear(current_user)
