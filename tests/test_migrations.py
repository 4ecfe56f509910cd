from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ecom.extensions import db


def test_models_and_migrations_agree():
    """The schema built by `flask db upgrade` is exactly what the models declare."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_datetimes_come_back_timezone_aware_in_utc(client):
    response = client.post(
        "/api/v1/auth/users/",
        json={"email": "tz@example.com", "username": "tz", "password": "tz-password-1"},
    )
    assert response.json["created_at"].endswith("+00:00")
