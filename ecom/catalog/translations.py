"""The catalogue's texts in the shop's other languages, one table per translated model (as
Saleor and Vendure keep them). The default language's text lives on the model itself; a
translation's empty field falls back to it, field by field (``ecom.catalog.localized``).

A product's variants have no text of their own: their label is made of their option
values, which are translated."""

from sqlalchemy.orm import declared_attr

from ecom.common.models import TimestampMixin
from ecom.extensions import db


class TranslationMixin(TimestampMixin):
    """One row per (owner, language): ``language`` a two-letter code of ``LANGUAGES``
    other than the default, which no row holds."""

    id = db.Column(db.Integer, primary_key=True)
    language = db.Column(db.String(2), nullable=False)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:  # noqa: N805
        name = cls.__tablename__
        unique = [db.UniqueConstraint(cls.owner_key, "language", name=f"uq_{name}_language")]
        if "slug" in cls.fields:
            # A slug is one language's: the services keep it off every other owner's
            # slugs in any language, so that it names one owner.
            unique.append(db.UniqueConstraint("language", "slug", name=f"uq_{name}_slug"))
        return tuple(unique)


class ProductTranslation(TranslationMixin, db.Model):
    __tablename__ = "product_translations"
    owner_key = "product_id"
    fields = ("title", "description", "slug")

    product_id = db.Column(
        db.Integer, db.ForeignKey("products.id", ondelete="CASCADE"), nullable=False
    )
    title = db.Column(db.String(200))
    description = db.Column(db.Text)
    slug = db.Column(db.String(220), index=True)

    product = db.relationship(
        "Product",
        backref=db.backref(
            "translations",
            cascade="all, delete-orphan",
            passive_deletes=True,
            order_by="ProductTranslation.language",
        ),
    )


class CategoryTranslation(TranslationMixin, db.Model):
    __tablename__ = "category_translations"
    owner_key = "category_id"
    fields = ("name", "description", "slug")

    category_id = db.Column(
        db.Integer, db.ForeignKey("categories.id", ondelete="CASCADE"), nullable=False
    )
    name = db.Column(db.String(100))
    description = db.Column(db.Text)
    slug = db.Column(db.String(120), index=True)

    category = db.relationship(
        "Category",
        backref=db.backref(
            "translations",
            cascade="all, delete-orphan",
            passive_deletes=True,
            order_by="CategoryTranslation.language",
        ),
    )


class OptionTranslation(TranslationMixin, db.Model):
    __tablename__ = "option_translations"
    owner_key = "option_id"
    fields = ("name",)

    option_id = db.Column(
        db.Integer, db.ForeignKey("product_options.id", ondelete="CASCADE"), nullable=False
    )
    name = db.Column(db.String(50))

    option = db.relationship(
        "ProductOption",
        backref=db.backref("translations", cascade="all, delete-orphan", passive_deletes=True),
    )


class OptionValueTranslation(TranslationMixin, db.Model):
    __tablename__ = "option_value_translations"
    owner_key = "value_id"
    fields = ("value",)

    value_id = db.Column(
        db.Integer,
        db.ForeignKey("product_option_values.id", ondelete="CASCADE"),
        nullable=False,
    )
    value = db.Column(db.String(50))

    option_value = db.relationship(
        "OptionValue",
        backref=db.backref("translations", cascade="all, delete-orphan", passive_deletes=True),
    )
