"""Catalogue promotions (sale prices) and vouchers (order promotions)."""
