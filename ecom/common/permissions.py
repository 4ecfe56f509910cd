"""Roles and the single role check every blueprint uses (admin ⊇ staff ⊇ customer)."""

from typing import Any

from flask import request
from flask_jwt_extended import get_current_user, verify_jwt_in_request

from ecom.common.errors import NotAuthenticated, PermissionDenied

ROLES = ("customer", "staff", "admin")
# Where the verified user of a request is kept (request-scoped, unlike flask.g in tests).
USER_KEY = "ecom.user"


def has_role(user: Any, role: str) -> bool:
    """True when ``user`` holds ``role`` or a role above it."""
    return user is not None and ROLES.index(user.role) >= ROLES.index(role)


def current_user_or_none() -> Any:
    """The authenticated user of this request, or None for an anonymous caller.

    The token is verified once per request (signature, token family, user state)."""
    if USER_KEY not in request.environ:
        verify_jwt_in_request(optional=True)
        request.environ[USER_KEY] = get_current_user()
    return request.environ[USER_KEY]


def is_staff() -> bool:
    return has_role(current_user_or_none(), "staff")


def authorize(role: str | None, *, optional: bool = False) -> None:
    """Raise unless the request carries a valid token of ``role`` or above."""
    user = current_user_or_none()
    if user is None:
        if optional:
            return
        raise NotAuthenticated("Authentication credentials were not provided.")
    if role is not None and not has_role(user, role):
        raise PermissionDenied()
