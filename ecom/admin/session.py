"""Who is logged in to the back office: a user id in Flask's signed session cookie.

The token version is stored beside the id, so a password change or a deactivation
ends back office sessions as it revokes API tokens.
"""

from flask import current_app, g, session

from ecom.accounts.models import User
from ecom.extensions import db

SESSION_KEY = "admin_user"


def _fresh_session() -> None:
    """Empty the session, CSRF token included (Flask-WTF caches it in ``g`` too)."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def log_in(user: User) -> None:
    _fresh_session()
    session[SESSION_KEY] = {"id": user.id, "ver": user.token_version}


def log_out() -> None:
    _fresh_session()


def current_admin_user() -> User | None:
    """The logged-in user, if the account is still active and its sessions not revoked."""
    stored = session.get(SESSION_KEY)
    if not stored:
        return None
    user = db.session.get(User, stored["id"])
    if user is None or not user.is_active or user.token_version != stored["ver"]:
        return None
    return user
