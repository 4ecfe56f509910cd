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

from sqlalchemy import update

from ecom.accounts import groups, integration_tokens
from ecom.accounts.links import ACTIVATION, EMAIL_CHANGE, PASSWORD_RESET, make_link
from ecom.accounts.models import User
from ecom.accounts.tokens import issue_tokens
from ecom.catalog import options
from ecom.catalog.translating import CATEGORY, OPTION, OPTION_VALUE, PRODUCT, save_translation
from ecom.common.models import utcnow
from ecom.extensions import db
from ecom.fulfilment import services as fulfilments
from ecom.integrations.webhooks import services as webhooks
from ecom.integrations.webhooks.models import WebhookDelivery, WebhookSubscription
from ecom.promotions import services as promotions
from ecom.promotions import vouchers
from ecom.returns import handling, requests
from ecom.returns.models import Return
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
from tests.factories import deliver as deliver_order
from tests.fulfilments import make_carrier
from tests.payments import captured_payment

CALLERS = ("anonymous", "customer", "other", "staff", "admin")


@dataclass
class Shop:
    """Objects the paths name, and each caller's tokens."""

    path_values: dict[str, object]
    tokens: dict[str, dict[str, str]]
    ids: dict[str, int]

    def value(self, name: str) -> object:
        """A path value; those of ``LATER`` are made on first use (most cells need none)."""
        if name not in self.path_values and name in LATER:
            self.path_values.update(LATER[name](self))
        return self.path_values[name]


def shipped_order(shop: Shop) -> dict[str, int]:
    """The customer's paid order, one unit of it shipped with a carrier of its own."""
    owner = db.session.scalar(db.select(User).where(User.email == shop.path_values["email"]))
    staff = make_user("staff")
    order = make_order(owner, (make_product(stock=5), 2), statuses=("paid",), actor=staff)
    line = order.items[0]  # (the customer's cart line joined it)
    carrier = make_carrier("Shop Post")
    fulfilment = fulfilments.create_fulfilment(
        order.id,
        {
            "carrier": carrier.id,
            "tracking_number": "SP1",
            "lines": [{"line": line.id, "quantity": 1}],
        },
        actor=staff,
    )
    return {
        "shipped_order_id": order.id,
        "shipped_line_id": line.id,
        "shipping_carrier_id": carrier.id,
        "fulfilment_id": fulfilment.id,
    }


LATER: dict[str, Callable[[Shop], dict[str, int]]] = {
    "carrier_id": lambda _shop: {"carrier_id": make_carrier("Spare Post").id},
    **{
        name: shipped_order
        for name in ("shipped_order_id", "shipped_line_id", "shipping_carrier_id", "fulfilment_id")
    },
}


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
# A receiver nothing listens on: the test environment allows loopback targets.
WEBHOOK = {"url": "http://127.0.0.1:9/hooks", "events": ["order.paid", "product.created"]}
VOUCHER = {"code": "SPRING5", "kind": "fixed", "value": "5", "starts_at": "2026-03-01T00:00:00Z"}


def return_at(*steps: str, **body: object) -> Callable[[Shop, dict], dict]:
    """``body``, once staff moved the shop's return through ``steps`` (those not yet
    taken: the bad-input suite asks for a body several times)."""
    moves = {"approve": ("requested", handling.approve), "receive": ("approved", handling.receive)}

    def make(shop: Shop, _tokens: dict) -> dict:
        staff = db.session.get(User, shop.ids["staff"])
        return_id = shop.path_values["return_id"]
        for step in steps:
            before, move = moves[step]
            if db.session.get(Return, return_id).status == before:
                extra = {"restock": []} if step == "receive" else {}
                move(return_id, actor=staff, **extra)
        return body

    return make


def product_body(shop: Shop, _tokens: dict) -> dict:
    return {"title": "Boots", "price": "59.90", "category": shop.ids["shoes"], "stock_quantity": 3}


