"""Column and database helpers shared by the domain models and their queries."""

from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.types import DateTime, TypeDecorator

from ecom.extensions import db

ModelT = TypeVar("ModelT")


def utcnow() -> datetime:
    return datetime.now(UTC)


def is_postgresql() -> bool:
    """Whether the session's database is PostgreSQL (else the embedded SQLite)."""
    return db.session.get_bind().dialect.name == "postgresql"


def locked(query: Select, *, of: Any = None) -> Select:
    """``query`` read under row locks (``SELECT … FOR UPDATE``, of ``of``'s rows alone when
    given) held until commit; rows already in the session take the values read under them."""
    return query.with_for_update(of=of).execution_options(populate_existing=True)


def lock_row(model: type[ModelT], row_id: int) -> ModelT | None:
    """The row of ``model`` with this id, locked until commit and read afresh."""
    return db.session.scalar(locked(select(model).where(model.id == row_id)))


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every back end (SQLite stores no offset).

    Naive values are taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class TimestampMixin:
    created_at = db.Column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)


def one_of(column: str, values: tuple[str, ...]) -> db.CheckConstraint:
    """A check constraint that keeps ``column`` among ``values``."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return db.CheckConstraint(f"{column} IN ({allowed})", name=column)
