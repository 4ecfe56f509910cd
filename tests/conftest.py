"""Fixtures: one app per test session on the chosen back end, a clean database per test
(a rolled-back transaction, or emptied tables after a ``committed`` one: tests/isolation.py).

The back end is SQLite in a temporary file unless ``TEST_DATABASE_URL`` names a
PostgreSQL database (created when missing); ``TEST_REDIS_URL`` adds Redis. A
``TEST_REDIS_URL`` at a closed port (e.g. ``redis://127.0.0.1:1/0``) runs the whole
suite against a dead Redis: every test must still pass, except the few that need Redis.
Under pytest-xdist each worker gets databases of its own first (tests/workers.py).
"""

import contextlib
import os
import signal
import sys
import threading

import pytest
import redis
from flask import request
from flask_caching.backends import RedisCache
from flask_migrate import upgrade
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import text
from werkzeug.serving import WSGIRequestHandler, make_server

from config import TestingConfig
from ecom import create_app
from ecom.common.cache import forget_pending
from ecom.common.ratelimit import limiter
from ecom.common.redis import create_client, socket_options
from ecom.extensions import cache, db
from ecom.logging import outage_warnings
from scripts.databases import create_postgres_database
from scripts.translations import compile_stale
from tests import probe
from tests.background import stop_broker
from tests.factories import DEAD_REDIS, bearer, login, make_user
from tests.isolation import is_committed, rolled_back, truncate_all
from tests.workers import isolate_worker, keep_xdist_groups


def _reset_schema() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    env = dict(os.environ)
    url = env.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db')}/test.db"
    env["TEST_DATABASE_URL"] = url
    env["CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    env["MEDIA_ROOT"] = str(tmp_path_factory.mktemp("media"))
    if url.startswith("postgresql"):
        create_postgres_database(url)
    app = create_app(TestingConfig(env))
    app.register_blueprint(probe.blp)
    app.register_blueprint(probe.smorest_blp)
    with app.app_context():
        _reset_schema()
        upgrade()
    return app


@pytest.fixture(autouse=True)
def app_context(app, request):
    """Each test runs in an app context and leaves no rows, cache entries or limits: its
    transaction is rolled back, or, marked ``committed``, every table is emptied."""
    with app.app_context():
        if is_committed(request):
            yield
            db.session.remove()
            truncate_all()
        else:
            with rolled_back(app):
                yield
        outage_warnings.reset()
        forget_pending()
        client = app.extensions.get("redis")
        with contextlib.suppress(redis.RedisError):
            limiter.reset()
            cache.clear()
            if client is not None:
                client.flushdb()


@pytest.fixture
def client(app):
    return app.test_client()


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object) -> None:
        """No access log: the test's output stays readable."""


@pytest.fixture(scope="module")
def live_url(app):
    """The app served by a threaded WSGI server on a free local port."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def redis_client(app) -> redis.Redis:
    client = app.extensions.get("redis")
    if client is None:
        pytest.skip("Needs TEST_REDIS_URL (runs in the PostgreSQL + Redis pass).")
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("TEST_REDIS_URL does not answer (the dead-Redis pass).")
    return client


@pytest.fixture
def redis_alive(app):
    """Skip in the dead-Redis pass: the test asserts what a working cache or limiter does."""
    client = app.extensions.get("redis")
    if client is None:
        return
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("TEST_REDIS_URL does not answer (the dead-Redis pass).")


@pytest.fixture
def stop_redis(app, monkeypatch):
    """``stop_redis()`` makes the cache and the limiter meet a dead Redis."""

    def stop():
        client = create_client(DEAD_REDIS)
        monkeypatch.setitem(app.extensions, "redis", client)
        backend = RedisCache(host=client, key_prefix=app.config["CACHE_KEY_PREFIX"])
        monkeypatch.setitem(app.extensions["cache"], cache, backend)
        storage = RedisStorage(DEAD_REDIS, **socket_options())
        monkeypatch.setattr(limiter, "_storage", storage)
        monkeypatch.setattr(limiter, "_limiter", FixedWindowRateLimiter(storage))

    return stop


@pytest.fixture
def flask_calls(app, monkeypatch):
    """Requests that reached Flask's before-request hooks, by path."""
    seen = []
    hooks = app.before_request_funcs.setdefault(None, [])
    monkeypatch.setitem(app.before_request_funcs, None, [lambda: seen.append(request.path)] + hooks)
    return seen


@pytest.fixture
def mailbox(app, monkeypatch) -> list:
    """The messages sent with Flask-Mailman's in-memory backend (the testing default)."""
    monkeypatch.setattr(app.extensions["mailman"], "outbox", [], raising=False)
    return app.extensions["mailman"].outbox


@pytest.fixture
def embedded_jobs(app, monkeypatch, mailbox) -> list:
    """Jobs run in this process after the commit, as on the embedded default; the mailbox."""
    monkeypatch.setitem(app.config["CELERY"], "broker_url", None)
    return mailbox


@pytest.fixture
def queue_down(app, monkeypatch):
    """The job queue's broker is at a closed port: outbox rows wait (the dead-Redis case).
    Through the test's own monkeypatch, so that its later patches of the broker unwind first."""
    stop_broker(app, monkeypatch)


@pytest.fixture
def customer():
    return make_user("customer")


@pytest.fixture
def other_customer():
    return make_user("customer")


@pytest.fixture
def staff():
    return make_user("staff")


@pytest.fixture
def admin():
    return make_user("admin")


@pytest.fixture
def auth_headers(client):
    """``auth_headers(user)`` → Authorization header of a fresh login."""
    return lambda user: bearer(login(client, user)["access"])


# The schemathesis cases the xdist workers generated, added up by the controller.
GENERATED_CASES = pytest.StashKey[int]()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "solo: needs the Redis server to itself (another worker's flush would disturb it); "
        "`make test` runs these after the parallel pass, in one process",
    )
    config.addinivalue_line(
        "markers", "committed: commits for real (other connections see it); tables emptied after"
    )
    try:
        isolate_worker()
    except ValueError as error:
        raise pytest.UsageError(str(error)) from error
    # Messages in every language, as `make install` compiles them, when pytest runs alone.
    compile_stale()
    # SIGTERM (make's, CI's) unwinds like Ctrl-C: fixtures stop the servers they started.
    signal.signal(signal.SIGTERM, _interrupt)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if getattr(config.option, "loadgroup", False):  # an xdist worker under --dist loadgroup
        keep_xdist_groups(items)


def _generated_cases() -> int:
    conformance = sys.modules.get("tests.test_openapi_conformance")
    return conformance.generated_cases["count"] if conformance else 0


def pytest_sessionfinish(session):
    """An xdist worker hands its count of schemathesis cases to the controller."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["generated_cases"] = _generated_cases()


def pytest_testnodedown(node, error):
    cases = getattr(node, "workeroutput", {}).get("generated_cases", 0)
    node.config.stash[GENERATED_CASES] = node.config.stash.get(GENERATED_CASES, 0) + cases


def pytest_terminal_summary(terminalreporter, config):
    """Say how many requests schemathesis generated, when its suite ran."""
    count = _generated_cases() + config.stash.get(GENERATED_CASES, 0)
    if count:
        terminalreporter.write_line(f"schemathesis: {count} generated cases")
