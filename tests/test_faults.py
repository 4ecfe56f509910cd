"""Faults: Redis stopping mid-run, PostgreSQL killing connections, a write failing half-way.

The first runs in every pass (its Redis is a closed port); the connection kill needs
PostgreSQL. test_redis_down.py covers each Redis consumer on its own; here a whole
shopping journey crosses the outage.
"""

import pytest
from sqlalchemy import create_engine, func, select, text

from ecom.cart.models import CartItem
from ecom.catalog.models import Product
from ecom.extensions import db
from ecom.orders import placing
from ecom.orders.models import Order, OrderItem, OrderStatusChange
from ecom.reviews import services as reviews
from ecom.reviews.models import Review
from tests.concurrency import skip_unless_postgres
from tests.factories import (
    ADDRESS,
    fill_cart,
    make_address,
    make_category,
    make_product,
    make_user,
    token_headers,
)

# A second engine kills or blocks this one's connections.
pytestmark = pytest.mark.committed


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_shopping_journey_crossing_a_redis_outage_gets_no_server_error(client, stop_redis):
    staff, customer = token_headers(make_user("staff")), token_headers(make_user())
    category = client.post("/api/v1/categories/", json={"name": "Hats"}, headers=staff).json
    body = {"title": "Cap", "price": "9.90", "category": category["id"], "stock_quantity": 5}
    product = client.post("/api/v1/products/", json=body, headers=staff).json
    assert client.get("/api/v1/products/").json["count"] == 1

    stop_redis()

    price = client.patch(
        f"/api/v1/products/{product['id']}/", json={"price": "7.50"}, headers=staff
    )
    assert price.status_code == 200
    listed = client.get("/api/v1/products/").json["results"]
    assert [p["price"] for p in listed] == ["7.50"]
    assert client.get(f"/api/v1/products/{product['id']}/").json["price"] == "7.50"
    assert client.get("/api/v1/categories/tree/").status_code == 200
    added = client.post(
        "/api/v1/cart/add/", json={"product_id": product["id"], "quantity": 2}, headers=customer
    )
    assert added.status_code == 200
    client.post("/api/v1/auth/users/me/addresses/", json=ADDRESS, headers=customer)
    assert client.post("/api/v1/orders/", json={}, headers=customer).status_code == 201
    review = {"product": product["id"], "rating": 5, "comment": "Fits."}
    assert client.post("/api/v1/reviews/", json=review, headers=customer).status_code == 201
    assert client.get(f"/api/v1/reviews/?product={product['id']}").json["count"] == 1
    assert client.get("/health/").json["checks"]["cache"] == "degraded"


def terminate_other_connections() -> int:
    """Kill every other session on the test database, as a failover or an admin would."""
    admin = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    admin.dispose()
    return killed


def test_the_request_after_postgres_kills_the_pooled_connections_succeeds(client):
    skip_unless_postgres()
    headers = token_headers(make_user())
    assert client.get("/api/v1/orders/", headers=headers).status_code == 200
    db.session.remove()  # Every connection of the app is now idle in the pool.

    assert terminate_other_connections() >= 1

    assert client.get("/api/v1/orders/", headers=headers).status_code == 200
    assert client.get("/health/").json["checks"]["database"] == "ok"


@pytest.fixture
def cart_ready():
    """A customer with an address and two cart lines; the products' stock is 10 each."""
    user = make_user()
    make_address(user)
    category = make_category()
    products = [make_product(category, stock=10), make_product(category, stock=10)]
    fill_cart(user, (products[0], 2), (products[1], 3))
    return user, products


def fail_after_flush(*_args, **_kwargs):
    db.session.flush()  # The rows before this point reach the database...
    raise RuntimeError("injected fault")  # ...and then the request dies.


def test_checkout_failing_after_the_order_insert_leaves_no_order_and_keeps_stock_and_cart(
    client, cart_ready, monkeypatch
):
    user, products = cart_ready
    monkeypatch.setattr(placing, "empty", fail_after_flush)

    response = client.post("/api/v1/orders/", json={}, headers=token_headers(user))

    assert response.status_code == 500 and response.json["code"] == "server_error"
    db.session.expire_all()
    assert (count(Order), count(OrderItem), count(OrderStatusChange)) == (0, 0, 0)
    assert [db.session.get(Product, p.id).stock_quantity for p in products] == [10, 10]
    assert count(CartItem) == 2
    monkeypatch.undo()
    assert client.post("/api/v1/orders/", json={}, headers=token_headers(user)).status_code == 201


def test_a_review_failing_before_the_rating_update_leaves_no_review(client, monkeypatch):
    user, product = make_user(), make_product()
    monkeypatch.setattr(reviews, "_refresh_rating", fail_after_flush)
    body = {"product": product.id, "rating": 5, "comment": "Lovely."}

    response = client.post("/api/v1/reviews/", json=body, headers=token_headers(user))

    assert response.status_code == 500
    db.session.expire_all()
    assert count(Review) == 0
    assert db.session.get(Product, product.id).reviews_count == 0
