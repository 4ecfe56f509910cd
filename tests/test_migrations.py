from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ecom.catalog.search_order import ORDERING_INDEXES, RUM_INDEXES
from ecom.extensions import db


def model_differences() -> list:
    """What the database's schema holds that the models do not declare, or the reverse;
    but for the rum search indexes, built only where the server offers the extension, and
    the ordering indexes built on PostgreSQL only."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    return [
        difference
        for difference in differences
        if not (
            difference[0] == "remove_index" and difference[1].name in RUM_INDEXES | ORDERING_INDEXES
        )
    ]


def test_models_and_migrations_agree():
    """The schema built by `flask db upgrade` is exactly what the models declare."""
    assert model_differences() == []
