"""A product's options and variants through the API: a clothing shop's T-shirt in three
sizes and two colours, its detail, who sees what, the rules of variants and options, and the
product list's filters over variants."""

from decimal import Decimal

import pytest

from ecom.cart import services as cart
from ecom.catalog import options, variants
from ecom.common.errors import ValidationFailed
from ecom.extensions import db
from tests.factories import make_address, make_category, make_product, statements, token_headers

PRODUCTS = "/api/v1/products/"
SIZES = ("S", "M", "L")
COLOURS = ("Red", "Blue")
# (size, colour) → (price, stock)
TEE = {
    ("S", "Red"): ("19.00", 4),
    ("M", "Red"): ("19.00", 0),
    ("L", "Red"): ("21.00", 2),
    ("S", "Blue"): ("19.00", 0),
    ("M", "Blue"): ("20.00", 7),
    ("L", "Blue"): ("24.00", 1),
}


def url(product_id: int, *parts: object) -> str:
    return PRODUCTS + f"{product_id}/" + "".join(f"{part}/" for part in parts)


@pytest.fixture
def staff_headers(staff):
    return token_headers(staff)


def build_tee(client, headers, category, title: str = "Tee") -> dict:
    """A T-shirt built as a shop would: the product, its options, then six variants (the
    default variant, which took the product's price, becomes S/Red)."""
    created = client.post(
        PRODUCTS,
        json={"title": title, "price": "19.00", "category": category.id, "sku": f"{title}-S-RED"},
        headers=headers,
    )
    assert created.status_code == 201, created.json
    product_id = created.json["id"]
    for name, values in (("Size", SIZES), ("Colour", COLOURS)):
        option = client.post(
            url(product_id, "options"), json={"name": name, "values": list(values)}, headers=headers
        )
        assert option.status_code == 201, option.json
    [default] = client.get(url(product_id, "variants"), headers=headers).json
    assert default["options"] == {"Size": "S", "Colour": "Red"}
    price, stock = TEE[("S", "Red")]
    client.patch(
        url(product_id, "variants", default["id"]),
        json={"price": price, "stock_quantity": stock},
        headers=headers,
    )
    for (size, colour), (price, stock) in TEE.items():
        if (size, colour) == ("S", "Red"):
            continue
        made = client.post(
            url(product_id, "variants"),
            json={
                "sku": f"{title}-{size}-{colour}".upper(),
                "price": price,
                "stock_quantity": stock,
                "weight_grams": 180,
                "options": {"size": size, "COLOUR": colour},
            },
            headers=headers,
        )
        assert made.status_code == 201, made.json
    return client.get(url(product_id), headers=headers).json


@pytest.fixture
def tee(client, staff_headers):
    return build_tee(client, staff_headers, make_category("Clothing"))


def variant_named(product: dict, label: str) -> dict:
    return next(v for v in product["variants"] if v["label"] == label)


# --- the product's detail -------------------------------------------------------------------


def test_a_clothing_product_built_through_the_api_answers_its_options_and_variants(client, tee):
    detail = client.get(url(tee["id"])).json

    assert [(o["name"], [v["value"] for v in o["values"]]) for o in detail["options"]] == [
        ("Size", ["S", "M", "L"]),
        ("Colour", ["Red", "Blue"]),
    ]
    assert len(detail["variants"]) == 6
    assert (detail["price"], detail["price_min"], detail["price_max"]) == (
        "19.00",
        "19.00",
        "24.00",
    )
    assert detail["stock_quantity"] == 14 and detail["in_stock"] is True
    medium_blue = variant_named(detail, "M / Blue")
    assert medium_blue["sku"] == "TEE-M-BLUE"
    assert (medium_blue["price"], medium_blue["stock_quantity"]) == ("20.00", 7)
    assert medium_blue["options"] == {"Size": "M", "Colour": "Blue"}
    assert medium_blue["weight_grams"] == 180 and medium_blue["image"] is None
    assert variant_named(detail, "M / Red")["in_stock"] is False
    by_slug = client.get(f"{PRODUCTS}slug/{detail['slug']}/").json
    assert by_slug["variants"] == detail["variants"]


def test_the_product_list_answers_price_ranges_but_no_variants(client, tee):
    [listed] = client.get(PRODUCTS).json["results"]

    assert (listed["price_min"], listed["price_max"]) == ("19.00", "24.00")
    assert "variants" not in listed and "options" not in listed


