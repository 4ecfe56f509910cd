"""Outgoing webhooks: subscriptions, signed deliveries through the outbox, their log."""
