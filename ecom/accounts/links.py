"""Signed links for account activation and password reset.

A link carries ``uid`` (the user id, base64) and a signed, timed ``token`` made of a
digest of the account's state: the password hash, the token version and the verified
flag. Changing any of them (activating, resetting or changing the password) spends the
token; it expires after ``PASSWORD_RESET_TIMEOUT`` seconds.
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


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"ecom.{purpose}")


def _state(user: User) -> str:
    text = f"{user.id}|{user.password_hash}|{user.token_version}|{user.is_verified}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def make_link(user: User, purpose: str) -> tuple[str, str]:
    """``(uid, token)`` for ``user``'s link."""
    uid = base64.urlsafe_b64encode(str(user.id).encode()).decode().rstrip("=")
    return uid, _serializer(purpose).dumps(_state(user))


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
    if user is None or not user.is_active or state != _state(user):
        raise InvalidLink()
    return user
