from ecom.common.models import TimestampMixin, UTCDateTime, utcnow
from ecom.extensions import db


class Category(db.Model):
    __tablename__ = "categories"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False, unique=True)
    slug = db.Column(db.String(120), nullable=False, unique=True)
    description = db.Column(db.Text, nullable=False, default="")
    parent_id = db.Column(db.Integer, db.ForeignKey("categories.id"), index=True)
    created_at = db.Column(UTCDateTime(), nullable=False, default=utcnow)

    parent = db.relationship("Category", remote_side=[id], backref="children")

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.slug}>"


class Product(TimestampMixin, db.Model):
    __tablename__ = "products"
    __table_args__ = (
        db.CheckConstraint("price > 0", name="price_positive"),
        db.CheckConstraint("stock_quantity >= 0", name="stock_not_negative"),
        db.Index("ix_products_created_at", "created_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(220), nullable=False, unique=True)
    description = db.Column(db.Text, nullable=False, default="")
    price = db.Column(db.Numeric(10, 2), nullable=False, index=True)
    stock_quantity = db.Column(db.Integer, nullable=False, default=0)
    category_id = db.Column(db.Integer, db.ForeignKey("categories.id"), nullable=False, index=True)
    # Storage key of the image (local path or S3 key); the API answers its URL.
    image = db.Column(db.String(500))
    is_active = db.Column(db.Boolean, nullable=False, default=True, index=True)
    # Kept up to date by the reviews service, so lists need no per-row aggregate.
    average_rating = db.Column(db.Numeric(2, 1))
    reviews_count = db.Column(db.Integer, nullable=False, default=0)

    category = db.relationship("Category", lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<Product {self.id} {self.slug}>"
