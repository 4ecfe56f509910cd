"""The staff back office at /admin/ (Flask-Admin, Bootstrap 4, every asset served locally)."""

from flask import Blueprint, Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from ecom.admin.views import DashboardView, LoginView, LogoutView, UsersView
from ecom.auth.models import User
from ecom.extensions import db


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
    admin.add_view(UsersView(User, db, name="Users", endpoint="admin_users", url="users"))
    app.register_blueprint(Blueprint("ecom_admin", __name__, template_folder="templates"))