# What a translated kind's routes start with, and a valid translation of it.
OPTION_RULE = "/api/v1/products/<int:product_id>/options/<int:option_id>/"
TRANSLATED = {
    "/api/v1/products/<int:product_id>/": {"title": "Bottes"},
    "/api/v1/categories/<int:category_id>/": {"name": "Vide"},
    OPTION_RULE: {"name": "Pointure"},
    f"{OPTION_RULE}values/<int:value_id>/": {"value": "Petit"},
}

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
    # catalogue translations: staff's, reads included
    **{(f"{owner}translations/", "GET"): (None, STAFF_ONLY) for owner in TRANSLATED},
    **{
        (f"{owner}translations/<language:language>/", "PATCH"): (body, STAFF_ONLY)
        for owner, body in TRANSLATED.items()
    },
    **{
        (f"{owner}translations/<language:language>/", "DELETE"): (None, (401, 403, 403, 204, 204))
        for owner in TRANSLATED
    },
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
    # finding orders: staff export the list and keep internal notes the customer never sees
    ("/api/v1/orders/export/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/orders/<int:order_id>/notes/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/orders/<int:order_id>/notes/", "POST"): (
        {"body": "Called the customer."},
        (401, 403, 403, 201, 201),
    ),
    # invoices: the shop's order is unpaid, so none is issued (invoice_not_issued) and no
    # credit note either; tests/test_invoices.py and test_credit_notes.py download issued ones
    ("/api/v1/orders/<int:order_id>/invoice/", "GET"): (None, (401, 404, 404, 404, 404)),
    ("/api/v1/orders/<int:order_id>/credit-notes/", "GET"): (None, (401, 200, 404, 200, 200)),
    ("/api/v1/orders/<int:order_id>/credit-notes/<int:credit_note_id>/", "GET"): (
        None,
        (401, 404, 404, 404, 404),
    ),
    # returns: the owner asks and cancels; the owner and staff see them; staff handle them
    ("/api/v1/orders/<int:order_id>/returns/", "GET"): (None, (401, 200, 404, 200, 200)),
    ("/api/v1/orders/<int:order_id>/returns/", "POST"): (
        lambda shop, _: {"lines": [{"item": shop.ids["item"], "quantity": 1, "reason": "damaged"}]},
        (401, 201, 404, 404, 404),
    ),
    ("/api/v1/returns/<int:return_id>/", "GET"): (None, (401, 200, 404, 200, 200)),
    ("/api/v1/returns/<int:return_id>/cancel/", "POST"): (None, OWNER_ONLY),
    ("/api/v1/returns/<int:return_id>/approve/", "POST"): ({}, STAFF_ONLY),
    ("/api/v1/returns/<int:return_id>/reject/", "POST"): ({"reason": "Worn."}, STAFF_ONLY),
    ("/api/v1/returns/<int:return_id>/receive/", "POST"): (
        return_at("approve", restock=[]),
        STAFF_ONLY,
    ),
    ("/api/v1/returns/<int:return_id>/refund/", "POST"): (
        return_at("approve", "receive", include_shipping=False),
        STAFF_ONLY,
    ),
    ("/api/v1/orders/<int:order_id>/goodwill-refunds/", "POST"): (
        {"reason": "Late delivery", "amount": "1.00"},
        (401, 403, 403, 201, 201),
    ),
    ("/api/v1/orders/<int:order_id>/refunds/", "GET"): (None, (401, 200, 404, 200, 200)),
    # fulfilments (of the customer's shipped order): staff ship and deliver, the owner sees
    ("/api/v1/orders/<int:order_id>/fulfilments/", "GET"): (None, (401, 200, 404, 200, 200)),
    ("/api/v1/orders/<int:order_id>/fulfilments/", "POST"): (
        lambda shop, _: {
            "carrier": shop.value("shipping_carrier_id"),
            "tracking_number": "SP2",
            "lines": [{"line": shop.value("shipped_line_id"), "quantity": 1}],
        },
        (401, 403, 403, 201, 201),
    ),
    ("/api/v1/orders/<int:order_id>/fulfilments/<int:fulfilment_id>/", "GET"): (
        None,
        (401, 200, 404, 200, 200),
    ),
    ("/api/v1/orders/<int:order_id>/fulfilments/<int:fulfilment_id>/delivered/", "POST"): (
        None,
        STAFF_ONLY,
    ),
    ("/api/v1/orders/<int:order_id>/fulfilments/delivered/", "POST"): (None, STAFF_ONLY),
    # carriers: staff's (this one never shipped a parcel, so it may go)
    ("/api/v1/carriers/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/carriers/", "POST"): (
        {"name": "Bpost", "tracking_url_template": "https://track.bpost.example/{tracking_number}"},
        (401, 403, 403, 201, 201),
    ),
    ("/api/v1/carriers/<int:carrier_id>/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/carriers/<int:carrier_id>/", "PATCH"): ({"name": "Spare Post 2"}, STAFF_ONLY),
    ("/api/v1/carriers/<int:carrier_id>/", "DELETE"): (None, (401, 403, 403, 204, 204)),
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
    # the audit log: read with view_reports, written by nobody
    ("/api/v1/audit/", "GET"): (None, STAFF_ONLY),
    # webhooks: staff's
    ("/api/v1/webhooks/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/webhooks/", "POST"): (WEBHOOK, (401, 403, 403, 201, 201)),
    ("/api/v1/webhooks/<int:subscription_id>/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/webhooks/<int:subscription_id>/", "PATCH"): ({"is_active": False}, STAFF_ONLY),
    ("/api/v1/webhooks/<int:subscription_id>/", "DELETE"): (None, (401, 403, 403, 204, 204)),
    ("/api/v1/webhooks/<int:subscription_id>/ping/", "POST"): (None, (401, 403, 403, 202, 202)),
    ("/api/v1/webhooks/<int:subscription_id>/deliveries/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/webhooks/deliveries/<int:delivery_id>/redeliver/", "POST"): (
        None,
        (401, 403, 403, 202, 202),
    ),
    # permission groups and integration tokens: staff's (granting only what they hold)
    ("/api/v1/permission-groups/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/permission-groups/", "POST"): (
        {"name": "Team leads", "permissions": ["manage_staff"]},
        (401, 403, 403, 201, 201),
    ),
    ("/api/v1/permission-groups/<int:group_id>/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/permission-groups/<int:group_id>/", "PATCH"): ({"name": "Leads"}, STAFF_ONLY),
    ("/api/v1/permission-groups/<int:group_id>/", "DELETE"): (None, (401, 403, 403, 204, 204)),
    ("/api/v1/integration-tokens/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/integration-tokens/", "POST"): (
        {"name": "Warehouse", "permissions": ["manage_integrations"]},
        (401, 403, 403, 201, 201),
    ),
    ("/api/v1/integration-tokens/<int:token_id>/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/integration-tokens/<int:token_id>/", "DELETE"): (None, (401, 403, 403, 204, 204)),
    # bulk import and export: staff's (a JSON body is no multipart upload: 400)
    ("/api/v1/imports/", "POST"): (None, (401, 403, 403, 400, 400)),
    ("/api/v1/imports/<int:import_id>/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/exports/", "POST"): ({"kind": "customers"}, (401, 403, 403, 202, 202)),
    ("/api/v1/exports/<int:export_id>/", "GET"): (None, STAFF_ONLY),
    ("/api/v1/exports/<int:export_id>/file/", "GET"): (None, STAFF_ONLY),
}

