"""Mechanisms shared by every domain: errors, pagination, permissions, the API blueprint."""
