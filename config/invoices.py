"""The shop's legal details, printed on every invoice and credit note."""

from typing import Any

from config.fields import Group, setting


class InvoiceSettings(Group):
    """Invoices and credit notes ([INVOICES.md](INVOICES.md)); each document keeps the
    details it was issued with."""

    title = "Invoices"

    SHOP_LEGAL_NAME: str | None = setting(
        None, "the seller's legal name on invoices", shown="`SHOP_NAME`"
    )
    SHOP_LEGAL_ADDRESS: str | None = setting(
        None, "the seller's postal address, lines separated by `;`"
    )
    SHOP_VAT_NUMBER: str | None = setting(None, "the seller's VAT identification number")
    SHOP_REGISTRATION: str | None = setting(
        None, "the company's registration (register, court and number), as printed"
    )
    INVOICE_FOOTER: str | None = setting(
        None, "a closing line on every document (payment terms, bank, contact)"
    )

    def apply(self, config: Any) -> None:
        super().apply(config)
        config.SHOP_LEGAL_NAME = self.SHOP_LEGAL_NAME or config.SHOP_NAME
