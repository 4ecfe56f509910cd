"""Running service calls at the same moment from many threads.

Each worker thread has its own app context, hence its own session and connection."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ecom.accounts.models import User
from ecom.common.errors import DomainError
from ecom.extensions import db

CREATED = "created"


def skip_unless_postgres() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer and no row locks; proven in the PostgreSQL pass.")


def run_together(app, user_ids, action):
    """Run ``action(user)`` for every user at once; return each outcome: CREATED or an
    HTTP status. Any other exception (a deadlock, say) fails the test."""
    return run_each(app, [(user_id, action) for user_id in user_ids])


def run_each(app, calls):
    """Run every ``(user_id, action)`` call at once; the outcomes in the calls' order."""
    start = threading.Barrier(len(calls), timeout=60)

    def worker(call):
        user_id, action = call
        with app.app_context():
            user = db.session.get(User, user_id)
            db.session.commit()  # Hand the connection back before waiting.
            start.wait()
            try:
                action(user)
            except DomainError as error:
                return error.status
            return CREATED

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(worker, calls))
