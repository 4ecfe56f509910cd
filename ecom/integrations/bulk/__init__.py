"""Bulk import and export: products, variants and stock in; products, orders and customers out."""
