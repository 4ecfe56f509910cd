"""Seeded reviews (bought-and-delivered pairs first), then each product's rating summary."""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from sqlalchemy import update

from ecom.catalog.models import Product
from ecom.cli.seeding.rows import ORDER_WINDOW_DAYS, Seeder, insert_rows
from ecom.cli.vocabulary import REVIEW_SENTENCES, REVIEW_TITLES
from ecom.extensions import db
from ecom.reviews.models import Review
from ecom.reviews.services import round_rating

RATING_WEIGHTS = (5, 7, 15, 33, 40)


def _review_pairs(seeder: Seeder, count: int) -> list[tuple[int, int]]:
    """Distinct (user, product) pairs: bought-and-delivered ones first, then others."""
    pairs = sorted(seeder.delivered_pairs)
    seeder.rng.shuffle(pairs)
    chosen = dict.fromkeys(pairs[: count // 2])
    for _ in range(count * 3):
        if len(chosen) >= count:
            break
        chosen.setdefault(
            (seeder.rng.choice(seeder.customer_ids), seeder.rng.choice(seeder.product_ids))
        )
    return list(chosen)


def seed_reviews(seeder: Seeder, count: int) -> int:
    """Reviews, then each product's rating summary from its visible reviews; how many."""
    if not seeder.customer_ids or not seeder.product_ids:
        return 0
    rows = []
    for user_id, product_id in _review_pairs(seeder, count):
        rating = seeder.rng.choices((1, 2, 3, 4, 5), RATING_WEIGHTS)[0]
        written = seeder.moment(ORDER_WINDOW_DAYS)
        rows.append(
            {
                "product_id": product_id,
                "user_id": user_id,
                "rating": rating,
                "title": seeder.rng.choice(REVIEW_TITLES[rating]),
                "comment": " ".join(seeder.rng.sample(REVIEW_SENTENCES[rating], 2)),
                "verified_purchase": (user_id, product_id) in seeder.delivered_pairs,
                "is_visible": seeder.rng.random() > 0.05,
                "created_at": written,
                "updated_at": written,
            }
        )
    insert_rows(Review, rows)
    _store_ratings(rows)
    return len(rows)


def _store_ratings(reviews: list[dict]) -> None:
    ratings: dict[int, list[int]] = defaultdict(list)
    last_review: dict[int, datetime] = {}
    for review in reviews:
        if review["is_visible"]:
            ratings[review["product_id"]].append(review["rating"])
            last_review[review["product_id"]] = max(
                review["created_at"], last_review.get(review["product_id"], review["created_at"])
            )
    summaries = [
        {
            "id": product_id,
            "updated_at": last_review[product_id],
            "average_rating": round_rating(Decimal(sum(values)) / len(values)),
            "reviews_count": len(values),
        }
        for product_id, values in sorted(ratings.items())
    ]
    if summaries:
        db.session.execute(update(Product), summaries)
