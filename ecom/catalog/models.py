"""Categories and products."""

from decimal import Decimal

from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import deferred
from sqlalchemy.sql.expression import ColumnElement

from ecom.catalog.search_configs import PRODUCT_DOCUMENT, weighted_document
from ecom.common.models import TimestampMixin, UTCDateTime, utcnow
from ecom.extensions import db


class SearchDocument(ColumnElement):
    """What products are searched by: a weighted ``tsvector`` on PostgreSQL (title above
    description); nothing elsewhere, as SQLite searches title and description with LIKE."""

    inherit_cache = True


@compiles(SearchDocument, "postgresql")
def _search_document_postgresql(element: SearchDocument, compiler: object, **kw: object) -> str:
    return weighted_document(f"'{PRODUCT_DOCUMENT}'")


@compiles(SearchDocument)
def _search_document_default(element: SearchDocument, compiler: object, **kw: object) -> str:
    return "NULL"


def current_price(price: Decimal, sale_price: Decimal | None) -> Decimal:
    """A variant's price to a customer: its sale price if it has one below ``price``
    (a regular price lowered since the sale price was computed never raises it)."""
    regular = Decimal(price)  # as written: a request's string until the row is read again
    return regular if sale_price is None else min(regular, sale_price)


class Category(db.Model):
    __tablename__ = "categories"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False, unique=True)
    slug = db.Column(db.String(120), nullable=False, unique=True)
    description = db.Column(db.Text, nullable=False, default="")
    parent_id = db.Column(db.Integer, db.ForeignKey("categories.id"), index=True)
    created_at = db.Column(UTCDateTime(), nullable=False, default=utcnow)

    parent = db.relationship(
        "Category", remote_side=[id], backref=db.backref("children", order_by="Category.name")
    )

    @property
    def path(self) -> list["Category"]:
        """Breadcrumbs: the ancestors from the root, then this category."""
        path = [self]
        while path[0].parent is not None:
            path.insert(0, path[0].parent)
        return path

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.slug}>"


class Product(TimestampMixin, db.Model):
    __tablename__ = "products"
    __table_args__ = (
        db.CheckConstraint("price > 0", name="price_positive"),
        db.CheckConstraint("price_max >= price", name="price_range"),
        db.CheckConstraint("price_undiscounted >= price", name="price_undiscounted_range"),
        db.CheckConstraint("stock_quantity >= 0", name="stock_not_negative"),
        # With id: the list's tie-breaker, so ordered pages walk the index alone; with the
        # category first for a category's pages (docs/PERFORMANCE.md lists each query's plan).
        # On PostgreSQL also by rating, unrated last either way, and by category (migration
        # 0029, search_order.ORDERING_INDEXES); none by stock, which checkout changes.
        db.Index("ix_products_created_at", "created_at", "id"),
        db.Index("ix_products_price", "price", "id"),
        db.Index("ix_products_title", "title", "id"),
        db.Index("ix_products_category_created_at", "category_id", "created_at", "id"),
        db.Index("ix_products_category_price", "category_id", "price", "id"),
        db.Index("ix_products_search_vector", "search_vector", postgresql_using="gin"),
    )

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(220), nullable=False, unique=True)
    description = db.Column(db.Text, nullable=False, default="")
    # A summary of the variants (``ecom.catalog.summary`` keeps it, under the product's
    # row lock): the lowest and highest price a customer pays (a variant's sale price when
    # it has one) and the units on sale over active variants, so lists filter, order and
    # show them from this row alone; ``price_undiscounted`` is the regular price of the
    # variant ``price`` comes from.
    price = db.Column(db.Numeric(10, 2), nullable=False)
    price_max = db.Column(db.Numeric(10, 2), nullable=False)
    price_undiscounted = db.Column(db.Numeric(10, 2), nullable=False)
    stock_quantity = db.Column(db.Integer, nullable=False, default=0)
    category_id = db.Column(db.Integer, db.ForeignKey("categories.id"), nullable=False)
    # The tax domain's class (by table name: the catalog does not import tax); NULL is the
    # shop's default class.
    tax_class_id = db.Column(
        db.Integer, db.ForeignKey("tax_classes.id", ondelete="SET NULL"), index=True
    )
    # Storage key of the image (local path or S3 key); the API answers its URL.
    image = db.Column(db.String(500))
    # Whether the renditions of ``image`` are stored (ecom.catalog.renditions).
    image_renditions = db.Column(
        db.Boolean, nullable=False, default=False, server_default=db.false()
    )
    is_active = db.Column(db.Boolean, nullable=False, default=True, index=True)
    # Kept up to date by the reviews service, so lists need no per-row aggregate.
    average_rating = db.Column(db.Numeric(2, 1))
    reviews_count = db.Column(db.Integer, nullable=False, default=0)
    # The lowest price in cents: the sort key the rum search indexes carry (migration 0025;
    # their ordering operators measure distances between integers or dates, not numerics).
    price_cents = deferred(
        db.Column(db.BigInteger, db.Computed("CAST(price * 100 AS BIGINT)", persisted=True))
    )
    # Generated by the database; never loaded with the row, only searched.
    search_vector = deferred(
        db.Column(
            db.Text().with_variant(TSVECTOR(), "postgresql"),
            db.Computed(SearchDocument(), persisted=True),
        )
    )

    category = db.relationship("Category", lazy="joined", innerjoin=True)
    options = db.relationship(
        "ProductOption",
        back_populates="product",
        cascade="all, delete-orphan",
        order_by="ProductOption.position, ProductOption.id",
    )
    variants = db.relationship(
        "ProductVariant",
        back_populates="product",
        cascade="all, delete-orphan",
        order_by="ProductVariant.id",
    )

    def __repr__(self) -> str:
        return f"<Product {self.id} {self.slug}>"


