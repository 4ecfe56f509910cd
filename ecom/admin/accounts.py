"""Back office accounts: logging in and out, and admins managing users."""

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_admin import Admin, BaseView, expose
from flask_babel import gettext
from flask_limiter import RateLimitExceeded
from werkzeug.wrappers import Response
from wtforms import Form, SelectField

from ecom.accounts import services as accounts
from ecom.accounts.models import User
from ecom.admin.base import LOGIN_ENDPOINT, BackOfficeView, ServiceModelView
from ecom.admin.session import current_admin_user, log_in, log_out
from ecom.common.errors import DomainError
from ecom.common.i18n import languages
from ecom.common.login_limits import login_limit
from ecom.common.permissions import ROLES, has_role


def _safe_next(target: str | None) -> str:
    """Only back office paths, without control characters: the login page is no open
    redirect, and no CR/LF reaches the Location header."""
    if target and target.startswith("/admin/") and target.isprintable():
        return target
    return url_for("admin.index")


class LoginView(BackOfficeView, BaseView):
    def is_visible(self) -> bool:
        return False

    @expose("/", methods=("GET", "POST"))
    @login_limit(methods=["POST"])
    def index(self) -> Any:
        if request.method == "POST":
            try:
                user = accounts.authenticate(
                    request.form.get("email", ""), request.form.get("password", "")
                )
            except DomainError as exc:
                flash(exc.message, "error")
                return self._form(), exc.status
            else:
                if has_role(user, "staff"):
                    log_in(user)
                    return redirect(_safe_next(request.args.get("next")))
                flash(gettext("This account has no access to the back office."), "error")
                return self._form(), 403
        return self._form()

    def _form(self) -> str:
        return self.render("ecom_admin/login.html", next=request.args.get("next", ""))

    def create_blueprint(self, admin: Admin) -> Blueprint:
        blueprint = super().create_blueprint(admin)
        blueprint.register_error_handler(RateLimitExceeded, self.too_many_attempts)
        return blueprint

    def too_many_attempts(self, _error: RateLimitExceeded) -> tuple[str, int]:
        """The login page again, with 429 (Flask-Limiter adds ``Retry-After``)."""
        flash(gettext("Too many login attempts. Please wait a minute and try again."), "error")
        return self._form(), 429


class LogoutView(BackOfficeView, BaseView):
    """Logging out is a POST with the session's CSRF token: a link or an image elsewhere
    cannot end a staff session."""

    def is_visible(self) -> bool:
        return False

    @expose("/", methods=("POST",))
    def index(self) -> Response:
        log_out()
        flash(gettext("You are logged out."), "info")
        return redirect(url_for(LOGIN_ENDPOINT))


def _language_or_default(value: str | None) -> str | None:
    return value or None


class UsersView(ServiceModelView):
    """Admins set a user's role, active flag and language, through the accounts service."""

    required_role = "admin"
    can_create = False
    can_delete = False
    can_view_details = True
    column_list = (
        "id",
        "email",
        "username",
        "first_name",
        "last_name",
        "role",
        "is_active",
        "language",
        "created_at",
    )
    column_details_list = column_list + ("updated_at",)
    column_searchable_list = ("email", "username", "last_name")
    column_filters = ("role", "is_active")
    column_editable_list = ("role", "is_active")
    column_default_sort = "id"
    form_columns = ("role", "is_active", "language")
    form_choices = {"role": [(role, role) for role in ROLES]}
    # The languages are the settings', known once the app runs: see ``edit_form``.
    form_overrides = {"language": SelectField}
    form_args = {"language": {"coerce": _language_or_default}}
    written_fields = frozenset(form_columns)

    def edit_form(self, obj: User | None = None) -> Form:
        form = super().edit_form(obj)
        form.language.choices = [("", "Shop default"), *((code, code) for code in languages())]
        return form

    def update_model(self, form: Form, model: User) -> bool:
        return self.perform(
            lambda: accounts.administer_user(current_admin_user(), model.id, self.changes(form))
        )
