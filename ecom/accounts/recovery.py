"""Account activation, password reset and e-mail change by e-mailed links (djoser's
contract)."""

from sqlalchemy import select

from ecom.accounts.errors import AccountExists
from ecom.accounts.events import (
    ACTIVATION_REQUESTED,
    PASSWORD_CHANGED,
    PASSWORD_RESET_REQUESTED,
)
from ecom.accounts.links import ACTIVATION, EMAIL_CHANGE, PASSWORD_RESET, user_for
from ecom.accounts.models import User
from ecom.accounts.passwords import check_password_policy, hash_password
from ecom.accounts.services import ensure_unique, normalise_email
from ecom.common.events import record
from ecom.common.ratelimit import spend
from ecom.common.transactions import atomic
from ecom.extensions import db


def _active_user(email: str) -> User | None:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    return user if user is not None and user.is_active else None


def _may_mail(user: User) -> bool:
    """Whether ``user``'s address may receive one more link (``RATELIMIT_ACCOUNT_MAILS``).

    Past the limit nothing is sent, and the answer is the same 204: the links already sent
    still work (a link is spent only by a change of the account), so the owner can reset
    with one of them while somebody else floods the address."""
    return spend("RATELIMIT_ACCOUNT_MAILS", "account-mails", f"email:{user.email}")


def activate(uid: str, token: str) -> None:
    with atomic():
        user_for(uid, token, ACTIVATION).is_verified = True


def resend_activation(email: str) -> None:
    """A new activation e-mail to an unverified account; nothing otherwise (no enumeration)."""
    user = _active_user(email)
    if user is not None and not user.is_verified and _may_mail(user):
        with atomic():
            record(ACTIVATION_REQUESTED, user_id=user.id)


def request_password_reset(email: str) -> None:
    """A reset e-mail to an active account; nothing otherwise (no enumeration)."""
    user = _active_user(email)
    if user is not None and _may_mail(user):
        with atomic():
            record(PASSWORD_RESET_REQUESTED, user_id=user.id)


def reset_password(uid: str, token: str, new_password: str) -> None:
    """Set the new password; the link is spent and every token of the user revoked."""
    user = user_for(uid, token, PASSWORD_RESET)
    check_password_policy(new_password, user.email, field="new_password")
    with atomic():
        user.password_hash = hash_password(new_password)
        user.token_version += 1
        # Following the e-mailed link proves the address.
        user.is_verified = True
        record(PASSWORD_CHANGED, user_id=user.id)


def confirm_email_change(uid: str, token: str) -> None:
    """The new address's link was followed: it becomes the account's (and is verified)."""
    user = user_for(uid, token, EMAIL_CHANGE)
    ensure_unique(user.pending_email, None, exclude_id=user.id)
    with atomic(on_conflict=AccountExists()):
        user.email, user.pending_email = user.pending_email, None
        user.is_verified = True
