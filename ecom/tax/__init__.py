"""Tax: classes, rates per country and region, VAT reverse charge, and the providers that
answer a quote."""
