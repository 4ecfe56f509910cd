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
CATEGORY_READS = (CATEGORIES,)
# A product's deactivation hides its reviews from everybody but staff.
REVIEW_READS = (REVIEWS, PRODUCTS)
EVERY_FAMILY = (PRODUCTS, CATEGORIES, REVIEWS)
