"""Every API route and method, with a valid request and who may make it.

``MATRIX`` maps (URL rule, method) to a valid body (or a function of the shop and the
caller's tokens) and the statuses for anonymous, customer (owner of the objects in the
path), another customer, staff and admin. The authorization matrix and the bad-input
suite both read it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ecom.accounts.links import ACTIVATION, EMAIL_CHANGE, PASSWORD_RESET, make_link
from ecom.accounts.models import User
from ecom.accounts.tokens import issue_tokens
from ecom.catalog import options
from ecom.common.models import utcnow
from ecom.extensions import db
from ecom.promotions import services as promotions
from ecom.promotions import vouchers
from ecom.tax import services as tax
from tests.bulk import make_bulk_jobs
from tests.factories import (
    ADDRESS,
    PASSWORD,
    fill_cart,
    make_address,
    make_category,
    make_method,
    make_order,
    make_product,
    make_review,
    make_user,
    make_zone,
)
from tests.payments import captured_payment

CALLERS = ("anonymous", "customer", "other", "staff", "admin")


@dataclass
class Shop:
    """Objects the paths name, and each caller's tokens."""

    path_values: dict[str, object]
    tokens: dict[str, dict[str, str]]
    ids: dict[str, int]


# A row: (body, or a function of the shop and the caller's tokens, or None) and the
# statuses for anonymous, customer (owner), other customer, staff, admin.
Body = dict | Callable[[Shop, dict], dict] | None

OPEN = (200, 200, 200, 200, 200)
SIGNED_IN = (401, 200, 200, 200, 200)
STAFF_ONLY = (401, 403, 403, 200, 200)
ADMIN_ONLY = (401, 403, 403, 403, 200)
OWNER_ONLY = (401, 200, 404, 404, 404)


def link_body(purpose: str, **fields: str) -> Callable[[Shop, dict], dict]:
    """A valid ``{uid, token}`` link of the shop's customer, with ``fields``."""

    def body(shop: Shop, _tokens: dict) -> dict:
        owner = db.session.scalar(db.select(User).where(User.email == shop.path_values["email"]))
        if purpose == EMAIL_CHANGE:
            owner.pending_email = "moved." + owner.email
            db.session.commit()
        return dict(zip(("uid", "token"), make_link(owner, purpose), strict=True), **fields)

    return body


PROMOTION = {
    "name": "Spring sale",
    "kind": "percentage",
    "value": "15",
    "starts_at": "2026-03-01T00:00:00Z",
    "ends_at": None,
}
VOUCHER = {"code": "SPRING5", "kind": "fixed", "value": "5", "starts_at": "2026-03-01T00:00:00Z"}


def product_body(shop: Shop, _tokens: dict) -> dict:
    return {"title": "Boots", "price": "59.90", "category": shop.ids["shoes"], "stock_quantity": 3}


