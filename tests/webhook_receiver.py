"""A webhook receiver on loopback: a threaded HTTP server that verifies every delivery's
signature with the ``standardwebhooks`` library and answers as a test plans.

``Receiver.expect(path, secret)`` gives a path its subscription's secret; ``plan(path,
*answers)`` queues answers (a status, or ``(status, headers)``) before the default 200.
``stop()`` closes the port (the receiver is down: connections are refused) and ``start()``
opens it again on the same port.
"""

import json
import threading
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self) -> None:
        self.port = 0
        self.secrets: dict[str, str] = {}
        self.answers: dict[str, deque] = defaultdict(deque)
        # Every verified delivery: (path, webhook-id, body); and those that failed to verify.
        self.received: list[tuple[str, str, dict]] = []
        self.forged: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def expect(self, path: str, secret: str) -> None:
        self.secrets[path] = secret

    def plan(self, path: str, *answers: int | tuple[int, dict]) -> None:
        self.answers[path].extend(answers)

    def bodies(self, path: str) -> list[dict]:
        return [body for seen, _, body in self.received if seen == path]

    def ids(self, path: str) -> list[str]:
        return [message_id for seen, message_id, _ in self.received if seen == path]

    def start(self) -> "Receiver":
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_port
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _answer(self, path: str, headers: dict, raw: bytes) -> tuple[int, dict]:
        with self._lock:
            try:
                body = Webhook(self.secrets[path]).verify(raw, headers)
            except (KeyError, WebhookVerificationError):
                self.forged.append(path)
                return 401, {}
            planned = self.answers[path].popleft() if self.answers[path] else 200
            status, extra = planned if isinstance(planned, tuple) else (planned, {})
            if 200 <= status < 300:
                self.received.append((path, headers["webhook-id"], body))
            return status, extra

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = {key.lower(): value for key, value in self.headers.items()}
                status, extra = receiver._answer(self.path, headers, raw)
                answer = json.dumps({"status": status}).encode()
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                """Quiet."""

        return Handler
