"""Outbox deliveries under a lease: no lock or transaction while the handler runs, one
claim per row among concurrent workers, and at least once when a worker dies."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import delete, select, text

from ecom.common import jobs, outbox
from ecom.common.mail import message_id
from ecom.common.models import utcnow
from ecom.common.outbox import OutboxMessage
from ecom.extensions import db
from ecom.orders import emails
from ecom.orders.emails import CONFIRMATION
from tests.background import SmtpServer
from tests.concurrency import skip_unless_postgres
from tests.factories import make_order, make_product
from tests.production_chain import ROOT

HANDLER = "tests.leased"


def _handle_with(monkeypatch, function) -> None:
    monkeypatch.setitem(current_app.extensions["outbox"]._by_name, HANDLER, function)


def add_row(key: str = "leased:1") -> int:
    row = OutboxMessage(handler=HANDLER, key=key, payload={})
    db.session.add(row)
    db.session.commit()
    return row.id


def load(row_id: int) -> OutboxMessage:
    db.session.expire_all()
    row = db.session.get(OutboxMessage, row_id)
    db.session.commit()
    return row


def later(monkeypatch, seconds: float) -> None:
    """The outbox's clock moves ``seconds`` ahead (past a lease, say)."""
    ahead = timedelta(seconds=seconds)
    monkeypatch.setattr(outbox, "utcnow", lambda: utcnow() + ahead)


@pytest.fixture
def smtp(app, monkeypatch):
    """E-mail goes over SMTP to a real server on loopback (aiosmtpd)."""
    server = SmtpServer().start()
    state = app.extensions["mailman"]
    monkeypatch.setattr(state, "backend", "smtp")
    monkeypatch.setattr(state, "server", "127.0.0.1")
    monkeypatch.setattr(state, "port", server.port)
    yield server
    server.stop()


@pytest.mark.committed
def test_a_running_handler_holds_no_row_lock_and_no_transaction(app, monkeypatch):
    entered, release = threading.Event(), threading.Event()

    def hang(key, payload):
        entered.set()
        release.wait(30)

    _handle_with(monkeypatch, hang)
    row_id = add_row()

    def deliver():
        with app.app_context():
            return outbox.deliver(row_id)

    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(deliver)
        assert entered.wait(30)
        try:
            leased = load(row_id)
            assert (leased.state, leased.attempts) == ("pending", 1)
            assert leased.claimed_by.startswith(f"{socket.gethostname()[:60]}:{os.getpid()}:")
            assert leased.claimed_until > utcnow() + timedelta(seconds=50)
            assert outbox.deliver(row_id) is None  # leased: a second worker leaves it
            lock = " FOR UPDATE NOWAIT" if db.engine.dialect.name == "postgresql" else ""
            with db.engine.begin() as conn:  # SQLite: the one writer's lock is free too
                conn.execute(text(f"SELECT id FROM outbox WHERE id = {row_id}{lock}"))
                conn.execute(text(f"UPDATE outbox SET last_error = 'seen' WHERE id = {row_id}"))
        finally:
            release.set()
        assert running.result() is None
    assert load(row_id).state == "done"


@pytest.mark.committed
def test_workers_claiming_the_same_rows_at_once_run_each_handler_once(app, monkeypatch):
    skip_unless_postgres()
    ran = Counter()
    _handle_with(monkeypatch, lambda key, payload: ran.update([key]))
    row_ids = [add_row(f"leased:{n}") for n in range(30)]
    start = threading.Barrier(4, timeout=60)

    def worker(_n):
        with app.app_context():
            start.wait()
            for row_id in row_ids:
                outbox.deliver(row_id)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(worker, range(4)))
    assert ran == Counter({f"leased:{n}": 1 for n in range(30)})
    states = db.session.execute(select(OutboxMessage.state, OutboxMessage.attempts)).all()
    assert set(states) == {("done", 1)}


