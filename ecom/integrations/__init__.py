"""Other systems the shop talks to: outgoing webhooks, integration tokens, bulk import/export."""
