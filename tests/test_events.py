"""Domain events: dispatched once per commit, in-transaction listeners before it and
after-commit ones after it; nothing on a rollback; savepoints neither dispatch early nor
keep what they rolled back."""

from collections import defaultdict

import pytest
from flask import current_app
from marshmallow import Schema, fields
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import IntegrityError

from ecom.catalog.events import PRODUCT_CHANGED
from ecom.catalog.models import Category
from ecom.cli.events import DOCUMENT, render
from ecom.common.events import EventKind, When, record
from ecom.common.transactions import atomic
from ecom.extensions import db
from tests.factories import bearer, login, make_product


class CountSchema(Schema):
    n = fields.Integer(required=True)


HAPPENED = EventKind("test.happened", CountSchema)


@pytest.fixture
def listen(app, monkeypatch):
    """Subscribe listeners for one test; ``calls`` says what ran, in order."""
    listeners = app.extensions["events"]
    calls = []
    monkeypatch.setattr(listeners, "kinds", dict(listeners.kinds))
    subscriptions = {name: list(each) for name, each in listeners._subscriptions.items()}
    monkeypatch.setattr(listeners, "_subscriptions", defaultdict(list, subscriptions))

    def subscribe(kind, when, label=None, action=None):
        def listener(event):
            calls.append((label or when.name, dict(event.payload)))
            if action:
                action(event)

        listeners.on(kind, listener, when=when)

    subscribe.calls = calls
    return subscribe


def _committed_categories() -> int:
    """Categories as another connection sees them: only what was committed."""
    engine = create_engine(current_app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM categories")).scalar()
    engine.dispose()
    return count


@pytest.mark.committed
def test_a_commit_runs_each_listener_once_in_transaction_first(listen):
    seen_committed = {}
    listen(
        HAPPENED,
        When.IN_TRANSACTION,
        "during",
        lambda e: seen_committed.update(during=_committed_categories()),
    )
    listen(
        HAPPENED,
        When.AFTER_COMMIT,
        "after",
        lambda e: seen_committed.update(after=_committed_categories()),
    )
    listen(HAPPENED, When.AFTER_COMMIT, "after, second")
    with atomic():
        db.session.add(Category(name="Tools", slug="tools"))
        record(HAPPENED, n=1)
    assert listen.calls == [("during", {"n": 1}), ("after", {"n": 1}), ("after, second", {"n": 1})]
    assert seen_committed == {"during": 0, "after": 1}


def test_a_rollback_dispatches_nothing(listen):
    listen(HAPPENED, When.IN_TRANSACTION)
    listen(HAPPENED, When.AFTER_COMMIT)
    with pytest.raises(RuntimeError), atomic():
        record(HAPPENED, n=1)
        raise RuntimeError("no")
    with atomic():
        pass
    assert listen.calls == []


def test_an_in_transaction_listener_that_fails_rolls_the_change_back(listen):
    def fail(_event):
        raise RuntimeError("the outbox row could not be written")

    listen(HAPPENED, When.IN_TRANSACTION, action=fail)
    listen(HAPPENED, When.AFTER_COMMIT, "after")
    with pytest.raises(RuntimeError), atomic():
        db.session.add(Category(name="Tools", slug="tools"))
        record(HAPPENED, n=1)
    assert db.session.scalar(select(func.count()).select_from(Category)) == 0
    assert ("after", {"n": 1}) not in listen.calls


@pytest.mark.committed
def test_a_savepoint_does_not_dispatch_before_the_outer_commit(listen):
    listen(HAPPENED, When.IN_TRANSACTION, "during")
    listen(HAPPENED, When.AFTER_COMMIT, "after")
    with atomic():
        with atomic():
            record(HAPPENED, n=1)
        assert listen.calls == []
        assert _committed_categories() == 0
    assert listen.calls == [("during", {"n": 1}), ("after", {"n": 1})]


def test_a_savepoint_rolled_back_forgets_its_events_and_keeps_the_outer_ones(listen):
    listen(HAPPENED, When.AFTER_COMMIT, "after")
    with atomic():
        record(HAPPENED, n=1)
        with pytest.raises(RuntimeError), atomic():
            db.session.add(Category(name="Gone", slug="gone"))
            record(HAPPENED, n=2)
            raise RuntimeError("inner")
        db.session.add(Category(name="Kept", slug="kept"))
    assert listen.calls == [("after", {"n": 1})]
    assert db.session.scalars(select(Category.name)).all() == ["Kept"]


@pytest.mark.committed
def test_an_inner_block_commits_nothing_before_the_outer_one():
    with atomic():
        db.session.scalar(select(func.count()).select_from(Category))  # only a read so far
        with atomic():
            db.session.add(Category(name="Inner", slug="inner"))
        assert _committed_categories() == 0
    assert _committed_categories() == 1


def test_an_inner_conflict_rolls_back_only_the_inner_block():
    with atomic():
        db.session.add(Category(name="First", slug="same"))
    with atomic():
        db.session.add(Category(name="Outer", slug="outer"))
        with pytest.raises(IntegrityError), atomic():
            db.session.add(Category(name="Second", slug="same"))
        db.session.add(Category(name="After", slug="after"))
    names = db.session.scalars(select(Category.name).order_by(Category.name)).all()
    assert names == ["After", "First", "Outer"]


def test_the_same_event_twice_in_a_transaction_is_dispatched_once(listen):
    listen(HAPPENED, When.AFTER_COMMIT, "after")
    with atomic():
        record(HAPPENED, n=1)
        record(HAPPENED, n=1)
        record(HAPPENED, n=2)
    assert listen.calls == [("after", {"n": 1}), ("after", {"n": 2})]


def test_a_payload_outside_its_schema_is_refused():
    with pytest.raises(ValueError, match="test.happened"), atomic():
        record(HAPPENED, n="many")


def test_an_after_commit_listener_that_fails_neither_stops_the_others_nor_fails_the_request(
    client, staff, listen
):
    def fail(_event):
        raise RuntimeError("the cache is on fire")

    listen(PRODUCT_CHANGED, When.AFTER_COMMIT, "failing", fail)
    listen(PRODUCT_CHANGED, When.AFTER_COMMIT, "next")
    product = make_product(title="Lamp")
    listen.calls.clear()
    headers = bearer(login(client, staff)["access"])
    answer = client.patch(
        f"/api/v1/products/{product.id}/", json={"title": "Desk lamp"}, headers=headers
    )
    assert answer.status_code == 200
    assert [label for label, _ in listen.calls] == ["failing", "next"]
    db.session.expire_all()
    assert db.session.get(type(product), product.id).title == "Desk lamp"


def test_a_second_handler_for_one_outbox_job_is_refused(app):
    handlers = app.extensions["outbox"]
    name = next(iter(handlers.names()))
    with pytest.raises(ValueError, match=name):
        handlers.add(name, lambda key, payload: None)


def test_every_outbox_job_a_listener_writes_has_a_handler(app):
    assert {"orders.confirmation", "accounts.activation", "orders.order_cancelled"} <= set(
        app.extensions["outbox"].names()
    )


def test_the_events_page_is_generated_from_the_registered_events(app):
    assert DOCUMENT.read_text() == render(app.extensions["events"])
