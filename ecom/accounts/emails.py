"""The account e-mails: activation, password reset and password changed (outbox handlers)."""

from typing import Any

from flask import current_app

from ecom.accounts.links import ACTIVATION as ACTIVATION_LINK
from ecom.accounts.links import PASSWORD_RESET as PASSWORD_RESET_LINK
from ecom.accounts.links import make_link
from ecom.accounts.models import User
from ecom.common import mail, outbox

ACTIVATION = "accounts.activation"
PASSWORD_RESET = "accounts.password_reset"
PASSWORD_CHANGED = "accounts.password_changed"


def _recipient(user: User) -> dict[str, Any]:
    return {"email": user.email, "first_name": user.first_name}


def _link(path: str) -> str:
    return current_app.config["FRONTEND_URL"] + path


def send_activation(user: User) -> None:
    """Write the activation e-mail (the caller commits; ``user`` has an id)."""
    uid, token = make_link(user, ACTIVATION_LINK)
    url = _link(f"/activate/{uid}/{token}")
    outbox.enqueue(ACTIVATION, {**_recipient(user), "url": url})


def send_password_reset(user: User) -> None:
    uid, token = make_link(user, PASSWORD_RESET_LINK)
    url = _link(f"/password/reset/confirm/{uid}/{token}")
    hours = current_app.config["PASSWORD_RESET_TIMEOUT"] // 3600
    outbox.enqueue(PASSWORD_RESET, {**_recipient(user), "url": url, "hours": hours})


def send_password_changed(user: User) -> None:
    outbox.enqueue(PASSWORD_CHANGED, {**_recipient(user), "url": _link("/password/reset")})


def deliver_activation(key: str, payload: dict[str, Any]) -> None:
    mail.send(payload["email"], "Activate your account", "activation", payload, key=key)


def deliver_password_reset(key: str, payload: dict[str, Any]) -> None:
    mail.send(payload["email"], "Reset your password", "password_reset", payload, key=key)


def deliver_password_changed(key: str, payload: dict[str, Any]) -> None:
    mail.send(payload["email"], "Your password was changed", "password_changed", payload, key=key)
