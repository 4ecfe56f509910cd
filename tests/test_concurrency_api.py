"""The cart and reviews under concurrent requests (PostgreSQL: row locks, many writers).

Requests go through the HTTP layer from many threads at once, so a race that escapes the
services' locks shows up as a 500. (Checkout racing for the last units is proven in
test_orders_concurrency.py.)
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from ecom.cart.models import Cart, CartItem
from ecom.catalog.models import ProductVariant
from ecom.extensions import db
from ecom.reviews.models import Review
from tests.concurrency import skip_unless_postgres
from tests.factories import fill_cart, make_product, make_user, token_headers

# Threads with a connection each: their commits must be real.
pytestmark = pytest.mark.committed

THREADS = 8


@pytest.fixture(autouse=True)
def postgres_only():
    skip_unless_postgres()


def send_together(app, requests: list[tuple[str, str, dict, dict]]) -> list[int]:
    """Send every ``(method, path, json, headers)`` at the same moment; their statuses."""
    start = threading.Barrier(len(requests), timeout=60)

    def send(request):
        method, path, body, headers = request
        client = app.test_client()
        start.wait()
        return client.open(path, method=method, json=body, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def cart_lines(user) -> list[tuple[int, int]]:
    db.session.expire_all()
    query = (
        select(ProductVariant.product_id, CartItem.quantity)
        .select_from(CartItem)
        .join(Cart)
        .join(CartItem.variant)
        .where(Cart.user_id == user.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def test_concurrent_adds_of_one_product_sum_into_one_line(app):
    user, product = make_user(), make_product(stock=100)
    headers = token_headers(user)
    add = ("POST", "/api/v1/cart/add/", {"product_id": product.id, "quantity": 2}, headers)

    statuses = send_together(app, [add] * THREADS)

    assert statuses == [200] * THREADS
    assert cart_lines(user) == [(product.id, 2 * THREADS)]


def test_concurrent_adds_beyond_the_stock_stop_at_the_stock(app):
    user, product = make_user(), make_product(stock=5)
    headers = token_headers(user)
    add = ("POST", "/api/v1/cart/add/", {"product_id": product.id, "quantity": 1}, headers)

    statuses = send_together(app, [add] * THREADS)

    assert sorted(statuses) == [200] * 5 + [409] * (THREADS - 5)
    assert cart_lines(user) == [(product.id, 5)]


def test_concurrent_updates_of_one_line_leave_one_of_the_requested_quantities(app):
    user, product = make_user(), make_product(stock=100)
    [line] = fill_cart(user, (product, 1))
    headers = token_headers(user)
    path = f"/api/v1/cart/update/{line.id}/"
    updates = [("PATCH", path, {"quantity": n}, headers) for n in range(1, THREADS + 1)]

    statuses = send_together(app, updates)

    assert statuses == [200] * THREADS
    [(product_id, quantity)] = cart_lines(user)
    assert product_id == product.id and 1 <= quantity <= THREADS


def test_a_line_removed_while_being_updated_is_gone_or_updated_never_a_500(app):
    user, product = make_user(), make_product(stock=100)
    [line] = fill_cart(user, (product, 1))
    headers = token_headers(user)
    update = ("PATCH", f"/api/v1/cart/update/{line.id}/", {"quantity": 3}, headers)
    remove = ("DELETE", f"/api/v1/cart/remove/{line.id}/", None, headers)

    statuses = send_together(app, [update, remove] * (THREADS // 2))

    assert set(statuses) <= {200, 204, 404}
    assert statuses.count(204) == 1
    assert cart_lines(user) == []


def test_concurrent_reviews_by_one_user_of_one_product_create_one_review(app):
    user, product = make_user(), make_product()
    body = {"product": product.id, "rating": 4, "comment": "Fine."}
    post = ("POST", "/api/v1/reviews/", body, token_headers(user))

    statuses = send_together(app, [post] * THREADS)

    assert sorted(statuses) == [201] + [409] * (THREADS - 1)
    assert db.session.scalar(select(func.count(Review.id))) == 1
