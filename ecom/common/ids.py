"""Database ids as the API takes them: in URLs, query strings and bodies."""

import re
from typing import Any

from marshmallow import validate
from werkzeug.routing import IntegerConverter, Map

from ecom.common.field_messages import N_

# The largest value a PostgreSQL integer column holds.
MAX_ID = 2**31 - 1
# Ids and counts past the column's range are bad input (400), not a database overflow (500).
ID_RANGE = validate.Range(min=1, max=MAX_ID)
COUNT_RANGE = validate.Range(min=0, max=MAX_ID, error=N_("Must be 0 or more, at most {max}."))
ASCII_DIGITS = re.compile(r"[0-9]+")


def parse_id(text: str) -> int | None:
    """The id ``text`` spells in ASCII digits, or None when it is not one."""
    if not ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


class IdConverter(IntegerConverter):
    """``<int:...>`` in URLs: ASCII digits only (Werkzeug's ``\\d`` also takes other
    scripts' digits), and an id past ``MAX_ID`` is a 404, not a database overflow."""

    regex = r"[0-9]+"

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)
