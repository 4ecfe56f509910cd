"""Roles and the single role check every blueprint uses (admin ⊇ staff ⊇ customer)."""

from typing import Any

from flask_jwt_extended import current_user, verify_jwt_in_request

from ecom.common.errors import PermissionDenied

ROLES = ("customer", "staff", "admin")


def has_role(user: Any, role: str) -> bool:
    """True when ``user`` holds ``role`` or a role above it."""
    return user is not None and ROLES.index(user.role) >= ROLES.index(role)


def current_user_or_none() -> Any:
    """The authenticated user of this request, or None for an anonymous caller."""
    verify_jwt_in_request(optional=True)
    return current_user if current_user else None


def is_staff() -> bool:
    return has_role(current_user_or_none(), "staff")


def authorize(role: str | None, *, optional: bool = False) -> None:
    """Raise unless the request carries a valid token of ``role`` or above."""
    verify_jwt_in_request(optional=optional)
    user = current_user_or_none()
    if user is None or role is None:
        return
    if not has_role(user, role):
        raise PermissionDenied()
