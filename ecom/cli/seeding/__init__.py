"""The jobs of ``flask seed``: the catalog (with its variants), people, orders, reviews."""
