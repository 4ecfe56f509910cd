"""`make backup-db` then `make restore-db` bring a database back to the backed-up rows."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

import config
from ecom import create_app
from ecom.accounts.models import User
from ecom.extensions import db
from tests.factories import make_user, scratch_postgres_database

# pg_dump and the restore read and write from other processes.
pytestmark = pytest.mark.committed

ROOT = Path(__file__).resolve().parent.parent


def make(target: str, database: str, backup_dir: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "BACKUP"))}
    env["DATABASE_URL"] = database
    done = subprocess.run(
        [
            "make", "--no-print-directory", "-s", target,
            f"VENV={Path(sys.executable).parent.parent}", f"BACKUP_DIR={backup_dir}",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def seeded_app(url: str):
    """An app on ``url`` with the schema migrated and three users."""
    app = create_app(config.TestingConfig({**os.environ, "TEST_DATABASE_URL": url}))
    with app.app_context():
        upgrade()
        for _ in range(3):
            make_user()
    return app


def round_trip(app, url: str, backup_dir: Path) -> tuple[dict, dict]:
    """Counts at backup time, and after changing the data (+2 users, -1) and restoring."""
    with app.app_context():
        before = row_counts()
        backup_file = make("backup-db", url, backup_dir).strip()
        assert Path(backup_file).parent == backup_dir
        make_user()
        make_user()
        db.session.execute(text("DELETE FROM users WHERE id = 1"))
        db.session.commit()
        db.session.remove()
        make("restore-db", url, backup_dir)
        after = row_counts()
        assert db.session.get(User, 1) is not None
        db.session.remove()
    return before, after


@pytest.fixture
def postgres_database():
    with scratch_postgres_database("backup") as url:
        yield url


def test_postgres_backup_then_restore_brings_back_the_same_rows(postgres_database, tmp_path):
    app = seeded_app(postgres_database)

    before, after = round_trip(app, postgres_database, tmp_path)

    assert before["users"] == 3
    assert after == before
    with app.app_context():
        db.engine.dispose()
    assert [p.suffix for p in tmp_path.iterdir()] == [".dump"]


def test_sqlite_backup_then_restore_brings_back_the_same_rows(tmp_path):
    url = f"sqlite:///{tmp_path}/shop.sqlite3"
    app = seeded_app(url)

    before, after = round_trip(app, url, tmp_path / "backups")

    assert before["users"] == 3
    assert after == before
    assert [p.name.startswith("shop-") for p in (tmp_path / "backups").iterdir()] == [True]


def test_restore_refuses_when_there_is_no_backup(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/none.sqlite3"}

    done = subprocess.run(
        [sys.executable, "scripts/backup_db.py", "restore", "--dir", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip

    assert done.returncode != 0
    assert "No backup of none" in done.stderr
