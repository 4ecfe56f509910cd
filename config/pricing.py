"""How prices are read and taxed: net or gross prices, the shop's country, reverse charge
and the tax provider."""

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from config.fields import Group, setting

CountryCode = Annotated[str, AfterValidator(str.upper), StringConstraints(pattern=r"^[A-Za-z]{2}$")]


class PricingSettings(Group):
    """Prices and tax ([TAX.md](TAX.md))."""

    title = "Pricing"

    PRICES_INCLUDE_TAX: bool = setting(
        False,
        "`true`: catalogue prices are gross, tax included (EU and UK shops); `false`: net, "
        "tax added on top",
    )
    SHOP_COUNTRY: CountryCode = setting(
        "US",
        "the shop's own country (ISO 3166-1 alpha-2): taxes a quote without a destination, "
        "and decides what reverse charge crosses a border",
    )
    EU_REVERSE_CHARGE: bool = setting(
        False,
        "`true`: a business in another EU member state with a valid VAT number pays no VAT "
        "(reverse charge); SHOP_COUNTRY must then be in the EU",
    )
    TAX_PROVIDER: str = setting(
        "flat", "who answers tax quotes: `flat` reads the shop's own tax classes and rates"
    )
