"""The scenarios: each a list of request specs that wrk cycles through."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.dataset import Fixtures

API = "/api/v1"
DETAIL_PRODUCTS = 200
DEEP_PAGE = 200
# The product orderings docs/API.md documents, each ascending and descending.
ORDERINGS = [
    f"{sign}{key}"
    for key in ("price", "created_at", "title", "average_rating", "stock_quantity", "category")
    for sign in ("", "-")
]


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


def _list(query: dict[str, str]) -> Spec:
    return _get(f"{API}/products/?{urlencode(query)}")


def read_scenarios(fixtures: Fixtures) -> list[Scenario]:
    filtered = {scope: [_list(f) for f in sets] for scope, sets in fixtures.filters.items()}
    details = [_get(f"{API}/products/{id}/") for id in fixtures.hot_products[:DETAIL_PRODUCTS]]
    cursors = [_list({"cursor": cursor}) for cursor in fixtures.cursors]
    return [
        Scenario("product list", True, lambda: [_get(f"{API}/products/")]),
        Scenario("filtered leaf", True, lambda: filtered["leaf"]),
        Scenario("filtered department", True, lambda: filtered["department"]),
        Scenario("filtered no category", True, lambda: filtered["none"]),
        Scenario(
            "common search",
            True,
            lambda: [_list({"search": fixtures.common_word})],
        ),
        Scenario(
            "rare search",
            True,
            lambda: [_list({"search": fixtures.rare_word})],
        ),
        Scenario("deep page", True, lambda: [_list({"page": str(DEEP_PAGE)})]),
        Scenario("cursor walk", True, lambda: cursors),
        Scenario("product detail", True, lambda: details),
        Scenario("category tree", True, lambda: [_get(f"{API}/categories/tree/")]),
    ]


def ordered_scenarios(fixtures: Fixtures) -> list[Scenario]:
    """The filtered scenarios and the searches in every documented ordering (the filtered
    ones' own ``-price`` aside): goal 1 asks each to hold at 1M."""
    searches = {"common search": fixtures.common_word, "rare search": fixtures.rare_word}
    base = {
        **{f"filtered {scope}": sets for scope, sets in _scopes(fixtures).items()},
        **{name: [{"search": word}] for name, word in searches.items()},
    }
    return [
        Scenario(
            f"{name} by {ordering}",
            True,
            lambda sets=sets, ordering=ordering: [_list({**s, "ordering": ordering}) for s in sets],
        )
        for name, sets in base.items()
        for ordering in ORDERINGS
        if not (name.startswith("filtered") and ordering == "-price")
    ]


def _scopes(fixtures: Fixtures) -> dict[str, list[dict[str, str]]]:
    return {
        "leaf": fixtures.filters["leaf"],
        "department": fixtures.filters["department"],
        "no category": fixtures.filters["none"],
    }


def browse(fixtures: Fixtures) -> list[Spec]:
    """Many distinct list URLs, for the mixed run (reads with and without checkouts)."""
    return [_list(query) for query in fixtures.browse]


def write_scenarios(
    fixtures: Fixtures,
    checkout_tokens: Callable[[], list[str]],
    cart_tokens: Callable[[], list[str]],
) -> list[Scenario]:
    """Cart add, checkout and login; the token callables refill the carts they stand for.
    A checkout carries its buyer's shipping method, and its cart the bench's voucher."""
    hot = fixtures.hot_variants

    def cart_adds() -> list[Spec]:
        return [
            Spec(
                "POST", f"{API}/cart/add/", token, {"variant_id": hot[n % len(hot)], "quantity": 1}
            )
            for n, token in enumerate(cart_tokens())
        ]

    def checkouts() -> list[Spec]:
        bodies = [fixtures.checkout_bodies[user.id] for user in fixtures.checkout_buyers]
        return [
            Spec("POST", f"{API}/orders/", token, body)
            for token, body in zip(checkout_tokens(), bodies, strict=True)
        ]

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
