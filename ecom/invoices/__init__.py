"""Invoices and credit notes: numbered when an order is paid or a refund succeeds,
rendered to PDF after the commit, stored once (docs/INVOICES.md)."""
