"""One error format for the whole API, and the domain errors services raise.

Every error body is ``{"code": <machine code>, "status": <HTTP status>, "message": ...,
"errors": {location: {field: [messages]}}}``, ``errors`` only when fields are at fault;
the location is where the field was sent (``json``, ``query``, ``files``...). Services
raise ``DomainError`` subclasses and never touch HTTP; ``register_error_handlers``
translates them once.
"""

import logging
from typing import Any

import marshmallow as ma
from flask import Flask, Response, jsonify, request
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException, InternalServerError

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
    message = "The request was refused."
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
        super().__init__(message or self.message)
        self.message = message or self.message
        self.errors = errors
        self.location = location or self.location
        if code:
            self.code = code


class ValidationFailed(DomainError):
    status = 400
    code = "validation_error"
    message = "Invalid input."


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    message = "Authentication credentials were not provided or are invalid."


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    message = "You do not have permission to perform this action."


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = "Not found."


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = "The request conflicts with the current state."


def _snake(name: str) -> str:
    return name.lower().replace(" ", "_").replace("-", "_").replace("'", "")


def error_response(
    status: int,
    code: str,
    message: str,
    errors: Any = None,
    headers: dict | None = None,
) -> Response:
    body: dict[str, Any] = {"code": code, "status": status, "message": message}
    if errors:
        body["errors"] = errors
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
    errors = data.get("errors") or data.get("messages")
    status = error.code or 500
    code = "validation_error" if errors else _snake(error.name)
    default = "Invalid input." if errors else error.description or error.name
    message = data.get("message") or default
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
    message = f"Too many requests (limit: {error.description}). Retry after Retry-After seconds."
    return error_response(429, "rate_limited", message)


def handle_unexpected_error(error: Exception) -> Response:
    logger.exception("Unhandled error on %s %s", request.method, request.path)
    fallback = InternalServerError()
    return error_response(500, "server_error", fallback.description)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)
