"""Account rules: registration, login, token rotation, profile and role changes."""

from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, select

from ecom.accounts import tokens
from ecom.accounts.errors import (
    AccountExists,
    InvalidCredentials,
    SelfLockout,
    TokenNotValid,
)
from ecom.accounts.events import EMAIL_CHANGE_REQUESTED, PASSWORD_CHANGED, USER_REGISTERED
from ecom.accounts.models import User
from ecom.accounts.passwords import check_password_policy, hash_password, verify_password
from ecom.common.errors import NotFound, PermissionDenied
from ecom.common.events import record
from ecom.common.i18n import UnknownLanguage, languages
from ecom.common.transactions import atomic
from ecom.extensions import db


def normalise_email(email: str) -> str:
    return email.strip().lower()


def ensure_unique(email: str | None, username: str | None, exclude_id: int | None = None) -> None:
    errors = {}
    for field, value in (("email", email), ("username", username)):
        if value is None:
            continue
        owner = db.session.scalar(select(User.id).where(getattr(User, field) == value))
        if owner is not None and owner != exclude_id:
            errors[field] = [
                gettext("A user with this email already exists.")
                if field == "email"
                else gettext("A user with this username already exists.")
            ]
    if errors:
        raise AccountExists(errors=errors)


def check_language(changes: dict[str, Any]) -> None:
    """400 ``unknown_language`` unless a ``language`` among ``changes`` is one the shop
    speaks (None: the default, whatever it is)."""
    language = changes.get("language")
    if language is not None and language not in languages():
        raise UnknownLanguage("language", "json")


def create_user(
    *,
    email: str,
    username: str,
    password: str,
    role: str = "customer",
    send_activation: bool = False,
    language: str | None = None,
    **names: str,
) -> User:
    """A new account; with ``send_activation`` (a sign-up), its activation e-mail goes out."""
    email = normalise_email(email)
    check_password_policy(password, email)
    check_language({"language": language})
    ensure_unique(email, username)
    user = User(
        email=email,
        username=username,
        password_hash=hash_password(password),
        role=role,
        language=language,
        **names,
    )
    with atomic(on_conflict=AccountExists()):
        db.session.add(user)
        db.session.flush()
        record(USER_REGISTERED, user_id=user.id, email=user.email, signed_up=send_activation)
    return user


def authenticate(email: str, password: str) -> User:
    """The active user with these credentials, or ``NotAuthenticated`` (same message either way)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if not verify_password(user.password_hash if user else None, password):
        tokens.security_log.warning("login failed email=%s", normalise_email(email))
        raise InvalidCredentials()
    if not user.is_active:
        raise InvalidCredentials()
    return user


def login(email: str, password: str) -> dict[str, str]:
    return tokens.issue_tokens(authenticate(email, password))


def rotate_refresh_token(refresh: str) -> dict[str, str]:
    """Trade a refresh token for a new pair; reusing a traded one ends the login."""
    return tokens.rotate(refresh)


def logout(user: User, access_claims: dict, refresh: str) -> None:
    """End the login (token family) of the access token and of the refresh token."""
    _claims, owner, family = tokens.validate(refresh, "refresh")
    if owner.id != user.id:
        raise TokenNotValid(gettext("The refresh token belongs to another user."))
    with atomic():
        tokens.revoke_family(access_claims["fam"])
        tokens.revoke_family(family.id)


def update_profile(user: User, changes: dict[str, Any]) -> User:
    """Change the profile. A new e-mail address needs the current password and waits, as
    ``pending_email``, for its link to be followed (``recovery.confirm_email_change``);
    the current address is told."""
    password = changes.pop("current_password", None)
    email = normalise_email(changes.pop("email", user.email))
    moving = email != user.email
    if moving and not password:
        message = gettext("The current password is required to change the e-mail address.")
        # 403, not 400: the request is well formed, the caller has not proven who they are.
        raise PermissionDenied(
            message, errors={"current_password": [message]}, code="current_password_required"
        )
    if moving:
        check_current_password(user, password)
    check_language(changes)
    ensure_unique(email if moving else None, changes.get("username"), exclude_id=user.id)
    with atomic(on_conflict=AccountExists()):
        for field, value in changes.items():
            setattr(user, field, value)
        if moving:
            user.pending_email = email
            record(EMAIL_CHANGE_REQUESTED, user_id=user.id)
    return user


def check_current_password(user: User, password: str) -> None:
    """403 unless ``password`` is ``user``'s."""
    if not verify_password(user.password_hash, password):
        message = gettext("Current password is wrong.")
        raise PermissionDenied(
            message, errors={"current_password": [message]}, code="wrong_password"
        )


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password and revoke every token issued so far."""
    check_current_password(user, current_password)
    check_password_policy(new_password, user.email, field="new_password")
    with atomic():
        user.password_hash = hash_password(new_password)
        user.token_version += 1
        record(PASSWORD_CHANGED, user_id=user.id)


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(gettext("User not found."))
    return user


def users_query(role: str | None = None) -> Select:
    query = select(User).order_by(User.id)
    return query.where(User.role == role) if role else query


def administer_user(actor: User, user_id: int, changes: dict[str, Any]) -> User:
    """An admin sets a user's role, active flag or language; admins cannot lock themselves
    out."""
    user = get_user(user_id)
    check_language(changes)
    demotes_self = user.id == actor.id and (
        changes.get("role", "admin") != "admin" or changes.get("is_active") is False
    )
    if demotes_self:
        raise SelfLockout()
    with atomic():
        if user.is_active and changes.get("is_active") is False:
            user.token_version += 1  # Reactivation must not revive the tokens issued before.
        for field, value in changes.items():
            setattr(user, field, value)
    return user


def deactivate_user(actor: User, user_id: int) -> None:
    administer_user(actor, user_id, {"is_active": False})
