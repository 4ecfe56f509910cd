"""Password hashing with Argon2id (argon2-cffi) and the password policy."""

from functools import cache

import argon2
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from ecom.common.errors import ValidationFailed

MIN_LENGTH = 8


@cache
def _hasher(profile: str) -> argon2.PasswordHasher:
    return argon2.PasswordHasher.from_parameters(getattr(argon2.profiles, profile))


def _profile() -> str:
    return current_app.config["PASSWORD_HASH_PROFILE"]


@cache
def _dummy_hash(profile: str) -> str:
    return _hasher(profile).hash("placeholder for unknown accounts")


def hash_password(password: str) -> str:
    return _hasher(_profile()).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password``; with no hash, spend the same time and fail (no user enumeration)."""
    profile = _profile()
    try:
        matched = _hasher(profile).verify(password_hash or _dummy_hash(profile), password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


def check_password_policy(password: str, email: str = "", field: str = "password") -> None:
    """Raise a 400 naming ``field`` when the password is too weak."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Password must be at least {MIN_LENGTH} characters long.")
    if password.isdigit():
        problems.append("Password cannot be entirely numeric.")
    if email and password.strip().lower() == email.strip().lower():
        problems.append("Password cannot be the same as the email address.")
    if problems:
        raise ValidationFailed("Password does not meet the policy.", errors={field: problems})
