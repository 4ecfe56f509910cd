"""Review rules: one per user and product, author-only edits, ratings kept in step."""

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from ecom.accounts.models import User
from ecom.catalog.models import Product
from ecom.catalog.services import set_rating
from ecom.catalog.stock import lock_products
from ecom.catalog.visibility import is_visible, visible_products
from ecom.common.errors import Conflict, NotFound, PermissionDenied
from ecom.common.events import record
from ecom.common.ordering import Ordering
from ecom.common.permissions import has_role
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.orders.models import Order, OrderItem
from ecom.reviews.events import REVIEWS_CHANGED
from ecom.reviews.models import Review

ORDERING = Ordering(
    Review, {"created_at": "created_at", "rating": "rating"}, default=["-created_at"]
)
RATING_STEP = Decimal("0.1")


class DuplicateReview(Conflict):
    code = "duplicate_review"
    message = _l("You have already reviewed this product.")


def reviews_query(filters: dict[str, Any], include_inactive_products: bool = False) -> Select:
    """Visible reviews, optionally of one product or one rating; those of inactive
    products only with ``include_inactive_products`` (staff), like the products."""
    query = visible_products(
        select(Review).join(Review.product).where(Review.is_visible.is_(True)),
        include_inactive=include_inactive_products,
    ).order_by(*ORDERING.clauses(filters.get("ordering")))
    if filters.get("product") is not None:
        query = query.where(Review.product_id == filters["product"])
    if filters.get("rating") is not None:
        query = query.where(Review.rating == filters["rating"])
    return query


def get_review(review_id: int, viewer: User | None = None) -> Review:
    """A review; a hidden one only for its author and staff, one of an inactive product
    only for staff."""
    review = db.session.get(Review, review_id)
    if review is None:
        raise NotFound(gettext("Review not found."))
    of_hidden_product = not is_visible(review.product, include_inactive=has_role(viewer, "staff"))
    if of_hidden_product or not (review.is_visible or _may_moderate_or_own(review, viewer)):
        raise NotFound(gettext("Review not found."))
    return review


def _may_moderate_or_own(review: Review, user: User | None) -> bool:
    return user is not None and (review.user_id == user.id or has_role(user, "staff"))


def has_bought(user: User, product_id: int) -> bool:
    """True when one of the user's delivered orders contains the product."""
    query = (
        select(OrderItem.id)
        .join(Order)
        .where(
            Order.user_id == user.id,
            Order.status == "delivered",
            OrderItem.product_id == product_id,
        )
        .limit(1)
    )
    return db.session.scalar(query) is not None


@contextmanager
def _rating_kept(product_id: int) -> Iterator[None]:
    """One transaction: lock the product (serialising its rating updates), run the block,
    then recompute the product's rating; the product's reviews (and, through ``set_rating``,
    the product) changed."""
    with atomic():
        lock_products([product_id])
        record(REVIEWS_CHANGED, product_id=product_id)
        yield
        db.session.flush()
        _refresh_rating(product_id)


def create_review(
    author: User, *, product_id: int, rating: int, comment: str, title: str = ""
) -> Review:
    """``author`` reviews a product on sale, once."""
    product = db.session.get(Product, product_id)
    if not is_visible(product, include_inactive=False):
        message = gettext("No such product.")
        raise NotFound(message, errors={"product": [message]})
    try:
        with _rating_kept(product_id):
            if _review_of(author, product_id) is not None:
                raise DuplicateReview()
            review = Review(
                user_id=author.id,
                product_id=product_id,
                rating=rating,
                title=title,
                comment=comment,
                verified_purchase=has_bought(author, product_id),
            )
            db.session.add(review)
    except IntegrityError as exc:
        raise DuplicateReview() from exc
    return review


def _review_of(user: User, product_id: int) -> Review | None:
    return db.session.scalar(
        select(Review).where(Review.user_id == user.id, Review.product_id == product_id)
    )


def update_review(review_id: int, actor: User, changes: dict[str, Any]) -> Review:
    """Only the author edits a review."""
    review = get_review(review_id, actor)
    if review.user_id != actor.id:
        raise PermissionDenied(gettext("Only the author can edit a review."))
    with _rating_kept(review.product_id):
        for field, value in changes.items():
            setattr(review, field, value)
    return review


def delete_review(review_id: int, actor: User) -> None:
    """The author, staff or an admin deletes a review."""
    review = get_review(review_id, actor)
    if not _may_moderate_or_own(review, actor):
        raise PermissionDenied(gettext("Only the author or staff can delete a review."))
    with _rating_kept(review.product_id):
        db.session.delete(review)


def set_visibility(review_id: int, visible: bool) -> Review:
    """Moderation: hide or show a review; hidden reviews do not count in the rating."""
    review = db.session.get(Review, review_id)
    if review is None:
        raise NotFound(gettext("Review not found."))
    with _rating_kept(review.product_id):
        review.is_visible = visible
    return review


def _refresh_rating(product_id: int) -> None:
    average, count = db.session.execute(
        select(func.avg(Review.rating), func.count(Review.id)).where(
            Review.product_id == product_id, Review.is_visible.is_(True)
        )
    ).one()
    set_rating(product_id, round_rating(average), count)


def round_rating(average: Decimal | float | None) -> Decimal | None:
    """A product's average rating as shown: one decimal, halves rounded up."""
    return None if average is None else Decimal(str(average)).quantize(RATING_STEP, ROUND_HALF_UP)
