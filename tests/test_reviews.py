"""Reviews: one per user and product, author-only edits, product ratings kept in step."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from ecom.catalog import services as catalog
from ecom.extensions import db
from ecom.orders import placing, transitions
from ecom.reviews import services as reviews
from ecom.reviews.services import DuplicateReview
from tests.concurrency import CREATED, run_together, skip_unless_postgres
from tests.factories import fill_cart, make_address, make_product, make_user

REVIEWS = "/api/v1/reviews/"


def review(author, product, rating=4, **fields):
    fields.setdefault("comment", "Does what it says.")
    return reviews.create_review(author, product_id=product.id, rating=rating, **fields)


def rating_of(product):
    db.session.refresh(product)
    return product.average_rating, product.reviews_count


@pytest.fixture
def product():
    return make_product(stock=10)


def test_ratings_follow_every_create_update_and_delete(product, customer, other_customer):
    first = review(customer, product, 5)
    assert rating_of(product) == (Decimal("5.0"), 1)
    review(other_customer, product, 4)
    review(make_user(), product, 4)
    assert rating_of(product) == (Decimal("4.3"), 3)
    reviews.update_review(first.id, customer, {"rating": 1})
    assert rating_of(product) == (Decimal("3.0"), 3)
    reviews.delete_review(first.id, customer)
    assert rating_of(product) == (Decimal("4.0"), 2)


def test_the_rating_is_null_when_no_review_is_left(product, customer):
    only = review(customer, product, 3)
    reviews.delete_review(only.id, customer)
    assert rating_of(product) == (None, 0)


def test_hidden_reviews_do_not_count_and_are_not_listed(client, product, customer, other_customer):
    hidden = review(customer, product, 1)
    review(other_customer, product, 5)
    reviews.set_visibility(hidden.id, False)
    assert rating_of(product) == (Decimal("5.0"), 1)
    listed = client.get(f"{REVIEWS}?product={product.id}").json
    assert [r["rating"] for r in listed["results"]] == [5]
    assert client.get(f"{REVIEWS}{hidden.id}/").status_code == 404
    reviews.set_visibility(hidden.id, True)
    assert rating_of(product) == (Decimal("3.0"), 2)


def test_one_review_per_user_and_product(product, customer):
    review(customer, product)
    with pytest.raises(DuplicateReview):
        review(customer, product, 2)
    assert rating_of(product) == (Decimal("4.0"), 1)


def test_verified_purchase_needs_a_delivered_order(product, customer, other_customer, staff):
    make_address(customer)
    fill_cart(customer, (product, 1))
    order, _ = placing.checkout(customer)
    for status in ("paid", "processing", "shipped", "delivered"):
        transitions.change_status(order.id, status, actor=staff)
    assert review(customer, product).verified_purchase is True
    assert review(other_customer, product).verified_purchase is False


def test_an_undelivered_order_is_not_a_verified_purchase(product, customer):
    make_address(customer)
    fill_cart(customer, (product, 1))
    placing.checkout(customer)
    assert review(customer, product).verified_purchase is False


# Through the API


def test_post_review_answers_the_contract(client, product, customer, auth_headers):
    response = client.post(
        REVIEWS,
        json={"product": product.id, "rating": 5, "title": "Great", "comment": "Sturdy mug."},
        headers=auth_headers(customer),
    )
    assert response.status_code == 201
    body = response.json
    assert body["product"] == product.id and body["user"] == customer.id
    assert (body["rating"], body["title"], body["comment"]) == (5, "Great", "Sturdy mug.")
    assert body["verified_purchase"] is False


def test_a_second_review_of_the_same_product_is_409(client, product, customer, auth_headers):
    body = {"product": product.id, "rating": 3, "comment": "Fine."}
    headers = auth_headers(customer)
    assert client.post(REVIEWS, json=body, headers=headers).status_code == 201
    again = client.post(REVIEWS, json=body, headers=headers)
    assert again.status_code == 409 and again.json["code"] == "duplicate_review"


@pytest.mark.parametrize(
    "change",
    [
        {"rating": 0},
        {"rating": 6},
        {"rating": 4.5},
        {"rating": None},
        {"comment": ""},
        {"comment": " \n "},
        {"title": "\t"},
    ],
)
def test_invalid_reviews_are_400(client, product, customer, auth_headers, change):
    body = {"product": product.id, "rating": 3, "comment": "Fine.", **change}
    response = client.post(REVIEWS, json=body, headers=auth_headers(customer))
    assert response.status_code == 400
    assert set(change) <= set(response.json["errors"]["json"])


def test_reviews_of_unknown_or_inactive_products_are_404(client, customer, auth_headers):
    inactive = make_product(is_active=False)
    for product_id in (inactive.id, 999_999):
        response = client.post(
            REVIEWS,
            json={"product": product_id, "rating": 3, "comment": "?"},
            headers=auth_headers(customer),
        )
        assert response.status_code == 404 and "product" in response.json["errors"]["json"]


def test_staff_cannot_review_in_someone_elses_name(client, product, customer, staff, auth_headers):
    response = client.post(
        REVIEWS,
        json={"product": product.id, "rating": 5, "comment": "Ok", "user": customer.id},
        headers=auth_headers(staff),
    )
    assert response.status_code == 400 and "user" in response.json["errors"]["json"]
    written = client.post(
        REVIEWS,
        json={"product": product.id, "rating": 5, "comment": "Ok"},
        headers=auth_headers(staff),
    )
    assert written.json["user"] == staff.id


def test_only_the_author_edits(client, product, customer, other_customer, staff, auth_headers):
    mine = review(customer, product, 2)
    url = f"{REVIEWS}{mine.id}/"
    for intruder in (other_customer, staff):
        assert (
            client.patch(url, json={"rating": 5}, headers=auth_headers(intruder)).status_code == 403
        )
    headers = auth_headers(customer)
    patched = client.patch(url, json={"title": "Changed my mind"}, headers=headers)
    assert patched.status_code == 200 and patched.json["rating"] == 2
    put = client.put(url, json={"rating": 5, "comment": "Love it"}, headers=headers)
    assert put.status_code == 200 and put.json["rating"] == 5
    assert client.patch(url, json={"product": 1}, headers=headers).status_code == 400
    assert rating_of(product) == (Decimal("5.0"), 1)


def test_delete_by_the_author_staff_or_admin_only(
    client, product, customer, other_customer, staff, admin, auth_headers
):
    first, second, third = (review(make_user(), product) for _ in range(3))
    denied = client.delete(f"{REVIEWS}{first.id}/", headers=auth_headers(other_customer))
    assert denied.status_code == 403
    for author_or_moderator, target in ((first.user, first), (staff, second), (admin, third)):
        response = client.delete(
            f"{REVIEWS}{target.id}/", headers=auth_headers(author_or_moderator)
        )
        assert response.status_code == 204
    assert rating_of(product) == (None, 0)


def test_list_filters_and_orders(client, product, customer, other_customer):
    other = make_product()
    low = review(customer, product, 2)
    high = review(other_customer, product, 5)
    review(customer, other, 5)

    def ids(query):
        response = client.get(f"{REVIEWS}?{query}")
        assert response.status_code == 200
        return [r["id"] for r in response.json["results"]]

    assert ids(f"product={product.id}") == [high.id, low.id]
    assert ids(f"product={product.id}&ordering=created_at") == [low.id, high.id]
    assert ids(f"product={product.id}&ordering=rating") == [low.id, high.id]
    assert ids(f"product={product.id}&rating=2") == [low.id]
    assert client.get(f"{REVIEWS}?ordering=user").status_code == 400
    assert client.get(f"{REVIEWS}{low.id}/").json["rating"] == 2


def test_writing_needs_a_login(client, product):
    assert client.post(REVIEWS, json={"product": product.id, "rating": 3}).status_code == 401


@pytest.mark.committed
def test_concurrent_reviews_of_one_product_all_count(app, product):
    skip_unless_postgres()
    user_ids = [make_user().id for _ in range(12)]
    ratings = {user_id: 1 + i % 5 for i, user_id in enumerate(user_ids)}

    outcomes = run_together(app, user_ids, lambda user: review(user, product, ratings[user.id]))

    assert outcomes == [CREATED] * 12
    expected = Decimal(sum(ratings.values())) / 12
    assert rating_of(product) == (expected.quantize(Decimal("0.1"), ROUND_HALF_UP), 12)


def test_reviews_of_an_inactive_product_are_hidden_from_everybody_but_staff(
    client, product, customer, staff, auth_headers
):
    written = review(customer, product)
    listed = client.get(f"/api/v1/reviews/?product={product.id}")
    assert [r["id"] for r in listed.json["results"]] == [written.id]

    catalog.update_product(product.id, {"is_active": False})

    for headers in ({}, auth_headers(customer)):
        listed = client.get(f"/api/v1/reviews/?product={product.id}", headers=headers)
        assert listed.json["results"] == []
        detail = client.get(f"/api/v1/reviews/{written.id}/", headers=headers)
        assert detail.status_code == 404
    staff_view = client.get(f"/api/v1/reviews/?product={product.id}", headers=auth_headers(staff))
    assert [r["id"] for r in staff_view.json["results"]] == [written.id]
    detail = client.get(f"/api/v1/reviews/{written.id}/", headers=auth_headers(staff))
    assert detail.status_code == 200


def test_reviews_take_the_products_ordering_syntax_a_comma_list_with_ties_by_id(
    client, product, customer, other_customer
):
    first = review(customer, product, 4)
    second = review(other_customer, product, 4)
    third = review(make_user(), product, 5)
    found = client.get(f"{REVIEWS}?ordering=-rating,created_at").json["results"]
    assert [r["id"] for r in found] == [third.id, first.id, second.id]
    refused = client.get(f"{REVIEWS}?ordering=rating,-user")
    assert refused.status_code == 400
    assert "ordering" in refused.json["errors"]["query"]
