"""How an answer shows an image: the original's URL and its renditions' (docs/API.md)."""

import marshmallow as ma

from ecom.catalog.renditions import image_set, rendition_names
from ecom.common.schemas import ResponseSchema


def _rendition_field(name: str) -> ma.fields.String:
    width, _, webp = name[1:].partition("_")
    shape = "WebP" if webp else "the original's format"
    return ma.fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"format": "uri", "description": f"At most {width} pixels wide, in {shape}."},
    )


# An image's URLs: the original, and its renditions once made (null before).
ImageSetSchema = ResponseSchema.from_dict(
    {
        "original": ma.fields.String(dump_only=True, metadata={"format": "uri"}),
        **{name: _rendition_field(name) for name in rendition_names()},
    },
    name="ImageSetSchema",
)


class ImageSet(ma.fields.Nested):
    """An owner's ``image_set``: null when it has no image."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(ImageSetSchema, dump_only=True, allow_none=True, **kwargs)

    def _serialize(self, value: object, attr: str | None, obj: object, **kwargs: object) -> object:
        return super()._serialize(image_set(obj), attr, obj, **kwargs)
