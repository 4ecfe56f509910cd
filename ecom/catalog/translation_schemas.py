"""What the catalogue's translation routes take in and answer: each translated field is
optional, null when it falls back to the default language's text."""

import marshmallow as ma
from marshmallow import validate

from ecom.common.field_messages import N_
from ecom.common.schemas import NOT_BLANK, ResponseSchema, Text

SLUG = validate.Regexp(
    r"^[a-z0-9]+(-[a-z0-9]+)*$", error=N_("Lower-case letters and digits, words joined by `-`.")
)
FALLS_BACK = "Null: the default language's text."


def _text(length: int, *extra: validate.Validator) -> Text:
    return Text(
        allow_none=True,
        validate=[validate.Length(min=1, max=length, error=N_("1 to {max} characters.")), *extra],
        metadata={"description": FALLS_BACK},
    )


def _slug(length: int) -> Text:
    return Text(
        allow_none=True,
        validate=[validate.Length(max=length, error=N_("At most {max} characters.")), SLUG],
        metadata={
            "description": "Unique across the catalogue in every language; made from the "
            "translated title or name when the translation has none.",
            "example": "banc-de-jardin",
        },
    )


class TranslationSchema(ResponseSchema):
    language = ma.fields.String(dump_only=True, metadata={"example": "fr"})
    updated_at = ma.fields.DateTime(dump_only=True)


class ProductTranslationSchema(TranslationSchema):
    title = ma.fields.String(dump_only=True, allow_none=True)
    description = ma.fields.String(dump_only=True, allow_none=True)
    slug = ma.fields.String(dump_only=True, allow_none=True)


class ProductTranslationWriteSchema(ma.Schema):
    class Meta:
        example = {"title": "Banc de jardin en chêne", "description": "Trois places."}

    title = _text(200, NOT_BLANK)
    description = Text(allow_none=True, metadata={"description": FALLS_BACK})
    slug = _slug(220)


class CategoryTranslationSchema(TranslationSchema):
    name = ma.fields.String(dump_only=True, allow_none=True)
    description = ma.fields.String(dump_only=True, allow_none=True)
    slug = ma.fields.String(dump_only=True, allow_none=True)


class CategoryTranslationWriteSchema(ma.Schema):
    class Meta:
        example = {"name": "Mobilier de jardin"}

    name = _text(100, NOT_BLANK)
    description = Text(allow_none=True, metadata={"description": FALLS_BACK})
    slug = _slug(120)


class OptionTranslationSchema(TranslationSchema):
    name = ma.fields.String(dump_only=True, allow_none=True)


class OptionTranslationWriteSchema(ma.Schema):
    class Meta:
        example = {"name": "Taille"}

    name = _text(50, NOT_BLANK)


class OptionValueTranslationSchema(TranslationSchema):
    value = ma.fields.String(dump_only=True, allow_none=True)


class OptionValueTranslationWriteSchema(ma.Schema):
    class Meta:
        example = {"value": "Rouge"}

    value = _text(50, NOT_BLANK)
