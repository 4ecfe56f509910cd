"""The staff back office at /admin/ (Flask-Admin, Bootstrap 4, every asset served locally)."""

from flask import Blueprint, Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from ecom.accounts.models import IntegrationToken, PermissionGroup, User
from ecom.admin.accounts import LoginView, LogoutView, UsersView
from ecom.admin.audit import AuditView
from ecom.admin.base import back_office_not_found, format_money, format_utc
from ecom.admin.bulk import BulkJobsView
from ecom.admin.catalog import CategoriesView, ProductsView
from ecom.admin.fulfilment import CarriersView, FulfilmentsView
from ecom.admin.home import DashboardView
from ecom.admin.invoices import CreditNotesView, DocumentsView
from ecom.admin.orders import OrdersView
from ecom.admin.outbox import OutboxView
from ecom.admin.promotions import PromotionsView, RedemptionsView, VouchersView
from ecom.admin.reviews import ReviewsView
from ecom.admin.shipping import ShippingMethodsView, ShippingZonesView
from ecom.admin.staff import IntegrationTokensView, PermissionGroupsView
from ecom.admin.tax import TaxClassesView, TaxRatesView
from ecom.admin.variant_list import VariantsView
from ecom.admin.webhooks import WebhookAttemptsView, WebhookDeliveriesView, WebhooksView
from ecom.catalog.models import Category, Product, ProductVariant
from ecom.common.audit import AuditEntry
from ecom.common.outbox import OutboxMessage
from ecom.common.security import csp_nonce
from ecom.common.storage import image_url
from ecom.extensions import db
from ecom.fulfilment.models import Carrier, Fulfilment
from ecom.integrations.bulk.models import BulkJob
from ecom.integrations.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from ecom.invoices.models import CreditNote, Invoice
from ecom.orders.models import Order
from ecom.promotions.models import Promotion, Voucher, VoucherRedemption
from ecom.reviews.models import Review
from ecom.shipping.models import ShippingMethod, ShippingZone
from ecom.tax.models import TaxClass, TaxRate


