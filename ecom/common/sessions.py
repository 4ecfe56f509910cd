"""Flask's signed-cookie sessions, with nothing to build for a request that has none."""

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin


class LazyCookieSessions(SecureCookieSessionInterface):
    """As Flask's, but a request without a session cookie (every API call: only the back
    office signs in with one) gets its empty session without building a signer, and an
    empty session nobody touched reads no cookie settings on the way out."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if session or session.accessed or session.modified:
            super().save_session(app, session, response)