def test_customers_see_active_variants_and_staff_see_all(client, tee, staff_headers, customer):
    hidden = variant_named(tee, "L / Blue")
    deactivated = client.patch(
        url(tee["id"], "variants", hidden["id"]), json={"is_active": False}, headers=staff_headers
    )
    assert deactivated.status_code == 200 and deactivated.json["in_stock"] is False

    for headers in ({}, token_headers(customer)):
        shown = client.get(url(tee["id"]), headers=headers).json
        assert hidden["id"] not in [v["id"] for v in shown["variants"]]
        # The summary follows: the dearest active variant is 21.00, L / Blue's unit is off sale.
        assert (shown["price_max"], shown["stock_quantity"]) == ("21.00", 13)
        listed = client.get(url(tee["id"], "variants"), headers=headers).json
        assert len(listed) == 5
        one = client.get(url(tee["id"], "variants", hidden["id"]), headers=headers)
        assert one.status_code == 404
    assert len(client.get(url(tee["id"]), headers=staff_headers).json["variants"]) == 6
    assert (
        client.get(url(tee["id"], "variants", hidden["id"]), headers=staff_headers).json[
            "is_active"
        ]
        is False
    )


def test_an_inactive_products_variants_and_options_are_hidden_from_customers(
    client, tee, staff_headers
):
    client.patch(url(tee["id"]), json={"is_active": False}, headers=staff_headers)

    for path in (url(tee["id"], "variants"), url(tee["id"], "options")):
        assert client.get(path).status_code == 404
        assert client.get(path, headers=staff_headers).status_code == 200


def test_the_detail_costs_the_same_statements_with_one_or_six_variants(client, tee):
    simple = make_product()
    with statements() as one:
        assert client.get(url(simple.id)).status_code == 200
    with statements() as six:
        assert client.get(url(tee["id"])).status_code == 200

    assert len(one) == len(six) == 5  # product, options, values, variants, their values


# --- variant rules ---------------------------------------------------------------------------


def test_a_taken_sku_is_a_409_for_variants_and_products(client, tee, staff_headers):
    taken = {"sku": "TEE-M-BLUE", "price": "5.00", "options": {"Size": "XL", "Colour": "Red"}}
    refused = client.post(url(tee["id"], "variants"), json=taken, headers=staff_headers)
    assert refused.status_code == 409 and refused.json["code"] == "sku_unavailable"

    product = client.post(
        PRODUCTS,
        json={"title": "Cap", "price": "9.00", "category": tee["category"], "sku": "TEE-M-BLUE"},
        headers=staff_headers,
    )
    assert product.status_code == 409 and product.json["code"] == "sku_unavailable"
    assert (
        client.get(url(tee["id"]), headers=staff_headers).json["options"][0]["values"][-1]["value"]
        == "L"
    )  # the refused variant's new size was not kept


def test_a_second_variant_with_the_same_values_is_a_409(client, tee, staff_headers):
    same = {"sku": "OTHER", "price": "5.00", "options": {"Size": "m", "Colour": "blue"}}
    refused = client.post(url(tee["id"], "variants"), json=same, headers=staff_headers)
    assert refused.status_code == 409 and refused.json["code"] == "variant_exists"

    small_red = variant_named(tee, "S / Red")
    moved = client.patch(
        url(tee["id"], "variants", small_red["id"]),
        json={"options": {"Size": "M", "Colour": "Blue"}},
        headers=staff_headers,
    )
    assert moved.status_code == 409 and moved.json["code"] == "variant_exists"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"price": "5.00", "options": {"Size": "XS", "Colour": "Red"}}, "sku"),
        ({"sku": "-BAD", "price": "5.00"}, "sku"),
        ({"sku": "A B", "price": "5.00"}, "sku"),
        ({"sku": "X" * 65, "price": "5.00"}, "sku"),
        ({"sku": "OK", "price": "0"}, "price"),
        ({"sku": "OK", "price": "5.00", "weight_grams": -1}, "weight_grams"),
        ({"sku": "OK", "price": "5.00", "stock_quantity": -1}, "stock_quantity"),
        ({"sku": "OK", "price": "5.00", "options": {"Size": " "}}, "options"),
    ],
)
def test_a_bad_variant_is_a_400_naming_its_field(client, tee, staff_headers, body, field):
    response = client.post(url(tee["id"], "variants"), json=body, headers=staff_headers)

    assert response.status_code == 400, response.json
    errors = response.json["errors"]
    assert field in errors.get("json", errors)


