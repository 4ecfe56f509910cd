"""The families of cached reads, named once (see ``ecom.common.cache``).

A write invalidates its own family only; a cached read lists every family whose data it
shows, so a dependency between families is declared here, on the reading side, and nowhere
else.
"""

PRODUCTS = "products"
CATEGORIES = "categories"
REVIEWS = "reviews"

# Product bodies show their category's name, and a category filter follows the tree.
PRODUCT_READS = (PRODUCTS, CATEGORIES)
# Stock has no family (a checkout would discard every product page): reads that show it
# are kept for this setting's seconds instead (see ecom.catalog.stock).
STOCK_SHOWN = "STOCK_CACHE_SECONDS"
CATEGORY_READS = (CATEGORIES,)
# A product's deactivation hides its reviews from everybody but staff.
REVIEW_READS = (REVIEWS, PRODUCTS)
EVERY_FAMILY = (PRODUCTS, CATEGORIES, REVIEWS)
