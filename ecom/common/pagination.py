"""Pagination shared by every list: ``{count, count_is_estimate, next, previous, results}``.

Counts are exact up to ``EXACT_COUNT_LIMIT`` rows and the planner's estimate above it;
page numbers stop at ``MAX_PAGE``; a cursor (keyset) walks a whole list at the
same cost per page (see docs/API.md, "Pagination").
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import marshmallow as ma
from flask import current_app, request
from flask_babel import gettext
from sqlalchemy import ColumnElement, Engine, Select, event, func, literal_column, select

from ecom.common.errors import NotFound
from ecom.common.field_messages import N_
from ecom.common.models import is_postgresql
from ecom.common.schemas import QueryInteger, ResponseSchema
from ecom.extensions import db

# Page numbers stop here (OFFSET cost grows with depth); a cursor walks further.
MAX_PAGE = 500
WINDOW_HINT = N_(
    "Page numbers stop at {max}: narrow the filters, or walk the list with `cursor=` "
    "where it offers one."
)


class PageArgsSchema(ma.Schema):
    page = QueryInteger(
        validate=ma.validate.Range(min=1, max=MAX_PAGE, error=WINDOW_HINT),
        metadata={"description": f"Page number, from 1 (the default) to {MAX_PAGE}."},
    )
    page_size = QueryInteger(
        validate=ma.validate.Range(min=1, max=100),
        metadata={"description": "Items per page (default 20, at most 100)."},
    )


class Cursor(ma.fields.String):
    """A keyset cursor: empty for the first page, else a ``next`` link's value (the last
    key of the previous page; clients treat it as opaque). Loads as that key, or None."""

    PATTERN = "^[0-9]{0,18}$"

    def __init__(self, **kwargs: Any) -> None:
        metadata = {**kwargs.pop("metadata", {}), "pattern": self.PATTERN}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int | None:
        token = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(self.PATTERN, token):
            raise ma.ValidationError(N_("Not a cursor of this list."))
        return int(token) if token else None


@dataclass(frozen=True)
class Count:
    total: int
    # True when ``total`` is the planner's estimate of a count above EXACT_COUNT_LIMIT.
    estimated: bool = False


@dataclass
class Page:
    count: int
    next: str | None
    previous: str | None
    results: list[Any]
    count_is_estimate: bool = False


_page_schemas: dict[type, type[ma.Schema]] = {}


def page_schema(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The response schema of a page of ``item_schema`` (one class per item schema)."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = ResponseSchema.from_dict(
            {
                "count": ma.fields.Integer(
                    metadata={
                        "description": "Items in all pages: exact up to 1,000, the "
                        "database's estimate above it (see count_is_estimate)."
                    }
                ),
                "count_is_estimate": ma.fields.Boolean(
                    metadata={
                        "description": "True when `count` is an estimate of more than "
                        '1,000 items (read it as "about").'
                    }
                ),
                "next": ma.fields.String(allow_none=True, metadata={"format": "uri"}),
                "previous": ma.fields.String(allow_none=True, metadata={"format": "uri"}),
                "results": ma.fields.List(ma.fields.Nested(item_schema)),
            },
            name=name,
        )
    return _page_schemas[item_schema]


def _page_url(**changes: str) -> str:
    args = request.args.to_dict(flat=False)
    args.update({name: [value] for name, value in changes.items()})
    return f"{request.base_url}?{urlencode(args, doseq=True)}"


def count_rows(query: Select, *, estimate_first: bool = False, at_least: int = 0) -> Count:
    """The rows of ``query``: exact up to ``EXACT_COUNT_LIMIT``; above it the planner's
    estimate on PostgreSQL (the exact count elsewhere), so a count never reads more than
    the limit's rows, or ``at_least`` rows where the caller must know whether there are
    that many (then the larger of the estimate and the rows counted, still an estimate).
    With ``estimate_first`` (a search, whose bounded count reads an index entry of every
    match first), an estimate above ``COUNTED_ESTIMATE_LIMIT`` is taken without counting."""
    limit = current_app.config["EXACT_COUNT_LIMIT"]
    unordered = query.order_by(None)
    postgresql = is_postgresql()
    expected = _estimate(unordered) if estimate_first and postgresql else None
    if expected is not None and expected > current_app.config["COUNTED_ESTIMATE_LIMIT"]:
        return Count(expected, estimated=True)
    total = _count(unordered.limit(max(limit, at_least) + 1))
    if total <= limit:
        return Count(total)
    if not postgresql:
        return Count(_count(unordered))
    return Count(max(expected or _estimate(unordered), total), estimated=True)


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def _estimate(query: Select) -> int:
    """The rows PostgreSQL's planner expects ``query`` to return (EXPLAIN, not run). The
    statement goes through SQLAlchemy's compiled cache (compiling it anew cost a quarter of
    a list's CPU time): ``_explained`` prefixes EXPLAIN to it on its way to the driver."""
    plan = db.session.execute(
        select(literal_column("1")).select_from(query.subquery()),
        execution_options={_EXPLAIN: True},
    )
    return int(plan.scalar()[0]["Plan"]["Plan Rows"])


