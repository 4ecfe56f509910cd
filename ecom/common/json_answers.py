"""JSON answers written by orjson: the same documents Flask's own provider writes (keys
sorted, compact, one newline after), several times faster on a page of products.

Only answers change hands (``jsonify``, flask-smorest's responses, the error format):
reading request bodies, ``tojson`` in templates and every other ``dumps`` stay Flask's.
Values orjson would write otherwise go through Flask's own ``default`` (dates as HTTP
dates, ``Decimal`` and ``UUID`` as strings, dataclasses as dicts), so each answer parses
to the same JSON as before; the one difference in bytes is that text outside ASCII is sent
as UTF-8 instead of ``\\u`` escapes. A value orjson refuses (an integer beyond 64 bits) is
written by Flask's provider, exactly as before; no answer holds a float that is not finite
(orjson writes ``null``, the standard library the invalid ``NaN``).
"""

from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_APPEND_NEWLINE
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


class AnswerJSONProvider(DefaultJSONProvider):
    """Flask's provider, with answers serialised by orjson outside debug mode."""

    def response(self, *args: Any, **kwargs: Any) -> Response:
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        try:
            body = orjson.dumps(obj, default=self.default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().response(*args, **kwargs)
        return self._app.response_class(body, mimetype=self.mimetype)
