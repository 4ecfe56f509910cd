"""Conditional reads of answers meant for their caller alone (a cart, an order).

``@private_etag`` (outermost, above the ``@blp`` decorators) gives a GET's 200 JSON answer
an ETag, the digest of its body, and answers 304 with no body when ``If-None-Match``
holds it: the view still reads the database, but a phone on a slow network downloads
nothing that it has. ``Cache-Control: private`` keeps shared caches (a CDN, a corporate
proxy) from storing the body; ``Vary: Authorization`` keeps one user's answer from
another. The document lists the ``If-None-Match`` parameter, the ETag header and the 304
through flask-smorest's own ETag feature (``ecom.common.api.Blueprint`` writes the first
two in place).
"""

import hashlib
from collections.abc import Callable
from copy import deepcopy
from functools import wraps
from typing import Any

from flask import Response, make_response, request
from webargs.flaskparser import abort

from ecom.common.field_messages import N_
from ecom.common.schemas import NO_NUL

IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The `ETag` of the answer the client holds: 304 with no body while it "
    "is current.",
    "schema": {"type": "string", "pattern": NO_NUL},
}
ETAG = {
    "description": "The answer's tag, for `If-None-Match`.",
    "schema": {"type": "string"},
}


def private_etag(view: Callable) -> Callable:
    """ETag and If-None-Match → 304 on a GET view answering its caller alone."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        if "\x00" in request.headers.get("If-None-Match", ""):
            message = N_("Must not contain NUL characters.")
            abort(400, messages={"headers": {"If-None-Match": [message]}})
        response = make_response(view(*args, **kwargs))
        if response.status_code != 200 or not response.is_json:
            return response
        response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
        response.cache_control.private = True
        response.cache_control.max_age = 0
        response.cache_control.must_revalidate = True
        response.vary.add("Authorization")
        return response.make_conditional(request)

    # flask-smorest documents an operation marked so: the parameter, the header, the 304.
    wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))  # type: ignore[attr-defined]
    wrapper._apidoc["etag"] = True  # type: ignore[attr-defined]
    return wrapper
