"""Who may call what: every API route and method × five callers, with the exact status.

Callers: anonymous, the customer who owns the objects in the path, another customer,
staff and an admin. ``tests.api_map.MATRIX`` has one row per (rule, method) of the app's
URL map under ``/api/`` and ``/health``; a route added without a row fails
``test_every_api_route_has_a_row``. (The back office under /admin has its own session
login and tests; /media serves public files.) Each cell runs against a fresh shop, so a
DELETE in one cell cannot change another.
"""

import pytest

from tests.api_map import CALLERS, MATRIX, Shop, body_for, make_shop, path_for
from tests.factories import bearer

COVERED_PREFIXES = ("/api/", "/health")
IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def shop() -> Shop:
    return make_shop()


def api_routes(app) -> set[tuple[str, str]]:
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(COVERED_PREFIXES)
        for method in rule.methods - IGNORED_METHODS
    }


def test_every_api_route_has_a_row(app):
    routes = api_routes(app)
    assert sorted(routes - MATRIX.keys()) == [], "routes without a row in MATRIX"
    assert sorted(MATRIX.keys() - routes) == [], "rows for routes that do not exist"


CELLS = [
    pytest.param(rule, method, caller, index, id=f"{method} {rule} {caller}")
    for (rule, method) in MATRIX
    for index, caller in enumerate(CALLERS)
]


@pytest.mark.parametrize(("rule", "method", "caller", "index"), CELLS)
def test_each_caller_gets_the_exact_status(client, shop, rule, method, caller, index):
    tokens = shop.tokens.get(caller)
    headers = bearer(tokens["access"]) if tokens else {}

    response = client.open(
        path_for(rule, shop),
        method=method,
        json=body_for(rule, method, shop, caller),
        headers=headers,
    )

    assert response.status_code == MATRIX[(rule, method)][1][index], response.get_data(
        as_text=True
    )[:500]
