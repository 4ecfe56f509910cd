"""Gunicorn's settings and the Nginx config agree with each other and with the app."""

import re
import runpy
import tempfile
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from ecom.extensions import db

# Gunicorn and the entrypoint run in other processes.
pytestmark = pytest.mark.committed

ROOT = Path(__file__).resolve().parent.parent
NGINX_SITE = (ROOT / "nginx" / "templates" / "default.conf.template").read_text()
NGINX_PROXY = (ROOT / "nginx" / "ecom_proxy.conf").read_text()
UPLOAD_LIMIT = 10 * 1024 * 1024
REQUEST_LOG_KEYS = {
    "time", "level", "logger", "message", "request_id", "method", "path",
    "status", "duration_ms", "user_id", "client_ip",
}  # fmt: skip


def gunicorn_settings(monkeypatch, **env: str) -> dict:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    # gunicorn.conf.py empties and exports it: a directory of this test's own, unset after.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="ecom-test-"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def nginx_seconds(directive: str, text: str) -> int:
    return int(re.search(rf"^\s*{directive} (\d+)s;", text, re.MULTILINE).group(1))


def test_gunicorn_takes_its_worker_count_from_web_concurrency(monkeypatch):
    assert gunicorn_settings(monkeypatch, WEB_CONCURRENCY="7")["workers"] == 7


def test_gunicorn_defaults_to_sync_workers_two_per_usable_cpu_plus_one(monkeypatch):
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2})

    settings = gunicorn_settings(monkeypatch)

    assert (settings["worker_class"], settings["workers"], settings["threads"]) == ("sync", 7, 1)


def test_gunicorn_recycles_no_worker_unless_asked(monkeypatch):
    assert gunicorn_settings(monkeypatch)["max_requests"] == 0
    assert gunicorn_settings(monkeypatch, GUNICORN_MAX_REQUESTS="5000")["max_requests"] == 5000


def test_threaded_gunicorn_keeps_upstream_connections_open_longer_than_nginx_reuses_them(
    monkeypatch,
):
    settings = gunicorn_settings(monkeypatch, GUNICORN_WORKER_CLASS="gthread")

    assert settings["worker_class"] == "gthread"
    assert settings["keepalive"] > nginx_seconds("keepalive_timeout", NGINX_SITE)


def test_nginx_waits_for_gunicorn_longer_than_gunicorn_lets_a_request_run(monkeypatch):
    settings = gunicorn_settings(monkeypatch)

    assert nginx_seconds("proxy_read_timeout", NGINX_PROXY) > settings["timeout"]


def test_gunicorn_trusts_forwarded_headers_from_loopback_only_by_default(monkeypatch):
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)

    assert gunicorn_settings(monkeypatch)["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_gunicorn_access_line_has_the_request_log_keys(monkeypatch):
    settings = gunicorn_settings(monkeypatch)
    response = SimpleNamespace(status_code=201, headers=[("X-Request-ID", "abc")])
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/auth/users/"}
    environ |= {"REMOTE_ADDR": "10.0.0.5", "ecom.user_id": 42}
    cfg = SimpleNamespace(forwarded_allow_ips=["127.0.0.1"])

    fields = settings["access_fields"](response, environ, timedelta(milliseconds=12.5), cfg)

    assert fields == {
        "request_id": "abc",
        "method": "POST",
        "path": "/api/v1/auth/users/",
        "status": 201,
        "duration_ms": 12.5,
        "user_id": 42,
        "client_ip": "10.0.0.5",
    }
    assert set(fields) | {"time", "level", "logger", "message"} == REQUEST_LOG_KEYS


def test_client_ip_comes_from_x_forwarded_for_only_when_the_peer_is_a_trusted_proxy(monkeypatch):
    client_ip = gunicorn_settings(monkeypatch)["client_ip"]
    environ = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}

    assert client_ip(environ, "172.28.0.4", "172.28.0.0/24") == "203.0.113.9"
    assert client_ip(environ, "198.51.100.1", "172.28.0.0/24") == "198.51.100.1"
    assert client_ip({}, "172.28.0.4", "172.28.0.0/24") == "172.28.0.4"


def test_nginx_accepts_bodies_up_to_the_app_upload_limit_and_no_more(app):
    size = re.search(r"client_max_body_size (\d+)m;", NGINX_SITE).group(1)

    assert int(size) * 1024 * 1024 == (app.config["MAX_CONTENT_LENGTH"] or UPLOAD_LIMIT)


def test_nginx_rate_limits_the_login_path_with_and_without_its_slash():
    location = re.search(r"location ~ (\S+) \{\n\s*limit_req zone=login", NGINX_SITE)

    for path in ("/api/v1/auth/jwt/create/", "/api/v1/auth/jwt/create"):
        assert re.search(location.group(1), path)


def test_by_default_gunicorn_writes_no_access_line_and_the_app_writes_its_own(monkeypatch):
    monkeypatch.delenv("GUNICORN_ACCESS_LOG", raising=False)
    settings = gunicorn_settings(monkeypatch)
    assert (settings["accesslog"], settings["raw_env"]) == (None, [])
    assert gunicorn_settings(monkeypatch, GUNICORN_ACCESS_LOG="")["accesslog"] is None


def test_gunicorn_access_log_on_turns_the_apps_request_line_off(monkeypatch):
    settings = gunicorn_settings(monkeypatch, GUNICORN_ACCESS_LOG="-")
    assert settings["accesslog"] == "-"
    assert settings["raw_env"] == ["REQUEST_LOG=false"]


def test_gunicorn_preloads_the_app_and_gives_each_forked_worker_its_own_connections(
    monkeypatch, app
):
    settings = gunicorn_settings(monkeypatch)
    inherited = db.engine.pool
    worker = SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app))

    settings["post_fork"](None, worker)

    assert settings["preload_app"] is True
    assert db.engine.pool is not inherited
