"""Logging: one JSON object per line on stderr, one line per request, request ids.

Every line has ``time``, ``level``, ``logger`` and ``message``; request lines add
``request_id``, ``method``, ``path``, ``status``, ``duration_ms``, ``user_id`` and
``client_ip``, and any line logged during a request carries its ``request_id``.
Security events go to the ``security`` logger.

The request line is the app's (logger ``ecom.request``) unless ``REQUEST_LOG`` is off,
as ``gunicorn.conf.py`` sets it when Gunicorn's own access log is on: that line then
reads the request id and user id from ``request.environ`` (``ENVIRON_REQUEST_ID``,
``ENVIRON_USER_ID``), so either way each request writes one line with the same keys.
While the JSON handler on stderr is the only one, the request line skips the logging
machinery (a record, the caller's frame, two formatting passes) and is written at once,
the same JSON; any other handler (a test's ``caplog``) gets it as a record.
"""

import json
import logging
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from flask import Flask, Response, current_app, g, has_request_context, request
from flask_jwt_extended import get_jwt_identity

REQUEST_ID_HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
OUTAGE_WARNING_INTERVAL_SECONDS = 60.0
# What the request line of a WSGI server (Gunicorn's access log) can read from the environ.
ENVIRON_REQUEST_ID = "ecom.request_id"
ENVIRON_USER_ID = "ecom.user_id"

request_log = logging.getLogger("ecom.request")
# Terminal colour codes (the development server's): JSON lines carry plain text.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def json_entry(created: float, level: str, logger: str, message: str) -> dict[str, Any]:
    """The keys every line starts with."""
    return {
        "time": datetime.fromtimestamp(created, UTC).isoformat(),
        "level": level,
        "logger": logger,
        "message": message,
    }


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = ANSI_ESCAPE.sub("", record.getMessage())
        entry = json_entry(record.created, record.levelname, record.name, message)
        if getattr(record, "request_id", None):
            entry["request_id"] = record.request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class JsonLineHandler(logging.StreamHandler):
    """JSON lines on a stream; ``write_entry`` writes an entry built by the caller."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.setFormatter(JsonFormatter())

    def write_entry(self, entry: dict[str, Any]) -> None:
        line = json.dumps(entry, default=str) + self.terminator
        try:
            with self.lock:
                self.stream.write(line)
                self.stream.flush()
        except Exception:  # As emit(): a log that cannot be written never fails the request.
            self.handleError(logging.makeLogRecord({"msg": entry["message"]}))


def _tag_with_request_id(factory: Callable[..., logging.LogRecord]) -> Callable:
    """Give every record created during a request that request's id."""

    def create(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        if has_request_context():
            record.request_id = g.get("request_id")
        return record

    create.tags_request_id = True
    return create


class OutageWarnings:
    """One warning per message and interval, so a dead Redis does not flood the logs."""

    def __init__(self, interval: float = OUTAGE_WARNING_INTERVAL_SECONDS) -> None:
        self.interval = interval
        self._last: dict[str, float] = {}

    def due(self, message: str) -> bool:
        now = time.monotonic()
        if now - self._last.get(message, -self.interval) < self.interval:
            return False
        self._last[message] = now
        return True

    def warn(self, logger: logging.Logger, message: str) -> None:
        if self.due(message):
            logger.warning(message)

    def reset(self) -> None:
        self._last.clear()


outage_warnings = OutageWarnings()


class LimiterOutageFilter(logging.Filter):
    """Flask-Limiter logs each swallowed storage error with a trace; keep one warning."""

    MESSAGE = "Rate limit storage unavailable; requests pass unlimited."

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info is None:
            return True
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg, record.args = self.MESSAGE, ()
        record.exc_info = record.exc_text = None
        return outage_warnings.due(self.MESSAGE)


class DevServerAccessFilter(logging.Filter):
    """``flask run``'s access line repeats the app's request line: keep the app's only."""

    ACCESS_LINE = re.compile(r' - - \[.*\] "%s" %s %s\n?$')

    def filter(self, record: logging.LogRecord) -> bool:
        return not self.ACCESS_LINE.search(str(record.msg))


def current_user_id() -> str | None:
    """The identity of a token this request verified, without verifying one."""
    try:
        return get_jwt_identity()
    except RuntimeError:
        return None


def request_id_from(given: str) -> str:
    """The caller's ``X-Request-ID`` when it is a sane one, else a new id."""
    return given if VALID_REQUEST_ID.fullmatch(given) else uuid4().hex


def start_request() -> None:
    g.request_started = time.perf_counter()
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER, ""))


def _sole_json_handler() -> JsonLineHandler | None:
    """The one handler a request line would reach, when it is a plain ``JsonLineHandler``."""
    if request_log.filters:
        return None
    logger = request_log
    while logger.parent is not None:
        if logger.handlers or not logger.propagate:
            return None
        logger = logger.parent
    if len(logger.handlers) != 1:
        return None
    [handler] = logger.handlers
    if type(handler) is JsonLineHandler and not handler.filters and handler.level <= logging.INFO:
        return handler
    return None


def log_request(response: Response) -> Response:
    duration_ms = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
    request_id, user_id = g.get("request_id", ""), current_user_id()
    response.headers[REQUEST_ID_HEADER] = request_id
    environ = request.environ
    environ[ENVIRON_REQUEST_ID] = request_id
    environ[ENVIRON_USER_ID] = user_id
    if not current_app.config["REQUEST_LOG"]:
        return response
    fields = {
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round(duration_ms, 2),
        "user_id": user_id,
        "client_ip": request.remote_addr,
    }
    write_request_line(request_id, fields)
    return response


def write_request_line(request_id: str, fields: dict[str, Any]) -> None:
    """The request's line (``fields``: method, path, status, duration_ms, user_id and
    client_ip), unless ``ecom.request`` is below INFO."""
    if not request_log.isEnabledFor(logging.INFO):
        return
    method, path, status = fields["method"], fields["path"], fields["status"]
    if request_id:
        fields = {"request_id": request_id, **fields}
    handler = _sole_json_handler()
    if handler is None:
        request_log.info("%s %s %s", method, path, status, extra={"fields": fields})
        return
    message = f"{method} {path} {status}"
    if "\x1b" in message:
        message = ANSI_ESCAPE.sub("", message)
    entry = json_entry(time.time(), "INFO", request_log.name, message)
    entry.update(fields)
    handler.write_entry(entry)


def configure_logging(app: Flask) -> None:
    handler = JsonLineHandler(sys.stderr)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "tags_request_id", False):
        logging.setLogRecordFactory(_tag_with_request_id(factory))
    for name, log_filter in (
        ("flask-limiter", LimiterOutageFilter),
        ("werkzeug", DevServerAccessFilter),
    ):
        logger = logging.getLogger(name)
        if not any(isinstance(f, log_filter) for f in logger.filters):
            logger.addFilter(log_filter())
    app.before_request(start_request)
    app.after_request(log_request)
