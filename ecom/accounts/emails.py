"""The account e-mails: activation, password reset, password changed and e-mail change
(outbox handlers).

A row of a mail with a link keeps the account's state digest, not the link: the link is
made when the mail is sent (``ecom.accounts.links``), so the outbox holds no usable token.
Each mail is written in the account's language (``ecom.common.mail``).
"""

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from ecom.accounts.links import ACTIVATION as ACTIVATION_LINK
from ecom.accounts.links import EMAIL_CHANGE as EMAIL_CHANGE_LINK
from ecom.accounts.links import PASSWORD_RESET as PASSWORD_RESET_LINK
from ecom.accounts.links import link_for, link_state
from ecom.accounts.models import User
from ecom.common import mail, outbox

ACTIVATION = "accounts.activation"
PASSWORD_RESET = "accounts.password_reset"
PASSWORD_CHANGED = "accounts.password_changed"
EMAIL_CHANGE_CONFIRM = "accounts.email_change_confirm"
EMAIL_CHANGE_NOTICE = "accounts.email_change_notice"

SUBJECTS = {
    ACTIVATION: _l("Activate your account"),
    PASSWORD_RESET: _l("Reset your password"),
    PASSWORD_CHANGED: _l("Your password was changed"),
    EMAIL_CHANGE_CONFIRM: _l("Confirm your new e-mail address"),
    EMAIL_CHANGE_NOTICE: _l("Your e-mail address is being changed"),
}

# The front end's page of each link, as ``{uid}`` and ``{token}`` fill it.
PAGES = {
    ACTIVATION_LINK: "/activate/{uid}/{token}",
    PASSWORD_RESET_LINK: "/password/reset/confirm/{uid}/{token}",
    EMAIL_CHANGE_LINK: "/email/confirm/{uid}/{token}",
}


def _recipient(user: User) -> dict[str, Any]:
    return {"email": user.email, "first_name": user.first_name, "language": user.language}


def _link(path: str) -> str:
    return current_app.config["FRONTEND_URL"] + path


def _hours() -> int:
    return current_app.config["PASSWORD_RESET_TIMEOUT"] // 3600


def _linked(user: User, purpose: str) -> dict[str, Any]:
    """What a mail with a link keeps: whose link, for which state, never the token."""
    return {"user_id": user.id, "purpose": purpose, "state": link_state(user, purpose)}


def _with_link(payload: dict[str, Any]) -> dict[str, Any]:
    """The mail's context: the payload, its link made now instead of the state."""
    context = {k: v for k, v in payload.items() if k not in ("user_id", "purpose", "state")}
    purpose = payload["purpose"]
    uid, token = link_for(payload["user_id"], payload["state"], purpose)
    return {**context, "url": _link(PAGES[purpose].format(uid=uid, token=token))}


def send_activation(user: User) -> None:
    """Write the activation e-mail (the caller commits; ``user`` has an id)."""
    outbox.enqueue(ACTIVATION, {**_recipient(user), **_linked(user, ACTIVATION_LINK)})


def send_password_reset(user: User) -> None:
    linked = _linked(user, PASSWORD_RESET_LINK)
    outbox.enqueue(PASSWORD_RESET, {**_recipient(user), **linked, "hours": _hours()})


def send_password_changed(user: User) -> None:
    outbox.enqueue(PASSWORD_CHANGED, {**_recipient(user), "url": _link("/password/reset")})


def send_email_change(user: User) -> None:
    """The confirmation link to the new address, and a notice to the current one."""
    linked = _linked(user, EMAIL_CHANGE_LINK)
    confirm = {**_recipient(user), "email": user.pending_email, "hours": _hours()}
    outbox.enqueue(EMAIL_CHANGE_CONFIRM, {**confirm, **linked})
    notice = {**_recipient(user), "new_email": user.pending_email}
    outbox.enqueue(EMAIL_CHANGE_NOTICE, {**notice, "url": _link("/password/reset")})


def _send(name: str, template: str, key: str, payload: dict[str, Any], context: dict) -> None:
    language = payload.get("language")
    mail.send(payload["email"], SUBJECTS[name], template, context, key=key, language=language)


def deliver_activation(key: str, payload: dict[str, Any]) -> None:
    _send(ACTIVATION, "activation", key, payload, _with_link(payload))


def deliver_password_reset(key: str, payload: dict[str, Any]) -> None:
    _send(PASSWORD_RESET, "password_reset", key, payload, _with_link(payload))


def deliver_password_changed(key: str, payload: dict[str, Any]) -> None:
    _send(PASSWORD_CHANGED, "password_changed", key, payload, payload)


def deliver_email_change_confirm(key: str, payload: dict[str, Any]) -> None:
    _send(EMAIL_CHANGE_CONFIRM, "email_change_confirm", key, payload, _with_link(payload))


def deliver_email_change_notice(key: str, payload: dict[str, Any]) -> None:
    _send(EMAIL_CHANGE_NOTICE, "email_change_notice", key, payload, payload)