@pytest.mark.parametrize(
    "named",
    [{"Size": "XS"}, {"Size": "XS", "Colour": "Red", "Fit": "Slim"}, {}, {"": "XS", " ": "Red"}],
)
def test_options_other_than_the_products_are_a_409(client, tee, staff_headers, named):
    body = {"sku": "OK", "price": "5.00", "options": named}
    response = client.post(url(tee["id"], "variants"), json=body, headers=staff_headers)

    assert response.status_code == 409 and response.json["code"] == "options_mismatch"
    assert "Size, Colour" in response.json["errors"]["json"]["options"][0]


def test_a_products_price_and_stock_go_to_its_only_variant_or_need_one(client, tee, staff_headers):
    simple = client.post(
        PRODUCTS,
        json={"title": "Mug", "price": "8.00", "category": tee["category"], "sku": "MUG-1"},
        headers=staff_headers,
    ).json
    patched = client.patch(
        url(simple["id"]), json={"price": "9.50", "stock_quantity": 3}, headers=staff_headers
    )
    assert (patched.json["price"], patched.json["stock_quantity"]) == ("9.50", 3)
    [mug] = client.get(url(simple["id"], "variants")).json
    assert (mug["sku"], mug["price"], mug["stock_quantity"], mug["label"]) == (
        "MUG-1",
        "9.50",
        3,
        "",
    )

    refused = client.patch(url(tee["id"]), json={"stock_quantity": 3}, headers=staff_headers)
    assert refused.status_code == 400 and refused.json["code"] == "variant_required"
    assert client.get(url(tee["id"])).json["stock_quantity"] == 14


def test_the_last_variant_cannot_be_deleted(client, staff_headers):
    product = make_product()
    variant_id = product.variants[0].id

    response = client.delete(url(product.id, "variants", variant_id), headers=staff_headers)

    assert response.status_code == 409 and response.json["code"] == "last_variant"


def test_a_variant_in_orders_cannot_be_deleted_but_one_in_carts_can(
    client, tee, staff_headers, customer
):
    ordered, carted = variant_named(tee, "M / Blue"), variant_named(tee, "S / Red")
    make_address(customer)
    cart.add_item(customer, variant_id=ordered["id"])
    client.post("/api/v1/orders/", json={}, headers=token_headers(customer))
    cart.add_item(customer, variant_id=carted["id"])

    refused = client.delete(url(tee["id"], "variants", ordered["id"]), headers=staff_headers)
    assert refused.status_code == 409 and refused.json["code"] == "variant_in_use"
    deleted = client.delete(url(tee["id"], "variants", carted["id"]), headers=staff_headers)
    assert deleted.status_code == 204
    assert cart.get_cart(customer).items == []
    assert client.get(url(tee["id"])).json["stock_quantity"] == 14 - 1 - 4


def test_a_variant_of_another_product_is_not_found(client, tee, staff_headers):
    other = make_product()
    stranger = variant_named(tee, "M / Blue")["id"]

    assert client.get(url(other.id, "variants", stranger)).status_code == 404
    patched = client.patch(
        url(other.id, "variants", stranger), json={"stock_quantity": 1}, headers=staff_headers
    )
    assert patched.status_code == 404


def test_put_replaces_a_variant_and_keeps_its_values_without_options(client, tee, staff_headers):
    large_red = variant_named(tee, "L / Red")

    replaced = client.put(
        url(tee["id"], "variants", large_red["id"]),
        json={"sku": "TEE-L-RED-2", "price": "30.00"},
        headers=staff_headers,
    ).json

    assert (replaced["sku"], replaced["price"], replaced["stock_quantity"]) == (
        "TEE-L-RED-2",
        "30.00",
        0,
    )
    assert replaced["label"] == "L / Red" and replaced["weight_grams"] is None
    assert client.get(url(tee["id"])).json["price_max"] == "30.00"


# --- option rules ----------------------------------------------------------------------------


def test_an_option_added_later_gives_every_variant_its_first_value(client, tee, staff_headers):
    added = client.post(
        url(tee["id"], "options"),
        json={"name": "Fit", "values": ["Regular", "Slim"]},
        headers=staff_headers,
    )

    assert added.status_code == 201
    shown = client.get(url(tee["id"])).json
    assert {v["options"]["Fit"] for v in shown["variants"]} == {"Regular"}
    assert variant_named(shown, "M / Blue / Regular")["sku"] == "TEE-M-BLUE"


