"""Unit of work: a multi-row write commits as one, or not at all."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from ecom.common.errors import Conflict
from ecom.extensions import db

# How many atomic() blocks are open on the session: an inner one is a savepoint.
DEPTH_KEY = "ecom.atomic_depth"


@contextmanager
def atomic(*, keep_loaded: bool = False, on_conflict: Conflict | None = None) -> Iterator[None]:
    """Commit when the block ends; roll back everything when it raises.

    Inside another ``atomic()`` block the inner one is a savepoint: it commits nothing
    (the outer block does), and when it raises only its own work is rolled back.
    ``keep_loaded`` keeps the objects as written rather than expiring them at the commit,
    for a caller that answers with what it just wrote (no reload queries). ``on_conflict``
    is raised instead of the ``IntegrityError`` of a lost race on a unique or foreign key."""
    session = db.session()
    if session.info.get(DEPTH_KEY):
        savepoint = session.begin_nested()
        session.info[DEPTH_KEY] += 1
        try:
            with _ending(savepoint.commit, savepoint.rollback, on_conflict):
                yield
        finally:
            session.info[DEPTH_KEY] -= 1
        return
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, not keep_loaded
    session.info[DEPTH_KEY] = 1
    try:
        with _ending(session.commit, session.rollback, on_conflict):
            yield
    finally:
        session.info.pop(DEPTH_KEY, None)
        session.expire_on_commit = expire_on_commit


@contextmanager
def _ending(
    commit: Callable[[], None], rollback: Callable[[], None], on_conflict: Conflict | None
) -> Iterator[None]:
    """Commit when the block ends, roll back when it raises."""
    try:
        yield
        commit()
    except IntegrityError as exc:
        rollback()
        if on_conflict is None:
            raise
        raise on_conflict from exc
    except Exception:
        rollback()
        raise
