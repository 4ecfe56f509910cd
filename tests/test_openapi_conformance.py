"""The API against its own OpenAPI document, both ways, with all of schemathesis's checks.

schemathesis generates valid and invalid requests for every operation of
/api/v1/schema/, anonymously, as a customer and as staff, against a small seeded shop;
half of the time the ids in paths and bodies name seeded objects, and a valid upload is
a real image (JSON Schema cannot say "a PNG"). Every request the document allows must be
accepted or refused with a documented 401/403/404/409; every request it forbids must be
refused (400, or 404 for a path); every response must be a documented non-5xx status
with the documented content type, headers and body. The run is bounded (``MAX_EXAMPLES``
per operation and caller, derandomized, no deadline, no shrinking); the number of
generated cases is printed in the terminal summary.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from PIL import Image
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from schemathesis.transport.serialization import Binary

from ecom.accounts import groups, integration_tokens
from ecom.catalog import options
from ecom.common.models import utcnow
from ecom.promotions import services as promotions
from ecom.promotions import vouchers
from ecom.returns import requests
from ecom.tax import services as tax
from tests.api_map import finished_ping
from tests.bulk import make_bulk_jobs
from tests.factories import (
    deliver,
    fill_cart,
    make_address,
    make_category,
    make_method,
    make_order,
    make_product,
    make_review,
    make_user,
    make_zone,
    token_headers,
)
from tests.fulfilments import make_carrier, paid_order, ship

MAX_EXAMPLES = 15
ROLES = ("anonymous", "customer", "staff")
# Body fields holding ids, and the kind of object they name.
BODY_IDS = {
    "product_id": "product_id",
    "product": "product_id",
    "category": "category_id",
    "parent": "category_id",
    "shipping_address_id": "address_id",
    "zone": "zone_id",
    "shipping_method_id": "method_id",
    "carrier": "carrier_id",
}
TAX_CLASS_FIELDS = ("tax_class", "tax_class_id")

REAL_VAT_NUMBER = "DE136695976"
PRODUCTS_HEADER = b"sku,title,category,price,stock\n"
STOCK_HEADER = b"sku,stock\n"

generated_cases = {"count": 0}


@dataclass
class Shop:
    """Seeded objects, by the name of the path parameter that addresses them."""

    ids: dict[str, list[int]] = field(default_factory=dict)
    slugs: list[str] = field(default_factory=list)
    users: dict[str, object] = field(default_factory=dict)


def png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def shop(app, tmp_path, monkeypatch) -> Shop:
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path))
    customer, staff = make_user("customer"), make_user("staff")
    shoes = make_category("Shoes")
    boots = make_category("Boots", parent=shoes)
    products = [make_product(boots, stock=50), make_product(shoes, stock=50)]
    order = deliver(make_order(customer, (products[0], 2)))
    [line] = order.items
    return_ = requests.request_return(
        customer, order.id, [{"item": line.id, "quantity": 1, "reason": "other"}]
    )
    shipped = paid_order(make_user("customer"), staff, 3)
    # In a zone with a method: checkout needs a method that ships to the address.
    address = make_address(customer, country="DE", postal_code="10115")
    cart_lines = fill_cart(customer, (products[1], 2))
    review = make_review(customer, products[1])
    size = options.create_option(products[1].id, {"name": "Size", "values": ["S", "M"]})
    zones = [make_zone("US"), make_zone("DE")]
    methods = [
        make_method(zones[0]),
        make_method(zones[1], rate="weight", bands=[("0", "1000", "5.00"), ("1000", None, "9")]),
    ]
    promotion = promotions.create_promotion(
        {"name": "Sale", "kind": "percentage", "value": "10", "starts_at": utcnow()}
    )
    voucher = vouchers.create_voucher(
        {"code": "TEN", "kind": "fixed", "value": "10", "starts_at": utcnow()}
    )
    classes = [tax.create_class({"name": "Standard"}), tax.create_class({"name": "Reduced"})]
    zero = tax.create_class({"name": "Zero"})
    rate = tax.create_rate({"country": "DE", "tax_class_id": classes[1].id, "rate": Decimal(7)})
    carrier = make_carrier("Shop Post")
    parcel = ship(shipped, staff, carrier, 1)
    # Generated subscriptions name any host: a delivery to one gives up quickly.
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT_SECONDS", 1)
    subscription, delivery = finished_ping()
    team = groups.create_group(None, {"name": "Team", "permissions": ["manage_orders"]})
    token, _secret = integration_tokens.create_token(None, "ERP", ["manage_orders"])
    bulk_import, bulk_export = make_bulk_jobs()
    return Shop(
        ids={
            "user_id": [customer.id, staff.id],
            "category_id": [shoes.id, boots.id],
            "product_id": [p.id for p in products],
            "variant_id": [v.id for p in products for v in p.variants],
            "option_id": [size.id],
            "value_id": [value.id for value in size.values],
            # A language a translation may be in (the others are documented 400s).
            "language": ["fr"],
            "address_id": [address.id],
            "item_id": [line.id for line in cart_lines],
            "order_id": [order.id, shipped.id],
            "credit_note_id": [1],
            "return_id": [return_.id],
            "carrier_id": [carrier.id],
            "fulfilment_id": [parcel.id],
            "provider": ["dummy"],
            "review_id": [review.id],
            "zone_id": [zone.id for zone in zones],
            "method_id": [method.id for method in methods],
            "promotion_id": [promotion.id],
            "voucher_id": [voucher.id],
            "tax_class_id": [c.id for c in classes],
            "tax_rate_id": [rate.id],
            "subscription_id": [subscription.id],
            "delivery_id": [delivery.id],
            "group_id": [team.id],
            "token_id": [token.id],
            "import_id": [bulk_import.id],
            "export_id": [bulk_export.id],
            # Named in bodies only: no operation deletes it meanwhile.
            "body_tax_class": [zero.id],
        },
        slugs=[p.slug for p in products],
        users={"customer": customer, "staff": staff},
    )


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", app)


# A webhook's signature is an HMAC of its body, which JSON Schema cannot describe: every
# generated request is unsigned, hence refused (400, tests/test_payments_api.py).
SIGNED = {"/api/v1/payments/webhooks/{provider}/"}


def operations(api_schema) -> Iterator:
    for result in api_schema.get_all_operations():
        if result.ok().path not in SIGNED:
            yield result.ok()


def real_path_parameters(operation, shop: Shop) -> st.SearchStrategy[dict]:
    """Path parameters naming seeded objects (a slug for the by-slug route)."""
    names = [p.name for p in operation.path_parameters]
    choices = {
        name: st.sampled_from(shop.slugs if name == "slug" else shop.ids[name]) for name in names
    }
    return st.fixed_dictionaries(choices)


def point_at_real_objects(case, shop: Shop, data: st.DataObject) -> None:
    """Swap valid generated ids in the path and the body for ids of seeded objects. Bodies
    are copied, never changed in place: generated cases may share them."""
    if not case.meta.is_negative_at(ParameterLocation.PATH):
        ids = data.draw(real_path_parameters(case.operation, shop))
        case.path_parameters = {**(case.path_parameters or {}), **ids}
    if isinstance(case.body, dict) and not case.meta.is_negative_at(ParameterLocation.BODY):
        case.body = dict(case.body)
        for field_name, kind in BODY_IDS.items():
            if isinstance(case.body.get(field_name), int):
                case.body[field_name] = data.draw(st.sampled_from(shop.ids[kind]))


def upload_a_real_image(case) -> None:
    """A valid upload's bytes become a PNG, an invalid one's no image (schemathesis may
    generate a real one): the document says "binary", the server "an image"."""
    valid = not case.meta.is_negative_at(ParameterLocation.BODY)
    if isinstance(case.body, dict) and "image" in case.body:
        case.body = {**case.body, "image": png() if valid else b"not an image"}


def upload_a_real_table(case) -> None:
    """A valid import's bytes become a CSV header of its kind, an invalid one's no table:
    the document says "binary", the server "a table with these columns". The generated
    part's bytes change in place, and the case keeps the mode it was generated in (a body
    holding bytes is never judged valid again)."""
    if not (isinstance(case.body, dict) and isinstance(case.body.get("file"), Binary)):
        return
    valid = not case.meta.is_negative_at(ParameterLocation.BODY)
    header = STOCK_HEADER if case.body.get("kind") == "stock" else PRODUCTS_HEADER
    case.body["file"].data = header if valid else b"\xff\xfe not a table"
    case.meta.clear_dirty(ParameterLocation.BODY)


def name_options_without_nul(case) -> None:
    """A valid variant's option names lose their NUL characters: OpenAPI 3.0 cannot
    constrain an object's keys (no `propertyNames`), and no request text may hold one."""
    valid = not case.meta.is_negative_at(ParameterLocation.BODY)
    if valid and isinstance(case.body, dict) and isinstance(case.body.get("options"), dict):
        options = {name.replace("\x00", ""): value for name, value in case.body["options"].items()}
        case.body = {**case.body, "options": options}


