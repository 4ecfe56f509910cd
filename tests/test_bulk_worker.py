"""A bulk import run by a real Celery worker (PostgreSQL + Redis pass): the request only
queues it; the worker reads the stored file and writes the products."""

import os

import pytest

from ecom.extensions import db
from ecom.integrations.bulk.models import BulkJob
from tests.background import Worker, wait_for
from tests.bulk import csv_file, upload, variant
from tests.factories import make_category
from tests.test_background_jobs import broker  # noqa: F401  (the fixture)
from tests.workers import SERVER_STACKS

pytestmark = SERVER_STACKS


@pytest.fixture
def worker(app, broker, tmp_path):  # noqa: F811
    env = {**os.environ, "MEDIA_ROOT": app.config["MEDIA_ROOT"]}
    started = Worker(env, 1, tmp_path / "worker.log").start()
    yield started
    started.stop()


def state_of(job_id: int) -> str:
    db.session.expire_all()
    state = db.session.get(BulkJob, job_id).state
    db.session.commit()
    return state


def test_a_worker_runs_the_import_the_request_queued(client, staff, auth_headers, worker):
    make_category("Kitchen")
    db.session.commit()
    data = csv_file("W-1,,Whisk,Kitchen,4.50,9,", "W-2,,Ladle,Kitchen,6.00,2,")

    response = upload(client, auth_headers(staff), data)

    assert (response.status_code, response.json["state"]) == (202, "queued")
    job_id = response.json["id"]
    wait_for(lambda: state_of(job_id) in ("done", "failed"), 30, "the import to finish")
    job = db.session.get(BulkJob, job_id)
    assert (job.state, job.rows_done, job.counts) == ("done", 2, {"created": 2})
    assert (variant("W-1").stock_quantity, str(variant("W-2").price)) == (9, "6.00")
