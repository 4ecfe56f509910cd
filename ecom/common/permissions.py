"""Who may: roles, permissions, and the one check every blueprint and back office page uses.

Roles nest (admin ⊇ staff ⊇ customer). A staff member holds the permissions of the
permission groups they belong to, an admin holds every permission, and an integration
token (``Authorization: Bearer ecom_it_…``) holds the permissions chosen when it was
created and nothing else. ``PERMISSIONS`` is the one list; docs/PERMISSIONS.md explains it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_request_context, request
from flask_babel import gettext
from flask_jwt_extended import get_current_user, verify_jwt_in_request

from ecom.common.errors import NotAuthenticated, PermissionDenied

ROLES = ("customer", "staff", "admin")
PERMISSIONS: dict[str, str] = {
    "manage_catalog": "Categories, products, variants, options and their pictures.",
    "manage_stock": "Stock levels alone (stock-only imports and stock edits).",
    "manage_orders": "Order status changes and payment capture.",
    "manage_refunds": "Refunds of captured payments.",
    "manage_pricing": "Shipping zones and methods, tax classes and rates, promotions, vouchers.",
    "manage_customers": "Customers' content in the back office: reviews.",
    "manage_staff": "Permission groups and who belongs to them.",
    "manage_integrations": "Integration tokens, outgoing webhooks, the outbox.",
    "view_reports": "The dashboard's figures and reports.",
}
# Where the verified user and integration token of a request are kept (request-scoped).
USER_KEY = "ecom.user"
TOKEN_KEY = "ecom.integration_token"
# Integration tokens start with this, so they are told from JWTs without decoding.
TOKEN_PREFIX = "ecom_it_"
# ``app.extensions`` key of the function that finds a live token by its secret.
TOKEN_LOADER = "ecom.integration_token_loader"


@dataclass(frozen=True)
class TokenCaller:
    """The integration token a request authenticated with."""

    id: int
    name: str
    permissions: frozenset[str]


def register_token_loader(app: Any, loader: Callable[[str], TokenCaller | None]) -> None:
    """The accounts domain finds tokens; this module only asks (it imports no domain)."""
    app.extensions[TOKEN_LOADER] = loader


def has_role(user: Any, role: str) -> bool:
    """True when ``user`` holds ``role`` or a role above it."""
    return user is not None and ROLES.index(user.role) >= ROLES.index(role)


def has_permission(caller: Any, permission: str) -> bool:
    """True when ``caller`` (a user or a ``TokenCaller``) holds ``permission``."""
    if caller is None:
        return False
    if isinstance(caller, TokenCaller):
        return permission in caller.permissions
    return has_role(caller, "admin") or (
        has_role(caller, "staff") and permission in caller.permissions
    )


def _bearer_integration_secret() -> str | None:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip().startswith(TOKEN_PREFIX):
        return credentials.strip()
    return None


def current_integration_token() -> TokenCaller | None:
    """The live integration token of this request, or None when it sent none.

    A token that is unknown or revoked is refused at once (401)."""
    if TOKEN_KEY not in request.environ:
        secret = _bearer_integration_secret()
        caller = None if secret is None else current_app.extensions[TOKEN_LOADER](secret)
        if secret is not None and caller is None:
            raise NotAuthenticated(gettext("The integration token is unknown or revoked."))
        request.environ[TOKEN_KEY] = caller
    return request.environ[TOKEN_KEY]


def integration_token_id() -> int | None:
    """The id of the integration token of the current request (None outside one)."""
    if not has_request_context():
        return None
    caller = request.environ.get(TOKEN_KEY)
    return caller.id if caller is not None else None


def current_user_or_none() -> Any:
    """The authenticated user of this request, or None for an anonymous caller or a token.

    The token is verified once per request (signature, token family, user state)."""
    if USER_KEY not in request.environ:
        user = None
        if current_integration_token() is None:
            verify_jwt_in_request(optional=True)
            user = get_current_user()
        request.environ[USER_KEY] = user
    return request.environ[USER_KEY]


def current_caller() -> Any:
    """Who makes this request: its integration token, else its user (None: anonymous)."""
    return current_integration_token() or current_user_or_none()


def is_staff() -> bool:
    """Whether the caller sees what staff see: a staff user, or an integration token."""
    return current_integration_token() is not None or has_role(current_user_or_none(), "staff")


def authorize(role: str | None, *, optional: bool = False, permission: str | None = None) -> None:
    """Raise unless the request's caller holds ``role`` (or above) and ``permission``.

    An integration token may call operations that name a permission it holds, and the
    public reads (``optional``); it is refused anything a customer account does."""
    token = current_integration_token()
    if token is not None:
        if permission is None and not optional:
            raise PermissionDenied(gettext("Integration tokens call staff operations only."))
        if permission is not None and not has_permission(token, permission):
            raise PermissionDenied(_lacking(permission))
        return
    user = current_user_or_none()
    if user is None:
        if optional:
            return
        raise NotAuthenticated(gettext("Authentication credentials were not provided."))
    if role is not None and not has_role(user, role):
        raise PermissionDenied()
    if permission is not None and not has_permission(user, permission):
        raise PermissionDenied(_lacking(permission))


def _lacking(permission: str) -> str:
    return f"This operation needs the permission `{permission}`."
