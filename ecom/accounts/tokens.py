"""JWT issue, validation and revocation.

Revoked token ids are always written to the database; when Redis is configured they are
also written there and looked up there first. If Redis cannot take a revocation, the
user's ``token_version`` is bumped instead, so a revoked token is never accepted
(fail closed), at the cost of ending that user's other sessions.
"""

import logging
from datetime import UTC, datetime

import redis
from flask import Response
from flask_jwt_extended import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    decode_token,
)
from jwt import PyJWTError
from sqlalchemy import delete

from ecom.accounts.errors import TokenNotValid
from ecom.accounts.models import RevokedToken, User
from ecom.common.errors import error_response
from ecom.common.redis import get_redis
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.logging import outage_warnings

logger = logging.getLogger(__name__)
security_log = logging.getLogger("security")

REDIS_PREFIX = "blocklist:"
BLOCKLIST_DOWN = "Redis unavailable for the token blocklist; reading the database."


def issue_tokens(user: User) -> dict[str, str]:
    """A fresh ``{access, refresh}`` pair carrying the role and the token version."""
    claims = {"role": user.role, "ver": user.token_version}
    identity = str(user.id)
    return {
        "access": create_access_token(identity=identity, additional_claims=claims),
        "refresh": create_refresh_token(identity=identity, additional_claims=claims),
    }


def is_revoked(jti: str) -> bool:
    client = get_redis()
    if client is not None:
        try:
            return bool(client.exists(REDIS_PREFIX + jti))
        except redis.RedisError:
            outage_warnings.warn(logger, BLOCKLIST_DOWN)
    return db.session.get(RevokedToken, jti) is not None


def revoke(claims: dict, user: User) -> None:
    """Revoke the token with these claims (caller commits)."""
    expires_at = datetime.fromtimestamp(claims["exp"], UTC)
    if db.session.get(RevokedToken, claims["jti"]) is None:
        db.session.add(RevokedToken(jti=claims["jti"], expires_at=expires_at))
    client = get_redis()
    if client is not None:
        try:
            ttl = max(1, int(claims["exp"] - datetime.now(UTC).timestamp()))
            client.set(REDIS_PREFIX + claims["jti"], "1", ex=ttl)
        except redis.RedisError:
            logger.warning("Redis refused a revocation; revoking all tokens of user %s.", user.id)
            user.token_version += 1
    security_log.info(
        "token revoked jti=%s user=%s type=%s", claims["jti"], user.id, claims["type"]
    )


def purge_expired(now: datetime | None = None) -> int:
    """Delete blocklist rows of tokens that have expired anyway; the number deleted."""
    cutoff = now or datetime.now(UTC)
    with atomic():
        result = db.session.execute(delete(RevokedToken).where(RevokedToken.expires_at < cutoff))
    return result.rowcount


def active_user_for(claims: dict) -> User | None:
    """The token's user, if it still exists, is active and the token is of its version."""
    user = db.session.get(User, int(claims["sub"]))
    if user is None or not user.is_active or claims.get("ver") != user.token_version:
        return None
    return user


def validate(token: str, expected_type: str | None = None) -> tuple[dict, User]:
    """Decode a token from a request body with every check a header token gets."""
    try:
        claims = decode_token(token)
    except PyJWTError as exc:
        raise TokenNotValid() from exc
    if expected_type and claims.get("type") != expected_type:
        raise TokenNotValid(f"A {expected_type} token is required.")
    user = active_user_for(claims)
    if user is None or is_revoked(claims["jti"]):
        raise TokenNotValid()
    return claims, user


def _unauthorized(message: str, code: str = TokenNotValid.code) -> Response:
    return error_response(401, code, message)


def register_jwt_callbacks(jwt: JWTManager) -> None:
    jwt.user_lookup_loader(lambda _header, claims: active_user_for(claims))
    jwt.token_in_blocklist_loader(lambda _header, claims: is_revoked(claims["jti"]))
    jwt.user_lookup_error_loader(lambda *_: _unauthorized("User is inactive or token is stale."))
    jwt.expired_token_loader(lambda *_: _unauthorized("Token has expired."))
    jwt.revoked_token_loader(lambda *_: _unauthorized("Token has been revoked."))
    jwt.invalid_token_loader(lambda reason: _unauthorized(f"Token is invalid: {reason}"))
    jwt.unauthorized_loader(
        lambda reason: _unauthorized(
            "Authentication credentials were not provided.", "not_authenticated"
        )
    )
