"""EU VAT numbers and the reverse charge: a business in another member state than the
shop's, with a valid VAT number, accounts for the VAT itself."""

from collections.abc import Mapping
from typing import Any

from stdnum.eu import vat

from ecom.accounts.destinations import Destination
from ecom.common.countries import EU_MEMBER_STATES


def reverse_charge_applies(destination: Destination, config: Mapping[str, Any]) -> bool:
    """Whether ``EU_REVERSE_CHARGE`` zero-rates ``destination``: another EU member state
    than ``SHOP_COUNTRY`` (itself in the EU), and a VAT number of valid format (no online
    check: VIES is not consulted)."""
    shop, country = config["SHOP_COUNTRY"], destination.country.strip().upper()
    return (
        bool(config["EU_REVERSE_CHARGE"])
        and shop in EU_MEMBER_STATES
        and country in EU_MEMBER_STATES
        and country != shop
        and bool(destination.vat_number)
        and vat.is_valid(destination.vat_number)
    )
