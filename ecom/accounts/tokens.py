"""JWT issue, validation and revocation by token family.

A login starts a family (a row of ``token_families``); every access and refresh token
rotated from it carries the family id (``fam``). The database decides on every request:

- the family ends ``REFRESH_TOKEN_LIFETIME`` after the login, however often it rotates;
- only the family's latest refresh token may be traded; presenting an earlier one (a
  replay, or the same token twice at once) revokes the whole family;
- logout revokes the family, so its earlier access tokens stop working too;
- ``token_version`` (bumped by a password change or a deactivation) ends every family of
  the user for good, and a wiped database (``flask seed --reset``) has no family left, so
  no token outlives the rows it was issued for, even when user ids are reused.
"""

import logging
import uuid
from datetime import UTC, datetime

from flask import Response, current_app
from flask_babel import gettext
from flask_jwt_extended import JWTManager, create_access_token, create_refresh_token
from flask_jwt_extended import decode_token as decode_jwt
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt import PyJWTError
from sqlalchemy import delete, select, update

from ecom.accounts.errors import TokenNotValid
from ecom.accounts.models import TokenFamily, User
from ecom.common.errors import error_response
from ecom.common.transactions import atomic
from ecom.extensions import db

security_log = logging.getLogger("security")

MAX_USER_ID = 2**31 - 1


def start_family(user: User, with_refresh: bool = True) -> TokenFamily:
    """A new login of ``user`` (caller commits)."""
    lifetime = current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
    family = TokenFamily(
        id=uuid.uuid4().hex,
        user_id=user.id,
        expires_at=datetime.now(UTC) + lifetime,
        refresh_jti=str(uuid.uuid4()) if with_refresh else None,
    )
    db.session.add(family)
    return family


def issue_pair(user: User, family: TokenFamily, refresh_jti: str) -> dict[str, str]:
    """An ``{access, refresh}`` pair of ``family``, the refresh token's id ``refresh_jti``."""
    claims = {"role": user.role, "ver": user.token_version, "fam": family.id}
    remaining = family.expires_at - datetime.now(UTC)
    access_lifetime = min(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"], remaining)
    identity = str(user.id)
    return {
        "access": create_access_token(
            identity=identity, additional_claims=claims, expires_delta=access_lifetime
        ),
        "refresh": create_refresh_token(
            identity=identity,
            additional_claims={**claims, "jti": refresh_jti},
            expires_delta=remaining,
        ),
    }


def issue_tokens(user: User) -> dict[str, str]:
    """A new login of ``user``: a new family and its first pair."""
    with atomic(keep_loaded=True):
        family = start_family(user)
    return issue_pair(user, family, family.refresh_jti)


def owner(claims: dict) -> tuple[User, TokenFamily] | None:
    """The token's active user and live family, or None for any malformed or ended token."""
    subject, family_id = claims.get("sub"), claims.get("fam")
    well_formed = (
        isinstance(subject, str)
        and subject.isascii()
        and subject.isdigit()
        and 0 < int(subject) <= MAX_USER_ID
        and isinstance(family_id, str)
        and isinstance(claims.get("jti"), str)
    )
    if not well_formed:
        return None
    return live_session(int(subject), family_id, claims.get("ver"))


def live_session(user_id: int, family_id: str, version: object) -> tuple[User, TokenFamily] | None:
    """The active user and its unexpired, unrevoked family, if ``version`` is still current."""
    row = db.session.execute(
        select(User, TokenFamily)
        .join(TokenFamily, TokenFamily.user_id == User.id)
        .where(TokenFamily.id == family_id, User.id == user_id)
    ).first()
    if row is None:
        return None
    user, family = row
    alive = family.revoked_at is None and family.expires_at > datetime.now(UTC)
    if not alive or not user.is_active or version != user.token_version:
        return None
    return user, family


# Where a back-office login is kept in Flask's signed session cookie.
BACK_OFFICE_SESSION_KEY = "admin_user"


def back_office_user(stored: dict | None) -> User | None:
    """The user of a back-office login (``session[BACK_OFFICE_SESSION_KEY]``), if the
    account is still active and the login not ended."""
    if not stored:
        return None
    found = live_session(stored["id"], stored.get("fam"), stored["ver"])
    return found[0] if found else None


def active_user_for(claims: dict) -> User | None:
    found = owner(claims)
    return found[0] if found else None


def validate(token: str, expected_type: str | None = None) -> tuple[dict, User, TokenFamily]:
    """Decode a token from a request body with every check a header token gets."""
    try:
        claims = decode_jwt(token)
    except (PyJWTError, JWTExtendedException) as exc:
        raise TokenNotValid() from exc
    if expected_type and claims.get("type") != expected_type:
        raise TokenNotValid(gettext("A %(type)s token is required.", type=expected_type))
    found = owner(claims)
    if found is None:
        raise TokenNotValid()
    return claims, *found


def revoke_family(family_id: str) -> None:
    """End a family: every token carrying it is refused from now on (caller commits)."""
    db.session.execute(
        update(TokenFamily)
        .where(TokenFamily.id == family_id, TokenFamily.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    security_log.info("token family revoked fam=%s", family_id)


def rotate(refresh: str) -> dict[str, str]:
    """Trade the family's latest refresh token for a new pair.

    The swap is one conditional UPDATE, so of many concurrent trades of one token exactly
    one wins; every other one, like any later replay, is a reuse and revokes the family.
    """
    claims, user, family = validate(refresh, "refresh")
    new_jti = str(uuid.uuid4())
    pair = issue_pair(user, family, new_jti)
    with atomic():
        swapped = db.session.execute(
            update(TokenFamily)
            .where(
                TokenFamily.id == family.id,
                TokenFamily.refresh_jti == claims["jti"],
                TokenFamily.revoked_at.is_(None),
            )
            .values(refresh_jti=new_jti)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not swapped:
            revoke_family(family.id)
    if not swapped:
        security_log.warning("refresh token reused user=%s fam=%s", user.id, family.id)
        raise TokenNotValid()
    return pair


def purge_expired(now: datetime | None = None) -> int:
    """Delete families that have expired anyway; the number deleted."""
    cutoff = now or datetime.now(UTC)
    with atomic():
        result = db.session.execute(delete(TokenFamily).where(TokenFamily.expires_at < cutoff))
    return result.rowcount


def _unauthorized(message: str, code: str = TokenNotValid.code) -> Response:
    return error_response(401, code, message)


def register_jwt_callbacks(jwt: JWTManager) -> None:
    jwt.user_lookup_loader(lambda _header, claims: active_user_for(claims))
    jwt.user_lookup_error_loader(lambda *_: _unauthorized("Token has been revoked or is stale."))
    jwt.expired_token_loader(lambda *_: _unauthorized("Token has expired."))
    jwt.invalid_token_loader(lambda reason: _unauthorized(f"Token is invalid: {reason}"))
    jwt.unauthorized_loader(
        lambda reason: _unauthorized(
            "Authentication credentials were not provided.", "not_authenticated"
        )
    )
