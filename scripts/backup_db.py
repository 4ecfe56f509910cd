"""Back up or restore the database of ``DATABASE_URL`` (``make backup-db``, ``make restore-db``).

PostgreSQL goes through ``pg_dump --format=custom`` and ``pg_restore``; SQLite through its
online backup API. Backups are timestamped files in ``--dir`` (default ``backups/``):
``<database>-<UTC time>.dump`` or ``.sqlite3``. ``restore`` takes a file, or the newest
backup of the same database.
"""

import argparse
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from dotenv import load_dotenv
from sqlalchemy.engine import URL, make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import Config  # noqa: E402  (needs the project on sys.path)


def configured_url() -> URL:
    """The app's database URL; a relative SQLite path lives under instance/, as in the app."""
    url = make_url(Config(os.environ).SQLALCHEMY_DATABASE_URI)
    if url.get_backend_name() == "sqlite" and url.database and not os.path.isabs(url.database):
        url = url.set(database=str(ROOT / "instance" / url.database))
    return url


def database_name(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return Path(url.database).stem
    return url.database


def _libpq(url: URL) -> tuple[str, dict]:
    """A libpq URL without the password, and an environment carrying it (kept off ``ps``)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def backup(url: URL, directory: Path) -> Path:
    """Write a timestamped backup of ``url`` into ``directory`` and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    postgres = url.get_backend_name() == "postgresql"
    target = directory / f"{database_name(url)}-{stamp}.{'dump' if postgres else 'sqlite3'}"
    if target.exists():
        raise SystemExit(f"{target} already exists; try again in a second.")
    if postgres:
        dsn, env = _libpq(url)
        subprocess.run(
            ["pg_dump", "--format=custom", "--file", str(target), "--dbname", dsn],
            env=env,
            check=True,
        )
    else:
        _sqlite_copy(Path(url.database), target)
    return target


def restore(url: URL, source: Path) -> None:
    """Replace the contents of the database ``url`` with the backup ``source``."""
    if url.get_backend_name() == "postgresql":
        dsn, env = _libpq(url)
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                dsn,
                str(source),
            ],
            env=env,
            check=True,
        )
    else:
        _sqlite_copy(source, Path(url.database))


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.exists():
        raise SystemExit(f"{source} does not exist.")
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def newest_backup(url: URL, directory: Path) -> Path:
    suffix = "dump" if url.get_backend_name() == "postgresql" else "sqlite3"
    candidates = sorted(directory.glob(f"{database_name(url)}-*.{suffix}"))
    if not candidates:
        raise SystemExit(f"No backup of {database_name(url)} in {directory}/.")
    return candidates[-1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["backup", "restore"])
    parser.add_argument("file", nargs="?", help="restore: the backup file (default: the newest)")
    parser.add_argument("--dir", default=str(ROOT / "backups"), help="backup directory")
    args = parser.parse_args(argv)
    load_dotenv(ROOT / ".env")
    url = configured_url()
    directory = Path(args.dir)
    if args.action == "backup":
        print(backup(url, directory))
    else:
        source = Path(args.file) if args.file else newest_backup(url, directory)
        restore(url, source)
        print(f"restored {database_name(url)} from {source}")


if __name__ == "__main__":
    main()
