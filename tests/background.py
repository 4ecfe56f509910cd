"""Real background machinery on loopback: an aiosmtpd SMTP server and a Celery worker.

``SmtpServer`` keeps every message it accepted; ``Worker`` runs ``celery -A wsgi:celery
worker`` (``Beat``: ``beat``) in its own process against the test database and the
Celery broker, sending e-mail to the given SMTP port and serving its metrics on a port of
its own.
"""

import contextlib
import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from ecom.extensions import celery
from tests.factories import DEAD_REDIS
from tests.production_chain import ROOT, free_port
from tests.workers import die_with_parent

START_TIMEOUT = 60
ARRIVAL_TIMEOUT = 30


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    """Poll ``condition`` until it is truthy; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def stop_broker(app: Flask, patch: pytest.MonkeyPatch) -> None:
    """The app's job queue meets a broker at a closed port until ``patch`` is undone."""
    patch.setitem(app.config["CELERY"], "broker_url", DEAD_REDIS)
    patch.setattr(celery.conf, "broker_url", DEAD_REDIS)
    patch.setattr(celery, "_pool", None)
    patch.setattr(celery.amqp, "_producer_pool", None)


@contextlib.contextmanager
def broker_down(app: Flask) -> Iterator[None]:
    """The app's job queue meets a broker at a closed port inside the block."""
    with pytest.MonkeyPatch.context() as patch:
        stop_broker(app, patch)
        yield


class SmtpServer:
    """An SMTP server on 127.0.0.1 (aiosmtpd) that keeps the messages it accepts."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> "SmtpServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def wait_for_messages(self, count: int) -> list[EmailMessage]:
        wait_for(lambda: len(self.messages) >= count, ARRIVAL_TIMEOUT, f"{count} message(s)")
        return self.messages


class Worker:
    """``celery worker`` (solo pool) for the test app's database and broker."""

    def __init__(self, env: dict[str, str], smtp_port: int, log: Path) -> None:
        self.metrics_port = free_port()
        self.env = {
            **env,
            "APP_ENV": "testing",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "5",
            "OUTBOX_RETRY_BASE_SECONDS": "1",
            "OUTBOX_RETRY_MAX_SECONDS": "2",
            "OUTBOX_SWEEP_GRACE_SECONDS": "0",
            "PYTHONPATH": str(ROOT),
            "WORKER_METRICS_PORT": str(self.metrics_port),
        }
        self.log = log
        self.process: subprocess.Popen | None = None

    # The ``celery`` sub-command, and the log line that says it is up.
    arguments: tuple[str, ...] = (
        *("worker", "--pool=solo", "--loglevel=INFO"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat"),
    )
    ready_line = " ready."

    def start(self) -> "Worker":
        return self.launch().wait_ready()

    def launch(self) -> "Worker":
        """Start the process without waiting for it (from the thread that outlives it:
        ``die_with_parent`` follows the thread that started it)."""
        command = [str(Path(sys.executable).with_name("celery")), "-A", "wsgi:celery"]
        command += self.arguments
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
            )
        return self

    def wait_ready(self) -> "Worker":
        wait_for(self._ready, START_TIMEOUT, f"{self.arguments[0]} to start (log: {self.log})")
        return self

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"{self.arguments[0]} exited: {self.log.read_text()[-2000:]}")
        return self.ready_line in self.log.read_text()

    def metric(self, name: str, **labels: str) -> float:
        """A sample of the worker's metrics, 0 when it has none."""
        text = requests.get(f"http://127.0.0.1:{self.metrics_port}/", timeout=5).text
        samples = {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }
        return samples.get((name, frozenset(labels.items())), 0.0)

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-job, as on a crash or an OOM kill."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Beat(Worker):
    """``celery beat``: sends the schedule's tasks (``CELERY["beat_schedule"]``) on time;
    its schedule file goes next to the log."""

    ready_line = "beat: Starting..."

    def __init__(self, env: dict[str, str], smtp_port: int, log: Path) -> None:
        super().__init__(env, smtp_port, log)
        self.arguments = ("beat", "--loglevel=INFO", f"--schedule={log.with_suffix('.db')}")
