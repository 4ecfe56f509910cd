"""Shipping: zones of destinations and the methods (with their rates) offered in each."""
