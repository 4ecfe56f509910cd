"""The staff back office at /admin/ (Flask-Admin, Bootstrap 4, every asset served locally)."""

from flask import Blueprint, Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from ecom.accounts.models import User
from ecom.admin.accounts import LoginView, LogoutView, UsersView
from ecom.admin.base import back_office_not_found, format_utc
from ecom.admin.catalog import CategoriesView, ProductsView
from ecom.admin.home import DashboardView
from ecom.admin.orders import OrdersView
from ecom.admin.outbox import OutboxView
from ecom.admin.reviews import ReviewsView
from ecom.admin.tax import TaxClassesView, TaxRatesView
from ecom.admin.variants import VariantsView
from ecom.catalog.models import Category, Product, ProductVariant
from ecom.common.outbox import OutboxMessage
from ecom.common.storage import image_url
from ecom.extensions import db
from ecom.orders.models import Order
from ecom.reviews.models import Review
from ecom.tax.models import TaxClass, TaxRate


def register_admin(app: Flask) -> None:
    """Mount the back office on ``app`` (a new ``Admin`` per app: views hold blueprints)."""
    admin = Admin(
        app,
        name="ecom back office",
        theme=Bootstrap4Theme(base_template="ecom_admin/base.html"),
        index_view=DashboardView(name="Dashboard", url="/admin"),
    )
    admin.add_view(LoginView(name="Log in", endpoint="admin_login", url="login"))
    admin.add_view(LogoutView(name="Log out", endpoint="admin_logout", url="logout"))
    admin.add_view(
        ProductsView(Product, db, name="Products", endpoint="admin_products", url="products")
    )
    admin.add_view(
        VariantsView(ProductVariant, db, name="Variants", endpoint="admin_variants", url="variants")
    )
    admin.add_view(
        CategoriesView(
            Category, db, name="Categories", endpoint="admin_categories", url="categories"
        )
    )
    admin.add_view(
        TaxClassesView(
            TaxClass, db, name="Tax classes", endpoint="admin_tax_classes", url="tax-classes"
        )
    )
    admin.add_view(
        TaxRatesView(TaxRate, db, name="Tax rates", endpoint="admin_tax_rates", url="tax-rates")
    )
    admin.add_view(OrdersView(Order, db, name="Orders", endpoint="admin_orders", url="orders"))
    admin.add_view(ReviewsView(Review, db, name="Reviews", endpoint="admin_reviews", url="reviews"))
    admin.add_view(UsersView(User, db, name="Users", endpoint="admin_users", url="users"))
    admin.add_view(
        OutboxView(OutboxMessage, db, name="Outbox", endpoint="admin_outbox", url="outbox")
    )
    app.add_template_filter(format_utc, "utc")
    app.add_template_filter(image_url, "image_url")
    app.register_blueprint(
        Blueprint(
            "ecom_admin",
            __name__,
            template_folder="templates",
            static_folder="static",
            static_url_path="/admin/static/ecom",
        )
    )
    app.register_error_handler(404, back_office_not_found(admin.index_view))
