"""The seed makes a shop a person can look at: every product title once, reviews that read
like reviews."""

from sqlalchemy import func, select

from ecom.catalog.models import Product
from ecom.cli.vocabulary import REVIEW_SENTENCES
from ecom.extensions import db
from ecom.reviews.models import Review
from tests.factories import run_seed


def test_every_seeded_product_has_a_title_of_its_own(app):
    run_seed(app, "--products", "400", "--users", "0", "--orders", "0", "--reviews", "0")

    titles = db.session.scalars(select(Product.title)).all()
    assert len(titles) == 400 and len(set(titles)) == 400


def test_seeded_reviews_are_sentences_matching_their_rating(app):
    run_seed(app, "--products", "20", "--users", "5", "--orders", "10", "--reviews", "30")

    reviews = db.session.execute(select(Review.rating, Review.comment)).all()
    assert db.session.scalar(select(func.count()).select_from(Review)) == len(reviews) > 0
    for rating, comment in reviews:
        assert any(sentence in comment for sentence in REVIEW_SENTENCES[rating]), comment
