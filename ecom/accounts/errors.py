"""The accounts' error codes, declared once."""

from flask_babel import lazy_gettext as _l

from ecom.common.errors import Conflict, NotAuthenticated, PermissionDenied


class AccountExists(Conflict):
    code = "account_exists"
    message = _l("An account with these details already exists.")


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"
    message = _l("No active account found with the given credentials.")


class TokenNotValid(NotAuthenticated):
    code = "token_not_valid"
    message = _l("Token is invalid or expired.")


class SelfLockout(Conflict):
    code = "self_lockout"
    message = _l("Admins cannot demote or deactivate themselves.")


class InvalidLink(Conflict):
    """An activation or password reset link that is forged, spent or expired."""

    code = "invalid_token"
    message = _l("The link is invalid or has expired.")

    def __init__(self) -> None:
        super().__init__(errors={"token": [self.message]})


class PasswordIsEmail(Conflict):
    code = "password_is_email"
    message = _l("Password cannot be the same as the email address.")


class GroupExists(Conflict):
    code = "group_exists"
    message = _l("A permission group with this name already exists.")

    def __init__(self) -> None:
        super().__init__(errors={"name": [self.message]})


class NotStaff(Conflict):
    code = "not_staff"
    message = _l("Only staff members belong to permission groups.")


class BeyondOwnPermissions(PermissionDenied):
    """Nobody hands out a permission they do not hold (no way up through a group or token)."""

    code = "beyond_own_permissions"
    message = _l("You cannot grant permissions you do not hold yourself.")
