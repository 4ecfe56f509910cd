"""Back office staff permissions: permission groups and integration tokens, every write
through the accounts services (nobody grants a permission they do not hold)."""

from typing import Any

from flask import flash, g
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext
from sqlalchemy import select
from wtforms import Form, SelectMultipleField

from ecom.accounts import groups, integration_tokens
from ecom.accounts.models import IntegrationToken, PermissionGroup, User
from ecom.admin.base import ServiceModelView
from ecom.admin.session import current_admin_user
from ecom.common.permissions import PERMISSIONS
from ecom.extensions import db

PERMISSION_CHOICES = [(name, f"{name}: {meaning}") for name, meaning in PERMISSIONS.items()]


def _joined(view: Any, context: Any, model: Any, name: str) -> str:
    return ", ".join(getattr(model, name))


def _staff_members() -> list[User]:
    return db.session.scalars(select(User).where(User.role == "staff").order_by(User.email)).all()


class PermissionGroupsView(ServiceModelView):
    """Groups: a name, permissions and staff members."""

    required_permission = "manage_staff"

    column_list = ("id", "name", "permissions", "members", "updated_at")
    column_searchable_list = ("name",)
    column_default_sort = "name"
    column_formatters = {
        "permissions": _joined,
        "members": lambda view, context, model, name: ", ".join(u.email for u in model.members),
    }
    form_columns = ("name", "permissions", "members")
    form_overrides = {"permissions": SelectMultipleField}
    form_args = {
        "permissions": {"choices": PERMISSION_CHOICES},
        "members": {"query_factory": _staff_members, "get_label": "email"},
    }

    def changes(self, form: Form) -> dict[str, Any]:
        return {
            "name": form.name.data,
            "permissions": form.permissions.data or [],
            "members": [user.id for user in form.members.data or []],
        }

    def create_model(self, form: Form) -> Any:
        return self.create_with(lambda data: groups.create_group(current_admin_user(), data), form)

    def update_model(self, form: Form, model: PermissionGroup) -> bool:
        return self.perform(
            lambda: groups.update_group(current_admin_user(), model.id, self.changes(form))
        )

    def delete_model(self, model: PermissionGroup) -> bool:
        return self.perform(lambda: groups.delete_group(current_admin_user(), model.id))


class IntegrationTokensView(ServiceModelView):
    """Tokens: created with a name and permissions, the secret shown once; revoked, never
    edited."""

    required_permission = "manage_integrations"

    can_edit = False
    can_delete = False
    column_list = (
        "id",
        "name",
        "hint",
        "permissions",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    column_searchable_list = ("name",)
    column_default_sort = ("id", True)
    column_formatters = {"permissions": _joined}
    form_columns = ("name", "permissions")
    written_fields = frozenset(form_columns)
    form_overrides = {"permissions": SelectMultipleField}
    form_args = {"permissions": {"choices": PERMISSION_CHOICES}}

    def create_model(self, form: Form) -> Any:
        def create(data: dict) -> IntegrationToken:
            token, g.ecom_new_secret = integration_tokens.create_token(
                current_admin_user(), data["name"], data["permissions"] or []
            )
            return token

        return self.create_with(create, form)

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self) -> Any:
        """Flask-Admin's form; once created, a page shows the secret instead of the list."""
        answer = super().create_view()
        secret = g.pop("ecom_new_secret", None)
        if secret is None:
            return answer
        return self.render("ecom_admin/token_created.html", secret=secret)

    @action("revoke", "Revoke", "Systems using these tokens are refused at once. Revoke?")
    def revoke(self, ids: list[str]) -> None:
        revoked = self.perform_on_rows(ids, integration_tokens.revoke_token)
        if revoked:
            flash(gettext("%(count)s token(s) revoked.", count=len(revoked)), "success")
