"""The accounts' error codes, declared once."""

from ecom.common.errors import Conflict, NotAuthenticated


class AccountExists(Conflict):
    code = "account_exists"
    message = "An account with these details already exists."


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"
    message = "No active account found with the given credentials."


class TokenNotValid(NotAuthenticated):
    code = "token_not_valid"
    message = "Token is invalid or expired."


class SelfLockout(Conflict):
    code = "self_lockout"
    message = "Admins cannot demote or deactivate themselves."


class InvalidLink(Conflict):
    """An activation or password reset link that is forged, spent or expired."""

    code = "invalid_token"
    message = "The link is invalid or has expired."

    def __init__(self) -> None:
        super().__init__(errors={"token": [self.message]})


class PasswordIsEmail(Conflict):
    code = "password_is_email"
    message = "Password cannot be the same as the email address."