def register_admin(app: Flask) -> None:
    """Mount the back office on ``app`` (a new ``Admin`` per app: views hold blueprints)."""
    # Registered first, so its templates/admin/ replace those of Flask-Admin's blueprints.
    app.register_blueprint(
        Blueprint(
            "ecom_admin",
            __name__,
            template_folder="templates",
            static_folder="static",
            static_url_path="/admin/static/ecom",
        )
    )
    # The languages other than the default, whose texts the catalogue's pages edit.
    translated = app.config["LANGUAGES"][1:]
    admin = Admin(
        app,
        name=_l("ecom back office"),
        theme=Bootstrap4Theme(base_template="ecom_admin/base.html"),
        index_view=DashboardView(name=_l("Dashboard"), url="/admin"),
        csp_nonce_generator=csp_nonce,
    )
    admin.add_view(LoginView(name=_l("Log in"), endpoint="admin_login", url="login"))
    admin.add_view(LogoutView(name=_l("Log out"), endpoint="admin_logout", url="logout"))
    admin.add_view(
        ProductsView(
            Product,
            db,
            name=_l("Products"),
            endpoint="admin_products",
            url="products",
            languages=translated,
        )
    )
    admin.add_view(
        VariantsView(
            ProductVariant,
            db,
            currency=app.config["SHOP_CURRENCY"],
            name=_l("Variants"),
            endpoint="admin_variants",
            url="variants",
        )
    )
    admin.add_view(
        CategoriesView(
            Category,
            db,
            name=_l("Categories"),
            endpoint="admin_categories",
            url="categories",
            languages=translated,
        )
    )
    admin.add_view(
        TaxClassesView(
            TaxClass, db, name=_l("Tax classes"), endpoint="admin_tax_classes", url="tax-classes"
        )
    )
    admin.add_view(
        TaxRatesView(TaxRate, db, name=_l("Tax rates"), endpoint="admin_tax_rates", url="tax-rates")
    )
    admin.add_view(OrdersView(Order, db, name=_l("Orders"), endpoint="admin_orders", url="orders"))
    admin.add_view(
        DocumentsView(Invoice, db, name=_l("Invoices"), endpoint="admin_invoices", url="invoices")
    )
    admin.add_view(
        CreditNotesView(
            CreditNote,
            db,
            name=_l("Credit notes"),
            endpoint="admin_credit_notes",
            url="credit-notes",
        )
    )
    admin.add_view(
        FulfilmentsView(
            Fulfilment, db, name=_l("Fulfilments"), endpoint="admin_fulfilments", url="fulfilments"
        )
    )
    admin.add_view(
        CarriersView(Carrier, db, name=_l("Carriers"), endpoint="admin_carriers", url="carriers")
    )
    admin.add_view(
        ReviewsView(Review, db, name=_l("Reviews"), endpoint="admin_reviews", url="reviews")
    )
    admin.add_view(
        ShippingZonesView(
            ShippingZone,
            db,
            name=_l("Shipping zones"),
            endpoint="admin_shipping_zones",
            url="shipping-zones",
        )
    )
    admin.add_view(
        ShippingMethodsView(
            ShippingMethod,
            db,
            name=_l("Shipping methods"),
            endpoint="admin_shipping_methods",
            url="shipping-methods",
        )
    )
    admin.add_view(
        PromotionsView(
            Promotion, db, name=_l("Promotions"), endpoint="admin_promotions", url="promotions"
        )
    )
    admin.add_view(
        VouchersView(Voucher, db, name=_l("Vouchers"), endpoint="admin_vouchers", url="vouchers")
    )
    admin.add_view(
        RedemptionsView(
            VoucherRedemption,
            db,
            name=_l("Voucher usage"),
            endpoint="admin_redemptions",
            url="voucher-redemptions",
        )
    )
    admin.add_view(UsersView(User, db, name=_l("Users"), endpoint="admin_users", url="users"))
    admin.add_view(
        PermissionGroupsView(
            PermissionGroup,
            db,
            name=_l("Permission groups"),
            endpoint="admin_permission_groups",
            url="permission-groups",
        )
    )
    admin.add_view(
        IntegrationTokensView(
            IntegrationToken,
            db,
            name=_l("Integration tokens"),
            endpoint="admin_integration_tokens",
            url="integration-tokens",
        )
    )
    admin.add_view(
        OutboxView(OutboxMessage, db, name=_l("Outbox"), endpoint="admin_outbox", url="outbox")
    )
    admin.add_view(
        AuditView(AuditEntry, db, name=_l("Audit log"), endpoint="admin_audit", url="audit")
    )
    _add_webhook_views(admin)
    admin.add_view(
        BulkJobsView(BulkJob, db, name=_l("Bulk jobs"), endpoint="admin_bulk_jobs", url="bulk-jobs")
    )
    app.add_template_filter(format_utc, "utc")
    app.add_template_filter(format_money, "money")
    app.add_template_filter(image_url, "image_url")
    app.register_error_handler(404, back_office_not_found(admin.index_view))


def _add_webhook_views(admin: Admin) -> None:
    category = _l("Webhooks")
    admin.add_view(
        WebhooksView(
            WebhookSubscription,
            db,
            name=_l("Subscriptions"),
            endpoint="admin_webhooks",
            url="webhooks",
            category=category,
        )
    )
    admin.add_view(
        WebhookDeliveriesView(
            WebhookDelivery,
            db,
            name=_l("Deliveries"),
            endpoint="admin_webhook_deliveries",
            url="webhook-deliveries",
            category=category,
        )
    )
    admin.add_view(
        WebhookAttemptsView(
            WebhookAttempt,
            db,
            name=_l("Delivery log"),
            endpoint="admin_webhook_attempts",
            url="webhook-attempts",
            category=category,
        )
    )
