"""The seeded tax tables, written through the tax services: three classes, a few
countries' rates, and the reduced class on the books."""

from decimal import Decimal

from sqlalchemy import select, update

from ecom.catalog.models import Category, Product
from ecom.extensions import db
from ecom.tax import services as tax

# Country (region) -> (standard, reduced) percentages.
RATES = {
    ("US", "CA"): ("7.25", "7.25"),
    ("DE", ""): ("19", "7"),
    ("FR", ""): ("20", "5.5"),
    ("GB", ""): ("20", "5"),
}
REDUCED_CATEGORY = "Books"


def seed_tax() -> None:
    standard = tax.create_class({"name": "Standard"})
    reduced = tax.create_class({"name": "Reduced"})
    tax.create_class({"name": "Zero"})
    for (country, region), rates in RATES.items():
        for tax_class, rate in zip((standard, reduced), rates, strict=True):
            tax.create_rate(
                {
                    "country": country,
                    "region": region,
                    "tax_class_id": tax_class.id,
                    "rate": Decimal(rate),
                }
            )
    _reduce(reduced.id)


def _reduce(reduced_id: int) -> None:
    """The reduced class on every product under the books category, to its leaves."""
    ids = list(db.session.scalars(select(Category.id).where(Category.name == REDUCED_CATEGORY)))
    level = ids
    while level:
        level = list(db.session.scalars(select(Category.id).where(Category.parent_id.in_(level))))
        ids += level
    # The seeded dates stay: one seed always gives the same rows.
    db.session.execute(
        update(Product)
        .where(Product.category_id.in_(ids))
        .values(tax_class_id=reduced_id, updated_at=Product.updated_at)
    )
