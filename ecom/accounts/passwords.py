"""Password hashing with Argon2id (argon2-cffi) and the password policy."""

from functools import cache

import argon2
import marshmallow as ma
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext
from marshmallow import validate

from ecom.accounts.errors import PasswordIsEmail
from ecom.common.errors import ValidationFailed
from ecom.common.field_messages import N_, translate

MIN_LENGTH = 8
MAX_LENGTH = 128
PASSWORD_POLICY = "8 to 128 characters, not only digits and spaces, not the email."
# The rules a schema can state (and the document shows); the email one needs the account.
PASSWORD_RULE = [
    validate.Length(
        min=MIN_LENGTH,
        max=MAX_LENGTH,
        error=N_("Password must be {min} to {max} characters long."),
    ),
    validate.Regexp(
        r"^[^\x00]*[^\s0-9\x00][^\x00]*$",
        error=N_("Password needs a character other than digits and spaces."),
    ),
]


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
    """Raise a 400 naming ``field`` when the password breaks the rules the schema states,
    or a 409 when it is the account's email (a rule no schema can state)."""
    problems = []
    for rule in PASSWORD_RULE:
        try:
            rule(password)
        except ma.ValidationError as refused:
            problems.extend(map(translate, refused.messages))
    if problems:
        raise ValidationFailed(
            gettext("Password does not meet the policy."), errors={field: problems}
        )
    if email and password.strip().lower() == email.strip().lower():
        raise PasswordIsEmail(errors={field: [PasswordIsEmail.message]})
