"""Who is logged in to the back office: a user id in Flask's signed session cookie.

A back office login is a token family without refresh tokens, stored beside the id with
the token version: logging out, a password change, a deactivation or a wiped database
end it as they end API tokens.
"""

from flask import current_app, g, session

from ecom.accounts import tokens
from ecom.accounts.models import User
from ecom.common.transactions import atomic

SESSION_KEY = tokens.BACK_OFFICE_SESSION_KEY


def _fresh_session() -> None:
    """Empty the session, CSRF token included (Flask-WTF caches it in ``g`` too)."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def log_in(user: User) -> None:
    _fresh_session()
    with atomic(keep_loaded=True):
        family = tokens.start_family(user, with_refresh=False)
    session[SESSION_KEY] = {"id": user.id, "ver": user.token_version, "fam": family.id}


def log_out() -> None:
    stored = session.get(SESSION_KEY)
    if stored and stored.get("fam"):
        with atomic():
            tokens.revoke_family(stored["fam"])
    _fresh_session()


def current_admin_user() -> User | None:
    """The logged-in user, if the account is still active and its sessions not revoked."""
    return tokens.back_office_user(session.get(SESSION_KEY))
