"""The pages the account e-mails link to on the embedded default (``FRONTEND_URL`` unset):
activate an account, ask for a password reset, set a new password.

Server-rendered forms without scripts, posted back to the same address with Flask-WTF's
CSRF token; each post calls the service its API operation calls
(``POST /api/v1/auth/users/activation/``, ``reset_password/``, ``reset_password_confirm/``),
under the same limits. A shop with a front end of its own points the links there with
``FRONTEND_URL`` and these pages are simply not linked.
"""

from typing import Any

from flask import Blueprint, Response, current_app, make_response, render_template, request

from ecom.accounts import recovery
from ecom.common.api import strict_limit
from ecom.common.errors import DomainError
from ecom.common.ratelimit import client_ip, submitted_email
from ecom.extensions import csrf

blp = Blueprint("account_pages", __name__)
POST_ONLY = ["POST"]


def _link_holder() -> str:
    """The account a link names, for the limits (its ``uid``), else the caller's address."""
    return "uid:" + request.view_args.get("uid", client_ip())


def _page(template: str, status: int = 200, **context: Any) -> Response:
    """``accounts/<template>.html``; never cached, as its address may hold a token."""
    html = render_template(
        f"accounts/{template}.html", shop_name=current_app.config["SHOP_NAME"], **context
    )
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(template: str, error: DomainError, **context: Any) -> Response:
    messages = [message for field in (error.errors or {}).values() for message in field]
    return _page(template, error.status, problems=messages or [error.message], **context)


@blp.route("/activate/<uid>/<token>", methods=["GET", "POST"])
@strict_limit(_link_holder, methods=POST_ONLY)
def activate(uid: str, token: str) -> Response:
    """A button, so that a mail scanner following the link does not activate the account."""
    if request.method == "GET":
        return _page("activate")
    csrf.protect()
    try:
        recovery.activate(uid, token)
    except DomainError as error:
        return _refused("activate", error)
    return _page("done", message="Your account is active. You can sign in now.")


@blp.route("/password/reset", methods=["GET", "POST"])
@strict_limit(submitted_email, methods=POST_ONLY)
def request_reset() -> Response:
    if request.method == "GET":
        return _page("reset_request")
    csrf.protect()
    email = request.form.get("email", "").strip()
    if not email:
        return _page("reset_request", 400, problems=["Enter your e-mail address."])
    recovery.request_password_reset(email)
    return _page(
        "done", message=f"If {email} has an account, a link to reset its password is on its way."
    )


@blp.route("/password/reset/confirm/<uid>/<token>", methods=["GET", "POST"])
@strict_limit(_link_holder, methods=POST_ONLY)
def confirm_reset(uid: str, token: str) -> Response:
    if request.method == "GET":
        return _page("reset_confirm")
    csrf.protect()
    password = request.form.get("new_password", "")
    if password != request.form.get("repeated_password", ""):
        return _page("reset_confirm", 400, problems=["The two passwords differ."])
    try:
        recovery.reset_password(uid, token, password)
    except DomainError as error:
        return _refused("reset_confirm", error)
    return _page("done", message="Your password is changed. Sign in with the new one.")
