"""Each customer's cart."""
