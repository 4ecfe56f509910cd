"""The Socket.IO endpoint (``/socket.io/``, WebSocket transport): a client connects with
its access token (``auth: {token, last_event_id}``) or a staff member's back-office
session; each process follows the stream in one background task and sends every entry to
its connections that may hear it, after checking their credentials still hold.

A reconnecting client that names the last event id it saw first receives what it missed
(in order, within ``REALTIME_REPLAY_SECONDS``), or ``resync`` when that is older than
the stream keeps: it should then read the REST API again.
"""

import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, request, session
from flask_socketio import ConnectionRefusedError, SocketIO

from ecom.accounts.tokens import (
    BACK_OFFICE_SESSION_KEY,
    TokenNotValid,
    back_office_user,
    validate,
)
from ecom.common.permissions import has_role
from ecom.extensions import db
from ecom.realtime.connections import Connection, Connections
from ecom.realtime.listeners import stream
from ecom.realtime.stream import Entry, LocalStream, RedisStream, id_key

logger = logging.getLogger(__name__)

EVENT = "event"
RESYNC = "resync"
ENDED = "session_ended"
NOT_AUTHENTICATED = "not_authenticated"
SOCKET_PATH = "/socket.io/"
WAIT_SECONDS = 1.0


class SocketPath:
    """Flask-SocketIO's middleware for ``/socket.io/`` alone: it copies the environ it
    passes on, and every other request keeps the one the WSGI server gave (Gunicorn's
    access line reads the request id the app writes there)."""

    def __init__(self, sockets: Callable, http: Callable) -> None:
        self.sockets = sockets
        self.http = http

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(SOCKET_PATH):
            return self.sockets(environ, start_response)
        return self.http(environ, start_response)


class Hub:
    """This process's connections and the task that feeds them (one per app)."""

    def __init__(self, app: Flask, socketio: SocketIO) -> None:
        self.app = app
        self.socketio = socketio
        self.connections = Connections()
        self.following = False

    def connect(self, auth: dict[str, Any] | None) -> None:
        connection = self._authenticate(auth or {})
        last_event_id = str((auth or {}).get("last_event_id") or "")
        connection.last_id = last_event_id if _is_id(last_event_id) else stream().last_id()
        self.connections.add(connection)
        self._follow()
        if last_event_id:
            self._replay(connection, last_event_id)

    def _authenticate(self, auth: dict[str, Any]) -> Connection:
        token = auth.get("token")
        if isinstance(token, str) and token:
            try:
                _, user, _ = validate(token, "access")
            except TokenNotValid as exc:
                raise ConnectionRefusedError(NOT_AUTHENTICATED) from exc
            return self._connection(user, lambda: _token_holds(token))
        stored = session.get(BACK_OFFICE_SESSION_KEY)
        user = back_office_user(stored)
        if user is None or not has_role(user, "staff"):
            raise ConnectionRefusedError(NOT_AUTHENTICATED)
        return self._connection(user, lambda: back_office_user(stored) is not None)

    @staticmethod
    def _connection(user: Any, still_valid: Any) -> Connection:
        return Connection(request.sid, user.id, has_role(user, "staff"), still_valid)

    def _replay(self, connection: Connection, last_event_id: str) -> None:
        oldest = stream().oldest_id()
        with connection.lock:
            if oldest is not None and id_key(oldest) > id_key(last_event_id):
                self.socketio.emit(RESYNC, {"oldest_event_id": oldest}, to=connection.sid)
            for entry in stream().after(last_event_id):
                self._send(connection, entry)

    def _follow(self) -> None:
        if not self.following:
            self.following = True
            self.socketio.start_background_task(self._run)

    def _run(self) -> None:
        with self.app.app_context():
            cursor = stream().last_id()
        while True:
            try:
                with self.app.app_context():
                    cursor = self._deliver(cursor)
            except Exception:  # noqa: BLE001  (the task must outlive a Redis or database outage)
                logger.exception("real-time stream unavailable; retrying")
                self.socketio.sleep(WAIT_SECONDS)

    def _deliver(self, cursor: str) -> str:
        for entry in stream().wait(cursor, WAIT_SECONDS):
            for connection in self.connections.all():
                if connection.hears(entry[1]):
                    with connection.lock:
                        self._send(connection, entry)
            cursor = entry[0]
        db.session.remove()
        return cursor

    def _send(self, connection: Connection, entry: Entry) -> None:
        """Send ``entry`` unless already sent; end the connection if its credentials went."""
        entry_id, hint = entry
        if not connection.unseen(entry_id) or not connection.hears(hint):
            return
        if not connection.still_valid():
            self.socketio.emit(ENDED, {"code": NOT_AUTHENTICATED}, to=connection.sid)
            self.socketio.server.disconnect(connection.sid, namespace="/")
            self.connections.remove(connection.sid)
            return
        message = {
            "id": entry_id,
            **{k: hint[k] for k in ("event", "event_id", "occurred_at", "data")},
        }
        self.socketio.emit(EVENT, message, to=connection.sid)
        connection.last_id = entry_id

    def disconnect(self, *_reason: Any) -> None:
        self.connections.remove(request.sid)


def _token_holds(token: str) -> bool:
    try:
        validate(token, "access")
    except TokenNotValid:
        return False
    return True


def _is_id(text: str) -> bool:
    milliseconds, _, sequence = text.partition("-")
    return milliseconds.isdigit() and sequence.isdigit()


def register_realtime(app: Flask) -> None:
    """The stream, and a Socket.IO server of this app's own (Flask-SocketIO keeps one
    server per instance, so each app gets an instance rather than sharing one unbound)."""
    config = app.config
    replay = config["REALTIME_REPLAY_SECONDS"]
    url = config["REDIS_URL"]
    app.extensions["realtime.stream"] = RedisStream(url, replay) if url else LocalStream(replay)
    origins = [*config["CORS_ALLOWED_ORIGINS"], config["SHOP_URL"]]
    http = app.wsgi_app
    socketio = SocketIO(
        app,
        async_mode="threading",
        transports=["websocket"],
        cors_allowed_origins=origins if config["CORS_ALLOWED_ORIGINS"] else None,
    )
    app.wsgi_app = SocketPath(app.wsgi_app, http)
    hub = Hub(app, socketio)
    socketio.on_event("connect", hub.connect)
    socketio.on_event("disconnect", hub.disconnect)
    app.extensions["realtime.hub"] = hub
