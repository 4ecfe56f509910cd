"""A bulk job: one import or export, its file, its progress and its outcome."""

from ecom.common.models import TimestampMixin, UTCDateTime, one_of
from ecom.extensions import db

DIRECTIONS = ("import", "export")
KINDS = ("products", "stock", "orders", "customers")
FORMATS = ("csv", "xlsx")
# queued → validating (imports) → running → done | failed
STATES = ("queued", "validating", "running", "done", "failed")


class BulkJob(TimestampMixin, db.Model):
    __tablename__ = "bulk_jobs"
    __table_args__ = (
        one_of("direction", DIRECTIONS),
        one_of("kind", KINDS),
        one_of("format", FORMATS),
        one_of("state", STATES),
        db.Index("ix_bulk_jobs_direction_created_at", "direction", "created_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    direction = db.Column(db.String(8), nullable=False)
    kind = db.Column(db.String(16), nullable=False)
    format = db.Column(db.String(8), nullable=False)
    state = db.Column(db.String(16), nullable=False, default="queued")
    # What the request asked: create_categories (imports), date_from/date_to (orders).
    options = db.Column(db.JSON, nullable=False, default=dict)
    filename = db.Column(db.String(255), nullable=False, default="")
    # The uploaded file (imports) or the file made (exports), in ecom.common.storage.
    file_key = db.Column(db.String(500))
    rows_total = db.Column(db.Integer)
    rows_done = db.Column(db.Integer, nullable=False, default=0)
    # created / updated / unchanged (imports).
    counts = db.Column(db.JSON, nullable=False, default=dict)
    # Each problem: {"row", "column", "code", "message"}, at most MAX_REPORTED_ERRORS.
    errors = db.Column(db.JSON, nullable=False, default=list)
    errors_total = db.Column(db.Integer, nullable=False, default=0)
    message = db.Column(db.Text, nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    finished_at = db.Column(UTCDateTime())

    created_by = db.relationship("User")

    def __repr__(self) -> str:
        return f"<BulkJob {self.id} {self.direction} {self.kind} {self.state}>"