MATRIX: dict[tuple[str, str], tuple[Body, tuple[int, ...]]] = {
    ("/api/v1/", "GET"): (None, OPEN),
    ("/health/", "GET"): (None, OPEN),
    ("/health/live/", "GET"): (None, OPEN),
    ("/health/ready/", "GET"): (None, OPEN),
    ("/api/v1/health/", "GET"): (None, OPEN),
    ("/api/v1/schema/", "GET"): (None, OPEN),
    ("/api/v1/docs/", "GET"): (None, OPEN),
    ("/api/v1/redoc/", "GET"): (None, OPEN),
    ("/api/v1/static/swagger-ui/<path:filename>", "GET"): (None, OPEN),
    # accounts
    ("/api/v1/auth/users/", "GET"): (None, ADMIN_ONLY),
    ("/api/v1/auth/users/", "POST"): (
        {"email": "new@example.com", "username": "newbie", "password": PASSWORD},
        (201, 201, 201, 201, 201),
    ),
    ("/api/v1/auth/users/me/", "GET"): (None, SIGNED_IN),
    ("/api/v1/auth/users/me/", "PUT"): (
        {
            "email": "ada.new@example.com",
            "username": "ada_new",
            "first_name": "Ada",
            "current_password": PASSWORD,
        },
        SIGNED_IN,
    ),
    ("/api/v1/auth/users/me/", "PATCH"): ({"last_name": "Byron"}, SIGNED_IN),
    ("/api/v1/auth/users/me/password/", "POST"): (
        {"current_password": PASSWORD, "new_password": "a-new-long-passphrase"},
        (401, 204, 204, 204, 204),
    ),
    # e-mailed links: anyone holding one may use it, no account is named otherwise
    ("/api/v1/auth/users/activation/", "POST"): (link_body(ACTIVATION), (204,) * 5),
    ("/api/v1/auth/users/resend_activation/", "POST"): (
        lambda shop, _: {"email": shop.path_values["email"]},
        (204,) * 5,
    ),
    ("/api/v1/auth/users/reset_password/", "POST"): (
        lambda shop, _: {"email": shop.path_values["email"]},
        (204,) * 5,
    ),
    ("/api/v1/auth/users/reset_password_confirm/", "POST"): (
        link_body(PASSWORD_RESET, new_password="a-new-long-passphrase"),
        (204,) * 5,
    ),
    ("/api/v1/auth/users/confirm_email/", "POST"): (link_body(EMAIL_CHANGE), (204,) * 5),
    ("/api/v1/auth/users/<int:user_id>/", "GET"): (None, ADMIN_ONLY),
    ("/api/v1/auth/users/<int:user_id>/", "PATCH"): ({"role": "staff"}, ADMIN_ONLY),
    ("/api/v1/auth/users/<int:user_id>/", "DELETE"): (None, (401, 403, 403, 403, 204)),
    ("/api/v1/auth/jwt/create/", "POST"): (
        lambda shop, _: {"email": shop.path_values["email"], "password": PASSWORD},
        OPEN,
    ),
    ("/api/v1/auth/jwt/refresh/", "POST"): (
        lambda shop, _: {"refresh": shop.tokens["customer"]["refresh"]},
        OPEN,
    ),
    ("/api/v1/auth/jwt/verify/", "POST"): (
        lambda shop, _: {"token": shop.tokens["customer"]["access"]},
        OPEN,
    ),
    ("/api/v1/auth/jwt/logout/", "POST"): (
        lambda _, tokens: {"refresh": tokens.get("refresh", "none")},
        (401, 204, 204, 204, 204),
    ),
    # the address book is the caller's own: anybody else's address is not found
    ("/api/v1/auth/users/me/addresses/", "GET"): (None, SIGNED_IN),
    ("/api/v1/auth/users/me/addresses/", "POST"): (ADDRESS, (401, 201, 201, 201, 201)),
    ("/api/v1/auth/users/me/addresses/<int:address_id>/", "GET"): (None, OWNER_ONLY),
    ("/api/v1/auth/users/me/addresses/<int:address_id>/", "PUT"): (ADDRESS, OWNER_ONLY),
    ("/api/v1/auth/users/me/addresses/<int:address_id>/", "PATCH"): (
        {"city": "Paris"},
        OWNER_ONLY,
    ),
    ("/api/v1/auth/users/me/addresses/<int:address_id>/", "DELETE"): (
        None,
        (401, 204, 404, 404, 404),
    ),
    # catalog: reads are public, writes are staff's
    ("/api/v1/categories/", "GET"): (None, OPEN),
    ("/api/v1/categories/", "POST"): ({"name": "Hats"}, (401, 403, 403, 201, 201)),
    ("/api/v1/categories/tree/", "GET"): (None, OPEN),
    ("/api/v1/categories/<int:category_id>/", "GET"): (None, OPEN),
    ("/api/v1/categories/<int:category_id>/", "PUT"): ({"name": "Caps"}, STAFF_ONLY),
    ("/api/v1/categories/<int:category_id>/", "PATCH"): ({"description": "Warm."}, STAFF_ONLY),
    ("/api/v1/categories/<int:category_id>/", "DELETE"): (None, (401, 403, 403, 204, 204)),
    ("/api/v1/products/", "GET"): (None, OPEN),
    ("/api/v1/products/", "POST"): (product_body, (401, 403, 403, 201, 201)),
    ("/api/v1/products/<int:product_id>/", "GET"): (None, OPEN),
    ("/api/v1/products/<int:product_id>/", "PUT"): (product_body, STAFF_ONLY),
    ("/api/v1/products/<int:product_id>/", "PATCH"): ({"price": "12.50"}, STAFF_ONLY),
    ("/api/v1/products/<int:product_id>/", "DELETE"): (None, (401, 403, 403, 204, 204)),
    ("/api/v1/products/slug/<slug>/", "GET"): (None, OPEN),
    # a product's variants and options: public reads, staff writes
    ("/api/v1/products/<int:product_id>/variants/", "GET"): (None, OPEN),
    ("/api/v1/products/<int:product_id>/variants/", "POST"): (
        {"sku": "BOOT-M", "price": "61.00", "options": {"Size": "M"}},
        (401, 403, 403, 201, 201),
    ),
    ("/api/v1/products/<int:product_id>/variants/<int:variant_id>/", "GET"): (None, OPEN),
    ("/api/v1/products/<int:product_id>/variants/<int:variant_id>/", "PUT"): (
        {"sku": "BOOT-S", "price": "58.00", "stock_quantity": 4},
        STAFF_ONLY,
    ),
    ("/api/v1/products/<int:product_id>/variants/<int:variant_id>/", "PATCH"): (
        {"stock_quantity": 5},
        STAFF_ONLY,
    ),
    # the product's only variant: staff get as far as the rule (a product keeps one)
    ("/api/v1/products/<int:product_id>/variants/<int:variant_id>/", "DELETE"): (
        None,
        (401, 403, 403, 409, 409),
    ),
    ("/api/v1/products/<int:product_id>/options/", "GET"): (None, OPEN),
    ("/api/v1/products/<int:product_id>/options/", "POST"): (
        {"name": "Colour", "values": ["Black", "Brown"]},
        (401, 403, 403, 201, 201),
    ),
    ("/api/v1/products/<int:product_id>/options/<int:option_id>/", "PATCH"): (
        {"name": "Fit", "values": ["S", "M"]},
        STAFF_ONLY,
    ),
    ("/api/v1/products/<int:product_id>/options/<int:option_id>/", "DELETE"): (
        None,
        (401, 403, 403, 204, 204),
    ),
    # no file: authorised callers get as far as validation
    ("/api/v1/products/<int:product_id>/image/", "POST"): (None, (401, 403, 403, 400, 400)),
    ("/api/v1/products/<int:product_id>/image/", "DELETE"): (None, STAFF_ONLY),
    ("/api/v1/products/<int:product_id>/variants/<int:variant_id>/image/", "POST"): (
        None,
        (401, 403, 403, 400, 400),
    ),
    ("/api/v1/products/<int:product_id>/variants/<int:variant_id>/image/", "DELETE"): (
        None,
        STAFF_ONLY,
    ),
    # the cart is the caller's own
    ("/api/v1/cart/", "GET"): (None, SIGNED_IN),
    ("/api/v1/cart/add/", "POST"): (
        lambda shop, _: {"product_id": shop.ids["product"], "quantity": 1},
        SIGNED_IN,
    ),
    ("/api/v1/cart/update/<int:item_id>/", "PUT"): ({"quantity": 2}, OWNER_ONLY),
    ("/api/v1/cart/update/<int:item_id>/", "PATCH"): ({"quantity": 3}, OWNER_ONLY),
    ("/api/v1/cart/remove/<int:item_id>/", "DELETE"): (None, (401, 204, 404, 404, 404)),
    ("/api/v1/cart/clear/", "DELETE"): (None, (401, 204, 204, 204, 204)),
    # a quote needs a destination: without one, 409 destination_required once signed in
    ("/api/v1/cart/shipping-methods/", "GET"): (None, (401, 409, 409, 409, 409)),
    ("/api/v1/cart/voucher/", "POST"): ({"code": "shop5"}, SIGNED_IN),
    ("/api/v1/cart/voucher/", "DELETE"): (None, (401, 204, 204, 204, 204)),
    # orders: the owner's, or anybody's for staff; only staff move the status
    ("/api/v1/orders/", "GET"): (None, SIGNED_IN),
    # only the owner has a cart to check out; an empty cart is a 409
    ("/api/v1/orders/", "POST"): (
        lambda shop, _: {"shipping_method_id": shop.path_values["method_id"]},
        (401, 201, 409, 409, 409),
    ),
    ("/api/v1/orders/<int:order_id>/", "GET"): (None, (401, 200, 404, 200, 200)),
    # (the shop's order has an authorized payment: only its capture marks it paid)
    ("/api/v1/orders/<int:order_id>/", "PUT"): ({"status": "cancelled"}, STAFF_ONLY),
    ("/api/v1/orders/<int:order_id>/", "PATCH"): ({"status": "cancelled"}, STAFF_ONLY),
    ("/api/v1/orders/<int:order_id>/cancel/", "POST"): ({}, OWNER_ONLY),
    # payments: the owner pays; the owner and staff see them; webhooks need a signature
    ("/api/v1/orders/<int:order_id>/pay/", "POST"): ({}, (401, 201, 404, 404, 404)),
    ("/api/v1/orders/<int:order_id>/payments/", "GET"): (None, (401, 200, 404, 200, 200)),
    ("/api/v1/payments/webhooks/<provider>/", "POST"): (None, (400,) * 5),
    # staff refund part of the order's captured (flagged) payment
    ("/api/v1/orders/<int:order_id>/refund/", "POST"): (
        {"reason": "Damaged", "amount": "1.00"},
        (401, 403, 403, 201, 201),
    ),
    # staff capture the order's authorized payment
    ("/api/v1/orders/<int:order_id>/capture/", "POST"): (None, (401, 403, 403, 202, 202)),
    # reviews: public reads, one's own edits; staff may delete
    ("/api/v1/reviews/", "GET"): (None, OPEN),
    ("/api/v1/reviews/", "POST"): (
        lambda shop, _: {"product": shop.ids["spare"], "rating": 5, "comment": "Great."},
        (401, 201, 201, 201, 201),
    ),
    ("/api/v1/reviews/<int:review_id>/", "GET"): (None, OPEN),
    ("/api/v1/reviews/<int:review_id>/", "PUT"): (
        {"rating": 2, "comment": "Worn out."},
        (401, 200, 403, 403, 403),
    ),
    ("/api/v1/reviews/<int:review_id>/", "PATCH"): ({"rating": 3}, (401, 200, 403, 403, 403)),
    ("/api/v1/reviews/<int:review_id>/", "DELETE"): (None, (401, 204, 403, 204, 204)),
    # shipping zones and methods: staff's
    ("/api/v1/shipping/zones/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/shipping/zones/", "POST"): (
        {"name": "Nordics", "countries": ["NO", "DK"]},
        (401, 403, 403, 201, 201),
    ),
    ("/api/v1/shipping/zones/<int:zone_id>/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/shipping/zones/<int:zone_id>/", "PATCH"): ({"name": "Sweden"}, STAFF_ONLY),
    ("/api/v1/shipping/zones/<int:zone_id>/", "DELETE"): (None, (401, 403, 403, 204, 204)),
    ("/api/v1/shipping/methods/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/shipping/methods/", "POST"): (
        lambda shop, _: {
            "zone": shop.path_values["zone_id"],
            "name": "Courier",
            "min_days": 1,
            "max_days": 2,
            "rate": "flat",
            "price": "9.00",
        },
        (401, 403, 403, 201, 201),
    ),
    ("/api/v1/shipping/methods/<int:method_id>/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/shipping/methods/<int:method_id>/", "PATCH"): ({"is_active": False}, STAFF_ONLY),
    ("/api/v1/shipping/methods/<int:method_id>/", "DELETE"): (None, (401, 403, 403, 204, 204)),
    # promotions and vouchers: staff's alone
    ("/api/v1/promotions/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/promotions/", "POST"): (PROMOTION, (401, 403, 403, 201, 201)),
    ("/api/v1/promotions/<int:promotion_id>/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/promotions/<int:promotion_id>/", "PUT"): (PROMOTION, STAFF_ONLY),
    ("/api/v1/promotions/<int:promotion_id>/", "PATCH"): ({"is_active": False}, STAFF_ONLY),
    ("/api/v1/promotions/<int:promotion_id>/", "DELETE"): (None, (401, 403, 403, 204, 204)),
    ("/api/v1/vouchers/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/vouchers/", "POST"): (VOUCHER, (401, 403, 403, 201, 201)),
    ("/api/v1/vouchers/<int:voucher_id>/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/vouchers/<int:voucher_id>/", "PUT"): (VOUCHER, STAFF_ONLY),
    ("/api/v1/vouchers/<int:voucher_id>/", "PATCH"): ({"usage_limit": 100}, STAFF_ONLY),
    ("/api/v1/vouchers/<int:voucher_id>/", "DELETE"): (None, (401, 403, 403, 204, 204)),
    ("/api/v1/vouchers/<int:voucher_id>/redemptions/", "GET"): (None, STAFF_ONLY),
    # tax classes and rates: staff's
    ("/api/v1/tax/classes/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/tax/classes/", "POST"): ({"name": "Super reduced"}, (401, 403, 403, 201, 201)),
    ("/api/v1/tax/classes/<int:tax_class_id>/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/tax/classes/<int:tax_class_id>/", "PATCH"): ({"name": "Lower"}, STAFF_ONLY),
    ("/api/v1/tax/classes/<int:tax_class_id>/", "DELETE"): (None, (401, 403, 403, 204, 204)),
    ("/api/v1/tax/rates/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/tax/rates/", "POST"): (
        {"country": "FR", "tax_class": None, "rate": "20"},
        (401, 403, 403, 201, 201),
    ),
    ("/api/v1/tax/rates/<int:tax_rate_id>/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/tax/rates/<int:tax_rate_id>/", "PATCH"): ({"rate": "7.5"}, STAFF_ONLY),
    ("/api/v1/tax/rates/<int:tax_rate_id>/", "DELETE"): (None, (401, 403, 403, 204, 204)),
    # bulk import and export: staff's (a JSON body is no multipart upload: 400)
    ("/api/v1/imports/", "POST"): (None, (401, 403, 403, 400, 400)),
    ("/api/v1/imports/<int:import_id>/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/exports/", "POST"): ({"kind": "customers"}, (401, 403, 403, 202, 202)),
    ("/api/v1/exports/<int:export_id>/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/exports/<int:export_id>/file/", "GET"): (None, STAFF_ONLY),
}

