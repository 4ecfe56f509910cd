from ecom.common.models import TimestampMixin
from ecom.extensions import db


class Review(TimestampMixin, db.Model):
    __tablename__ = "reviews"
    __table_args__ = (
        db.UniqueConstraint("user_id", "product_id", name="uq_reviews_user_product"),
        db.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("products.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    rating = db.Column(db.SmallInteger, nullable=False)
    title = db.Column(db.String(200), nullable=False, default="")
    comment = db.Column(db.Text, nullable=False, default="")
    verified_purchase = db.Column(db.Boolean, nullable=False, default=False)
    # Moderation: hidden reviews are not listed and do not count in the rating.
    is_visible = db.Column(db.Boolean, nullable=False, default=True)

    user = db.relationship("User")
    product = db.relationship("Product")
