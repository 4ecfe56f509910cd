import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from ecom.common.field_messages import N_
from ecom.common.schemas import QueryBoolean, ResponseSchema, Text
from ecom.integrations.bulk.models import FORMATS, STATES

IMPORT_KINDS = ("products", "stock")
EXPORT_KINDS = ("products", "orders", "customers")


class ImportUploadSchema(ma.Schema):
    """A multipart form: the file and how to read it."""

    file = Upload(
        required=True,
        metadata={
            "description": "A .csv (UTF-8) or .xlsx file with a header row (columns: "
            "docs/INTEGRATIONS.md), at most IMPORT_MAX_BYTES."
        },
    )
    kind = Text(
        load_default="products",
        validate=validate.OneOf(IMPORT_KINDS),
        metadata={"description": "`products` (upsert by SKU) or `stock` (sku, stock only)."},
    )
    dry_run = QueryBoolean(
        load_default=False,
        metadata={"description": "`true`: check every row, answer the report, write nothing."},
    )
    create_categories = QueryBoolean(
        load_default=False,
        metadata={"description": "`true`: create the category paths that do not exist."},
    )


class ExportRequestSchema(ma.Schema):
    class Meta:
        example = {"kind": "orders", "format": "csv", "date_from": "2026-01-01"}
        # Dates only for orders.
        joint_rules = {
            "anyOf": [
                {"properties": {"kind": {"enum": ["orders"]}}},
                {"not": {"anyOf": [{"required": ["date_from"]}, {"required": ["date_to"]}]}},
            ]
        }

    kind = Text(required=True, validate=validate.OneOf(EXPORT_KINDS))
    format = Text(load_default="csv", validate=validate.OneOf(FORMATS))
    date_from = ma.fields.Date(metadata={"description": "Orders placed on this UTC day or later."})
    date_to = ma.fields.Date(
        metadata={
            "description": "Orders placed on this UTC day or before (before date_from: none)."
        }
    )

    @ma.validates_schema
    def _dates(self, data: dict, **_kwargs: object) -> None:
        if data["kind"] != "orders" and (data.get("date_from") or data.get("date_to")):
            raise ma.ValidationError(N_("Only orders are exported by date."), "date_from")


class ProblemSchema(ResponseSchema):
    row = ma.fields.Integer(metadata={"description": "Spreadsheet row (the header is row 1)."})
    column = ma.fields.String(allow_none=True)
    code = ma.fields.String(
        metadata={
            "description": "`required`, `too_long`, `invalid_price`, `invalid_stock`, "
            "`negative_stock`, `invalid_category`, `invalid_options`, `invalid_active`, "
            "`duplicate_sku`, `unknown_sku`, `unknown_category`, `category_name_taken`, "
            "`options_required`, `options_mismatch`, `duplicate_options`, "
            "`sku_of_other_product`."
        }
    )
    message = ma.fields.String()


class BulkJobSchema(ResponseSchema):
    id = ma.fields.Integer(
        allow_none=True, metadata={"description": "null for a dry run (nothing is stored)."}
    )
    direction = ma.fields.String(metadata={"enum": ["import", "export"]})
    kind = ma.fields.String()
    format = ma.fields.String()
    state = ma.fields.String(
        metadata={
            "enum": list(STATES),
            "description": "A dry run is `done` (no problem) or `failed` (see `errors`).",
        }
    )
    dry_run = ma.fields.Function(lambda job: bool(job.options.get("dry_run")))
    filename = ma.fields.String()
    rows_total = ma.fields.Integer(allow_none=True, metadata={"description": "Known once read."})
    rows_done = ma.fields.Integer()
    counts = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        metadata={"description": "Products `created`, `updated`, `unchanged` (imports)."},
    )
    errors = ma.fields.List(ma.fields.Nested(ProblemSchema), metadata={"description": "≤ 500."})
    errors_total = ma.fields.Integer()
    message = ma.fields.String()
    download_url = ma.fields.Method(
        "_download_url",
        allow_none=True,
        metadata={"description": "An export's file, once `done` (staff's bearer token)."},
    )
    created_at = ma.fields.DateTime()
    finished_at = ma.fields.DateTime(allow_none=True)

    def _download_url(self, job: object) -> str | None:
        if job.direction != "export" or job.state != "done":
            return None
        return f"/api/v1/exports/{job.id}/file/"
