"""Unit of work: a multi-row write commits as one, or not at all."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

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
