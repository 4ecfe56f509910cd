"""Helpers of the bulk import and export tests: files, uploads, row counts."""

import io

from sqlalchemy import func, select

from ecom.catalog.models import Category, Product, ProductVariant
from ecom.common.outbox import OutboxMessage
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
