"""Stripe's SDK with an HTTP client that records each request and answers with a named
fixture (tests/fixtures/stripe/<name>.json, bodies shaped like Stripe's API reference):
Stripe itself cannot be reached from the test machines."""

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import stripe

FIXTURES = Path(__file__).parent / "fixtures" / "stripe"


def fixture(name: str) -> str:
    return (FIXTURES / f"{name}.json").read_text()


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    form: dict


class RecordedStripe(stripe.HTTPClient):
    name = "recorded"

    def __init__(self, *answers: str | tuple[int, str]) -> None:
        super().__init__()
        self.answers = [(200, a) if isinstance(a, str) else a for a in answers]
        self.requests: list[Request] = []

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        form = dict(parse_qsl(post_data or "")) if isinstance(post_data, str) else {}
        self.requests.append(Request(method.upper(), urlsplit(url).path, dict(headers), form))
        status, name = self.answers.pop(0)
        return fixture(name), status, {"request-id": "req_recorded"}


def event(name: str) -> dict:
    return json.loads(fixture(name))
