"""Gunicorn with the production settings (gunicorn.conf.py), for the shop or the hello app."""

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
READY_SECONDS = 60
LOG_DIR = Path(os.environ.get("BENCH_LOG_DIR", "/tmp"))


def default_workers() -> int:
    """What gunicorn.conf.py chooses without WEB_CONCURRENCY: twice the usable CPUs + 1."""
    return 2 * len(os.sched_getaffinity(0)) + 1


def _wait_ready(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Gunicorn exited with {process.returncode}; see {LOG_DIR}.")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {READY_SECONDS} s.")


@contextlib.contextmanager
def gunicorn(app: str, port: int, env: dict[str, str], ready_path: str) -> Iterator[str]:
    """Serve ``app`` (``module:object``) on loopback; yields the base URL; stops it after."""
    log = (LOG_DIR / f"ecom-bench-{port}.log").open("ab")
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--pythonpath",
        str(ROOT),
        app,
    ]
    server_env = {**env, "GUNICORN_BIND": f"{HOST}:{port}"}
    process = subprocess.Popen(command, cwd=ROOT, env=server_env, stdout=log, stderr=log)
    base = f"http://{HOST}:{port}"
    try:
        _wait_ready(base + ready_path, process)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


NGINX_CONFIG = """{user}worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    map $http_x_request_id $ecom_request_id {{
        default $http_x_request_id;
        ""      $request_id;
    }}
    upstream ecom_web {{
{servers}
        keepalive 32;
        keepalive_timeout 60s;
    }}
    server {{
        listen {host}:{port};
        location / {{
            proxy_pass http://ecom_web;
            include {root}/nginx/ecom_proxy.conf;
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(app_ports: list[int], port: int) -> Iterator[str]:
    """Nginx on loopback in front of ``app_ports``: the production upstream (passive health
    checks, keep-alive) and proxy settings (nginx/ecom_proxy.conf), without TLS."""
    with tempfile.TemporaryDirectory(prefix="ecom-bench-nginx-") as workdir:
        servers = "\n".join(
            f"        server {HOST}:{p} max_fails=3 fail_timeout=10s;" for p in app_ports
        )
        config = Path(workdir) / "nginx.conf"
        config.write_text(
            NGINX_CONFIG.format(
                user="user root;\n" if os.geteuid() == 0 else "",
                workdir=workdir, servers=servers, host=HOST, port=port, root=ROOT,
            )
        )  # fmt: skip
        command = ["nginx", "-e", f"{workdir}/nginx-error.log", "-p", workdir, "-c", str(config)]
        process = subprocess.Popen([*command, "-g", "daemon off;"])
        base = f"http://{HOST}:{port}"
        try:
            _wait_ready(base + "/health/live/", process)
            yield base
        finally:
            process.send_signal(signal.SIGQUIT)
            process.wait(timeout=30)
