"""Pricing: turns lines into money (one place)."""
