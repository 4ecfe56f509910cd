"""Signed links for account activation, password reset and e-mail change.

A link carries ``uid`` (the user id, base64) and a signed, timed ``token`` made of a
digest of the account's state: the password hash, the token version and the verified
flag, and for an e-mail change both addresses. Changing any of them (activating,
resetting or changing the password, confirming or asking another change) spends the
token; it expires after ``PASSWORD_RESET_TIMEOUT`` seconds.

An e-mail waiting in the outbox keeps the state digest, never a token: the token is made
from it at send time (``link_for``), with the secret key, so the stored row holds no usable
link, and the link is spent already if the state changed before the mail left.
"""

import base64
import binascii
import hashlib

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from ecom.accounts.errors import InvalidLink
from ecom.accounts.models import User
from ecom.common.ids import parse_id
from ecom.extensions import db

ACTIVATION = "activation"
PASSWORD_RESET = "password-reset"
EMAIL_CHANGE = "email-change"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"ecom.{purpose}")


def link_state(user: User, purpose: str) -> str:
    """The digest of ``user``'s state that a link of ``purpose`` is valid for."""
    text = f"{user.id}|{user.password_hash}|{user.token_version}|{user.is_verified}"
    if purpose == EMAIL_CHANGE:
        text += f"|{user.email}|{user.pending_email}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def link_for(user_id: int, state: str, purpose: str) -> tuple[str, str]:
    """``(uid, token)`` of the link for the account state ``state`` (``link_state``)."""
    uid = base64.urlsafe_b64encode(str(user_id).encode()).decode().rstrip("=")
    return uid, _serializer(purpose).dumps(state)


def make_link(user: User, purpose: str) -> tuple[str, str]:
    """``(uid, token)`` for ``user``'s link."""
    return link_for(user.id, link_state(user, purpose), purpose)


def user_for(uid: str, token: str, purpose: str) -> User:
    """The active user the link names, if the token is theirs, unexpired and unspent."""
    try:
        user_id = parse_id(base64.urlsafe_b64decode(uid + "=" * (-len(uid) % 4)).decode())
        state = _serializer(purpose).loads(
            token, max_age=current_app.config["PASSWORD_RESET_TIMEOUT"]
        )
    except (ValueError, binascii.Error, BadData):
        state = user_id = None
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.is_active or state != link_state(user, purpose):
        raise InvalidLink()
    return user
