from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ecom.extensions import db


def test_models_and_migrations_agree():
    """The schema built by `flask db upgrade` is exactly what the models declare."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
