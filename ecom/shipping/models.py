from decimal import Decimal

from sqlalchemy import text

from ecom.common.models import TimestampMixin, one_of
from ecom.extensions import db

RATES = ("flat", "weight", "subtotal")


class ShippingZone(TimestampMixin, db.Model):
    """Where methods are offered: countries, optionally narrowed by postal-code prefixes,
    or the rest of the world (at most one zone)."""

    __tablename__ = "shipping_zones"
    __table_args__ = (
        db.Index(
            "uq_shipping_zones_rest_of_world",
            "rest_of_world",
            unique=True,
            sqlite_where=text("rest_of_world"),
            postgresql_where=text("rest_of_world"),
        ),
    )

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    rest_of_world = db.Column(db.Boolean, nullable=False, default=False)

    areas = db.relationship(
        "ShippingArea",
        back_populates="zone",
        cascade="all, delete-orphan",
        order_by="(ShippingArea.country, ShippingArea.postal_prefix)",
    )
    methods = db.relationship("ShippingMethod", back_populates="zone", order_by="ShippingMethod.id")

    @property
    def countries(self) -> list[str]:
        return sorted({area.country for area in self.areas})

    @property
    def postal_prefixes(self) -> list[str]:
        return sorted({area.postal_prefix for area in self.areas if area.postal_prefix})

    def __repr__(self) -> str:
        return f"<ShippingZone {self.id} {self.name}>"


class ShippingArea(db.Model):
    """One country (and postal prefix, "" for the whole country) a zone claims; no two
    zones claim the same one."""

    __tablename__ = "shipping_zone_areas"
    __table_args__ = (
        db.UniqueConstraint("country", "postal_prefix", name="uq_shipping_zone_areas_claim"),
    )

    id = db.Column(db.Integer, primary_key=True)
    zone_id = db.Column(
        db.Integer,
        db.ForeignKey("shipping_zones.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    country = db.Column(db.String(2), nullable=False)
    postal_prefix = db.Column(db.String(10), nullable=False, default="")

    zone = db.relationship("ShippingZone", back_populates="areas")


class ShippingMethod(TimestampMixin, db.Model):
    """A way to ship to a zone: a delivery estimate and a rate (flat, or bands by weight or
    by subtotal), optionally free from a subtotal and limited to a range of weights."""

    __tablename__ = "shipping_methods"
    __table_args__ = (
        one_of("rate", RATES),
        db.CheckConstraint("min_days >= 0 AND max_days >= min_days", name="delivery_days"),
        db.CheckConstraint("price >= 0", name="price_not_negative"),
        db.CheckConstraint("free_over >= 0", name="free_over_not_negative"),
        db.CheckConstraint(
            "min_weight_grams >= 0 AND max_weight_grams >= 0 "
            "AND max_weight_grams >= min_weight_grams",
            name="weight_range",
        ),
    )

    id = db.Column(db.Integer, primary_key=True)
    zone_id = db.Column(db.Integer, db.ForeignKey("shipping_zones.id"), nullable=False, index=True)
    name = db.Column(db.String(100), nullable=False)
    min_days = db.Column(db.SmallInteger, nullable=False)
    max_days = db.Column(db.SmallInteger, nullable=False)
    is_active = db.Column(db.Boolean, nullable=False, default=True)
    rate = db.Column(db.String(10), nullable=False)
    # The flat rate's price; band rates price by their bands.
    price = db.Column(db.Numeric(10, 2))
    free_over = db.Column(db.Numeric(10, 2))
    min_weight_grams = db.Column(db.Integer)
    max_weight_grams = db.Column(db.Integer)

    zone = db.relationship("ShippingZone", back_populates="methods")
    bands = db.relationship(
        "ShippingRateBand",
        back_populates="method",
        cascade="all, delete-orphan",
        order_by="ShippingRateBand.lower",
    )

    def __repr__(self) -> str:
        return f"<ShippingMethod {self.id} {self.name}>"


class ShippingRateBand(db.Model):
    """A band of a weight (grams) or subtotal rate: from ``lower`` (inclusive) to
    ``upper`` (exclusive; None for no end)."""

    __tablename__ = "shipping_rate_bands"
    __table_args__ = (
        db.CheckConstraint("lower >= 0", name="lower_not_negative"),
        db.CheckConstraint("upper > lower", name="upper_above_lower"),
        db.CheckConstraint("price >= 0", name="price_not_negative"),
    )

    id = db.Column(db.Integer, primary_key=True)
    method_id = db.Column(
        db.Integer,
        db.ForeignKey("shipping_methods.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    lower = db.Column(db.Numeric(10, 2), nullable=False)
    upper = db.Column(db.Numeric(10, 2))
    price = db.Column(db.Numeric(10, 2), nullable=False)

    method = db.relationship("ShippingMethod", back_populates="bands")

    def holds(self, measure: Decimal | int) -> bool:
        return self.lower <= measure and (self.upper is None or measure < self.upper)
