"""Wait until ``DATABASE_URL`` accepts connections (at most ``DB_WAIT_SECONDS``, default 60)."""

import os
import sys
import time

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from config import database_url  # noqa: E402  (needs the project on sys.path)


def wait_for_database(url: str, seconds: float) -> bool:
    engine = create_engine(database_url(url))
    deadline = time.monotonic() + seconds
    try:
        while True:
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                return True
            except OperationalError as exc:
                if time.monotonic() >= deadline:
                    print(f"database unreachable: {exc}", file=sys.stderr)
                    return False
                time.sleep(1)
    finally:
        engine.dispose()


if __name__ == "__main__":
    url = os.environ.get("DATABASE_URL", "sqlite:///ecom.sqlite3")
    if not url.startswith("postgres"):
        sys.exit(0)
    sys.exit(0 if wait_for_database(url, float(os.environ.get("DB_WAIT_SECONDS", "60"))) else 1)