def test_an_expired_lease_is_claimed_again_and_the_first_workers_late_failure_is_dropped(
    app, monkeypatch
):
    row_id = add_row()
    calls = []

    def slow_then_fails(key, payload):
        calls.append(key)
        if len(calls) == 1:  # the first worker outlives its lease; a second one claims
            later(monkeypatch, app.config["OUTBOX_LEASE_SECONDS"] + 1)
            assert outbox.deliver(row_id) is None
            raise TimeoutError("the provider answered too late")

    _handle_with(monkeypatch, slow_then_fails)
    assert outbox.deliver(row_id) is None
    row = load(row_id)
    assert len(calls) == 2
    assert (row.state, row.attempts, row.last_error) == ("done", 2, "")


def test_the_sweep_leaves_a_leased_row_and_takes_it_once_the_lease_runs_out(
    app, monkeypatch, embedded_jobs
):
    ran = []
    _handle_with(monkeypatch, lambda key, payload: ran.append(key))
    row_id = add_row()
    assert outbox._claim(row_id) is not None  # a worker claimed it, then vanished
    assert jobs.sweep(older_than=timedelta(0)) == 0
    later(monkeypatch, app.config["OUTBOX_LEASE_SECONDS"] + 1)
    assert jobs.sweep(older_than=timedelta(0)) == 1
    assert ran == ["leased:1"]
    assert (load(row_id).state, load(row_id).attempts) == ("done", 2)


@pytest.mark.committed
def test_a_worker_killed_between_the_send_and_its_commit_sends_again_at_least_once(
    app, customer, smtp, queue_down, monkeypatch
):
    order = make_order(customer, (make_product(), 1))
    # The confirmation alone (the order's live update is another due row).
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.handler != CONFIRMATION))
    [row_id] = db.session.scalars(select(OutboxMessage.id))
    db.session.commit()
    env = {
        **os.environ,
        "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "PYTHONPATH": str(ROOT),
    }
    crashed = subprocess.run(
        [sys.executable, "-m", "tests.crashing_delivery", str(row_id)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert crashed.returncode == -9, crashed.stderr.decode()[-2000:]
    assert len(smtp.messages) == 1  # sent, and the worker died before recording it
    row = load(row_id)
    assert (row.state, row.attempts) == ("pending", 1)

    assert outbox.due_ids(timedelta(0)) == []  # the dead worker's lease still runs
    later(monkeypatch, app.config["OUTBOX_LEASE_SECONDS"] + 1)
    assert outbox.due_ids(timedelta(0)) == [row_id]  # the sweep hands it over again
    assert outbox.deliver(row_id) is None
    first, second = smtp.wait_for_messages(2)
    assert (
        first["Message-ID"]
        == second["Message-ID"]
        == message_id(f"{emails.CONFIRMATION}:{order.id}")
    )
    assert (load(row_id).state, load(row_id).attempts) == ("done", 2)


def test_a_hung_smtp_server_fails_the_delivery_after_the_mail_timeout(
    app, customer, queue_down, monkeypatch
):
    state = app.extensions["mailman"]
    assert state.timeout == app.config["MAIL_TIMEOUT"] == 10
    with socket.socket() as hung:  # accepts connections, never greets
        hung.bind(("127.0.0.1", 0))
        hung.listen()
        monkeypatch.setattr(state, "backend", "smtp")
        monkeypatch.setattr(state, "server", "127.0.0.1")
        monkeypatch.setattr(state, "port", hung.getsockname()[1])
        monkeypatch.setattr(state, "timeout", 1)
        make_order(customer, (make_product(), 1))
        [row_id] = db.session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.handler == CONFIRMATION)
        )
        db.session.commit()
        started = time.monotonic()
        assert outbox.deliver(row_id) == app.config["OUTBOX_RETRY_BASE_SECONDS"]
        assert time.monotonic() - started < 5
    row = load(row_id)
    assert (row.state, row.attempts) == ("pending", 1)
    assert "timed out" in row.last_error
