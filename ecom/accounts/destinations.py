"""Where an order goes, as shipping and tax read it: a saved address, an order's copy of
one, or a country and postal code for an anonymous quote."""

from collections.abc import Mapping
from dataclasses import dataclass

from ecom.accounts.models import Address


@dataclass(frozen=True)
class Destination:
    country: str
    postal_code: str = ""
    region: str = ""
    vat_number: str = ""

    @classmethod
    def of_address(cls, address: Address) -> "Destination":
        return cls.of_copy(
            {field: getattr(address, field, "") or "" for field in cls.__dataclass_fields__}
        )

    @classmethod
    def of_copy(cls, copy: Mapping[str, str]) -> "Destination":
        """From an order's copy of its address (or any mapping with the same keys)."""
        return cls(
            country=copy["country"].upper(),
            postal_code=(copy.get("postal_code") or "").strip().upper(),
            region=(copy.get("region") or "").strip().upper(),
            vat_number=(copy.get("vat_number") or "").strip(),
        )
