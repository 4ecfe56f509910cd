"""Database housekeeping for the tests and the benchmark (tooling, outside the app)."""

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import database_url


def create_postgres_database(url: str) -> None:
    """Create the PostgreSQL database ``url`` names, unless it exists."""
    target = make_url(database_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
