"""The base of every back office page: CSRF on every form, staff-only access, back office
error pages, and model views that write through the domain services only."""

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_admin import Admin, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.model import typefmt
from sqlalchemy import ColumnElement
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response
from wtforms import Form

from ecom.admin.session import current_admin_user
from ecom.common.errors import DomainError, handle_http_exception
from ecom.common.ids import MAX_ID, parse_id
from ecom.common.permissions import USER_KEY, has_permission, has_role
from ecom.extensions import csrf, db

LOGIN_ENDPOINT = "admin_login.index"
ERROR_PAGES = (400, 403, 404, 405)


class BackOfficeView:
    """Every form posted to the back office carries Flask-WTF's CSRF token; every page
    knows who is logged in."""

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()
        return super()._handle_view(name, **kwargs)

    def render(self, template: str, **kwargs: Any) -> str:
        return super().render(template, admin_user=current_admin_user(), may=admin_may, **kwargs)

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


def admin_may(permission: str) -> bool:
    """Whether the back office's user holds ``permission`` (admins hold every one)."""
    return has_permission(current_admin_user(), permission)


def requires(permission: str) -> Callable[[Callable], Callable]:
    """A page's action that needs a stronger permission than the page (a refund from the
    order page): 403 without it. Place it under ``@expose``."""

    def decorator(method: Callable) -> Callable:
        @wraps(method)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not admin_may(permission):
                abort(403)
            return method(*args, **kwargs)

        return wrapper

    return decorator


class StaffOnly(BackOfficeView):
    """Anonymous visitors go to the login page; signed-in users below ``required_role``, or
    without the view's ``required_permission``, get 403, and the menu does not show it."""

    required_role = "staff"
    # The one place a page says what it needs (ecom.common.permissions.PERMISSIONS).
    required_permission: str | None = None

    def is_accessible(self) -> bool:
        user = current_admin_user()
        if self.required_permission is not None and not has_permission(
            user, self.required_permission
        ):
            return False
        if not has_role(user, self.required_role):
            return False
        # The request's user, as an API token's: the audit log records who wrote.
        request.environ[USER_KEY] = user
        return True

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Response:
        if current_admin_user() is None:
            return redirect(url_for(LOGIN_ENDPOINT, next=request.full_path))
        abort(403)


def format_utc(moment: datetime | None) -> str:
    """A timestamp as staff read it: to the minute, in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def format_money(amount: Decimal | None) -> str:
    """An amount as staff read it: with the shop's currency (``SHOP_CURRENCY``)."""
    return "" if amount is None else f"{amount} {current_app.config['SHOP_CURRENCY']}"


def show_money(view: Any, context: Any, model: Any, name: str) -> str:
    """A column formatter showing an amount with the shop's currency."""
    return format_money(getattr(model, name))


def containing(term: str) -> str:
    """A LIKE pattern (escape ``\\``) matching text that contains ``term`` as typed."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def row_ids(ids: list[str]) -> list[int]:
    """The ids of rows an action was posted with; a malformed one is a 404."""
    parsed = [parse_id(text) for text in ids]
    if None in parsed:
        abort(404)
    return parsed


def show_related(attribute: str) -> Callable[..., str]:
    """A column formatter showing ``attribute`` of the related row (blank when none)."""

    def format_related(view: Any, context: Any, model: Any, name: str) -> str:
        related = getattr(model, name)
        return "" if related is None else getattr(related, attribute)

    return format_related


def refusal_message(error: DomainError) -> str:
    """The service's message, followed by its field messages that say more."""
    details = [
        f"{field}: {' '.join(_flat(messages))}"
        for field, messages in (error.errors or {}).items()
        if list(messages) != [error.message]
    ]
    return " ".join([error.message, *details])


def _flat(messages: Any) -> list[str]:
    """Field messages, those of a nested field (a list's item) named by its place."""
    if not isinstance(messages, dict):
        return list(map(str, messages))
    return [f"{key} {message}" for key, inner in messages.items() for message in _flat(inner)]


class TermSearch:
    """A list whose search box matches more than its columns: each term of the search
    must meet ``search_condition`` (EXISTS, not Flask-Admin's joins, so no row is listed
    twice for two matching children). ``column_searchable_list`` still shows the box."""

    def search_condition(self, term: str) -> ColumnElement[bool]:
        raise NotImplementedError

    def _apply_search(
        self, query: Any, count_query: Any, joins: dict, count_joins: dict, search: str
    ) -> tuple[Any, Any, dict, dict]:
        for term in search.split():
            condition = self.search_condition(term)
            query = query.filter(condition)
            count_query = None if count_query is None else count_query.filter(condition)
        return query, count_query, joins, count_joins


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

    def get_one(self, id: Any) -> Any:
        """The row a URL names; a malformed, out-of-range or unknown id is a 404 (not a
        database error, nor Flask-Admin's redirect to the list)."""
        row_id = parse_id(str(id))
        found = super().get_one(str(row_id)) if row_id else None
        if found is None:
            abort(404)
        return found

    def _get_list_extra_args(self) -> Any:
        args = super()._get_list_extra_args()
        if not 0 <= args.page <= MAX_ID:
            abort(404)
        return args

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

    def perform_on_rows(self, ids: list[str], act: Callable[[int], object]) -> list[int]:
        """``act`` on each row an action was posted with, through ``perform``: the ids it
        succeeded on (each refusal is flashed)."""
        return [
            row_id for row_id in row_ids(ids) if self.perform(lambda row_id=row_id: act(row_id))
        ]

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
