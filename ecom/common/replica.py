"""Reads from a PostgreSQL streaming replica (``DATABASE_REPLICA_URL``), writes to the primary.

A GET or HEAD request to one of the blueprints given to ``register_read_replica`` (the
catalog and the reviews) reads from the replica's engine, the ``replica`` bind. Everything
else uses the primary: writes, reads in a session holding unflushed or flushed changes,
``SELECT ... FOR UPDATE``, every other route, and the reads of a user whose write
succeeded less than ``REPLICA_STICKY_SECONDS`` ago (so a staff member sees their own
change at once, whatever the replica's lag). The mark is kept in Redis, shared by every
instance. When the replica does not answer, reads go to the primary for
``REPLICA_RETRY_SECONDS``, with one warning.
"""

import logging
import time
from typing import Any

import redis
import sqlalchemy as sa
from flask import Flask, Response, current_app, request
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from config import REPLICA_BIND
from ecom.common.ratelimit import READ_METHODS, WRITE_METHODS, token_subject
from ecom.logging import outage_warnings

logger = logging.getLogger(__name__)

REPLICA_DOWN = "Read replica unavailable; reading from the primary."
REPLICA_STICKY_DOWN = "Redis unavailable; reads that could follow a write use the primary."
READS_KEY = "ecom.replica_reads"
CHECKED_KEY = "ecom.replica_checked"
WROTE_KEY = "ecom.replica_wrote"
STICKY_PREFIX = "primary-for:"

_state = {"down_until": 0.0}
# Writers' marks when there is no Redis (one process: development).
_local_marks: dict[str, float] = {}


class RoutingSession(Session):
    """Flask-SQLAlchemy's session, sending the reads a request allows to the replica."""

    def get_bind(
        self,
        mapper: Any = None,
        clause: Any = None,
        bind: sa.Engine | sa.Connection | None = None,
        **kwargs: Any,
    ) -> sa.Engine | sa.Connection:
        if bind is None and self._may_use_replica(clause):
            replica = self._db.engines[REPLICA_BIND]
            if self.info.get(CHECKED_KEY) or _answers(replica):
                self.info[CHECKED_KEY] = True
                return replica
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)

    def _may_use_replica(self, clause: Any) -> bool:
        return (
            self.info.get(READS_KEY, False)
            and isinstance(clause, sa.Select)
            # A locking read (with_for_update) must see, and lock, the primary's row.
            and clause._for_update_arg is None
            # _flushing: as in SQLAlchemy's "custom vertical partitioning" example.
            and not (self._flushing or self.info.get(WROTE_KEY))
            and not (self.new or self.dirty or self.deleted)
            and time.monotonic() >= _state["down_until"]
        )


def _answers(replica: sa.Engine) -> bool:
    """Whether the replica takes a connection; if not, leave it alone for a while."""
    try:
        with replica.connect():
            return True
    except DBAPIError:
        _state["down_until"] = time.monotonic() + current_app.config["REPLICA_RETRY_SECONDS"]
        outage_warnings.warn(logger, REPLICA_DOWN)
        return False


@event.listens_for(RoutingSession, "after_flush")
def _wrote(session: RoutingSession, _context: object) -> None:
    session.info[WROTE_KEY] = True


@event.listens_for(RoutingSession, "after_commit")
@event.listens_for(RoutingSession, "after_rollback")
def _transaction_ended(session: RoutingSession) -> None:
    session.info.pop(WROTE_KEY, None)


def register_read_replica(app: Flask, blueprints: tuple[str, ...]) -> None:
    """Send the safe reads of ``blueprints`` to the replica, when one is configured."""
    if REPLICA_BIND not in app.config["SQLALCHEMY_BINDS"]:
        return
    db = app.extensions["sqlalchemy"]

    @app.before_request
    def _choose_engine() -> None:
        if request.method in READ_METHODS and request.blueprint in blueprints:
            subject = token_subject()
            if subject is None or not _wrote_recently(subject):
                db.session.info[READS_KEY] = True

    @app.after_request
    def _remember_writer(response: Response) -> Response:
        if request.method in WRITE_METHODS and response.status_code < 400:
            subject = token_subject()
            if subject is not None:
                _mark_writer(subject)
        return response

    @app.teardown_request
    def _forget(_error: BaseException | None) -> None:
        db.session.info.pop(READS_KEY, None)
        db.session.info.pop(CHECKED_KEY, None)


def _mark_writer(subject: str) -> None:
    seconds = current_app.config["REPLICA_STICKY_SECONDS"]
    client = current_app.extensions.get("redis")
    if client is None:
        _local_marks[subject] = time.monotonic() + seconds
        return
    try:
        client.set(_sticky_key(subject), 1, ex=seconds)
    except redis.RedisError:
        outage_warnings.warn(logger, REPLICA_STICKY_DOWN)


def _wrote_recently(subject: str) -> bool:
    client = current_app.extensions.get("redis")
    if client is None:
        return _local_marks.get(subject, 0.0) > time.monotonic()
    try:
        return bool(client.exists(_sticky_key(subject)))
    except redis.RedisError:
        # Without the marks, a writer could miss their own change: read the primary.
        outage_warnings.warn(logger, REPLICA_STICKY_DOWN)
        return True


def _sticky_key(subject: str) -> str:
    return current_app.config["CACHE_KEY_PREFIX"] + STICKY_PREFIX + subject
