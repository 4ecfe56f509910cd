"""The transactional outbox: side effects written in the transaction that causes them.

A listener (or a service, for its own domain's work) calls ``enqueue(handler, payload,
key=...)`` inside its transaction: the row commits with the change, or rolls back with
it, so a rolled-back order sends nothing. After the commit the new rows go to the job
queue (``ecom.common.jobs``), which calls ``deliver``; the periodic sweep hands over rows
nothing delivered. Handlers are plain functions, registered by name in the app factory by
the domain that owns the job (``Handlers.add``; one per name).

``deliver`` claims the row with a lease (``OUTBOX_LEASE_SECONDS``) and commits, runs the
handler outside any transaction, then records the result in a new one: a hung SMTP server
or provider holds neither a lock nor a connection. A failure is retried with exponential
backoff, and the row is failed after ``OUTBOX_MAX_ATTEMPTS`` (a handler with a policy of its
own raises ``RetryLater`` or ``GiveUp``: ``outbox_failures``). Delivery is **at least
once**: a worker that dies after the handler ran and before the result was recorded leaves
a lease that expires, and the row is claimed and run again. Handlers must therefore be
idempotent, keyed by the row's ``key`` (a Message-ID, a provider's idempotency key).
"""

import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from uuid import uuid4

from flask import Flask, current_app
from sqlalchemy import ColumnElement, Select, inspect, or_, select, update

from ecom.common import events
from ecom.common.metrics import OUTBOX_JOBS
from ecom.common.models import TimestampMixin, UTCDateTime, utcnow
from ecom.common.outbox_failures import GiveUp, MessageNotFound, NotRetriable, RetryLater
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
    # The lease of the delivery under way: another worker may claim the row once it ends.
    claimed_until = db.Column(UTCDateTime())
    claimed_by = db.Column(db.String(100))

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.handler} {self.state}>"


class Handlers:
    """The app's outbox handlers by job name, and how committed rows reach the queue."""

    def __init__(self, dispatch: Callable[[list[int]], None]) -> None:
        self.dispatch = dispatch
        self._by_name: dict[str, Handler] = {}
        # A mail job's subject (a format string of its payload), as staff see the row.
        self.mail_subjects: dict[str, str] = {}
        # Periodic work beat runs as tasks of its own, run by the sweep where no beat runs.
        self.sweep_checks: list[Callable[[], object]] = []

    def every_sweep(self, check: Callable[[], object]) -> None:
        """Run ``check`` at each sweep on the embedded default (no beat there; with a
        queue, beat schedules it as its own task)."""
        self.sweep_checks.append(check)

    def add(self, name: str, function: Handler, *, mail_subject: str | None = None) -> None:
        """Register ``function(key, payload)`` as the handler of the jobs called ``name``
        (a mail job names its subject, formatted with the payload)."""
        if name in self._by_name:
            raise ValueError(f"The outbox job {name!r} already has a handler.")
        self._by_name[name] = function
        if mail_subject is not None:
            self.mail_subjects[name] = mail_subject

    def names(self) -> list[str]:
        return list(self._by_name)

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

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
    if handler_name not in _handlers():
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


class Claim(NamedTuple):
    """A row this worker leased: what its handler needs, and the token of the lease."""

    id: int
    token: str
    handler: str
    key: str
    payload: dict[str, Any]
    attempts: int


def deliver(message_id: int) -> float | None:
    """Run the row's handler if it is pending, due and not leased; the seconds until its
    retry, if any. No lock and no transaction is held while the handler runs."""
    claim = _claim(message_id)
    if claim is None:
        return None
    try:
        _handlers()[claim.handler](claim.key, claim.payload)
    except RetryLater as exc:
        return _record_failure(claim, str(exc)[:2000], delay=exc.delay)
    except GiveUp as exc:
        return _record_failure(claim, str(exc)[:2000], final=True)
    except Exception as exc:  # any failure is recorded on the row
        return _record_failure(claim, f"{type(exc).__name__}: {exc}"[:2000])
    _record_success(claim)
    return None


def _unleased(now: datetime) -> ColumnElement[bool]:
    return or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now)


def _claim(message_id: int) -> Claim | None:
    """Lease the row in one conditional UPDATE, committed: of two workers, one wins it."""
    now = utcnow()
    token = f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid4().hex[:8]}"
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    with db.engine.begin() as conn:
        row = conn.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.state == "pending",
                OutboxMessage.next_attempt_at <= now,
                _unleased(now),
            )
            .values(
                attempts=OutboxMessage.attempts + 1,
                claimed_until=now + lease,
                claimed_by=token,
                updated_at=now,
            )
            .returning(
                OutboxMessage.handler,
                OutboxMessage.key,
                OutboxMessage.payload,
                OutboxMessage.attempts,
            )
        ).one_or_none()
    return Claim(message_id, token, *row) if row else None


def _record_success(claim: Claim) -> None:
    """Done, whoever holds the lease now: the message went out."""
    now = utcnow()
    with db.engine.begin() as conn:
        conn.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claim.id, OutboxMessage.state == "pending")
            .values(state="done", delivered_at=now, claimed_until=None, updated_at=now)
        )
    OUTBOX_JOBS.labels("delivered").inc()


def _record_failure(
    claim: Claim, error: str, *, delay: float | None = None, final: bool = False
) -> float | None:
    """A retry after the backoff (or the handler's ``delay``), or failed for good; the seconds
    until the retry, if any. Recorded only while the lease is this worker's."""
    now = utcnow()
    values: dict[str, Any] = {"last_error": error, "claimed_until": None, "updated_at": now}
    retry_in = None
    spent = delay is None and claim.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
    if final or spent:
        values["state"] = result = "failed"
    else:
        wait = _backoff(claim.attempts) if delay is None else timedelta(seconds=delay)
        values["next_attempt_at"] = now + wait
        retry_in = wait.total_seconds()
        result = "retried"
    with db.engine.begin() as conn:
        recorded = conn.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == claim.id,
                OutboxMessage.state == "pending",
                OutboxMessage.claimed_by == claim.token,
            )
            .values(**values)
        ).rowcount
    if not recorded:
        logger.warning("Outbox row %s failed after its lease ended: %s", claim.id, error)
        return None
    if result == "failed":
        logger.error("Outbox row %s failed for good: %s", claim.id, error)
    else:
        logger.warning("Outbox row %s failed: %s", claim.id, error)
    OUTBOX_JOBS.labels(result).inc()
    return retry_in


def due_ids(older_than: timedelta, now: datetime | None = None) -> list[int]:
    """Pending rows that are due, not leased (or their lease ran out: the worker died)
    and were written before ``older_than`` ago."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.state == "pending",
                OutboxMessage.next_attempt_at <= now,
                _unleased(now),
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
            raise MessageNotFound()
        moved = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.state == "failed")
            .values(state="pending", attempts=0, next_attempt_at=utcnow(), updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if not moved:
            raise NotRetriable(message.state)
        _hand_over_on_commit(message)
    return message
