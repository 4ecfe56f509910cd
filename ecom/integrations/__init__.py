"""ecom talking to other systems: outgoing webhooks, integration tokens, bulk import and export."""
