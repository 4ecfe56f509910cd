"""The seed makes a shop a person can look at: every product title once, reviews that read
like reviews, pictures for the first products."""

from PIL import Image
from sqlalchemy import func, select

from ecom.catalog.models import Product
from ecom.cli.vocabulary import REVIEW_SENTENCES
from ecom.common.storage import get_storage
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


TINY = ("--products", "30", "--users", "2", "--orders", "2", "--reviews", "0")


def stored_pictures() -> dict[str, bytes]:
    keys = db.session.scalars(select(Product.image).where(Product.image.is_not(None))).all()
    return {key: get_storage().path(key).read_bytes() for key in keys}


def test_the_first_products_on_sale_get_a_stored_picture_that_opens(app):
    run_seed(app, *TINY, "--images", "5")

    pictured = db.session.execute(
        select(Product.id, Product.image, Product.is_active).where(Product.image.is_not(None))
    ).all()
    assert len(pictured) == 5 and all(active for _, _, active in pictured)
    for product_id, key, _ in pictured:
        assert key.startswith(f"products/{product_id}/")
        with Image.open(get_storage().path(key)) as image:
            image.verify()
            assert image.format == "PNG"


def test_seed_with_images_zero_stores_no_picture(app):
    run_seed(app, *TINY, "--images", "0")

    assert stored_pictures() == {}


def test_the_same_seed_writes_the_same_picture_files(app):
    run_seed(app, *TINY, "--images", "3", "--reset")
    first = stored_pictures()

    run_seed(app, *TINY, "--images", "3", "--reset")

    assert len(first) == 3 and stored_pictures() == first
