"""Returns of delivered units, their refunds, goodwill refunds and an order's money history."""