CONVERTER = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>")


def make_shop() -> Shop:
    """A fresh shop: the owner's address, cart line, order and review; an empty category;
    a spare product in one size; a shipping zone without methods and a method of another."""
    owner, other = make_user("customer"), make_user("customer")
    staff, admin = make_user("staff"), make_user("admin")
    shoes = make_category("Shoes")
    empty = make_category("Empty")
    product, spare = make_product(shoes, stock=20), make_product(shoes, stock=20)
    size = options.create_option(spare.id, {"name": "Size", "values": ["S"]})
    order = make_order(owner, (product, 1))
    captured_payment(order)
    captured_payment(order, status="authorized")
    [line] = fill_cart(owner, (product, 2))
    review = make_review(owner, product)
    address = make_address(owner)
    empty_zone, method = make_zone("SE"), make_method(make_zone("US", "GB"))
    promotion = promotions.create_promotion({**PROMOTION, "starts_at": utcnow()})
    voucher = vouchers.create_voucher({**VOUCHER, "code": "SHOP5", "starts_at": utcnow()})
    tax.create_class({"name": "Standard"})
    reduced = tax.create_class({"name": "Reduced"})
    rate = tax.create_rate({"country": "DE", "tax_class_id": reduced.id, "rate": Decimal("7")})
    bulk_import, bulk_export = make_bulk_jobs()
    users = {"customer": owner, "other": other, "staff": staff, "admin": admin}
    return Shop(
        path_values={
            "user_id": other.id,
            "address_id": address.id,
            "category_id": empty.id,
            "product_id": spare.id,
            "slug": spare.slug,
            "variant_id": spare.variants[0].id,
            "option_id": size.id,
            "item_id": line.id,
            "order_id": order.id,
            "provider": "dummy",
            "review_id": review.id,
            "promotion_id": promotion.id,
            "voucher_id": voucher.id,
            "filename": "swagger-ui.css",
            "email": owner.email,
            "zone_id": empty_zone.id,
            "method_id": method.id,
            "tax_class_id": reduced.id,
            "tax_rate_id": rate.id,
            "import_id": bulk_import.id,
            "export_id": bulk_export.id,
        },
        tokens={name: issue_tokens(user) for name, user in users.items()},
        ids={"shoes": shoes.id, "product": product.id, "spare": spare.id},
    )


def path_for(rule: str, shop: Shop) -> str:
    """``rule`` with its variables filled from the shop."""
    return CONVERTER.sub(lambda match: str(shop.path_values[match.group(1)]), rule)


def body_for(rule: str, method: str, shop: Shop, caller: str) -> dict | None:
    body = MATRIX[(rule, method)][0]
    return body(shop, shop.tokens.get(caller, {})) if callable(body) else body
