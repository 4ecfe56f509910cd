"""Money in the API: ``Decimal`` inside, a string with two decimals on the wire."""

import marshmallow as ma


class Money(ma.fields.Decimal):
    """A read-only amount serialised as e.g. ``"19.90"``."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("dump_only", True)
        kwargs["metadata"] = {
            "type": "string",
            "format": "decimal",
            "example": "19.90",
            **kwargs.get("metadata", {}),
        }
        super().__init__(places=2, as_string=True, **kwargs)
