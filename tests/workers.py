"""What each pytest-xdist worker owns, so that workers never meet on shared state.

``make test`` runs the suite on ``PYTEST_WORKERS`` xdist workers (gw0, gw1...). Before it
collects anything, worker N rewrites its own environment (every fixture and subprocess
reads these variables from there):

- ``TEST_DATABASE_URL``: the PostgreSQL database gets the suffix ``_gwN`` (created when
  missing; scratch databases add their own suffix after it). A SQLite run needs nothing:
  its file and cache directory live under the worker's own pytest temporary directory.
- ``TEST_REDIS_URL`` and ``TEST_CELERY_BROKER_URL``: database number minus 2×N on the same
  server, so the defaults 15 and 14 become 13 and 12 on gw1, 11 and 10 on gw2. Two URLs
  whose numbers differ by an odd amount never land on one database. The closed-port URL of
  the dead-Redis pass is left as it is: nothing answers there, nothing can be flushed.

A run without xdist (``-n 0``) keeps the environment unchanged. Servers the tests start
listen on free ports and die with the process that started them (``die_with_parent``).
"""

import ctypes
import os
import signal
import sys
from collections.abc import MutableMapping
from urllib.parse import urlsplit

import pytest
from _pytest.nodeid import coerce_node_id
from sqlalchemy.engine import make_url

from tests.factories import DEAD_REDIS

REDIS_STEP = 2
REDIS_VARIABLES = ("TEST_REDIS_URL", "TEST_CELERY_BROKER_URL")

# Modules that start servers or workers in other processes and wait for them within
# timeouts (Gunicorn with Nginx, a second PostgreSQL cluster, Chromium, Celery workers):
# one xdist worker runs them all, one after the other (``--dist loadgroup``), so a stack
# made by a module-scoped fixture starts once, and no two of them compete for the cores.
SERVER_STACKS = pytest.mark.xdist_group("server-stacks")


def worker_index(env: MutableMapping[str, str]) -> int | None:
    """N of the xdist worker ``gwN`` this process is, or None outside xdist."""
    name = env.get("PYTEST_XDIST_WORKER", "")
    return int(name.removeprefix("gw")) if name.startswith("gw") else None


def worker_database(url: str, index: int) -> str:
    """``url`` with the worker's own PostgreSQL database; other URLs unchanged."""
    if not url.startswith("postgres"):
        return url
    target = make_url(url)
    return target.set(database=f"{target.database}_gw{index}").render_as_string(hide_password=False)


def worker_redis(url: str, index: int) -> str:
    """``url`` with the worker's own Redis database number (see the module's docstring)."""
    if not url or url == DEAD_REDIS:
        return url
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) - REDIS_STEP * index
    if number < 0:
        raise ValueError(
            f"{url} leaves no Redis database for worker gw{index}: "
            "use a higher database number or fewer workers."
        )
    return parts._replace(path=f"/{number}").geturl()


def check_redis_numbers(env: MutableMapping[str, str], workers: int) -> None:
    """Fail before any test if two workers' Redis URLs would name one database."""
    owners: dict[str, int] = {}
    for variable in REDIS_VARIABLES:
        for index in range(workers):
            url = worker_redis(env.get(variable, ""), index)
            if url and url != DEAD_REDIS and owners.setdefault(url, index) != index:
                raise ValueError(f"gw{owners[url]} and gw{index} would share {url}.")


def isolate_worker(env: MutableMapping[str, str] = os.environ) -> None:
    """Point this xdist worker's test settings at its own databases (nothing outside xdist)."""
    index = worker_index(env)
    if index is None:
        return
    check_redis_numbers(env, int(env.get("PYTEST_XDIST_WORKER_COUNT", index + 1)))
    if env.get("TEST_DATABASE_URL"):
        env["TEST_DATABASE_URL"] = worker_database(env["TEST_DATABASE_URL"], index)
    for variable in REDIS_VARIABLES:
        if env.get(variable):
            env[variable] = worker_redis(env[variable], index)


def keep_xdist_groups(items: list[pytest.Item]) -> None:
    """Give each grouped test the ``@group`` suffix ``--dist loadgroup`` schedules by.
    pytest-xdist 3.8.0 writes it to ``Node._nodeid``, which pytest 9.2 no longer reads (the
    id is ``Node._id``, pytest-xdist#1386): without this, groups are silently spread."""
    for item in items:
        names = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        suffix = "@" + "_".join(sorted(names))
        if names and not item.nodeid.endswith(suffix):
            item._id = coerce_node_id(item.nodeid + suffix)


PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """``preexec_fn`` of a server the tests start: the kernel sends it SIGTERM when the test
    process dies, even by SIGKILL, so no server outlives an interrupted run (Linux only;
    elsewhere the fixtures' teardown alone stops them)."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