def _explained(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, context: Any, _many: bool
) -> tuple[str, Any]:
    if context is not None and context.execution_options.get(_EXPLAIN):
        statement = f"EXPLAIN (FORMAT JSON) {statement}"
    return statement, parameters


_EXPLAIN = "ecom_explain_estimate"
event.listen(Engine, "before_cursor_execute", _explained, retval=True)


def _page_size(page_args: dict) -> int:
    return page_args.get("page_size") or current_app.config["PAGE_SIZE"]


def page_slice(page_args: dict) -> tuple[int, int]:
    """(offset, size) of the page ``page_args`` ask for."""
    size = _page_size(page_args)
    return ((page_args.get("page") or 1) - 1) * size, size


def paginate(
    query: Select,
    page_args: dict,
    *,
    count: Callable[[Select], Count] = count_rows,
    scalars: bool = True,
    partial: bool = False,
) -> Page:
    """Run one page of ``query``; a page past the last one is a 404 (past ``MAX_PAGE``,
    ``PageArgsSchema`` refuses it). A short page is the last one, so it makes an estimated
    count exact, unless ``query`` is ``partial`` (it may hold only some of the list)."""
    page = page_args.get("page") or 1
    offset, size = page_slice(page_args)
    counted = count(query)
    if page > 1 and offset >= counted.total and not counted.estimated:
        raise NotFound(gettext("Invalid page."), code="invalid_page")
    result = db.session.execute(query.limit(size).offset(offset))
    rows = list(result.scalars() if scalars else result)
    if counted.estimated and len(rows) < size and not partial:
        # A short page ends the list: the count is now known, or the page is past the end.
        if not rows and page > 1:
            raise NotFound(gettext("Invalid page."), code="invalid_page")
        counted = Count(offset + len(rows))
    # An estimate cannot tell where the list ends: every full page links to the next.
    more = len(rows) == size if counted.estimated else page * size < counted.total
    return Page(
        count=counted.total,
        count_is_estimate=counted.estimated,
        next=_page_url(page=str(page + 1)) if more and page < MAX_PAGE else None,
        previous=_page_url(page=str(page - 1)) if page > 1 else None,
        results=rows,
    )


def paginate_by_cursor(
    query: Select,
    key: ColumnElement,
    page_args: dict,
    *,
    count: Callable[[Select], Count] = count_rows,
) -> Page:
    """One keyset page of ``query`` in ascending ``key`` order (a unique integer column),
    after ``page_args["cursor"]``: every page costs the same, however deep."""
    size = _page_size(page_args)
    counted = count(query)
    after = page_args.get("cursor")
    walk = query.order_by(None).order_by(key)
    if after is not None:
        walk = walk.where(key > after)
    rows = list(db.session.scalars(walk.limit(size + 1)))
    more = len(rows) > size
    del rows[size:]
    return Page(
        count=counted.total,
        count_is_estimate=counted.estimated,
        next=_page_url(cursor=str(getattr(rows[-1], key.key))) if more else None,
        previous=None,
        results=rows,
    )
