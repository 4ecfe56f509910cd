"""Ordering whitelists: the fields a list may be ordered by, as the ``ordering`` query
parameter (a comma list, each field optionally prefixed with ``-`` for descending) and as
ORDER BY clauses whose last key is the id, so that pages never overlap."""

from collections.abc import Collection, Mapping
from typing import Any

import marshmallow as ma

from ecom.common.field_messages import N_

# Marked at import, as every templated message: ``translate`` knows the templates by then.
UNKNOWN_FIELD = N_(
    "Unknown ordering field `{field}`; use {choices}, each optionally prefixed with `-`."
)


class Ordering:
    """A list's whitelist: public field names → attribute names of ``model``; ``default``
    when none is asked; ``nulls_last`` fields sort their empty values last either way."""

    def __init__(
        self,
        model: Any,
        fields: Mapping[str, str],
        default: list[str],
        *,
        nulls_last: Collection[str] = (),
    ) -> None:
        self.model = model
        self.fields = dict(fields)
        self.default = default
        self.nulls_last = frozenset(nulls_last)
        self.choices = sorted(fields)

    def columns(self, fields: list[str]) -> set:
        """The model's columns that ``fields`` order by."""
        return {getattr(self.model, self.fields[field.removeprefix("-")]) for field in fields}

    def clauses(self, fields: list[str] | None, source: Any = None) -> list:
        """ORDER BY clauses of ``fields`` (or the default) on ``source``: the model, an alias
        of it, or a subquery's columns (``.c``)."""
        source = self.model if source is None else source
        fields = fields or self.default
        clauses = []
        for field in fields:
            public = field.removeprefix("-")
            column = getattr(source, self.fields[public])
            clause = column.desc() if field.startswith("-") else column.asc()
            clauses.append(clause.nulls_last() if public in self.nulls_last else clause)
        # Ties broken by id, in the direction of the last key.
        clauses.append(source.id.desc() if fields[-1].startswith("-") else source.id.asc())
        return clauses


class OrderingField(ma.fields.String):
    """The ``ordering`` parameter of a list ordered by ``ordering``, loaded as the list of
    its fields; ``description`` follows what the field says of itself."""

    def __init__(self, ordering: Ordering, description: str = "", **kwargs: Any) -> None:
        self.ordering = ordering
        names = "|".join(ordering.choices)
        one = f"-?({names})"
        metadata = {
            "description": "Comma list of "
            + ", ".join(f"`{name}`" for name in ordering.choices)
            + ", each optionally prefixed with `-` (descending); ties are broken by id. "
            + description,
            "pattern": f"^{one}(,{one})*$",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        """The fields, exactly as the published pattern takes them (no blanks, no empty)."""
        fields = super()._deserialize(value, attr, data, **kwargs).split(",")
        for field in fields:
            if field.removeprefix("-") not in self.ordering.fields:
                choices = ", ".join(self.ordering.choices)
                raise ma.ValidationError(UNKNOWN_FIELD.format(field=field, choices=choices))
        return fields
