"""Cart rules: one cart per user, quantities 1..999 and never above the stock on hand."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ecom.accounts.models import User
from ecom.cart.models import Cart, CartItem
from ecom.catalog.errors import InsufficientStock
from ecom.catalog.models import Product, ProductVariant
from ecom.catalog.stock import in_lock_order, on_sale, shortage
from ecom.catalog.variants import single_variant
from ecom.common.errors import Conflict, NotFound, ValidationFailed
from ecom.common.models import locked
from ecom.common.transactions import atomic
from ecom.extensions import db

MAX_QUANTITY = 999


# What a cart's answer shows of its lines, loaded in a fixed number of queries.
LINES_SHOWN = selectinload(Cart.items).options(
    joinedload(CartItem.variant).options(
        joinedload(ProductVariant.product), selectinload(ProductVariant.values)
    )
)


def get_cart(user: User, *, lock: bool = False, shown: bool = False) -> Cart:
    """The user's cart, created on first use; ``lock`` holds its row until commit, ``shown``
    loads what its answer shows of its lines."""
    query = select(Cart).where(Cart.user_id == user.id)
    if lock:
        query = locked(query)
    if shown:
        query = query.options(LINES_SHOWN)
    cart = db.session.scalar(query)
    if cart is not None:
        return cart
    try:
        with atomic():
            db.session.add(Cart(user_id=user.id))
    except IntegrityError:
        pass  # Another request of the same user created it first.
    return db.session.scalar(query)


def locked_lines(cart: Cart) -> list[CartItem]:
    """The cart's lines by variant, each with its variant, product and option values (its
    label) read under the products' row locks (``in_lock_order``), in one statement
    whatever the lines: what checkout takes, prices and copies."""
    query = in_lock_order(
        select(CartItem)
        .join(CartItem.variant)
        .join(ProductVariant.product)
        .options(
            contains_eager(CartItem.variant).options(
                contains_eager(ProductVariant.product), joinedload(ProductVariant.values)
            )
        )
        .where(CartItem.cart_id == cart.id)
    )
    return sorted(db.session.scalars(query).unique(), key=lambda line: line.variant_id)


NOT_ON_SALE = _l("No such product on sale.")


def variant_on_sale(
    *, variant_id: int | None = None, product_id: int | None = None
) -> ProductVariant:
    """The variant named, or the only variant of the product named; 404 unless both the
    variant and its product are on sale."""
    if variant_id is not None:
        variant = db.session.get(ProductVariant, variant_id)
        field = "variant_id"
    else:
        product = db.session.get(Product, product_id)
        field = "product_id"
        listed = product is not None and product.is_active
        variant = single_variant(product, "variant_id") if listed else None
    if variant is None or not variant.on_sale:
        raise NotFound(NOT_ON_SALE, errors={field: [NOT_ON_SALE]})
    return variant


LINE_SIZE = _l("A line holds 1 to %(max)s units.", max=MAX_QUANTITY)


class LineFull(Conflict, ValidationFailed):
    """A valid quantity that the units already in the line would take past the limit."""

    code = "line_full"
    message = LINE_SIZE

    def __init__(self) -> None:
        super().__init__(errors={"quantity": [self.message]})


def _check_quantity(variant: ProductVariant, quantity: int, in_line: int = 0) -> None:
    """``quantity`` units of ``variant`` may join the ``in_line`` units already in a line."""
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationFailed(LINE_SIZE, errors={"quantity": [LINE_SIZE]})
    total = quantity + in_line
    if total > MAX_QUANTITY:
        raise LineFull()
    if total > on_sale(variant):
        raise InsufficientStock([shortage(variant, total, on_sale(variant))])


def add_item(
    user: User, product_id: int | None = None, quantity: int = 1, *, variant_id: int | None = None
) -> CartItem:
    """Put ``quantity`` units of a variant (or of a single-variant product) in the cart,
    adding to a line already there."""
    with atomic():
        cart = get_cart(user, lock=True)
        variant = variant_on_sale(variant_id=variant_id, product_id=product_id)
        item = next((line for line in cart.items if line.variant_id == variant.id), None)
        in_line = item.quantity if item else 0
        _check_quantity(variant, quantity, in_line)
        if item is None:
            item = CartItem(cart=cart, variant=variant)
            db.session.add(item)
        item.quantity = quantity + in_line
    return item


def _own_item(user: User, item_id: int) -> CartItem:
    """The user's cart line, locked until commit: a concurrent removal makes this a 404."""
    item = db.session.scalar(
        locked(
            select(CartItem).join(Cart).where(CartItem.id == item_id, Cart.user_id == user.id),
            of=CartItem,
        )
    )
    if item is None:
        raise NotFound(gettext("Cart item not found."))
    return item


def update_item(user: User, item_id: int, quantity: int | None) -> CartItem:
    """Set the user's line to ``quantity`` (None: leave it as it is)."""
    with atomic():
        item = _own_item(user, item_id)
        if quantity is not None:
            _check_quantity(item.variant, quantity)
            item.quantity = quantity
    return item


def remove_item(user: User, item_id: int) -> None:
    with atomic():
        db.session.delete(_own_item(user, item_id))


def empty(cart: Cart) -> None:
    """Delete every line of ``cart``; caller owns the transaction."""
    db.session.execute(delete(CartItem).where(CartItem.cart_id == cart.id))
    db.session.expire(cart, ["items"])


def clear(user: User) -> None:
    with atomic():
        empty(get_cart(user, lock=True))
