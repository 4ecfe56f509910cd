"""Who may call what: every API route and method × five callers, with the exact status;
and every staff operation × its permission.

Callers: anonymous, the customer who owns the objects in the path, another customer,
staff and an admin. ``tests.api_map.MATRIX`` has one row per (rule, method) of the app's
URL map under ``/api/`` and ``/health``; a route added without a row fails
``test_every_api_route_has_a_row``. (The back office under /admin has its own session
login and tests; /media serves public files.) Each cell runs against a fresh shop, so a
DELETE in one cell cannot change another.

A staff operation names its permission (``tests.api_map.PERMISSION_OF``, checked against
the OpenAPI document). Its staff cell calls it as a staff member whose one group grants
exactly that permission; an integration token holding exactly it gets the same status;
staff and tokens holding every other permission get 403 (refusals write nothing, so one
shop serves them all).
"""

import re

import pytest

from ecom.accounts import groups
from ecom.common.api import PERMISSION_EXTENSION
from ecom.common.permissions import PERMISSIONS
from tests.api_map import CALLERS, MATRIX, PERMISSION_OF, Shop, body_for, make_shop, path_for
from tests.factories import bearer, make_token

COVERED_PREFIXES = ("/api/", "/health")
IGNORED_METHODS = {"HEAD", "OPTIONS"}
STAFF = CALLERS.index("staff")


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


def test_the_document_names_the_permission_of_every_staff_operation(app):
    paths = app.test_client().get("/api/v1/schema/").json["paths"]
    rules = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule): rule for rule, _ in MATRIX}
    declared = {
        (rules[path], method.upper()): operation[PERMISSION_EXTENSION]
        for path, operations in paths.items()
        for method, operation in operations.items()
        if PERMISSION_EXTENSION in operation
    }
    assert declared == PERMISSION_OF


CELLS = [
    pytest.param(rule, method, caller, index, id=f"{method} {rule} {caller}")
    for (rule, method) in MATRIX
    for index, caller in enumerate(CALLERS)
]


def call(client, shop: Shop, rule: str, method: str, caller: str, headers: dict):
    return client.open(
        path_for(rule, shop),
        method=method,
        json=body_for(rule, method, shop, caller),
        headers=headers,
    )


@pytest.mark.parametrize(("rule", "method", "caller", "index"), CELLS)
def test_each_caller_gets_the_exact_status(client, shop, rule, method, caller, index):
    tokens = shop.tokens.get(caller)
    headers = bearer(tokens["access"]) if tokens else {}
    if caller == "staff" and (rule, method) in PERMISSION_OF:
        granted = {"permissions": [PERMISSION_OF[(rule, method)]]}
        groups.update_group(None, shop.ids["staff_group"], granted)

    response = call(client, shop, rule, method, caller, headers)

    assert response.status_code == MATRIX[(rule, method)][1][index], response.get_data(
        as_text=True
    )[:500]


@pytest.mark.parametrize(("rule", "method"), sorted(PERMISSION_OF))
def test_an_integration_token_with_the_permission_gets_the_staff_status(client, shop, rule, method):
    token = make_token([PERMISSION_OF[(rule, method)]])

    response = call(client, shop, rule, method, "staff", bearer(token))

    assert response.status_code == MATRIX[(rule, method)][1][STAFF], response.get_data(
        as_text=True
    )[:500]


def test_staff_and_tokens_without_the_permission_are_refused_everywhere(client, shop):
    refused = {}
    for (rule, method), permission in sorted(PERMISSION_OF.items()):
        others = sorted(set(PERMISSIONS) - {permission})
        groups.update_group(None, shop.ids["staff_group"], {"permissions": others})
        callers = {
            "staff": bearer(shop.tokens["staff"]["access"]),
            "token": bearer(make_token(others)),
        }
        for name, headers in callers.items():
            response = call(client, shop, rule, method, "staff", headers)
            refused[f"{method} {rule} {name}"] = (response.status_code, response.json["code"])
    assert set(refused.values()) == {(403, "permission_denied")}, refused
