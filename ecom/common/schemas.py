"""Schema conventions every domain shares: answers list their fields as required; the
field types of requests, each published with exactly the rule the server applies."""

import re
from datetime import UTC, datetime
from typing import Any

import marshmallow as ma
from email_validator import EmailNotValidError, validate_email
from marshmallow import validate

from ecom.common.field_messages import N_
from ecom.common.i18n import spoken

# PostgreSQL cannot store NUL: no text holds one, and the document says so.
NO_NUL = r"^[^\x00]*$"
_SOME_TEXT = r"[^\x00]*[^\s\x00][^\x00]*"
# Some character other than whitespace (names, titles); optional ones may also be empty.
NOT_BLANK = validate.Regexp(f"^{_SOME_TEXT}$", error=N_("Must not be blank."))
EMPTY_OR_NOT_BLANK = validate.Regexp(f"^({_SOME_TEXT})?$", error=N_("Must be empty or not blank."))
WHOLE_NUMBER = re.compile(r"[0-9]+")

# E-mail: email-validator's rule (syntax only, no DNS) where it agrees with a pattern that
# JSON Schema can state: a dot-atom before the @ (no quoting), ASCII host name labels of
# at most 63 characters without `--`, a top-level domain of letters, none of the
# special-use names it refuses (RFC 6761).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*"
_SPECIAL_USE = "|".join(
    "".join(f"[{c.lower()}{c.upper()}]" for c in name)
    for name in ("arpa", "invalid", "local", "localhost", "onion", "test")
)
EMAIL_PATTERN = (
    rf"^{_ATEXT}+(\.{_ATEXT}+)*@(?![^@]*[A-Za-z0-9-]{{64}})(?!([^@]*\.)?({_SPECIAL_USE})$)"
    rf"({_LABEL}\.)+[A-Za-z]{{2,63}}$"
)
EMAIL_MAX_LENGTH = 254


class ResponseSchema(ma.Schema):
    """An answer: every field is always present (null where allowed), so all are required.

    The document then promises each field, and generated clients type them without "unset".
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
        self._dumpers: list[tuple[str, str | None, ma.fields.Field]] | None = None

    def _serialize(self, obj: Any, *, many: bool = False) -> Any:
        """marshmallow's ``Schema._serialize``, with each field's key and way of reading
        worked out once per schema rather than once per value (a page of products dumps
        hundreds of values): the same answer, a fraction of the calls."""
        if many and obj is not None:
            return [self._serialize(item) for item in obj]
        if self._dumpers is None:
            own_reader = type(self).get_attribute is not ma.Schema.get_attribute
            self._dumpers = [
                _dumper(name, field, own_reader) for name, field in self.dump_fields.items()
            ]
        answer = self.dict_class()
        # A plain dict's own keys are read as marshmallow reads them; what it lacks (and
        # any other mapping or sequence) goes marshmallow's way.
        as_dict = type(obj) is dict
        by_key = hasattr(obj, "__getitem__")
        for name, key, field in self._dumpers:
            if as_dict and key is not None and key in obj:
                value = field._serialize(obj[key], name, obj)
            elif key is None or by_key:
                value = field.serialize(name, obj, accessor=self.get_attribute)
            else:
                value = getattr(obj, key, ma.missing)
                if value is ma.missing:
                    value = field.serialize(name, obj, accessor=self.get_attribute)
                else:
                    value = field._serialize(value, name, obj)
            if value is not ma.missing:
                answer[name if field.data_key is None else field.data_key] = value
        return answer


def _dumper(
    name: str, field: ma.fields.Field, own_reader: bool
) -> tuple[str, str | None, ma.fields.Field]:
    """The field's name, the attribute it reads straight off an object (None: the field,
    or the schema, reads its value its own way), and the field."""
    key = name if field.attribute is None else field.attribute
    plain = (
        not own_reader
        and field._CHECK_ATTRIBUTE
        and "." not in key
        and type(field).serialize is ma.fields.Field.serialize
        and type(field).get_value is ma.fields.Field.get_value
    )
    return name, key if plain else None, field


class Text(ma.fields.String):
    """Text a client sends: any string without NUL, unless a pattern of its own (which
    refuses NUL too) says more; the document states the same pattern."""

    def __init__(self, **kwargs: Any) -> None:
        validators = kwargs.pop("validate", None) or []
        validators = list(validators) if isinstance(validators, list | tuple) else [validators]
        metadata = kwargs.get("metadata", {})
        if "pattern" not in metadata and not any(
            isinstance(v, validate.Regexp) for v in validators
        ):
            validators.append(validate.Regexp(NO_NUL, error=N_("Must not contain NUL characters.")))
        super().__init__(validate=validators, **kwargs)


class Language(Text):
    """A language code: the document lists the shop's (``LANGUAGES``) as its enum; a
    service refuses any other. Written out, an account's language the shop no longer
    speaks, or none, reads as the default (``i18n.spoken``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Length(max=8))
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str:
        return spoken(value)


class EmailAddress(ma.fields.String):
    """An e-mail address as the document's pattern and email-validator both take it."""

    default_error_messages = {"invalid": N_("Not a valid e-mail address.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs["metadata"] = {
            "format": "email",
            "pattern": EMAIL_PATTERN,
            **kwargs.get("metadata", {}),
        }
        super().__init__(validate=validate.Length(max=EMAIL_MAX_LENGTH), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        address = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(EMAIL_PATTERN, address):
            raise self.make_error("invalid")
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError as error:
            raise ma.ValidationError(str(error)) from error
        return address


class Boolean(ma.fields.Boolean):
    """JSON's true or false, as the document says: not marshmallow's words and numbers."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class QueryBoolean(ma.fields.Boolean):
    """A boolean in a query string: `true` or `false`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(truthy={"true"}, falsy={"false"}, **kwargs)


class QueryInteger(ma.fields.Integer):
    """A whole number in a query string: ASCII digits only (no sign, space, `_` or other
    scripts' digits, which Python's ``int`` would take)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if not isinstance(value, str) or not WHOLE_NUMBER.fullmatch(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class UtcDateTime(ma.fields.AwareDateTime):
    """An ISO 8601 instant (UTC unless an offset is given), loaded in UTC."""

    default_error_messages = {"out_of_range": N_("Not an instant between years 1 and 9999 in UTC.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default_timezone=UTC, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        instant = super()._deserialize(value, attr, data, **kwargs)
        try:
            return instant.astimezone(UTC)
        except OverflowError as error:
            raise self.make_error("out_of_range") from error