# The permission each staff operation needs (its ``auth(permission=...)``): the matrix
# checks it against the OpenAPI document, and calls the operation as staff of a group
# granting exactly it, staff lacking it, and integration tokens with and without it.
_CATALOG_WRITES = [
    (rule, method)
    for (rule, method) in MATRIX
    if rule.startswith(("/api/v1/categories/", "/api/v1/products/"))
    and (method != "GET" or rule.endswith("/translations/"))
]
PERMISSION_OF: dict[tuple[str, str], str] = {
    **dict.fromkeys(_CATALOG_WRITES, "manage_catalog"),
    ("/api/v1/orders/<int:order_id>/", "PUT"): "manage_orders",
    ("/api/v1/orders/<int:order_id>/", "PATCH"): "manage_orders",
    ("/api/v1/orders/<int:order_id>/capture/", "POST"): "manage_orders",
    ("/api/v1/orders/<int:order_id>/refund/", "POST"): "manage_refunds",
    **{
        row: "manage_pricing"
        for row in MATRIX
        if row[0].startswith(
            ("/api/v1/shipping/", "/api/v1/promotions/", "/api/v1/vouchers/", "/api/v1/tax/")
        )
    },
    **{row: "manage_staff" for row in MATRIX if row[0].startswith("/api/v1/permission-groups/")},
    **{
        row: "manage_integrations"
        for row in MATRIX
        if row[0].startswith(("/api/v1/integration-tokens/", "/api/v1/webhooks/"))
    },
    # after the sale: shipping and handling returns are the orders' work, money the refunds'
    **{
        (rule, method): "manage_orders"
        for (rule, method) in MATRIX
        if rule.startswith("/api/v1/carriers/") or ("/fulfilments/" in rule and method != "GET")
    },
    ("/api/v1/orders/<int:order_id>/notes/", "GET"): "manage_orders",
    ("/api/v1/orders/<int:order_id>/notes/", "POST"): "manage_orders",
    ("/api/v1/returns/<int:return_id>/approve/", "POST"): "manage_orders",
    ("/api/v1/returns/<int:return_id>/reject/", "POST"): "manage_orders",
    ("/api/v1/returns/<int:return_id>/receive/", "POST"): "manage_orders",
    ("/api/v1/returns/<int:return_id>/refund/", "POST"): "manage_refunds",
    ("/api/v1/orders/<int:order_id>/goodwill-refunds/", "POST"): "manage_refunds",
    ("/api/v1/orders/export/", "GET"): "view_reports",
    ("/api/v1/audit/", "GET"): "view_reports",
    ("/api/v1/imports/", "POST"): "manage_catalog",
    ("/api/v1/imports/<int:import_id>/", "GET"): "manage_catalog",
    ("/api/v1/exports/", "POST"): "view_reports",
    ("/api/v1/exports/<int:export_id>/", "GET"): "view_reports",
    ("/api/v1/exports/<int:export_id>/file/", "GET"): "view_reports",
}

