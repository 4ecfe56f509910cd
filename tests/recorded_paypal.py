"""PayPal's server SDK over a requests session whose transport records each request and
answers with a named fixture (tests/fixtures/paypal/<name>.json, bodies shaped like PayPal's
API reference): PayPal itself cannot be reached from the test machines. The SDK's own
OAuth call is answered with a token, as PayPal does, and recorded like the rest."""

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from requests import PreparedRequest, Response, Session
from requests.adapters import BaseAdapter

from ecom.payments.providers.paypal import PayPalProvider

FIXTURES = Path(__file__).parent / "fixtures" / "paypal"
TOKEN_PATH = "/v1/oauth2/token"
SETTINGS = {
    "PAYPAL_CLIENT_ID": "AcK-recorded-client",
    "PAYPAL_CLIENT_SECRET": "EKx-recorded-secret",
    "PAYPAL_WEBHOOK_ID": "1JE4291016473214C",
    "PAYPAL_ENVIRONMENT": "sandbox",
    "PAYPAL_CAPTURE_METHOD": "automatic",
    "PAYPAL_TIMEOUT_SECONDS": 5,
    "WEBHOOK_TOLERANCE_SECONDS": 300,
}


def fixture(name: str) -> str:
    return (FIXTURES / f"{name}.json").read_text()


@dataclass
class Request:
    method: str
    url: str
    headers: dict
    body: dict | None

    @property
    def path(self) -> str:
        return urlsplit(self.url).path


class RecordedPayPal(BaseAdapter):
    """Answers each API request with the next of ``answers`` (a fixture name, or
    ``(status, name)``); token requests always get ``oauth_token``."""

    def __init__(self, *answers: str | tuple[int, str]) -> None:
        super().__init__()
        self.answers = [(200, a) if isinstance(a, str) else a for a in answers]
        self.requests: list[Request] = []

    @property
    def api_requests(self) -> list[Request]:
        return [request for request in self.requests if request.path != TOKEN_PATH]

    def send(self, request: PreparedRequest, **kwargs) -> Response:
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        parsed = json.loads(body) if body and body.startswith("{") else None
        self.requests.append(Request(request.method, request.url, dict(request.headers), parsed))
        status, name = (
            (200, "oauth_token") if self.requests[-1].path == TOKEN_PATH else self.answers.pop(0)
        )
        response = Response()
        response.status_code, response.url, response.request = status, request.url, request
        response.headers["Content-Type"] = "application/json"
        response._content = fixture(name).encode()
        return response

    def close(self) -> None:
        pass


def provider(*answers: str | tuple[int, str], **settings) -> tuple[PayPalProvider, RecordedPayPal]:
    transport = RecordedPayPal(*answers)
    session = Session()
    session.mount("https://", transport)
    return PayPalProvider.from_config({**SETTINGS, **settings}, http=session), transport
