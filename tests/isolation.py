"""How a test leaves the database as it found it.

By default a test runs inside one transaction on one connection, rolled back at its end:
the session joins it with ``join_transaction_mode="create_savepoint"`` (SQLAlchemy's
recipe for test suites), so the app's commits release savepoints, and code that opens
its own connection from the engine (the outbox's deliveries) gets that connection too,
inside a savepoint of its own. A test whose writes other connections must see (threads,
subprocesses, a live server, a worker, a second engine) is marked ``committed``: it
commits for real, and every table is emptied after it.
"""

import contextlib
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, text

from ecom.common.replica import RoutingSession
from ecom.extensions import db

# Tests that use one of these share the database with another thread or process.
COMMITTED_FIXTURES = {"live_url", "start_worker", "broker"}


def is_committed(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("committed") is not None or bool(
        COMMITTED_FIXTURES & set(request.fixturenames)
    )


class JoinedEngine:
    """The engine as code that opens its own connection sees it: the test's connection,
    each ``begin()`` a savepoint on it. Anything else is the real engine's."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def __getattr__(self, name: str) -> object:
        return getattr(self.connection.engine, name)

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.connection.begin_nested():
            yield self.connection

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        yield self.connection


@contextlib.contextmanager
def rolled_back(app) -> Iterator[None]:
    """The test's work, in one transaction rolled back at the end."""
    engine = db.engine
    connection = engine.connect()
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        # pysqlite begins transactions itself, and a SAVEPOINT outside one commits on
        # RELEASE: SQLAlchemy's recipe hands the transaction control back to SQL.
        connection.connection.driver_connection.isolation_level = None
    transaction = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    engines = db._app_engines[app]
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(db.session.session_factory.kw, "join_transaction_mode", "create_savepoint")
        patch.setattr(RoutingSession, "get_bind", lambda *args, **kwargs: connection)
        patch.setitem(engines, None, JoinedEngine(connection))
        try:
            yield
        finally:
            db.session.remove()
    transaction.rollback()
    if sqlite:
        connection.connection.driver_connection.isolation_level = ""
    connection.close()


def truncate_all() -> None:
    tables = [table.name for table in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        quoted = ", ".join(f'"{name}"' for name in tables)
        db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    else:
        for name in reversed(tables):
            db.session.execute(text(f'DELETE FROM "{name}"'))
    db.session.commit()
