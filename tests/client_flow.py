"""A customer's visit through the client generated from /api/v1/schema/, and nothing else.

``tests/test_generated_client.py`` generates the ``ecom_client`` package from the served
document, type-checks this script against it with ``mypy --strict`` and runs it:
``python tests/client_flow.py BASE_URL``. The shop must hold active lamps, one of them
under 100.00 and in stock. A drift between the document and the server fails here.
"""

import sys
import uuid
from decimal import Decimal
from typing import TypeVar

from ecom_client import AuthenticatedClient, Client
from ecom_client.api.auth import post_api_v1_auth_jwt_create, post_api_v1_auth_users
from ecom_client.api.cart import post_api_v1_cart_add
from ecom_client.api.catalog import get_api_v1_products, get_api_v1_products_product_id
from ecom_client.api.orders import (
    get_api_v1_orders,
    get_api_v1_orders_order_id,
    post_api_v1_orders,
)
from ecom_client.api.reviews import post_api_v1_reviews
from ecom_client.models import (
    Cart,
    CartAdd,
    Checkout,
    Login,
    Order,
    OrderPage,
    OrderStatus,
    ProductDetail,
    ProductPage,
    Register,
    Review,
    ReviewCreate,
    ShippingAddress,
    ShippingAddressCountry,
    TokenPair,
    User,
)

Answer = TypeVar("Answer")
PASSWORD = "generated-client-pass"


def expect(kind: type[Answer], answer: object) -> Answer:
    """``answer`` as the documented success type; an error body ends the visit."""
    if not isinstance(answer, kind):
        raise SystemExit(f"expected {kind.__name__}, got {answer!r}")
    return answer


def sign_up(base_url: str) -> tuple[User, AuthenticatedClient]:
    """Register, then log in: the new user and a client carrying their access token."""
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
    name = f"client_{uuid.uuid4().hex[:12]}"
    email = f"{name}@example.com"
    registration = Register(email=email, username=name, password=PASSWORD)
    user = expect(User, post_api_v1_auth_users.sync(client=anonymous, body=registration))
    login = Login(email=email, password=PASSWORD)
    tokens = expect(TokenPair, post_api_v1_auth_jwt_create.sync(client=anonymous, body=login))
    client = AuthenticatedClient(
        base_url=base_url, token=tokens.access, raise_on_unexpected_status=True
    )
    return user, client


def choose_lamp(client: AuthenticatedClient) -> ProductDetail:
    """The cheapest lamp in stock under 100.00, read again on its own page."""
    page = get_api_v1_products.sync(
        client=client, search="lamp", price_max="100", in_stock=True, ordering="price"
    )
    found = expect(ProductPage, page)
    assert found.count >= 1 and all(Decimal(p.price) <= 100 for p in found.results), found
    summary = found.results[0]
    product = expect(ProductDetail, get_api_v1_products_product_id.sync(summary.id, client=client))
    assert product.slug == summary.slug and product.is_active, product
    assert [variant.price for variant in product.variants] == [product.price], product
    return product


def buy(client: AuthenticatedClient, product: ProductDetail) -> Order:
    """Two units through the cart and one checkout, replayed with the same Idempotency-Key."""
    cart = expect(
        Cart,
        post_api_v1_cart_add.sync(client=client, body=CartAdd(product_id=product.id, quantity=2)),
    )
    assert Decimal(cart.total) == 2 * Decimal(product.price), cart
    address = ShippingAddress(
        first_name="Ada",
        last_name="Lovelace",
        line1="12 St James's Square",
        city="London",
        postal_code="SW1Y 4JH",
        country=ShippingAddressCountry.GB,
    )
    key = str(uuid.uuid4())
    checkout = Checkout(shipping_address=address)
    order = expect(
        Order, post_api_v1_orders.sync(client=client, body=checkout, idempotency_key=key)
    )
    replay = expect(
        Order, post_api_v1_orders.sync(client=client, body=checkout, idempotency_key=key)
    )
    assert replay.id == order.id and order.status == OrderStatus.PENDING, (order, replay)
    return order


def main(base_url: str) -> None:
    user, client = sign_up(base_url)
    product = choose_lamp(client)
    order = buy(client, product)
    orders = expect(OrderPage, get_api_v1_orders.sync(client=client))
    assert [o.id for o in orders.results] == [order.id], orders
    detail = expect(Order, get_api_v1_orders_order_id.sync(order.id, client=client))
    assert detail.user == user.id and detail.items[0].product == product.id, detail
    assert detail.shipping_address.city == "London", detail
    body = ReviewCreate(product=product.id, rating=5, comment="Bright and steady.")
    review = expect(Review, post_api_v1_reviews.sync(client=client, body=body))
    assert review.user == user.id and not review.verified_purchase, review


if __name__ == "__main__":
    main(sys.argv[1])
