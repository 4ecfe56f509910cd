"""Page-number pagination shared by every list: ``{count, next, previous, results}``."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import marshmallow as ma
from flask import current_app, request
from sqlalchemy import Select, func, select

from ecom.common.errors import NotFound
from ecom.common.schemas import ResponseSchema
from ecom.extensions import db


class PageArgsSchema(ma.Schema):
    page = ma.fields.Integer(
        load_default=1,
        validate=ma.validate.Range(min=1),
        metadata={"description": "Page number, from 1."},
    )
    page_size = ma.fields.Integer(
        load_default=None,
        validate=ma.validate.Range(min=1, max=100),
        metadata={"description": "Items per page (default 20, at most 100)."},
    )


@dataclass
class Page:
    count: int
    next: str | None
    previous: str | None
    results: list[Any]


_page_schemas: dict[type, type[ma.Schema]] = {}


def page_schema(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The response schema of a page of ``item_schema`` (one class per item schema)."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = ResponseSchema.from_dict(
            {
                "count": ma.fields.Integer(metadata={"description": "Items in all pages."}),
                "next": ma.fields.String(allow_none=True, metadata={"format": "uri"}),
                "previous": ma.fields.String(allow_none=True, metadata={"format": "uri"}),
                "results": ma.fields.List(ma.fields.Nested(item_schema)),
            },
            name=name,
        )
    return _page_schemas[item_schema]


def _page_url(page: int) -> str:
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return f"{request.base_url}?{urlencode(args, doseq=True)}"


def count_rows(query: Select) -> int:
    ordered_free = query.order_by(None)
    return db.session.scalar(select(func.count()).select_from(ordered_free.subquery()))


def paginate(
    query: Select,
    page_args: dict,
    *,
    count: Callable[[Select], int] = count_rows,
    scalars: bool = True,
) -> Page:
    """Run one page of ``query``; a page past the last one is a 404."""
    page = page_args.get("page") or 1
    size = page_args.get("page_size") or current_app.config["PAGE_SIZE"]
    total = count(query)
    if page > 1 and (page - 1) * size >= total:
        raise NotFound("Invalid page.", code="invalid_page")
    window = query.limit(size).offset((page - 1) * size)
    result = db.session.execute(window)
    rows = list(result.scalars() if scalars else result)
    return Page(
        count=total,
        next=_page_url(page + 1) if page * size < total else None,
        previous=_page_url(page - 1) if page > 1 else None,
        results=rows,
    )
