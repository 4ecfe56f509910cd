"""The production chain on loopback: Nginx (the project config) → Gunicorn → PostgreSQL, Redis.

``start_chain`` starts the app through ``docker/entrypoint.sh`` (wait for the database,
``flask db upgrade``, Gunicorn with ``gunicorn.conf.py``) and Debian's nginx running
``nginx/templates/default.conf.template`` with only host names, ports and paths
substituted, behind a self-signed certificate. ``Chain.request`` talks to it with curl
over HTTP/2.
"""

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

ROOT = Path(__file__).resolve().parent.parent
NGINX_TEMPLATE = ROOT / "nginx" / "templates" / "default.conf.template"
HOST = "localhost"
START_TIMEOUT = 30


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
    app_port: int
    workdir: Path
    media_root: Path
    env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def certificate(self) -> Path:
        return self.workdir / "fullchain.pem"

    @property
    def access_log(self) -> Path:
        """Gunicorn's standard output: its access log (off unless GUNICORN_ACCESS_LOG)."""
        return self.workdir / "gunicorn-access.log"

    @property
    def app_log(self) -> Path:
        """Standard error of the entrypoint, migrations, Gunicorn and the app."""
        return self.workdir / "gunicorn-error.log"

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
    ) -> Reply:
        """One request through Nginx with curl: HTTP/2 over TLS verified against the test CA.

        ``form_file`` is a (field, file) pair posted as multipart/form-data; ``source`` is
        the client's loopback address, as Nginx sees it.
        """
        head_file = self.workdir / "reply.head"
        body_out = self.workdir / "reply.body"
        command = [
            "curl", "--silent", "--show-error", "--max-time", "20",
            "--request", method, "--dump-header", str(head_file), "--output", str(body_out),
            "--write-out", "%{http_code} %{http_version}",
            "--resolve", f"{HOST}:{self.http_port}:127.0.0.1",
            "--resolve", f"{HOST}:{self.https_port}:127.0.0.1", "--interface", source,
        ]  # fmt: skip
        if https:
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
        done = subprocess.run(
            [*command, self.url(path, https=https)], capture_output=True, text=True, check=True
        )
        status, version = done.stdout.split()
        return Reply(int(status), version, _last_header_block(head_file), body_out.read_bytes())

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
            "server web:8000;": f"server 127.0.0.1:{chain.app_port};",
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
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        MEDIA_ROOT=str(media_root),
        WEB_CONCURRENCY="2",
        PYTHONUNBUFFERED="1",
        DB_WAIT_SECONDS="10",
        TRUSTED_PROXIES="1",
        # The login burst test proves Nginx's own zone; the app's limit has its own tests.
        RATELIMIT_AUTH="1000/minute",
    )
    return env


def start_chain(workdir: Path, database_url: str, redis_url: str) -> Chain:
    """Start Gunicorn (through the container entrypoint) and Nginx; wait until both answer."""
    chain = Chain(free_port(), free_port(), free_port(), workdir, workdir / "media")
    chain.media_root.mkdir()
    chain.env = _app_environment(database_url, redis_url, chain.media_root)
    webroot = workdir / "acme"
    (webroot / ".well-known" / "acme-challenge").mkdir(parents=True)
    _make_certificate(workdir)
    site = workdir / "ecom.conf"
    site.write_text(nginx_site(chain, webroot))
    main = workdir / "nginx.conf"
    main.write_text(_nginx_main_config(chain, site))
    try:
        with chain.access_log.open("wb") as out, chain.app_log.open("wb") as err:
            chain.processes.append(
                subprocess.Popen(
                    [
                        str(ROOT / "docker" / "entrypoint.sh"),
                        "gunicorn", "--config", "gunicorn.conf.py",
                        "--bind", f"127.0.0.1:{chain.app_port}", "wsgi:app",
                    ],
                    cwd=ROOT,
                    env=chain.env,
                    stdout=out,
                    stderr=err,
                    start_new_session=True,
                )
            )  # fmt: skip
        # -e: even the start-up error log stays here (a non-root run cannot write /var/log).
        nginx = ["nginx", "-e", str(workdir / "nginx-error.log"), "-c", str(main)]
        subprocess.run([*nginx, "-t", "-q"], check=True, capture_output=True)
        chain.processes.append(subprocess.Popen([*nginx, "-g", "daemon off;"], cwd=workdir))
        _wait_until_answering(chain)
    except BaseException:
        stop_chain(chain)
        raise
    return chain


def _wait_until_answering(chain: Chain) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for process in chain.processes:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{process.args[0]} exited with {process.returncode}:\n"
                    + chain.app_log.read_text()[-3000:]
                )
        try:
            if chain.request("GET", "/health/live/").status == 200:
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
