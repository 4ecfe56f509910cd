"""The transactional outbox: side effects written in the transaction that causes them.

A listener (or a service, for its own domain's work) calls ``enqueue(handler, payload,
key=...)`` inside its transaction: the row commits with the change, or rolls back with
it, so a rolled-back order sends nothing. After the commit the new rows go to the job
queue (``ecom.common.jobs``), which calls ``deliver``; the periodic sweep hands over rows
nothing delivered. Handlers are plain functions, registered by name in the app factory by
the domain that owns the job (``Handlers.add``; one per name). ``deliver`` runs one once
per row (the row is locked, then marked done), retries a failure with exponential
backoff, and marks the row failed after ``OUTBOX_MAX_ATTEMPTS``.
"""

import logging
import math
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from flask import Flask, current_app
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import Select, func, inspect, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ecom.common import events
from ecom.common.errors import Conflict, NotFound
from ecom.common.metrics import OUTBOX_JOBS
from ecom.common.models import TimestampMixin, UTCDateTime, utcnow
from ecom.common.transactions import atomic
from ecom.extensions import db

logger = logging.getLogger(__name__)

STATES = ("pending", "done", "failed")

Handler = Callable[[str, dict[str, Any]], None]


class OutboxMessage(TimestampMixin, db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        db.CheckConstraint("state IN (" + ", ".join(f"'{s}'" for s in STATES) + ")", name="state"),
        db.Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    # What makes a delivery idempotent: one row, one message, whatever the deliveries.
    key = db.Column(db.String(200), nullable=False, unique=True)
    handler = db.Column(db.String(100), nullable=False)
    payload = db.Column(db.JSON, nullable=False)
    state = db.Column(db.String(16), nullable=False, default="pending")
    attempts = db.Column(db.Integer, nullable=False, default=0)
    last_error = db.Column(db.Text, nullable=False, default="")
    next_attempt_at = db.Column(UTCDateTime(), nullable=False, default=utcnow)
    delivered_at = db.Column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.handler} {self.state}>"


class Handlers:
    """The app's outbox handlers by job name, and how committed rows reach the queue."""

    def __init__(self, dispatch: Callable[[list[int]], None]) -> None:
        self.dispatch = dispatch
        self._by_name: dict[str, Handler] = {}

    def add(self, name: str, function: Handler) -> None:
        """Register ``function(key, payload)`` as the handler of the jobs called ``name``."""
        if name in self._by_name:
            raise ValueError(f"The outbox job {name!r} already has a handler.")
        self._by_name[name] = function

    def names(self) -> list[str]:
        return list(self._by_name)

    def __getitem__(self, name: str) -> Handler:
        return self._by_name[name]


def init_app(app: Flask, dispatch: Callable[[list[int]], None]) -> Handlers:
    handlers = app.extensions["outbox"] = Handlers(dispatch)
    return handlers


def _handlers() -> Handlers:
    return current_app.extensions["outbox"]


def enqueue(
    handler_name: str,
    payload: dict[str, Any],
    *,
    key: str | None = None,
    not_before: datetime | None = None,
) -> None:
    """Write a row for ``handler_name`` in the current transaction (the caller commits).

    A row ``not_before`` a later time waits for the first sweep after it."""
    if handler_name not in _handlers().names():
        raise LookupError(f"No outbox handler is registered as {handler_name!r}.")
    message = OutboxMessage(
        handler=handler_name,
        payload=payload,
        key=key or f"{handler_name}:{uuid4().hex}",
        next_attempt_at=not_before or utcnow(),
    )
    db.session.add(message)
    _hand_over_on_commit(message)


def _hand_over_on_commit(message: OutboxMessage) -> None:
    # The commit flushes the row: its id is then read from its identity, without a query.
    dispatch = _handlers().dispatch
    events.after_commit(lambda: dispatch([inspect(message).identity[0]]))


def _backoff(attempts: int) -> timedelta:
    config = current_app.config
    seconds = config["OUTBOX_RETRY_BASE_SECONDS"] * 2 ** (attempts - 1)
    return timedelta(seconds=min(seconds, config["OUTBOX_RETRY_MAX_SECONDS"]))


def deliver(message_id: int) -> float | None:
    """Run the row's handler if it is pending and due; the seconds until its retry, if any.

    The row is locked for the delivery (PostgreSQL skips a row another worker holds), so
    concurrent deliveries of one row run its handler once."""
    now = utcnow()
    with Session(db.engine) as session:
        message = session.scalar(
            select(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.state == "pending",
                OutboxMessage.next_attempt_at <= now,
            )
            .with_for_update(skip_locked=True)
        )
        if message is None:
            return None
        message.attempts += 1
        retry_in = None
        try:
            _handlers()[message.handler](message.key, message.payload)
        except Exception as exc:  # any failure is recorded on the row
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
                message.state = "failed"
                result = "failed"
                logger.error("Outbox row %s failed for good: %s", message.id, message.last_error)
            else:
                delay = _backoff(message.attempts)
                message.next_attempt_at = now + delay
                retry_in = delay.total_seconds()
                result = "retried"
                logger.warning("Outbox row %s failed: %s", message.id, message.last_error)
        else:
            message.state = "done"
            message.delivered_at = utcnow()
            result = "delivered"
        session.commit()
        OUTBOX_JOBS.labels(result).inc()
        return retry_in


def due_ids(older_than: timedelta, now: datetime | None = None) -> list[int]:
    """Pending rows that are due and were written before ``older_than`` ago."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.state == "pending",
                OutboxMessage.next_attempt_at <= now,
                OutboxMessage.created_at <= now - older_than,
            )
            .order_by(OutboxMessage.id)
        )
    )


def messages_query(state: str | None = None) -> Select:
    """Rows, newest first, in ``state`` when given."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    return query.where(OutboxMessage.state == state) if state else query


def retry(message_id: int) -> OutboxMessage:
    """Give a failed row a new round of attempts, handed over after the commit."""
    with atomic():
        message = db.session.get(OutboxMessage, message_id)
        if message is None:
            raise NotFound("Outbox message not found.")
        moved = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.state == "failed")
            .values(state="pending", attempts=0, next_attempt_at=utcnow(), updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if not moved:
            raise Conflict(f"Only failed messages can be retried; this one is {message.state}.")
        _hand_over_on_commit(message)
    return message


class Backlog:
    """The pending and failed rows, in one aggregate query at each scrape of ``/metrics``."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = utcnow()
        pending = OutboxMessage.state == "pending"
        query = select(
            func.count().filter(pending),
            func.min(OutboxMessage.next_attempt_at).filter(
                pending, OutboxMessage.next_attempt_at <= now
            ),
            func.count().filter(OutboxMessage.state == "failed"),
        )
        try:
            with db.engine.connect() as conn:
                waiting, oldest_due, failed = conn.execute(query).one()
            age = (now - oldest_due).total_seconds() if oldest_due else 0.0
        except DBAPIError:
            waiting = age = failed = math.nan
        for name, documentation, number in (
            ("ecom_outbox_pending", "Outbox rows waiting for delivery (due or not).", waiting),
            (
                "ecom_outbox_oldest_pending_age_seconds",
                "How long the longest-waiting due row has been due; 0 when none is.",
                age,
            ),
            ("ecom_outbox_failed", "Outbox rows that failed for good (retry them).", failed),
        ):
            yield GaugeMetricFamily(name, documentation, value=float(number))