CONVERTER = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>")


def make_shop() -> Shop:
    """A fresh shop: the owner's address, cart line, order and review; an empty category;
    a spare product in one size; a shipping zone without methods and a method of another."""
    owner, other = make_user("customer"), make_user("customer")
    staff, admin = make_user("staff"), make_user("admin")
    [staff_group] = staff.groups
    team = groups.create_group(None, {"name": "Support", "permissions": ["manage_staff"]})
    token, _secret = integration_tokens.create_token(None, "Old ERP", ["manage_orders"])
    shoes = make_category("Shoes")
    empty = make_category("Empty")
    product, spare = make_product(shoes, stock=20), make_product(shoes, stock=20)
    size = options.create_option(spare.id, {"name": "Size", "values": ["S"]})
    translated = (
        (PRODUCT, {"title": "Botte"}, {"product_id": spare.id}),
        (CATEGORY, {"name": "Rien"}, {"category_id": empty.id}),
        (OPTION, {"name": "Taille"}, {"product_id": spare.id, "option_id": size.id}),
        (
            OPTION_VALUE,
            {"value": "P"},
            {"product_id": spare.id, "option_id": size.id, "value_id": size.values[0].id},
        ),
    )
    for kind, texts, path in translated:
        save_translation(kind, "fr", texts, **path)
    order = deliver_order(make_order(owner, (product, 2)))
    captured_payment(order)
    captured_payment(order, status="authorized")
    [line] = fill_cart(owner, (product, 2))
    review = make_review(owner, product)
    [item] = order.items
    return_ = requests.request_return(
        owner, order.id, [{"item": item.id, "quantity": 1, "reason": "size_or_fit"}]
    )
    address = make_address(owner)
    empty_zone, method = make_zone("SE"), make_method(make_zone("US", "GB"))
    promotion = promotions.create_promotion({**PROMOTION, "starts_at": utcnow()})
    voucher = vouchers.create_voucher({**VOUCHER, "code": "SHOP5", "starts_at": utcnow()})
    tax.create_class({"name": "Standard"})
    reduced = tax.create_class({"name": "Reduced"})
    rate = tax.create_rate({"country": "DE", "tax_class_id": reduced.id, "rate": Decimal("7")})
    subscription, delivery = finished_ping()
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
            "value_id": size.values[0].id,
            "language": "fr",
            "item_id": line.id,
            "order_id": order.id,
            "credit_note_id": 1,
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
            "return_id": return_.id,
            "subscription_id": subscription.id,
            "delivery_id": delivery.id,
            "group_id": team.id,
            "token_id": token.id,
            "import_id": bulk_import.id,
            "export_id": bulk_export.id,
        },
        tokens={name: issue_tokens(user) for name, user in users.items()},
        ids={
            "shoes": shoes.id,
            "product": product.id,
            "spare": spare.id,
            "item": item.id,
            "staff": staff.id,
            "staff_group": staff_group.id,
        },
    )


# A fulfilment's rules name the customer's shipped order (the shop's order is unpaid).
SHIPPED_ORDER_RULES = "/api/v1/orders/<int:order_id>/fulfilments/"


def finished_ping() -> tuple[WebhookSubscription, WebhookDelivery]:
    """A subscription and a ping to it that failed (so it may be redelivered)."""
    subscription = webhooks.create_subscription(WEBHOOK)
    delivery = webhooks.ping(subscription.id)
    db.session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == delivery.id).values(state="failed")
    )
    db.session.commit()
    return subscription, delivery


def path_for(rule: str, shop: Shop) -> str:
    """``rule`` with its variables filled from the shop."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "order_id" and rule.startswith(SHIPPED_ORDER_RULES):
            name = "shipped_order_id"
        return str(shop.value(name))

    return CONVERTER.sub(value, rule)


def body_for(rule: str, method: str, shop: Shop, caller: str) -> dict | None:
    body = MATRIX[(rule, method)][0]
    return body(shop, shop.tokens.get(caller, {})) if callable(body) else body
