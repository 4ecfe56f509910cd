"""Sparse fieldsets: ``?fields=id,title,price`` answers only the named fields of an item.

The document keeps every full answer exact (all its fields required): a view that takes
``fields`` answers ``anyOf`` its full schema and the same schema with every field optional
(``optional_fields``), which generated clients type as a union of the two models. A
fieldset names a set: ``fields=b,a`` and ``fields=a,b`` answer the same bytes (and share
one cached entry, ``ecom.common.cache``).
"""

import re
from functools import cache, lru_cache
from typing import Any

import marshmallow as ma
from flask import Response, jsonify

from ecom.common.field_messages import N_
from ecom.common.pagination import page_schema
from ecom.common.schemas import ResponseSchema

_optional: dict[type[ma.Schema], type[ma.Schema]] = {}


@cache
def field_names(schema: type[ma.Schema]) -> tuple[str, ...]:
    """The names an answer of ``schema`` holds, in their order (read once per schema)."""
    return tuple(schema().fields)


class FieldSet(ma.fields.String):
    """A comma-separated choice among an answer's fields, loaded as a tuple in the
    schema's order (each once); an unknown name is refused and named."""

    default_error_messages = {
        "unknown": N_("Unknown fields: {unknown}. Choose among: {known}."),
        "empty": N_("Name at least one field, and no empty name between commas."),
    }

    def __init__(self, schema: type[ma.Schema], **kwargs: Any) -> None:
        self.known = field_names(schema)
        choice = "|".join(re.escape(name) for name in self.known)
        metadata = {
            "pattern": f"^({choice})(,({choice}))*$",
            "description": "Answer only these fields of each item, comma-separated, e.g. "
            f"`{','.join(self.known[:3])}`; an unknown name is a 400. Its answer is the "
            "item schema with every field optional.",
            "example": ",".join(self.known[:3]),
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> tuple:
        text = super()._deserialize(value, attr, data, **kwargs)
        names = text.split(",")
        if "" in names:
            raise self.make_error("empty")
        unknown = [name for name in names if name not in self.known]
        if unknown:
            shown = ", ".join(f"`{name}`" for name in unknown)
            raise self.make_error("unknown", unknown=shown, known=", ".join(self.known))
        return tuple(name for name in self.known if name in names)


def optional_fields(schema: type[ResponseSchema]) -> type[ma.Schema]:
    """``schema`` with no field required: a sparse answer of it (one class per schema)."""
    if schema not in _optional:

        def __init__(self: ma.Schema, *args: Any, **kwargs: Any) -> None:
            schema.__init__(self, *args, **kwargs)
            for field in self.fields.values():
                field.required = False

        name = schema.__name__.removesuffix("Schema") + "FieldsSchema"
        _optional[schema] = type(name, (schema,), {"__init__": __init__})
    return _optional[schema]


def either(full: type[ma.Schema], sparse: type[ma.Schema]) -> dict:
    """The 200 response of a view answering ``full``, or ``sparse`` when ``fields`` is sent."""
    schema = {"anyOf": [full, sparse]}
    return {"responses": {200: {"content": {"application/json": {"schema": schema}}}}}


# A fieldset loads as a tuple in the schema's order, so there are few distinct ones.
SPARSE_SCHEMAS = 256


@lru_cache(maxsize=SPARSE_SCHEMAS)
def _sparse_schema(schema: type[ma.Schema], only: tuple[str, ...]) -> ma.Schema:
    """The schema narrowed to ``only``, built once per fieldset (not once per request)."""
    return schema(only=only)


def sparse_answer(schema: type[ma.Schema], only: tuple[str, ...], data: Any) -> Response:
    """``data`` dumped with only these fields (dotted names select in nested items)."""
    return jsonify(_sparse_schema(schema, only).dump(data))


def sparse_page(item_schema: type[ResponseSchema], only: tuple[str, ...], page: Any) -> Response:
    """A page of ``item_schema`` whose items hold only these fields."""
    envelope = [name for name in field_names(page_schema(item_schema)) if name != "results"]
    chosen = (*envelope, *(f"results.{name}" for name in only))
    return sparse_answer(page_schema(item_schema), chosen, page)
