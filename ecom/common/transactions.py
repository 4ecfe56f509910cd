"""Unit of work: a multi-row write commits as one, or not at all."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ecom.common.errors import Conflict
from ecom.extensions import db


@contextmanager
def atomic(*, keep_loaded: bool = False, on_conflict: Conflict | None = None) -> Iterator[None]:
    """Commit when the block ends; roll back everything when it raises.

    ``keep_loaded`` keeps the objects as written rather than expiring them at the commit,
    for a caller that answers with what it just wrote (no reload queries). ``on_conflict``
    is raised instead of the ``IntegrityError`` of a lost race on a unique or foreign key."""
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, not keep_loaded
    try:
        yield
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        if on_conflict is None:
            raise
        raise on_conflict from exc
    except Exception:
        session.rollback()
        raise
    finally:
        session.expire_on_commit = expire_on_commit


AFTER_COMMIT_KEY = "ecom.after_commit"


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the current transaction commits; never if it rolls back."""
    db.session.info.setdefault(AFTER_COMMIT_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(AFTER_COMMIT_KEY, []):
        callback()


@event.listens_for(Session, "after_rollback")
def _forget_after_commit(session: Session) -> None:
    session.info.pop(AFTER_COMMIT_KEY, None)
