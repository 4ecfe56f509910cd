"""Unit of work: a multi-row write commits as one, or not at all."""

from collections.abc import Iterator
from contextlib import contextmanager

from ecom.extensions import db


@contextmanager
def atomic() -> Iterator[None]:
    """Commit when the block ends; roll back everything when it raises."""
    try:
        yield
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