def test_an_option_name_is_unique_in_any_case(client, tee, staff_headers):
    response = client.post(
        url(tee["id"], "options"), json={"name": "size", "values": ["XL"]}, headers=staff_headers
    )
    assert response.status_code == 409 and response.json["code"] == "option_exists"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Fit", "values": []},
        {"name": "", "values": ["A"]},
        {"name": "Fit"},
        {"name": "Fit", "values": ["A", "a"]},
        {"name": "Fit", "values": ["x" * 51]},
    ],
)
def test_a_bad_option_is_a_400(client, tee, staff_headers, body):
    response = client.post(url(tee["id"], "options"), json=body, headers=staff_headers)
    assert response.status_code == 400, response.json


def test_an_option_is_renamed_and_its_values_replaced_but_used_values_stay(
    client, tee, staff_headers
):
    size = tee["options"][0]
    renamed = client.patch(
        url(tee["id"], "options", size["id"]),
        json={"name": "Taille", "values": ["L", "M", "S", "XL"]},
        headers=staff_headers,
    )
    assert renamed.status_code == 200, renamed.json
    assert [v["value"] for v in renamed.json["values"]] == ["L", "M", "S", "XL"]
    assert variant_named(client.get(url(tee["id"])).json, "M / Blue")["options"] == {
        "Taille": "M",
        "Colour": "Blue",
    }

    dropped = client.patch(
        url(tee["id"], "options", size["id"]), json={"values": ["L", "M"]}, headers=staff_headers
    )
    assert dropped.status_code == 409 and dropped.json["code"] == "option_in_use"
    unused = client.patch(
        url(tee["id"], "options", size["id"]),
        json={"values": ["S", "m", "L"]},
        headers=staff_headers,
    )
    assert [v["value"] for v in unused.json["values"]] == ["S", "m", "L"]
    assert variant_named(client.get(url(tee["id"])).json, "m / Blue")["sku"] == "TEE-M-BLUE"


def test_an_option_whose_removal_makes_variants_alike_stays(client, tee, staff_headers):
    colour = tee["options"][1]

    refused = client.delete(url(tee["id"], "options", colour["id"]), headers=staff_headers)

    assert refused.status_code == 409 and refused.json["code"] == "option_in_use"
    assert len(client.get(url(tee["id"])).json["options"]) == 2


def test_an_option_is_removed_once_its_variants_differ_without_it(client, tee, staff_headers):
    colour = tee["options"][1]
    for variant in tee["variants"]:
        if variant["options"]["Colour"] == "Blue":
            client.delete(url(tee["id"], "variants", variant["id"]), headers=staff_headers)

    removed = client.delete(url(tee["id"], "options", colour["id"]), headers=staff_headers)

    assert removed.status_code == 204
    shown = client.get(url(tee["id"])).json
    assert [o["name"] for o in shown["options"]] == ["Size"]
    assert sorted(v["label"] for v in shown["variants"]) == ["L", "M", "S"]
    # The freed combination can be sold again.
    again = client.post(
        url(tee["id"], "variants"),
        json={"sku": "TEE-XL", "price": "22.00", "options": {"Size": "XL"}},
        headers=staff_headers,
    )
    assert again.status_code == 201 and again.json["label"] == "XL"


def test_every_write_is_seen_at_once_by_cached_reads(client, tee, staff_headers):
    medium_blue = variant_named(tee, "M / Blue")
    assert client.get(url(tee["id"])).json["price_max"] == "24.00"  # now cached

    client.patch(
        url(tee["id"], "variants", medium_blue["id"]),
        json={"price": "40.00"},
        headers=staff_headers,
    )
    assert client.get(url(tee["id"])).json["price_max"] == "40.00"
    client.patch(
        url(tee["id"], "options", tee["options"][1]["id"]),
        json={"name": "Color"},
        headers=staff_headers,
    )
    assert client.get(url(tee["id"], "options")).json[1]["name"] == "Color"


# --- the list's filters over variants --------------------------------------------------------


@pytest.fixture
def shelf(client, staff_headers, tee):
    """The tee (19-24, sizes S/M/L × Red/Blue) beside a mug at 8.00 and a poster at 30.00."""
    category = make_category("Homeware")
    mug = make_product(category, title="Mug", price="8.00", stock=5)
    poster = make_product(category, title="Poster", price="30.00", stock=0)
    variants.update_variant(mug.id, mug.variants[0].id, {"sku": "MUG-9"})
    return {"tee": tee["id"], "mug": mug.id, "poster": poster.id}


