"""Integration tokens: long-lived API tokens of other systems (an ERP, a warehouse).

The secret is shown once, at creation; the shop keeps its SHA-256 only. A password hash
(bcrypt, argon2) would add nothing: it slows down guessing a low-entropy secret a human
chose, while this one is 256 random bits, beyond any guessing, and a fast hash lets every
request find its token with one indexed lookup. Revoking is immediate: each request
looks the token up. The last use is written at most once a ``LAST_USED_RESOLUTION``.
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask
from flask_babel import gettext
from sqlalchemy import Select, or_, select, update

from ecom.accounts.groups import check_grant
from ecom.accounts.models import IntegrationToken, User
from ecom.common.errors import NotFound
from ecom.common.models import utcnow
from ecom.common.permissions import TOKEN_PREFIX, TokenCaller, register_token_loader
from ecom.common.transactions import atomic
from ecom.extensions import db

LAST_USED_RESOLUTION = timedelta(minutes=1)
SECRET_BYTES = 32
HINT_LENGTH = len(TOKEN_PREFIX) + 4


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def tokens_query() -> Select:
    return select(IntegrationToken).order_by(IntegrationToken.id.desc())


def get_token(token_id: int) -> IntegrationToken:
    token = db.session.get(IntegrationToken, token_id)
    if token is None:
        raise NotFound(gettext("Integration token not found."))
    return token


def create_token(creator: Any, name: str, permissions: list[str]) -> tuple[IntegrationToken, str]:
    """A new token and its secret (the only time the secret exists outside the caller)."""
    check_grant(creator, permissions)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = IntegrationToken(
        name=name,
        digest=digest(secret),
        hint=secret[:HINT_LENGTH],
        permissions=sorted(set(permissions)),
        created_by_id=creator.id if isinstance(creator, User) else None,
    )
    with atomic(keep_loaded=True):
        db.session.add(token)
    return token, secret


def revoke_token(token_id: int) -> IntegrationToken:
    """Refuse the token from the next request on (revoking twice keeps the first time)."""
    token = get_token(token_id)
    with atomic(keep_loaded=True):
        if token.revoked_at is None:
            token.revoked_at = utcnow()
    return token


def authenticate(secret: str) -> TokenCaller | None:
    """The live token of ``secret``, its last use recorded; None when unknown or revoked."""
    row = db.session.execute(
        select(
            IntegrationToken.id,
            IntegrationToken.name,
            IntegrationToken.permissions,
            IntegrationToken.last_used_at,
        ).where(IntegrationToken.digest == digest(secret), IntegrationToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    now = utcnow()
    if row.last_used_at is None or row.last_used_at <= now - LAST_USED_RESOLUTION:
        _record_use(row.id, now)
    return TokenCaller(id=row.id, name=row.name, permissions=frozenset(row.permissions))


def _record_use(token_id: int, now: Any) -> None:
    # Conditional: of many requests in the same minute, one writes.
    with atomic():
        db.session.execute(
            update(IntegrationToken)
            .where(
                IntegrationToken.id == token_id,
                or_(
                    IntegrationToken.last_used_at.is_(None),
                    IntegrationToken.last_used_at <= now - LAST_USED_RESOLUTION,
                ),
            )
            .values(last_used_at=now, updated_at=IntegrationToken.updated_at)
            .execution_options(synchronize_session=False)
        )


def register(app: Flask) -> None:
    """Requests find their integration token through this module."""
    register_token_loader(app, authenticate)
