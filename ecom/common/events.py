"""Domain events: what a service says happened, and the listeners that act on it.

A service calls ``record(KIND, **data)`` inside its transaction. The event waits on the
session; when the transaction commits, its **in-transaction** listeners run first, before
the commit, and write durable rows (outbox jobs: e-mails, real-time hints, webhook
deliveries) that commit with the change. Once the commit is done, the **after-commit**
listeners run (cache invalidation, counters); one that raises is logged
and the others still run, since the change is already stored. A rollback runs nothing,
and a savepoint neither dispatches (only the outermost commit does) nor keeps what was
recorded inside it when it rolls back.

Each kind of event is declared once by the domain that owns it (``EventKind``: a name, a
version, and the marshmallow schema of its payload, which ``docs/EVENTS.md`` publishes);
each domain registers its listeners in the app factory (``register`` in its
``listeners`` module). This module holds the only Session hooks for side effects.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from functools import partial
from types import MappingProxyType
from typing import Any
from uuid import uuid4

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, current_app
from marshmallow import Schema
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from ecom.common.models import utcnow
from ecom.extensions import db

logger = logging.getLogger(__name__)

# Session.info keys: the events waiting for the commit, where each open savepoint began
# among them, and the callbacks to run once the commit is done.
PENDING_KEY = "ecom.events.pending"
SAVEPOINTS_KEY = "ecom.events.savepoints"
COMMITTED_KEY = "ecom.events.after_commit"


class When(Enum):
    IN_TRANSACTION = "in the transaction"
    AFTER_COMMIT = "after commit"


@dataclass(frozen=True)
class EventKind:
    """A kind of event: ``name`` (``order.placed``), its payload schema and its version."""

    name: str
    schema: type[Schema]
    version: int = 1
    description: str = ""


@dataclass(frozen=True)
class Event:
    """One thing that happened: immutable, with the payload its kind's schema dumped."""

    kind: EventKind
    payload: Mapping[str, Any]
    id: str = field(default_factory=lambda: uuid4().hex)
    occurred_at: datetime = field(default_factory=utcnow)

    @property
    def name(self) -> str:
        return self.kind.name


Listener = Callable[[Event], None]


@dataclass(frozen=True)
class Subscription:
    listener: Listener
    when: When


class Listeners:
    """Who listens to which event, in the order they were registered (one per app)."""

    def __init__(self) -> None:
        self.kinds: dict[str, EventKind] = {}
        self._subscriptions: dict[str, list[Subscription]] = defaultdict(list)

    def on(self, kind: EventKind, listener: Listener, *, when: When) -> None:
        if self.kinds.setdefault(kind.name, kind) is not kind:
            raise ValueError(f"Two event kinds are named {kind.name!r}.")
        self._subscriptions[kind.name].append(Subscription(listener, when))

    def of(self, name: str) -> list[Subscription]:
        return self._subscriptions.get(name, [])


def init_app(app: Flask) -> Listeners:
    listeners = app.extensions["events"] = Listeners()
    return listeners


def record(kind: EventKind, **data: Any) -> Event:
    """Record that ``kind`` happened, in the current transaction (dispatched at its commit)."""
    schema = kind.schema()
    try:
        payload = schema.dump(data)
        errors = schema.validate(payload)
    except (TypeError, ValueError) as exc:
        errors = str(exc)
    if errors:
        raise ValueError(f"Payload of {kind.name} does not match its schema: {errors}")
    pending = _transaction_info().setdefault(PENDING_KEY, [])
    # The same thing twice in one transaction (a product's variants and its options
    # changed) is one event.
    for earlier in pending:
        if earlier.kind is kind and earlier.payload == payload:
            return earlier
    recorded = Event(kind, MappingProxyType(payload))
    pending.append(recorded)
    return recorded


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the current transaction commits; never if it rolls back."""
    _transaction_info().setdefault(COMMITTED_KEY, []).append(callback)


def _transaction_info() -> dict:
    """The session's info, with its transaction begun: a rollback before any statement
    then still ends it, and forgets what was recorded."""
    session = db.session()
    if not session.in_transaction():
        session.begin()
    return session.info


def _outermost(session: Session) -> bool:
    return not session.in_nested_transaction()


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        marks = session.info.setdefault(SAVEPOINTS_KEY, {})
        marks[transaction] = (
            len(session.info.get(PENDING_KEY, ())),
            len(session.info.get(COMMITTED_KEY, ())),
        )


@event.listens_for(Session, "before_commit")
def _run_in_transaction(session: Session) -> None:
    if not _outermost(session) or not session.info.get(PENDING_KEY):
        return
    listeners: Listeners = current_app.extensions["events"]
    callbacks = session.info.setdefault(COMMITTED_KEY, [])
    # A listener may record further events: they are dispatched in this same commit.
    while pending := session.info.pop(PENDING_KEY, None):
        for recorded in pending:
            for subscription in listeners.of(recorded.name):
                if subscription.when is When.IN_TRANSACTION:
                    subscription.listener(recorded)
                else:
                    callbacks.append(partial(subscription.listener, recorded))


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    if not _outermost(session):
        return
    for callback in session.info.pop(COMMITTED_KEY, []):
        try:
            callback()
        except Exception:  # the change is stored: a side effect's failure is only logged
            logger.exception("An after-commit listener failed")


@event.listens_for(Session, "after_soft_rollback")
def _forget_savepoint(session: Session, previous: SessionTransaction) -> None:
    """What was recorded inside a savepoint that rolled back never happened."""
    marks = session.info.get(SAVEPOINTS_KEY, {})
    if previous.nested and previous in marks:
        pending_at, committed_at = marks.pop(previous)
        del session.info.get(PENDING_KEY, [])[pending_at:]
        del session.info.get(COMMITTED_KEY, [])[committed_at:]


@event.listens_for(Session, "after_transaction_end")
def _forget_transaction(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended (committed and dispatched, rolled back or closed)."""
    if transaction.parent is None:
        for key in (PENDING_KEY, SAVEPOINTS_KEY, COMMITTED_KEY):
            session.info.pop(key, None)


def payload_schemas() -> MarshmallowPlugin:
    """A converter of event payloads to JSON Schema, as marshmallow states them (whatever
    the API's document adds to its own schemas), a nested schema written in place: the
    pages that document payloads (EVENTS.md, WEBHOOKS.md) have no components to refer to."""
    plugin = MarshmallowPlugin(schema_name_resolver=lambda _schema: None)
    APISpec("payloads", "1", "3.1.0", plugins=[plugin])
    return plugin
