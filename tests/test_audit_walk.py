"""Every staff write of the API leaves its audit entries (who, what, whence, the fields
before and after); a refused write and a customer's own write leave none.

``tests.api_map.MATRIX`` drives the walk: each write that staff or an admin may make and a
customer may not (another customer's status is not 2xx) is made once, by staff when staff
may, else by an admin, against a fresh shop."""

import pytest
from flask_jwt_extended import decode_token

from ecom.accounts.models import User
from ecom.catalog.models import Product
from ecom.extensions import db
from tests.api_map import CALLERS, LATER, MATRIX, body_for, make_shop, path_for
from tests.audit_helpers import all_entries, entries_of
from tests.factories import bearer

WRITES = ("POST", "PUT", "PATCH", "DELETE")
STAFF, ADMIN, OTHER = CALLERS.index("staff"), CALLERS.index("admin"), CALLERS.index("other")


def _succeeds(status: int) -> bool:
    return 200 <= status < 300


def staff_writes() -> list:
    cases = []
    for (rule, method), (_body, statuses) in MATRIX.items():
        if method not in WRITES or _succeeds(statuses[OTHER]):
            continue
        caller = "staff" if _succeeds(statuses[STAFF]) else "admin"
        if _succeeds(statuses[CALLERS.index(caller)]):
            cases.append(pytest.param(rule, method, caller, id=f"{method} {rule}"))
    return cases


def _with_images(shop) -> None:
    """The matrix's product and variant have no image to delete: give them one."""
    product = db.session.get(Product, shop.path_values["product_id"])
    product.image = product.variants[0].image = "products/boots.png"
    db.session.commit()


# Writes that change something only in a shop prepared further than the matrix's.
PREPARE = {
    ("/api/v1/products/<int:product_id>/image/", "DELETE"): _with_images,
    ("/api/v1/products/<int:product_id>/variants/<int:variant_id>/image/", "DELETE"): _with_images,
}


def _call(client, shop, rule, method, caller, body=None):
    return client.open(
        path_for(rule, shop),
        method=method,
        json=body if body is not None else body_for(rule, method, shop, caller),
        headers=bearer(shop.tokens[caller]["access"]),
    )


def test_each_staff_write_leaves_entries_naming_the_actor_and_the_changed_fields(client):
    """One shop for the walk: each write runs in a savepoint rolled back after its check."""
    shop = make_shop()
    for name in LATER:  # made once here, not inside a write's savepoint that rolls back
        shop.value(name)
    connection = db.session.get_bind()
    for param in staff_writes():
        rule, method, caller = param.values
        db.session.remove()
        savepoint = connection.begin_nested()
        try:
            _check_write(client, shop, rule, method, caller)
        finally:
            db.session.remove()
            savepoint.rollback()


def _check_write(client, shop, rule: str, method: str, caller: str) -> None:
    PREPARE.get((rule, method), lambda _shop: None)(shop)
    user = db.session.get(User, int(decode_token(shop.tokens[caller]["access"])["sub"]))

    response = _call(client, shop, rule, method, caller)

    where = f"{method} {rule}"
    assert _succeeds(response.status_code), (where, response.get_data(as_text=True)[:300])
    entries = entries_of(response)
    assert entries, f"{where}: no audit entry"
    for entry in entries:
        assert (entry.actor_user_id, entry.actor_email) == (user.id, user.email), where
        assert (entry.method, entry.route, entry.ip) == (method, rule, "127.0.0.1"), where
        assert entry.action in ("create", "update", "delete"), where
    assert any(entry.changes for entry in entries), (where, [e.object_type for e in entries])


def test_the_walk_covers_every_kind_of_staff_write():
    methods = {param.values[1] for param in staff_writes()}
    assert methods == set(WRITES) and len(staff_writes()) >= 40


def test_an_update_records_each_changed_field_before_and_after(client):
    shop = make_shop()
    rule = "/api/v1/products/<int:product_id>/"
    response = _call(client, shop, rule, "PATCH", "staff", {"price": "12.50"})
    [variant] = [e for e in entries_of(response) if e.object_type == "product_variants"]
    assert variant.action == "update"
    assert variant.changes["price"]["after"] == "12.50"
    assert variant.changes["price"]["before"] != "12.50"


def test_a_status_move_by_conditional_update_records_the_order_before_and_after(client):
    shop = make_shop()
    response = _call(client, shop, "/api/v1/orders/<int:order_id>/", "PATCH", "staff")
    [order] = [e for e in entries_of(response) if e.object_type == "orders"]
    assert order.object_id == str(shop.path_values["order_id"])
    assert order.changes["status"] == {"before": "pending", "after": "cancelled"}


REFUSED = [
    # a customer on a staff route (403), staff on an admin route (403)
    ("/api/v1/categories/", "POST", "customer", {"name": "Hats"}, 403),
    ("/api/v1/auth/users/<int:user_id>/", "PATCH", "staff", {"role": "staff"}, 403),
    # bad input (400) and a rule of the domain (409: a product keeps one variant)
    ("/api/v1/categories/", "POST", "staff", {"name": ""}, 400),
    ("/api/v1/products/<int:product_id>/variants/<int:variant_id>/", "DELETE", "staff", None, 409),
    ("/api/v1/shipping/zones/", "POST", "staff", {"name": "Again", "countries": ["US"]}, 409),
]


@pytest.mark.parametrize(("rule", "method", "caller", "body", "status"), REFUSED)
def test_a_refused_write_leaves_no_entry(client, rule, method, caller, body, status):
    shop = make_shop()
    response = client.open(
        path_for(rule, shop),
        method=method,
        json=body,
        headers=bearer(shop.tokens[caller]["access"]),
    )
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert all_entries() == []


CUSTOMER_WRITES = [
    ("/api/v1/cart/add/", "POST"),
    ("/api/v1/cart/update/<int:item_id>/", "PATCH"),
    ("/api/v1/auth/users/me/addresses/", "POST"),
    ("/api/v1/auth/users/me/addresses/<int:address_id>/", "DELETE"),
    ("/api/v1/auth/users/me/", "PATCH"),
    ("/api/v1/reviews/", "POST"),
    ("/api/v1/orders/<int:order_id>/cancel/", "POST"),
]


def test_customers_own_writes_leave_no_entry(client):
    shop = make_shop()
    for rule, method in CUSTOMER_WRITES:
        response = _call(client, shop, rule, method, "customer")
        assert _succeeds(response.status_code), (rule, response.get_data(as_text=True)[:300])
    assert all_entries() == []
