"""SQL statements per request, counted in process on the same database and settings."""

import contextlib
from collections.abc import Iterator

from flask import Flask
from sqlalchemy import event

from bench.scenarios import Spec
from ecom.extensions import db


@contextlib.contextmanager
def _counting(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_per_request(app: Flask, spec: Spec, *, warm: bool) -> int:
    """Statements one request runs; ``warm`` sends it once first (a read's steady state)."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {spec.token}"} if spec.token else {}

    def send() -> None:
        response = client.open(spec.path, method=spec.method, headers=headers, json=spec.body)
        if response.status_code >= 400:
            raise RuntimeError(f"{spec.method} {spec.path} answered {response.status_code}")

    if warm:
        send()
    with _counting(app) as seen:
        send()
    return len(seen)
