"""Back office review moderation: hide, show and delete through the reviews service."""

from decimal import Decimal

from ecom.catalog.models import Product
from ecom.extensions import db
from ecom.reviews import services as reviews
from ecom.reviews.models import Review
from tests.factories import admin_csrf_token, admin_login, make_product, make_user


def html(response) -> str:
    return response.get_data(as_text=True)


def rating_of(product) -> tuple[Decimal | None, int]:
    db.session.expire_all()
    fresh = db.session.get(Product, product.id)
    return fresh.average_rating, fresh.reviews_count


def reviewed(product, *ratings):
    return [
        reviews.create_review(make_user(), product_id=product.id, rating=rating, comment="Fine.")
        for rating in ratings
    ]


def review_action(client, name: str, *items):
    return client.post(
        "/admin/reviews/action/",
        data={
            "action": name,
            "rowid": [item.id for item in items],
            "csrf_token": admin_csrf_token(client),
        },
        follow_redirects=True,
    )


def test_hiding_a_review_takes_it_out_of_the_product_rating(client, staff):
    product = make_product()
    low, _ = reviewed(product, 1, 5)
    admin_login(client, staff)

    response = review_action(client, "hide", low)

    assert "1 review(s) hidden." in html(response)
    assert rating_of(product) == (Decimal("5.0"), 1)
    assert db.session.get(Review, low.id).is_visible is False


def test_showing_a_hidden_review_counts_it_again(client, staff):
    product = make_product()
    low, _ = reviewed(product, 1, 5)
    reviews.set_visibility(low.id, False)
    admin_login(client, staff)

    review_action(client, "show", low)

    assert rating_of(product) == (Decimal("3.0"), 2)


def test_deleting_a_review_updates_the_rating(client, staff):
    product = make_product()
    low, _ = reviewed(product, 2, 4)
    admin_login(client, staff)

    client.post(
        "/admin/reviews/delete/", data={"id": low.id, "csrf_token": admin_csrf_token(client)}
    )

    assert rating_of(product) == (Decimal("4.0"), 1)
    assert db.session.get(Review, low.id) is None


def test_the_moderation_list_filters_by_visibility_rating_and_product(client, staff):
    product, other = make_product(), make_product()
    low, high = reviewed(product, 1, 5)
    (elsewhere,) = reviewed(other, 3)
    reviews.set_visibility(low.id, False)
    admin_login(client, staff)

    def listed(query: str) -> set[int]:
        body = html(client.get(f"/admin/reviews/?{query}"))
        items = (low, high, elsewhere)
        return {r.id for r in items if f'class="action-checkbox" value="{r.id}"' in body}

    assert listed("flt0_visible_equals=0") == {low.id}
    assert listed("flt0_rating_equals=5") == {high.id}
    assert listed(f"flt0_product_id_equals={other.id}") == {elsewhere.id}
