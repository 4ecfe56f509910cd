"""The production chain on loopback: Nginx (the project config) → Gunicorn → PostgreSQL, Redis.

``start_chain`` starts one or more app instances, each through ``docker/entrypoint.sh``
(wait for the database, ``flask db upgrade``, Gunicorn with ``gunicorn.conf.py``), one
after the other, and Debian's nginx running ``nginx/templates/default.conf.template``
with only host names, ports and paths substituted (one upstream ``server`` line per
instance), behind a self-signed certificate. ``Chain.request`` talks to Nginx with curl
over HTTP/2, or to one instance directly.
"""

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import database_url
from tests.workers import die_with_parent

ROOT = Path(__file__).resolve().parent.parent
NGINX_TEMPLATE = ROOT / "nginx" / "templates" / "default.conf.template"
HOST = "localhost"
START_TIMEOUT = 30
STOCK_CACHE_SECONDS = 1
# As docker-compose.prod.yml's `realtime` service (gunicorn.conf.py reads it).
REALTIME_SERVICE = {"ECOM_SERVICE": "realtime", "REALTIME_CONNECTIONS": "50"}


@dataclass
class Reply:
    status: int
    http_version: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Chain:
    http_port: int
    https_port: int
    app_ports: list[int]
    realtime_port: int
    workdir: Path
    media_root: Path
    env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen] = field(default_factory=list)
    # The entrypoint (then Gunicorn's master) of each instance, in app_ports' order.
    instances: list[subprocess.Popen] = field(default_factory=list)

    @property
    def certificate(self) -> Path:
        return self.workdir / "fullchain.pem"

    @property
    def access_log(self) -> Path:
        """The first Gunicorn's standard output: its access log (off unless GUNICORN_ACCESS_LOG)."""
        return self.workdir / "gunicorn-access.log"

    @property
    def app_log(self) -> Path:
        """Standard error of the first instance's entrypoint, migrations, Gunicorn and app."""
        return self.app_log_of(0)

    def app_log_of(self, instance: int) -> Path:
        return self.workdir / f"gunicorn-error{'-' + str(instance) if instance else ''}.log"

    def url(self, path: str, *, https: bool = True) -> str:
        if https:
            return f"https://{HOST}:{self.https_port}{path}"
        return f"http://{HOST}:{self.http_port}{path}"

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: dict | None = None,
        body_file: Path | None = None,
        form_file: tuple[str, Path] | None = None,
        headers: dict[str, str] | None = None,
        https: bool = True,
        source: str = "127.0.0.1",
        instance: int | None = None,
    ) -> Reply:
        """One request through Nginx with curl: HTTP/2 over TLS verified against the test CA.

        ``form_file`` is a (field, file) pair posted as multipart/form-data; ``source`` is
        the client's loopback address, as Nginx sees it. ``instance`` (an index) sends it to
        that Gunicorn directly instead, as Nginx would (X-Forwarded-Proto: https).
        """
        # Files of this request alone: requests may run in parallel threads.
        reply_id = secrets.token_hex(6)
        head_file = self.workdir / f"reply-{reply_id}.head"
        body_out = self.workdir / f"reply-{reply_id}.body"
        command = [
            "curl", "--silent", "--show-error", "--max-time", "20",
            "--request", method, "--dump-header", str(head_file), "--output", str(body_out),
            "--write-out", "%{http_code} %{http_version}",
            "--resolve", f"{HOST}:{self.http_port}:127.0.0.1",
            "--resolve", f"{HOST}:{self.https_port}:127.0.0.1", "--interface", source,
        ]  # fmt: skip
        url = self.url(path, https=https)
        if instance is not None:
            url = f"http://127.0.0.1:{self.app_ports[instance]}{path}"
            command += ["--header", "X-Forwarded-Proto: https"]
        elif https:
            command += ["--http2", "--cacert", str(self.certificate)]
        for name, value in (headers or {}).items():
            command += ["--header", f"{name}: {value}"]
        if json_body is not None:
            command += ["--header", "Content-Type: application/json"]
            command += ["--data-binary", json.dumps(json_body)]
        if body_file is not None:
            command += ["--header", "Content-Type: application/octet-stream"]
            command += ["--data-binary", f"@{body_file}"]
        if form_file is not None:
            field_name, file = form_file
            command += ["--form", f"{field_name}=@{file}"]
        done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
        status, version = done.stdout.split()
        reply = Reply(int(status), version, _last_header_block(head_file), body_out.read_bytes())
        head_file.unlink()
        body_out.unlink()
        return reply

    def flask(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """A ``flask`` command with the app's production environment (e.g. create-admin, seed)."""
        return subprocess.run(
            ["flask", *args], cwd=ROOT, env=self.env, input=stdin,
            capture_output=True, text=True, check=True,
        )  # fmt: skip

    def request_log(self) -> list[dict]:
        """The app's JSON request lines so far, among the other lines of its standard error."""
        entries = [
            json.loads(line) for line in self.app_log.read_text().splitlines() if line[:1] == "{"
        ]
        return [entry for entry in entries if entry["logger"] == "ecom.request"]


def _last_header_block(path: Path) -> dict[str, str]:
    blocks = path.read_text().strip().split("\r\n\r\n")
    headers = {}
    for line in blocks[-1].splitlines()[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers


def fresh_database(url: str, suffix: str) -> str:
    """A new empty database beside the test database, named with ``suffix``; its URL."""
    target = make_url(database_url(url))
    target = target.set(database=f"{target.database}_{suffix}")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return target.render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_tools() -> list[str]:
    return [tool for tool in ("nginx", "openssl", "curl") if shutil.which(tool) is None]


def substitute(text: str, replacements: dict[str, str]) -> str:
    """Replace each key, and fail loudly if the production config no longer contains it."""
    for old, new in replacements.items():
        if old not in text:
            raise AssertionError(f"The production Nginx config no longer contains {old!r}.")
        text = text.replace(old, new)
    return text


def _make_certificate(workdir: Path) -> None:
    subprocess.run(
        [
            "openssl", "req", "-x509", "-nodes", "-newkey", "rsa:2048", "-days", "1",
            "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
            "-keyout", str(workdir / "privkey.pem"), "-out", str(workdir / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip


def nginx_site(chain: Chain, webroot: Path) -> str:
    """The production site config, pointed at loopback ports and the test's files."""
    return substitute(
        NGINX_TEMPLATE.read_text(),
        {
            "/etc/letsencrypt/live/${DOMAIN}/fullchain.pem": str(chain.workdir / "fullchain.pem"),
            "/etc/letsencrypt/live/${DOMAIN}/privkey.pem": str(chain.workdir / "privkey.pem"),
            "${DOMAIN}": HOST,
            "    listen [::]:80;\n": "",
            "    listen [::]:443 ssl http2;\n": "",
            "listen 80;": f"listen 127.0.0.1:{chain.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{chain.https_port} ssl http2;",
            "server web:8000 max_fails=3 fail_timeout=10s;": "\n    ".join(
                f"server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;" for port in chain.app_ports
            ),
            "server realtime:8000": f"server 127.0.0.1:{chain.realtime_port}",
            "root /var/www/certbot;": f"root {webroot};",
            "alias /srv/ecom/static/;": f"alias {ROOT / 'ecom' / 'static'}/;",
            "alias /srv/ecom/media/;": f"alias {chain.media_root}/;",
            "include /etc/nginx/ecom_proxy.conf;": f"include {ROOT / 'nginx' / 'ecom_proxy.conf'};",
        },
    )


def _nginx_main_config(chain: Chain, site: Path) -> str:
    temp = chain.workdir / "nginx-temp"
    temp.mkdir()
    # A root master would hand requests to `nobody`, who cannot read pytest's 0700 tmp dirs.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\npid {chain.workdir / 'nginx.pid'};\n"
        f"error_log {chain.workdir / 'nginx-error.log'} warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        f"    access_log {chain.workdir / 'nginx-access.log'};\n"
        + "".join(
            f"    {kind}_temp_path {temp / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"    include {site};\n}}\n"
    )


def _app_environment(database_url: str, redis_url: str, media_root: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEST_", "GUNICORN_", "FLASK_"))
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        APP_ENV="production",
        FLASK_APP="wsgi:app",
        SECRET_KEY=secrets.token_urlsafe(48),
        JWT_SECRET_KEY=secrets.token_urlsafe(48),
        DUMMY_WEBHOOK_SECRET=secrets.token_urlsafe(48),
        DEMO_SHOP="true",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        MEDIA_ROOT=str(media_root),
        WEB_CONCURRENCY="2",
        PYTHONUNBUFFERED="1",
        DB_WAIT_SECONDS="10",
        TRUSTED_PROXIES="1",
        # The login burst test proves Nginx's own zone; the app's limit has its own tests.
        RATELIMIT_AUTH="1000/minute",
        RATELIMIT_LOGIN_ADDRESS="1000/minute",
        RATELIMIT_LOGIN_FAILURES="1000/minute",
        # Stock shown by cached product reads lags by this much (the checkout test waits).
        STOCK_CACHE_SECONDS=str(STOCK_CACHE_SECONDS),
    )
    return env


def start_chain(
    workdir: Path,
    database_url: str,
    redis_url: str,
    *,
    instances: int = 1,
    env: dict[str, str] | None = None,
) -> Chain:
    """Start ``instances`` Gunicorns (through the container entrypoint, one after the other,
    so only the first migrates) and Nginx; wait until they answer. ``env`` adds settings."""
    ports = [free_port() for _ in range(instances)]
    chain = Chain(free_port(), free_port(), ports, free_port(), workdir, workdir / "media")
    chain.media_root.mkdir()
    chain.env = {**_app_environment(database_url, redis_url, chain.media_root), **(env or {})}
    webroot = workdir / "acme"
    (webroot / ".well-known" / "acme-challenge").mkdir(parents=True)
    _make_certificate(workdir)
    site = workdir / "ecom.conf"
    site.write_text(nginx_site(chain, webroot))
    main = workdir / "nginx.conf"
    main.write_text(_nginx_main_config(chain, site))
    try:
        for index in range(instances):
            start_instance(chain, index)
        start_realtime(chain)
        # -e: even the start-up error log stays here (a non-root run cannot write /var/log).
        nginx = ["nginx", "-e", str(workdir / "nginx-error.log"), "-c", str(main)]
        subprocess.run([*nginx, "-t", "-q"], check=True, capture_output=True)
        chain.processes.append(
            subprocess.Popen([*nginx, "-g", "daemon off;"], cwd=workdir, preexec_fn=die_with_parent)
        )
        _wait_until_answering(chain)
    except BaseException:
        stop_chain(chain)
        raise
    return chain


def start_instance(chain: Chain, index: int) -> None:
    """Start (or start again) instance ``index`` and wait until it answers directly."""
    out_path = chain.access_log if index == 0 else chain.workdir / f"gunicorn-access-{index}.log"
    metrics_dir = chain.workdir / f"metrics-{index}"
    metrics_dir.mkdir(exist_ok=True)
    with out_path.open("ab") as out, chain.app_log_of(index).open("ab") as err:
        process = subprocess.Popen(
            [
                str(ROOT / "docker" / "entrypoint.sh"),
                "gunicorn", "--config", "gunicorn.conf.py",
                "--bind", f"127.0.0.1:{chain.app_ports[index]}", "wsgi:app",
                # Gunicorn's default control socket is one per user: each instance its own.
                "--control-socket", str(chain.workdir / f"gunicorn-{index}.ctl"),
            ],
            cwd=ROOT,
            env={**chain.env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)},
            stdout=out,
            stderr=err,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )  # fmt: skip
    chain.processes.append(process)
    if index < len(chain.instances):
        chain.instances[index] = process
    else:
        chain.instances.append(process)
    _wait_until_answering(chain, instance=index)


def start_realtime(chain: Chain) -> None:
    """Start the real-time service as Compose does: the same image and Gunicorn settings,
    one threaded worker (a thread per connection)."""
    (chain.workdir / "metrics-realtime").mkdir()
    with (chain.workdir / "realtime.log").open("ab") as log:
        process = subprocess.Popen(
            [
                str(ROOT / "docker" / "entrypoint.sh"),
                "gunicorn", "--config", "gunicorn.conf.py",
                "--bind", f"127.0.0.1:{chain.realtime_port}", "wsgi:app",
                "--control-socket", str(chain.workdir / "gunicorn-realtime.ctl"),
            ],
            cwd=ROOT,
            env={
                **chain.env,
                **REALTIME_SERVICE,
                "RUN_MIGRATIONS": "0",
                "PROMETHEUS_MULTIPROC_DIR": str(chain.workdir / "metrics-realtime"),
            },
            stdout=log,
            stderr=log,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )  # fmt: skip
    chain.processes.append(process)
    wait_for_port(chain.realtime_port, process, chain.workdir / "realtime.log")


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.2)
    raise RuntimeError(f"Nothing answered on {port} in time:\n{log.read_text()[-3000:]}")


def kill_instance(chain: Chain, index: int) -> None:
    """SIGKILL instance ``index``: its master and workers, as when its machine dies."""
    os.killpg(chain.instances[index].pid, signal.SIGKILL)
    chain.instances[index].wait()
    chain.processes.remove(chain.instances[index])


def _wait_until_answering(chain: Chain, instance: int | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for process in chain.processes:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{process.args[0]} exited with {process.returncode}:\n"
                    + chain.app_log.read_text()[-3000:]
                )
        try:
            if chain.request("GET", "/health/live/", instance=instance).status == 200:
                return
        except subprocess.CalledProcessError:
            pass
        time.sleep(0.2)
    raise RuntimeError("The chain did not answer in time:\n" + chain.app_log.read_text()[-3000:])


def stop_chain(chain: Chain) -> None:
    """Stop what ``start_chain`` started: Gunicorn gracefully (SIGTERM), Nginx with SIGQUIT."""
    for process in reversed(chain.processes):
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT if process.args[0] == "nginx" else signal.SIGTERM)
    for process in chain.processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
