from urllib.parse import quote

from ecom.common.models import TimestampMixin, UTCDateTime, utcnow
from ecom.extensions import db

TRACKING_PLACEHOLDER = "{tracking_number}"


class Carrier(TimestampMixin, db.Model):
    """Who carries parcels, and where a tracking number is followed (a URL template with
    ``{tracking_number}``)."""

    __tablename__ = "carriers"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False, unique=True)
    tracking_url_template = db.Column(db.String(500), nullable=False)

    def tracking_url(self, tracking_number: str) -> str:
        return self.tracking_url_template.replace(
            TRACKING_PLACEHOLDER, quote(tracking_number, safe="")
        )

    def __repr__(self) -> str:
        return f"<Carrier {self.id} {self.name}>"


class Fulfilment(db.Model):
    """A parcel that left: some units of some lines of an order, with its carrier and
    tracking number; delivered once it arrived."""

    __tablename__ = "fulfilments"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id"), nullable=False, index=True)
    carrier_id = db.Column(db.Integer, db.ForeignKey("carriers.id"), nullable=False, index=True)
    tracking_number = db.Column(db.String(100), nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(UTCDateTime(), nullable=False, default=utcnow)
    delivered_at = db.Column(UTCDateTime())

    order = db.relationship("Order")
    carrier = db.relationship("Carrier")
    lines = db.relationship(
        "FulfilmentLine",
        back_populates="fulfilment",
        cascade="all, delete-orphan",
        order_by="FulfilmentLine.order_item_id",
    )

    @property
    def tracking_url(self) -> str:
        return self.carrier.tracking_url(self.tracking_number)

    @property
    def quantities(self) -> dict[int, int]:
        """Units by order line id."""
        return {line.order_item_id: line.quantity for line in self.lines}


class FulfilmentLine(db.Model):
    __tablename__ = "fulfilment_lines"
    __table_args__ = (
        db.CheckConstraint("quantity > 0", name="quantity_positive"),
        db.UniqueConstraint("fulfilment_id", "order_item_id", name="uq_fulfilment_lines_item"),
    )

    id = db.Column(db.Integer, primary_key=True)
    fulfilment_id = db.Column(
        db.Integer, db.ForeignKey("fulfilments.id", ondelete="CASCADE"), nullable=False
    )
    order_item_id = db.Column(
        db.Integer, db.ForeignKey("order_items.id"), nullable=False, index=True
    )
    quantity = db.Column(db.Integer, nullable=False)

    fulfilment = db.relationship("Fulfilment", back_populates="lines")
    order_item = db.relationship("OrderItem")
