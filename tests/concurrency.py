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
    start = threading.Barrier(len(user_ids), timeout=60)

    def worker(user_id):
        with app.app_context():
            user = db.session.get(User, user_id)
            db.session.commit()  # Hand the connection back before waiting.
            start.wait()
            try:
                action(user)
            except DomainError as error:
                return error.status
            return CREATED

    with ThreadPoolExecutor(max_workers=len(user_ids)) as pool:
        return list(pool.map(worker, user_ids))