class ProductOption(db.Model):
    """What a product's variants differ by (Size, Colour), with the values it takes."""

    __tablename__ = "product_options"
    __table_args__ = (db.UniqueConstraint("product_id", "name", name="uq_product_options_name"),)

    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(
        db.Integer, db.ForeignKey("products.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name = db.Column(db.String(50), nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)

    product = db.relationship("Product", back_populates="options")
    values = db.relationship(
        "OptionValue",
        back_populates="option",
        cascade="all, delete-orphan",
        order_by="OptionValue.position, OptionValue.id",
    )


class OptionValue(db.Model):
    __tablename__ = "product_option_values"
    __table_args__ = (
        db.UniqueConstraint("option_id", "value", name="uq_product_option_values_value"),
    )

    id = db.Column(db.Integer, primary_key=True)
    option_id = db.Column(
        db.Integer,
        db.ForeignKey("product_options.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    value = db.Column(db.String(50), nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)

    # Joined: a value is shown with its option's name and sorted by its position.
    option = db.relationship("ProductOption", back_populates="values", lazy="joined")


variant_option_values = db.Table(
    "variant_option_values",
    db.Column(
        "variant_id",
        db.Integer,
        db.ForeignKey("product_variants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    db.Column(
        "option_value_id",
        db.Integer,
        db.ForeignKey("product_option_values.id"),
        primary_key=True,
        index=True,
    ),
)


class ProductVariant(TimestampMixin, db.Model):
    """What is sold: one SKU with its own price and stock. A product without options has
    one, its default variant (no option values)."""

    __tablename__ = "product_variants"
    __table_args__ = (
        db.CheckConstraint("price > 0", name="price_positive"),
        db.CheckConstraint("stock_quantity >= 0", name="stock_not_negative"),
        db.CheckConstraint("weight_grams >= 0", name="weight_not_negative"),
        db.CheckConstraint("sale_price > 0", name="sale_price_positive"),
        # One variant per combination of option values: ``option_key`` is the sorted ids
        # of its values ("" for the default variant).
        db.UniqueConstraint("product_id", "option_key", name="uq_product_variants_options"),
    )

    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(
        db.Integer, db.ForeignKey("products.id", ondelete="CASCADE"), nullable=False
    )
    sku = db.Column(db.String(64), nullable=False, unique=True)
    # The regular price staff set; ``sale_price`` is what the best live promotion makes
    # of it (``ecom.pricing.sale_prices`` writes both it and ``promotion_id``).
    price = db.Column(db.Numeric(10, 2), nullable=False)
    sale_price = db.Column(db.Numeric(10, 2))
    promotion_id = db.Column(
        db.Integer, db.ForeignKey("promotions.id", ondelete="SET NULL"), index=True
    )
    stock_quantity = db.Column(db.Integer, nullable=False, default=0)
    is_active = db.Column(db.Boolean, nullable=False, default=True)
    image = db.Column(db.String(500))
    image_renditions = db.Column(
        db.Boolean, nullable=False, default=False, server_default=db.false()
    )
    weight_grams = db.Column(db.Integer)
    option_key = db.Column(db.String(200), nullable=False, default="")

    product = db.relationship("Product", back_populates="variants")
    values = db.relationship(
        "OptionValue",
        secondary=variant_option_values,
        order_by="OptionValue.option_id",
    )

    @property
    def ordered_values(self) -> list[OptionValue]:
        """Its option values in the product's option order (none for a default variant)."""
        if not self.option_key:
            return []
        return sorted(self.values, key=lambda value: (value.option.position, value.option_id))

    @property
    def named_values(self) -> dict[str, str]:
        """Option name → value, e.g. {"Size": "M"}; empty for a default variant."""
        return {value.option.name: value.value for value in self.ordered_values}

    @property
    def current_price(self) -> Decimal:
        """What a customer pays for one: the sale price when a promotion sets one."""
        return current_price(self.price, self.sale_price)

    @property
    def on_sale(self) -> bool:
        """Whether buyers may have it: it and its product are both active."""
        return self.is_active and self.product.is_active

    @property
    def label(self) -> str:
        """E.g. "M / Red"; "" for a default variant."""
        return " / ".join(value.value for value in self.ordered_values)

    def __repr__(self) -> str:
        return f"<ProductVariant {self.id} {self.sku}>"