def found(client, query: str) -> set[str]:
    response = client.get(PRODUCTS + query)
    assert response.status_code == 200, response.json
    return {p["title"] for p in response.json["results"]}


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("?price_min=22", {"Tee", "Poster"}),  # the tee's dearest variant is 24
        ("?price_max=19", {"Tee", "Mug"}),  # its cheapest is 19
        ("?price_min=21.50&price_max=23", set()),  # no variant between 21.50 and 23
        ("?price_min=20.50&price_max=23", {"Tee"}),  # L / Red at 21
        ("?price_min=24&price_max=24", {"Tee"}),
        ("?in_stock=false", {"Poster"}),
        ("?option=size:m", {"Tee"}),
        ("?option=SIZE:l&option=colour:BLUE", {"Tee"}),
        ("?option=size:xl", set()),
        ("?option=colour:red&option=colour:blue", set()),  # no variant is both
        ("?search=MUG-9", {"Mug"}),
        ("?search=TEE-M-BLUE", {"Tee"}),
        ("?search=mug", {"Mug"}),
    ],
)
def test_the_list_filters_over_active_variants(client, shelf, query, titles):
    assert found(client, query) == titles


def test_a_filter_ignores_inactive_variants(client, shelf, tee, staff_headers):
    large_blue = variant_named(tee, "L / Blue")
    client.patch(
        url(tee["id"], "variants", large_blue["id"]),
        json={"is_active": False},
        headers=staff_headers,
    )

    assert found(client, "?option=size:l&option=colour:blue") == set()
    assert found(client, "?price_min=22") == {"Poster"}
    assert found(client, "?option=size:l") == {"Tee"}


def test_an_option_in_stock_filter_combines_with_the_others(client, shelf, tee, staff_headers):
    for variant in tee["variants"]:
        client.patch(
            url(tee["id"], "variants", variant["id"]),
            json={"stock_quantity": 0},
            headers=staff_headers,
        )

    assert found(client, "?in_stock=true") == {"Mug"}
    assert found(client, "?in_stock=false&option=size:m") == {"Tee"}


@pytest.mark.parametrize("option", ["size", "size:", ":m", " :m", "size: ", "s" * 51 + ":m"])
def test_a_malformed_option_filter_is_a_400(client, option):
    response = client.get(PRODUCTS, query_string={"option": option})

    assert response.status_code == 400
    assert "option" in response.json["errors"]["query"]


def test_an_option_filter_has_its_own_remembered_count(client, shelf, app, monkeypatch):
    monkeypatch.setitem(app.config, "CATALOG_COUNT_CACHE_MIN", 0)

    assert client.get(f"{PRODUCTS}?option=size:m").json["count"] == 1
    assert client.get(f"{PRODUCTS}?option=size:xl").json["count"] == 0


@pytest.mark.parametrize("per_product", [1, 12])
def test_a_list_page_costs_two_statements_whatever_the_variants(client, per_product):
    category = make_category()
    for n in range(4):
        product = make_product(category, title=f"Thing {n}")
        options.create_option(product.id, {"name": "Colour", "values": ["c0"]})
        for k in range(1, per_product):
            variants.create_variant(
                product.id,
                {"sku": f"T{n}-{k}", "price": Decimal("5"), "options": {"Colour": f"c{k}"}},
            )
        assert len(product.variants) == per_product
    filtered = "&price_min=1&price_max=9&option=colour:red&search=thing"
    # On PostgreSQL a search asks the planner's estimate first.
    estimate = 1 if db.engine.dialect.name == "postgresql" else 0

    for query, before in (("?ordering=price", 0), ("?ordering=price" + filtered, estimate)):
        with statements() as seen:
            response = client.get(PRODUCTS + query)
        assert response.status_code == 200
        assert len(seen) == before + 2  # the count, the page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"price": Decimal("0")}, "price"),
        ({"stock_quantity": -1}, "stock_quantity"),
        ({"weight_grams": -5}, "weight_grams"),
    ],
)
def test_the_variant_rules_refuse_what_the_database_checks_refuse(changes, field):
    product = make_product(stock=3)
    with pytest.raises(ValidationFailed) as refused:
        variants.update_variant(product.id, product.variants[0].id, changes)
    assert list(refused.value.errors) == [field]
    assert product.variants[0].stock_quantity == 3
