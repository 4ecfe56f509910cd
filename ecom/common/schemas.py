"""Schema conventions every domain shares: answers list their fields as required; text rules."""

from typing import Any

import marshmallow as ma
from marshmallow import validate

# The request checks refuse NUL anywhere (ecom.common.security); the document says so.
NO_NUL = r"^[^\x00]*$"
_SOME_TEXT = r"[^\x00]*[^\s\x00][^\x00]*"
# Some character other than whitespace (names, titles); optional ones may also be empty.
NOT_BLANK = validate.Regexp(f"^{_SOME_TEXT}$", error="Must not be blank.")
EMPTY_OR_NOT_BLANK = validate.Regexp(f"^({_SOME_TEXT})?$", error="Must be empty or not blank.")


class ResponseSchema(ma.Schema):
    """An answer: every field is always present (null where allowed), so all are required.

    The document then promises each field, and generated clients type them without "unset".
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
