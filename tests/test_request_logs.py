"""Request logs: one JSON line per request, request ids, and the security logger."""

import io
import json
import logging
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug._internal import _log as werkzeug_log
from werkzeug.serving import _ansi_style as ansi_style
from werkzeug.serving import make_server

from ecom.logging import JsonFormatter, JsonLineHandler
from tests.factories import bearer, login

REQUEST_KEYS = {
    "time",
    "level",
    "logger",
    "message",
    "request_id",
    "method",
    "path",
    "status",
    "duration_ms",
    "user_id",
    "client_ip",
}


@pytest.fixture
def request_lines(caplog):
    """The JSON lines the request logger writes during the test."""
    caplog.set_level(logging.INFO, logger="ecom.request")
    formatter = JsonFormatter()
    return lambda: [
        json.loads(formatter.format(r)) for r in caplog.records if r.name == "ecom.request"
    ]


def security_messages(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "security"]


def test_each_request_writes_one_json_line_with_the_agreed_keys(client, request_lines):
    response = client.get("/api/v1/nope/?x=1", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    [line] = request_lines()
    assert set(line) == REQUEST_KEYS
    assert line["method"] == "GET" and line["path"] == "/api/v1/nope/"
    assert line["status"] == 404 and line["client_ip"] == "192.0.2.9"
    assert line["duration_ms"] >= 0 and line["user_id"] is None
    assert line["request_id"] == response.headers["X-Request-ID"]


def test_the_line_names_the_signed_in_user(client, customer, request_lines):
    headers = bearer(login(client, customer)["access"])
    client.get("/api/v1/auth/users/me/", headers=headers)
    assert request_lines()[-1]["user_id"] == str(customer.id)


def test_with_request_log_off_the_ids_are_left_for_the_wsgi_servers_access_line(
    app, client, customer, request_lines, monkeypatch
):
    headers = bearer(login(client, customer)["access"])
    monkeypatch.setitem(app.config, "REQUEST_LOG", False)
    seen = []

    def server(environ, start_response):  # Keeps the environ, as Gunicorn does for its log.
        seen.append(environ)
        return wsgi_app(environ, start_response)

    wsgi_app = app.wsgi_app
    monkeypatch.setattr(app, "wsgi_app", server)

    response = client.get("/api/v1/auth/users/me/", headers=headers)

    assert [line["path"] for line in request_lines()] == ["/api/v1/auth/jwt/create/"]
    [environ] = seen
    assert environ["ecom.request_id"] == response.headers["X-Request-ID"]
    assert environ["ecom.user_id"] == str(customer.id)


def test_a_valid_request_id_is_kept_and_echoed(client, request_lines):
    response = client.get("/health/", headers={"X-Request-ID": "lb-1234.abc"})
    assert response.headers["X-Request-ID"] == "lb-1234.abc"
    assert request_lines()[-1]["request_id"] == "lb-1234.abc"


@pytest.mark.parametrize("given", ["", "x" * 200, "bad id; forged=1", "<script>"])
def test_an_invalid_request_id_is_replaced(client, given):
    response = client.get("/health/", headers={"X-Request-ID": given})
    echoed = response.headers["X-Request-ID"]
    assert echoed != given and len(echoed) == 32


def test_lines_logged_during_a_request_carry_its_id(client, caplog):
    caplog.set_level(logging.WARNING, logger="security")
    client.post(
        "/api/v1/auth/jwt/create/",
        json={"email": "nobody@example.com", "password": "wrong-password"},
        headers={"X-Request-ID": "req-42"},
    )
    [record] = [r for r in caplog.records if r.name == "security"]
    assert json.loads(JsonFormatter().format(record))["request_id"] == "req-42"


def test_failed_logins_permission_denials_and_revocations_are_security_events(
    client, customer, caplog
):
    caplog.set_level(logging.INFO, logger="security")
    client.post(
        "/api/v1/auth/jwt/create/", json={"email": customer.email, "password": "wrong-password"}
    )
    tokens = login(client, customer)
    headers = bearer(tokens["access"])
    client.get("/api/v1/auth/users/", headers=headers)
    client.post("/api/v1/auth/jwt/logout/", json={"refresh": tokens["refresh"]}, headers=headers)
    messages = " | ".join(security_messages(caplog))
    assert "login failed" in messages
    assert f"permission denied GET /api/v1/auth/users/ user={customer.id}" in messages
    assert "token family revoked" in messages


@pytest.mark.committed
def test_the_development_server_writes_one_plain_json_line_per_request(app, caplog):
    caplog.set_level(logging.INFO)
    server = make_server("127.0.0.1", 0, app)
    serving = threading.Thread(target=server.handle_request)
    serving.start()
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/api/v1/nope/", timeout=10)
    serving.join(timeout=10)
    server.server_close()
    werkzeug_log("info", ansi_style("Press CTRL+C to quit", "yellow"))

    lines = [JsonFormatter().format(r) for r in caplog.records]
    request_lines = [line for line in lines if "/api/v1/nope/" in line]
    assert len(request_lines) == 1 and '"logger": "ecom.request"' in request_lines[0]
    assert not any("\\u001b" in line for line in lines)
    assert any("Press CTRL+C to quit" in line for line in lines)


def test_with_only_the_json_handler_the_line_is_written_at_once_with_the_same_keys(
    client, caplog, monkeypatch
):
    caplog.set_level(logging.INFO)
    stream = io.StringIO()
    monkeypatch.setattr(logging.getLogger(), "handlers", [JsonLineHandler(stream)])
    response = client.get("/api/v1/nope/", headers={"X-Request-ID": "direct-1"})

    [line] = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert set(line) == REQUEST_KEYS
    assert line["logger"] == "ecom.request" and line["level"] == "INFO"
    assert line["message"] == "GET /api/v1/nope/ 404" and line["status"] == 404
    assert line["request_id"] == response.headers["X-Request-ID"] == "direct-1"
