"""Unit of work: a multi-row write commits as one, or not at all."""

from collections.abc import Iterator
from contextlib import contextmanager

from ecom.extensions import db


@contextmanager
def atomic(*, keep_loaded: bool = False) -> Iterator[None]:
    """Commit when the block ends; roll back everything when it raises.

    ``keep_loaded`` keeps the objects as written rather than expiring them at the commit,
    for a caller that answers with what it just wrote (no reload queries)."""
    session = db.session()
    session.expire_on_commit = not keep_loaded
    try:
        yield
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        session.expire_on_commit = True
