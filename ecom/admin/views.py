"""Back office views: login and logout, the dashboard, user management, and the base of
every model view (writes through the domain services only)."""

from collections.abc import Callable
from datetime import UTC, datetime
from math import ceil
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_admin import Admin, AdminIndexView, BaseView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.model import typefmt
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response
from wtforms import Form

from ecom.accounts import services as accounts
from ecom.accounts.models import User
from ecom.admin import dashboard
from ecom.admin.charts import revenue_chart
from ecom.admin.session import current_admin_user, log_in, log_out
from ecom.common.errors import DomainError, handle_http_exception
from ecom.common.login_limits import login_limit
from ecom.common.permissions import ROLES, has_role
from ecom.extensions import csrf, db

LOGIN_ENDPOINT = "admin_login.index"
LOW_STOCK_PAGE_SIZE = 20
ERROR_PAGES = (400, 403, 404, 405)


class BackOfficeView:
    """Every form posted to the back office carries Flask-WTF's CSRF token; every page
    knows who is logged in."""

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()
        return super()._handle_view(name, **kwargs)

    def render(self, template: str, **kwargs: Any) -> str:
        return super().render(template, admin_user=current_admin_user(), **kwargs)

    def create_blueprint(self, admin: Admin) -> Blueprint:
        blueprint = super().create_blueprint(admin)
        for status in ERROR_PAGES:
            blueprint.register_error_handler(status, self.error_page)
        return blueprint

    def error_page(self, error: HTTPException) -> tuple[str, int]:
        """Errors of the back office as pages of the back office, not API JSON."""
        return self.render("ecom_admin/error.html", error=error), error.code


def back_office_not_found(page_view: BackOfficeView) -> Callable[[HTTPException], Any]:
    """A 404 handler: a mistyped back office URL gets a back office page, the rest the
    API's JSON."""

    def not_found(error: HTTPException) -> Any:
        if request.path == "/admin" or request.path.startswith("/admin/"):
            return page_view.error_page(error)
        return handle_http_exception(error)

    return not_found


class StaffOnly(BackOfficeView):
    """Anonymous visitors go to the login page; signed-in users below ``required_role`` get 403."""

    required_role = "staff"

    def is_accessible(self) -> bool:
        return has_role(current_admin_user(), self.required_role)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Response:
        if current_admin_user() is None:
            return redirect(url_for(LOGIN_ENDPOINT, next=request.full_path))
        abort(403)


def format_utc(moment: datetime | None) -> str:
    """A timestamp as staff read it: to the minute, in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def show_related(attribute: str) -> Callable[..., str]:
    """A column formatter showing ``attribute`` of the related row (blank when none)."""

    def format_related(view: Any, context: Any, model: Any, name: str) -> str:
        related = getattr(model, name)
        return "" if related is None else getattr(related, attribute)

    return format_related


def refusal_message(error: DomainError) -> str:
    """The service's message, followed by its field messages that say more."""
    details = [
        f"{field}: {' '.join(map(str, messages))}"
        for field, messages in (error.errors or {}).items()
        if list(messages) != [error.message]
    ]
    return " ".join([error.message, *details])


class ServiceModelView(StaffOnly, ModelView):
    """A model view that writes only through a domain's services: a refusal (``DomainError``)
    is rolled back and flashed on the page, and an inline (list) edit gets it as a 400."""

    named_filter_urls = True
    column_type_formatters = {
        **typefmt.BASE_FORMATTERS,
        datetime: lambda view, value, name: format_utc(value),
    }
    # The form fields a service accepts; a renamed one maps to the service's key.
    written_fields: frozenset[str] = frozenset()
    service_keys: dict[str, str] = {}

    # Flask-Admin's defaults write the table directly: a view writes by overriding these.
    def create_model(self, form: Form) -> Any:
        raise NotImplementedError(f"{type(self).__name__} creates through a service")

    def update_model(self, form: Form, model: Any) -> bool:
        raise NotImplementedError(f"{type(self).__name__} updates through a service")

    def delete_model(self, model: Any) -> bool:
        raise NotImplementedError(f"{type(self).__name__} deletes through a service")

    def refuse(self, error: DomainError) -> None:
        db.session.rollback()
        flash(refusal_message(error), "error")

    def perform(self, write: Callable[[], object]) -> bool:
        """Run a service call; False (and a flashed message) when the service refuses."""
        try:
            write()
        except DomainError as exc:
            self.refuse(exc)
            return False
        return True

    def create_with(self, create: Callable[[dict], Any], form: Form) -> Any:
        """The model ``create`` makes of the form's fields, or False when refused."""
        try:
            return create(self.changes(form))
        except DomainError as exc:
            self.refuse(exc)
            return False

    def changes(self, form: Form) -> dict[str, Any]:
        """The submitted writable fields, keyed as the service expects (a relation by id)."""
        return {
            self.service_keys.get(name, name): getattr(field.data, "id", field.data)
            for name, field in form._fields.items()
            if name in self.written_fields
        }

    @expose("/ajax/update/", methods=("POST",))
    def ajax_update(self) -> Any:
        answer = super().ajax_update()
        if isinstance(answer, tuple) and answer[1] == 500:
            # Flask-Admin reports a refused inline edit as a server error; it is the input's.
            return answer[0], 400
        return answer


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
                flash("This account has no access to the back office.", "error")
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
        flash("Too many login attempts. Please wait a minute and try again.", "error")
        return self._form(), 429


class LogoutView(BackOfficeView, BaseView):
    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self) -> Response:
        log_out()
        flash("You are logged out.", "info")
        return redirect(url_for(LOGIN_ENDPOINT))


class DashboardView(StaffOnly, AdminIndexView):
    @expose("/")
    def index(self) -> str:
        now = datetime.now(UTC)
        config = current_app.config
        threshold = config["LOW_STOCK_THRESHOLD"]
        page = max(request.args.get("low_stock_page", 1, type=int), 1)
        low_count, low_variants = dashboard.low_stock(threshold, page, LOW_STOCK_PAGE_SIZE)
        return self.render(
            "ecom_admin/dashboard.html",
            currency=config["SHOP_CURRENCY"],
            periods=dashboard.period_figures(now),
            by_status=dashboard.orders_by_status(),
            top_products=dashboard.top_products(now),
            low_stock_threshold=threshold,
            low_stock_count=low_count,
            low_stock_variants=low_variants,
            low_stock_page=page,
            low_stock_pages=max(ceil(low_count / LOW_STOCK_PAGE_SIZE), 1),
            chart=revenue_chart(dashboard.daily_revenue(now), config["SHOP_CURRENCY"]),
        )


class UsersView(ServiceModelView):
    """Admins set a user's role and active flag, through the accounts service."""

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
        "created_at",
    )
    column_details_list = column_list + ("updated_at",)
    column_searchable_list = ("email", "username", "last_name")
    column_filters = ("role", "is_active")
    column_editable_list = ("role", "is_active")
    column_default_sort = "id"
    form_columns = ("role", "is_active")
    form_choices = {"role": [(role, role) for role in ROLES]}
    written_fields = frozenset(form_columns)

    def update_model(self, form: Form, model: User) -> bool:
        return self.perform(
            lambda: accounts.administer_user(current_admin_user(), model.id, self.changes(form))
        )
