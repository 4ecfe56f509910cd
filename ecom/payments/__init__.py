"""Payments: providers, payment attempts of an order, webhooks and refunds."""
