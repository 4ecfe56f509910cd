"""Helpers of the bulk import and export tests: files, uploads, row counts."""

import io
from uuid import uuid4

from sqlalchemy import func, select

from ecom.catalog.models import Category, Product, ProductVariant
from ecom.common.outbox import OutboxMessage
from ecom.common.storage import get_storage
from ecom.extensions import db
from ecom.integrations.bulk.models import BulkJob

HEADER = "sku,handle,title,category,price,stock,options"
IMPORTS = "/api/v1/imports/"
EXPORTS = "/api/v1/exports/"


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def upload(client, headers, data: bytes, name: str = "products.csv", **form):
    fields = {key: str(value).lower() for key, value in form.items()}
    return client.post(
        IMPORTS,
        data={"file": (io.BytesIO(data), name), **fields},
        headers=headers,
        content_type="multipart/form-data",
    )


def row_counts() -> dict[str, int]:
    """Rows of every table an import or its job could write."""
    models = (Product, ProductVariant, Category, BulkJob, OutboxMessage)
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in models
    }


def variant(sku: str) -> ProductVariant:
    db.session.expire_all()
    return db.session.scalar(select(ProductVariant).where(ProductVariant.sku == sku))


def make_bulk_jobs() -> tuple[BulkJob, BulkJob]:
    """A done import and a done export with its file."""
    key = f"exports/test-{uuid4().hex}.csv"
    get_storage().save(key, b"id,email\n", "text/csv")
    done = {"format": "csv", "state": "done", "rows_total": 0}
    jobs = (
        BulkJob(direction="import", kind="products", filename="products.csv", **done),
        BulkJob(direction="export", kind="customers", filename="c.csv", file_key=key, **done),
    )
    db.session.add_all(jobs)
    db.session.commit()
    return jobs
