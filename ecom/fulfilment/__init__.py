"""After the sale: shipping an order in parts, each with a carrier and a tracking number."""
