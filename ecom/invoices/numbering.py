"""Gapless numbers per kind of document and year, from a counter row locked in the
issuing transaction (docs/INVOICES.md#numbers)."""

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from ecom.extensions import db
from ecom.invoices.models import DocumentCounter

PREFIXES = {"invoice": "INV", "credit_note": "CN"}


def next_number(kind: str, year: int) -> int:
    """The next number of ``kind`` in ``year``, in the caller's transaction.

    The UPDATE locks the counter row until the commit: concurrent issuers wait in turn,
    and a rollback puts the number back, so the numbers have no gaps and no repeats."""
    _ensure_counter(kind, year)
    return db.session.execute(
        update(DocumentCounter)
        .where(DocumentCounter.kind == kind, DocumentCounter.year == year)
        .values(last_number=DocumentCounter.last_number + 1)
        .returning(DocumentCounter.last_number)
        .execution_options(synchronize_session=False)
    ).scalar_one()


def _ensure_counter(kind: str, year: int) -> None:
    """The year's first document creates its counter; of two racing, one insert wins and
    the other waits for it, then does nothing."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(DocumentCounter)
        .values(kind=kind, year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["kind", "year"])
    )


def format_number(kind: str, year: int, sequence: int) -> str:
    """``INV-2026-000123``."""
    return f"{PREFIXES[kind]}-{year}-{sequence:06d}"
