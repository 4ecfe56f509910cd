"""Accounts, roles and JWT authentication."""
