"""Unit of work: a multi-row write commits as one, or not at all."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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
        with _savepoint(session, on_conflict):
            yield
        return
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, not keep_loaded
    session.info[DEPTH_KEY] = 1
    try:
        yield
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        _raise_conflict(exc, on_conflict)
    except Exception:
        session.rollback()
        raise
    finally:
        session.info.pop(DEPTH_KEY, None)
        session.expire_on_commit = expire_on_commit


@contextmanager
def _savepoint(session: Session, on_conflict: Conflict | None) -> Iterator[None]:
    savepoint = session.begin_nested()
    session.info[DEPTH_KEY] += 1
    try:
        yield
        savepoint.commit()
    except IntegrityError as exc:
        savepoint.rollback()
        _raise_conflict(exc, on_conflict)
    except Exception:
        savepoint.rollback()
        raise
    finally:
        session.info[DEPTH_KEY] -= 1


def _raise_conflict(exc: IntegrityError, on_conflict: Conflict | None) -> None:
    if on_conflict is None:
        raise exc
    raise on_conflict from exc
