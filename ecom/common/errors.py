"""One error format for the whole API, and the domain errors services raise.

Every error body is ``{"code": <machine code>, "status": <HTTP status>, "message": ...,
"errors": {location: {field: [messages]}}}``, ``errors`` only when fields are at fault;
the location is where the field was sent (``json``, ``query``, ``files``...). Services
raise ``DomainError`` subclasses and never touch HTTP; ``register_error_handlers``
translates them once.

Messages are in the request's language (docs/I18N.md): a domain error's is marked for the
catalogue where it is declared (``lazy_gettext``) and read when it is raised; the
libraries' (marshmallow's field messages, Werkzeug's descriptions) are translated here,
when the body is written. Codes never change with the language.
"""

import logging
from typing import Any

import marshmallow as ma
from flask import Flask, Response, jsonify, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException, InternalServerError

from ecom.common.field_messages import translate
from ecom.logging import current_user_id

logger = logging.getLogger(__name__)
security_log = logging.getLogger("security")


class ErrorSchema(ma.Schema):
    code = ma.fields.String(
        required=True, metadata={"description": "Machine-readable error code, e.g. `not_found`."}
    )
    status = ma.fields.Integer(required=True, metadata={"description": "HTTP status code."})
    message = ma.fields.String(required=True, metadata={"description": "Human-readable summary."})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Dict(keys=ma.fields.String()),
        metadata={
            "description": "Location (`json`, `query`, `files`...) → field → list of messages "
            "(a nested object's field holds its own field → messages); only when fields are "
            "at fault."
        },
    )


class DomainError(Exception):
    """A business rule refused the operation."""

    status = 400
    code = "invalid"
    message = _l("The request was refused.")
    # Where the fields named in ``errors`` were sent.
    location = "json"

    def __init__(
        self,
        message: str | None = None,
        *,
        errors: dict | None = None,
        code: str | None = None,
        location: str | None = None,
    ) -> None:
        # Read now, in the language of the request that raised it.
        message = str(message or self.message)
        super().__init__(message)
        self.message = message
        self.errors = _read(errors)
        self.location = location or self.location
        if code:
            self.code = code


class ValidationFailed(DomainError):
    status = 400
    code = "validation_error"
    message = _l("Invalid input.")


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    message = _l("Authentication credentials were not provided or are invalid.")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    message = _l("You do not have permission to perform this action.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = _l("Not found.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = _l("The request conflicts with the current state.")


def _read(value: Any) -> Any:
    """``value`` with every message marked for translation read in the current language."""
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, dict):
        return {key: _read(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_read(item) for item in value]
    return value


def _translated(value: Any) -> Any:
    """A library's field messages (location → field → messages) in the request's language."""
    if isinstance(value, str):
        return translate(value)
    if isinstance(value, dict):
        return {key: _translated(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_translated(item) for item in value]
    return _read(value)


def _snake(name: str) -> str:
    return name.lower().replace(" ", "_").replace("-", "_").replace("'", "")


def error_response(
    status: int,
    code: str,
    message: str,
    errors: Any = None,
    headers: dict | None = None,
) -> Response:
    body: dict[str, Any] = {"code": code, "status": status, "message": str(message)}
    if errors:
        body["errors"] = _read(errors)
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def handle_domain_error(error: DomainError) -> Response:
    if isinstance(error, PermissionDenied):
        security_log.warning(
            "permission denied %s %s user=%s", request.method, request.path, current_user_id()
        )
    errors = {error.location: error.errors} if error.errors else None
    return error_response(error.status, error.code, error.message, errors)


def handle_http_exception(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    errors = _translated(data.get("errors") or data.get("messages"))
    status = error.code or 500
    code = "validation_error" if errors else _snake(error.name)
    default = gettext("Invalid input.") if errors else error.description or error.name
    message = translate(data.get("message") or default)
    headers = dict(data.get("headers") or {})
    if error.response is not None:
        headers.update(
            (k, v) for k, v in error.response.headers.items() if k in {"Retry-After", "Allow"}
        )
    if status == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return error_response(status, code, message, errors, headers)


def handle_rate_limited(error: RateLimitExceeded) -> Response:
    """429; Flask-Limiter adds ``Retry-After`` and ``X-RateLimit-*`` after this handler."""
    message = gettext(
        "Too many requests (limit: %(limit)s). Retry after Retry-After seconds.",
        limit=error.description,
    )
    return error_response(429, "rate_limited", message)


def handle_unexpected_error(error: Exception) -> Response:
    logger.exception("Unhandled error on %s %s", request.method, request.path)
    fallback = InternalServerError()
    return error_response(500, "server_error", translate(fallback.description))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)
