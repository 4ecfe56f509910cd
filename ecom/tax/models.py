"""Tax classes and the rates each country (or region) charges for them."""

from ecom.extensions import db


class TaxClass(db.Model):
    """What kind of goods a product is for tax (standard, reduced, zero); exactly one is the
    shop's default, which products without a class and shipping fall back to."""

    __tablename__ = "tax_classes"
    __table_args__ = (
        db.Index(
            "uq_tax_classes_one_default",
            "is_default",
            unique=True,
            postgresql_where=db.text("is_default"),
            sqlite_where=db.text("is_default"),
        ),
    )

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False, unique=True)
    is_default = db.Column(db.Boolean, nullable=False, default=False)

    rates = db.relationship(
        "TaxRate", back_populates="tax_class", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<TaxClass {self.id} {self.name}>"


class TaxRate(db.Model):
    """A percentage charged in a country, or in one of its regions (``region`` not empty),
    for one tax class, or, without a class, for shipping."""

    __tablename__ = "tax_rates"
    __table_args__ = (
        db.CheckConstraint("rate >= 0 AND rate <= 100", name="rate_percent"),
        db.Index(
            "uq_tax_rates_class",
            "country",
            "region",
            "tax_class_id",
            unique=True,
            postgresql_where=db.text("tax_class_id IS NOT NULL"),
            sqlite_where=db.text("tax_class_id IS NOT NULL"),
        ),
        db.Index(
            "uq_tax_rates_shipping",
            "country",
            "region",
            unique=True,
            postgresql_where=db.text("tax_class_id IS NULL"),
            sqlite_where=db.text("tax_class_id IS NULL"),
        ),
    )

    id = db.Column(db.Integer, primary_key=True)
    country = db.Column(db.String(2), nullable=False)
    # Upper case; empty for the whole country.
    region = db.Column(db.String(64), nullable=False, default="")
    # NULL: the rate of the shipping line.
    tax_class_id = db.Column(
        db.Integer, db.ForeignKey("tax_classes.id", ondelete="CASCADE"), index=True
    )
    rate = db.Column(db.Numeric(6, 3), nullable=False)

    tax_class = db.relationship("TaxClass", back_populates="rates")

    @property
    def shipping(self) -> bool:
        return self.tax_class_id is None

    def __repr__(self) -> str:
        return f"<TaxRate {self.id} {self.country}/{self.region} {self.rate}%>"
