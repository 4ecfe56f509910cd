"""Live updates across instances (PostgreSQL + Redis pass): two real-time services, each
the shipped Gunicorn settings (``ECOM_SERVICE=realtime``), sharing the Redis stream, and a
Celery worker delivering the outbox. A real Socket.IO client on one instance hears what
staff did on the other, hears nothing of another customer's order, replays what it missed
on reconnecting to the other instance, and is dropped after logging out."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
import requests
import socketio

from ecom.orders.models import Order
from tests.background import SmtpServer, Worker, wait_for
from tests.factories import bearer, login, make_order, make_product, make_user
from tests.production_chain import REALTIME_SERVICE, ROOT, free_port, wait_for_port
from tests.workers import SERVER_STACKS, die_with_parent

pytestmark = [pytest.mark.committed, SERVER_STACKS]

ARRIVAL = 20


class Instance:
    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, **REALTIME_SERVICE, "APP_ENV": "testing"}
        # Open sockets would hold a graceful stop for its whole timeout (30 s).
        env["GUNICORN_GRACEFUL_TIMEOUT"] = "1"
        env["PROMETHEUS_MULTIPROC_DIR"] = str(log.parent / f"metrics-{self.port}")
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    *("--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}"),
                    *("--control-socket", str(log.parent / f"gunicorn-{self.port}.ctl")),
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
            )
        wait_for_port(self.port, self.process, log)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    broker = os.environ.get("TEST_CELERY_BROKER_URL", "")
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres") or not broker:
        pytest.skip("Needs PostgreSQL, Redis and a Celery broker (the PostgreSQL + Redis pass).")
    try:
        redis.Redis.from_url(broker, socket_connect_timeout=0.5).flushdb()
    except redis.RedisError:
        pytest.skip("Live updates travel on Redis: the Redis-down pass has none.")
    return tmp_path_factory.mktemp("realtime")


@pytest.fixture(scope="module")
def instances(workdir):
    started = [Instance(workdir / f"instance-{n}.log") for n in (1, 2)]
    yield started
    for instance in started:
        instance.stop()


@pytest.fixture(scope="module")
def worker(workdir):
    smtp = SmtpServer().start()
    started = Worker(dict(os.environ), smtp.port, workdir / "worker.log").start()
    yield started
    started.stop()
    smtp.stop()


class Listener:
    """A Socket.IO client over WebSocket that keeps what it hears."""

    def __init__(self, instance: Instance, token: str, last_event_id: str | None = None):
        self.events: list[dict] = []
        self.client = socketio.Client(reconnection=False)
        self.client.on("event", self.events.append)
        auth = {"token": token, **({"last_event_id": last_event_id} if last_event_id else {})}
        self.client.connect(instance.url, auth=auth, transports=["websocket"], wait_timeout=10)

    def statuses(self, count: int) -> list[str]:
        """The new statuses heard (an order.placed that came late is not one)."""

        def heard() -> list[str]:
            return [e["data"]["to_status"] for e in self.events if "to_status" in e["data"]]

        wait_for(lambda: len(heard()) >= count, ARRIVAL, f"{count} status events")
        return heard()


def move(instance: Instance, staff_token: str, order: Order, status: str) -> None:
    reply = requests.put(
        f"{instance.url}/api/v1/orders/{order.id}/",
        json={"status": status},
        headers=bearer(staff_token),
        timeout=10,
    )
    assert reply.status_code == 200, reply.text


def test_events_cross_instances_reach_only_their_customer_and_replay_after_a_reconnect(
    client, instances, worker
):
    first, second = instances
    alice, bob, staff = make_user(), make_user(), make_user("staff")
    order = make_order(alice, (make_product(), 1))
    alice_token, staff_token = login(client, alice)["access"], login(client, staff)["access"]
    alices = Listener(first, alice_token)
    bobs = Listener(first, login(client, bob)["access"])

    move(second, staff_token, order, "paid")

    assert sorted(alices.statuses(2)) == ["paid", "paid"]  # the order's and the payment's
    last_seen = alices.events[-1]["id"]
    alices.client.disconnect()
    move(second, staff_token, order, "processing")
    move(first, staff_token, order, "shipped")

    again = Listener(second, alice_token, last_event_id=last_seen)
    assert again.statuses(2) == ["processing", "shipped"]
    assert bobs.events == []
    again.client.disconnect()
    bobs.client.disconnect()


def test_logging_out_on_one_instance_ends_the_connection_on_the_other(client, instances, worker):
    first, second = instances
    customer, staff = make_user(), make_user("staff")
    order = make_order(customer, (make_product(), 1))
    tokens = login(client, customer)
    listening = Listener(first, tokens["access"])
    logout = requests.post(
        f"{second.url}/api/v1/auth/jwt/logout/",
        json={"refresh": tokens["refresh"]},
        headers=bearer(tokens["access"]),
        timeout=10,
    )
    assert logout.status_code == 204, logout.text

    move(second, login(client, staff)["access"], order, "paid")

    wait_for(lambda: not listening.client.connected, ARRIVAL, "the disconnection")
    # Its order.placed may have come before the logout (the worker's timing); no more.
    assert {event["event"] for event in listening.events} <= {"order.placed"}
