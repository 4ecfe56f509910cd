"""Bulk import's speed, and the catalogue's reads during an import (docs/INTEGRATIONS.md).

``.venv/bin/python bench/bulk_import.py [--rows 100000] [--backends sqlite,postgresql]``
imports a CSV of ``--rows`` single-variant products in 20 categories (created by the
import) on the embedded default (SQLite in a temporary file, the job run in process) and
on PostgreSQL (``BENCH_POSTGRES``, database ``ecom_bench_bulk``), then the same file again
(every row unchanged). Meanwhile a separate process reads product list pages
(``GET /api/v1/products/?page_size=20``) as fast as it can; its rate alone, before the
import, is the baseline. It prints, and writes to ``bench/results/<date>-bulk-import.md``,
rows per second of each run and the reads' rate during the import over their rate alone.
"""

import argparse
import io
import json
import multiprocessing
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from werkzeug.datastructures import FileStorage  # noqa: E402

from config import TestingConfig, database_url  # noqa: E402
from ecom import create_app  # noqa: E402
from ecom.extensions import db  # noqa: E402
from ecom.integrations.bulk import imports  # noqa: E402
from ecom.integrations.bulk.models import BulkJob  # noqa: E402

POSTGRES = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "ecom_bench_bulk"
READS = "/api/v1/products/?page_size=20"
BASELINE_SECONDS = 5.0


def postgres_url() -> str:
    admin = create_engine(database_url(f"{POSTGRES}/postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    return f"{POSTGRES}/{DATABASE}"


def build_app(url: str, media: str) -> Flask:
    env = {
        "TEST_DATABASE_URL": url,
        "MEDIA_ROOT": media,
        "RATELIMIT_ENABLED": "false",
        "IMPORT_MAX_BYTES": str(200 * 1024 * 1024),
    }
    return create_app(TestingConfig(env))


def products_csv(rows: int) -> bytes:
    lines = ["sku,title,category,price,stock,description"]
    lines += [
        f"BENCH-{n:07d},Bench product {n},Bench/Shelf {n % 20},{10 + n % 90}.90,{n % 50},"
        f"Row {n} of the bulk import bench"
        for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def read_pages(
    url: str, media: str, stop: multiprocessing.Event, seconds: float, out: multiprocessing.Queue
) -> None:
    """Product list pages in a loop until ``stop`` (or for ``seconds``): pages per second."""
    app = build_app(url, media)
    client = app.test_client()
    count, started = 0, time.perf_counter()
    while not stop.is_set() and time.perf_counter() - started < seconds:
        assert client.get(READS).status_code == 200
        count += 1
    out.put(count / (time.perf_counter() - started))


def reads_rate(url: str, media: str, seconds: float) -> float:
    stop, out = multiprocessing.Event(), multiprocessing.Queue()
    reader = multiprocessing.Process(target=read_pages, args=(url, media, stop, seconds, out))
    reader.start()
    reader.join()
    return out.get()


def timed_import(app: Flask, data: bytes) -> tuple[float, BulkJob]:
    with app.app_context():
        upload = FileStorage(io.BytesIO(data), filename="bench.csv")
        started = time.perf_counter()
        job = imports.start_import(
            upload, "products", dry_run=False, create_categories=True, user_id=None
        )
        elapsed = time.perf_counter() - started
        db.session.expire_all()
        job = db.session.get(BulkJob, job.id)
        assert job.state == "done", (job.state, job.message, job.errors[:3])
        return elapsed, job


def run_backend(name: str, url: str, rows: int) -> dict:
    media = tempfile.mkdtemp(prefix="bench-bulk-")
    app = build_app(url, media)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    data = products_csv(rows)
    # A small catalogue first, so the reads read something.
    timed_import(app, products_csv(200).replace(b"BENCH-", b"SEED-"))
    alone = reads_rate(url, media, BASELINE_SECONDS)
    stop, out = multiprocessing.Event(), multiprocessing.Queue()
    reader = multiprocessing.Process(target=read_pages, args=(url, media, stop, 1e9, out))
    reader.start()
    first, job = timed_import(app, data)
    stop.set()
    reader.join()
    during = out.get()
    second, again = timed_import(app, data)
    result = {
        "backend": name,
        "rows": rows,
        "first_seconds": round(first, 2),
        "first_rows_per_second": round(rows / first, 1),
        "first_counts": job.counts,
        "second_seconds": round(second, 2),
        "second_rows_per_second": round(rows / second, 1),
        "second_counts": again.counts,
        "reads_alone_per_second": round(alone, 1),
        "reads_during_import_per_second": round(during, 1),
        "reads_ratio": round(during / alone, 2),
    }
    print(json.dumps(result), flush=True)
    return result


def report(results: list[dict], rows: int) -> str:
    lines = [
        f"# Bulk import, {rows} rows ({datetime.now(UTC):%Y-%m-%d})",
        "",
        "`bench/bulk_import.py`: single-variant products, categories created by the import,",
        "batches of IMPORT_BATCH_ROWS (500); the second run imports the same file (all",
        "unchanged). Reads: product list pages from a separate process, during the first run",
        "over alone. A shared 2-core machine under other load: rates are indicative.",
        "",
        "| back end | rows | first run rows/s | second run rows/s | reads alone /s | "
        "reads during /s | ratio |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {r['backend']} | {r['rows']} | {r['first_rows_per_second']} | "
        f"{r['second_rows_per_second']} | {r['reads_alone_per_second']} | "
        f"{r['reads_during_import_per_second']} | {r['reads_ratio']} |"
        for r in results
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--name", default="bulk-import")
    args = parser.parse_args()
    results = []
    for backend in args.backends.split(","):
        if backend == "sqlite":
            url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-bulk-')}/bench.db"
        else:
            url = postgres_url()
        results.append(run_backend(backend, url, args.rows))
    stem = ROOT / "bench" / "results" / f"{datetime.now(UTC):%Y-%m-%d}-{args.name}"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    stem.with_suffix(".md").write_text(report(results, args.rows))
    sys.stdout.write(report(results, args.rows))


if __name__ == "__main__":
    main()
