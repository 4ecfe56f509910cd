"""The scenarios: each a list of request specs that wrk cycles through."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.dataset import Fixtures

API = "/api/v1"
DETAIL_PRODUCTS = 200


@dataclass(frozen=True)
class Spec:
    method: str
    path: str
    token: str | None = None
    body: dict | None = None

    def line(self) -> str:
        body = "-" if self.body is None else json.dumps(self.body, separators=(",", ":"))
        return "\t".join((self.method, self.path, self.token or "-", body))


@dataclass
class Scenario:
    name: str
    # Reads run twice, with the response cache on and off; writes once, as configured.
    read: bool
    specs: Callable[[], list[Spec]]
    # One spec per request in a run, e.g. a full cart per checkout: refilled before each run.
    single_use: bool = False
    notes: list[str] = field(default_factory=list)


def _get(path: str) -> Spec:
    return Spec("GET", path)


def read_scenarios(fixtures: Fixtures) -> list[Scenario]:
    filtered = [_get(f"{API}/products/?{urlencode(f)}") for f in fixtures.filters]
    details = [_get(f"{API}/products/{id}/") for id in fixtures.hot_products[:DETAIL_PRODUCTS]]
    return [
        Scenario("product list", True, lambda: [_get(f"{API}/products/")]),
        Scenario("list + filters + search", True, lambda: filtered),
        Scenario("product detail", True, lambda: details),
        Scenario("category tree", True, lambda: [_get(f"{API}/categories/tree/")]),
    ]


def write_scenarios(
    fixtures: Fixtures,
    checkout_tokens: Callable[[], list[str]],
    cart_tokens: Callable[[], list[str]],
) -> list[Scenario]:
    """Cart add, checkout and login; the token callables refill the carts they stand for."""
    hot = fixtures.hot_products

    def cart_adds() -> list[Spec]:
        return [
            Spec(
                "POST", f"{API}/cart/add/", token, {"product_id": hot[n % len(hot)], "quantity": 1}
            )
            for n, token in enumerate(cart_tokens())
        ]

    def checkouts() -> list[Spec]:
        return [Spec("POST", f"{API}/orders/", token, {}) for token in checkout_tokens()]

    def logins() -> list[Spec]:
        password = fixtures.password
        return [
            Spec("POST", f"{API}/auth/jwt/create/", None, {"email": email, "password": password})
            for email in fixtures.login_emails
        ]

    return [
        Scenario("cart add", False, cart_adds),
        Scenario("checkout", False, checkouts, single_use=True),
        Scenario("login", False, logins),
    ]


HELLO = Scenario("hello (ceiling)", False, lambda: [_get("/")])