def order_what_openapi_cannot_compare(case) -> None:
    """A valid shipping method's ranges come in order (days and weight limits low to high,
    bands one after the other): OpenAPI 3.0 cannot compare two fields, and the server
    refuses disordered ones (400)."""
    valid = not case.meta.is_negative_at(ParameterLocation.BODY)
    if not (valid and isinstance(case.body, dict)):
        return
    body = dict(case.body)
    for low, high in (("min_days", "max_days"), ("min_weight_grams", "max_weight_grams")):
        if isinstance(body.get(low), int) and isinstance(body.get(high), int):
            body[low], body[high] = sorted((body[low], body[high]))
    if isinstance(body.get("bands"), list):
        body["bands"] = [
            {**band, "lower": str(10 * index), "upper": str(10 * index + 10)}
            for index, band in enumerate(body["bands"])
        ]
    case.body = body


def real_tax_classes(case, shop: Shop) -> None:
    """A valid body's tax class ids name a seeded class that no path names (so is never
    deleted): an unknown one is bad input (400), not a missing resource."""
    if case.meta.is_negative_at(ParameterLocation.BODY) or not isinstance(case.body, dict):
        return
    for field_name in TAX_CLASS_FIELDS:
        if isinstance(case.body.get(field_name), int):
            case.body = {**case.body, field_name: shop.ids["body_tax_class"][0]}


def real_vat_numbers(case) -> None:
    """A valid case's VAT number (an address's, or checkout's inline address's) becomes a
    real one: the document states the format, the server also checks each country's rule
    and check digits."""
    if case.meta.is_negative_at(ParameterLocation.BODY) or not isinstance(case.body, dict):
        return
    inline = case.body.get("shipping_address")
    if isinstance(inline, dict) and inline.get("vat_number"):
        case.body = {**case.body, "shipping_address": {**inline, "vat_number": REAL_VAT_NUMBER}}
    if case.body.get("vat_number"):
        case.body = {**case.body, "vat_number": REAL_VAT_NUMBER}


def run_operation(operation, shop: Shop, role: str) -> None:
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @given(case=cases, real=st.booleans(), data=st.data())
    def check(case, real, data):
        if real:
            point_at_real_objects(case, shop, data)
        upload_a_real_image(case)
        name_options_without_nul(case)
        order_what_openapi_cannot_compare(case)
        real_tax_classes(case, shop)
        real_vat_numbers(case)
        upload_a_real_table(case)
        user = shop.users.get(role)
        # A case invalid in its headers keeps them: our token would make it valid.
        invalid_headers = case.meta.is_negative_at(ParameterLocation.HEADER)
        headers = token_headers(user) if user and not invalid_headers else {}
        # The WSGI transport hands over the body as sent: ask for it uncompressed.
        headers["Accept-Encoding"] = "identity"
        generated_cases["count"] += 1
        case.call_and_validate(headers=headers)

    check()


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_documented(api_schema, shop, role):
    failures = []
    for operation in operations(api_schema):
        try:
            run_operation(operation, shop, role)
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001  (collect them all)
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    assert not failures, "\n\n".join(failures)
