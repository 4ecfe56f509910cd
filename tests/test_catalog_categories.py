"""Categories: a tree of any depth, with breadcrumbs, guarded moves and deletes."""

import pytest

from ecom.catalog import categories
from ecom.common.errors import Conflict
from tests.factories import make_category, make_product

CATEGORIES = "/api/v1/categories/"


def detail(category_id: int) -> str:
    return f"{CATEGORIES}{category_id}/"


def test_slugs_are_generated_and_collision_safe():
    first = make_category("Phones & Tablets")
    second = make_category("Phones Tablets")
    assert first.slug == "phones-tablets"
    assert second.slug == "phones-tablets-2"


def test_staff_creates_a_category_under_a_parent(client, staff, auth_headers):
    parent = make_category("Electronics")
    response = client.post(
        CATEGORIES,
        json={"name": "Phones", "description": "Smart ones", "parent": parent.id},
        headers=auth_headers(staff),
    )
    assert response.status_code == 201
    body = response.json
    assert body["slug"] == "phones" and body["parent"] == parent.id
    assert [crumb["slug"] for crumb in body["path"]] == ["electronics", "phones"]


@pytest.mark.parametrize("name", ["", "  ", "\t\n"])
def test_an_empty_or_whitespace_name_is_a_400(client, staff, auth_headers, name):
    response = client.post(CATEGORIES, json={"name": name}, headers=auth_headers(staff))
    assert response.status_code == 400
    assert "name" in response.json["errors"]["json"]


def test_duplicate_name_is_a_conflict_naming_the_field(client, staff, auth_headers):
    make_category("Books")
    response = client.post(CATEGORIES, json={"name": "Books"}, headers=auth_headers(staff))
    assert response.status_code == 409
    assert "name" in response.json["errors"]["json"]


def test_unknown_parent_is_a_404_naming_the_field(client, staff, auth_headers):
    response = client.post(
        CATEGORIES, json={"name": "Orphan", "parent": 999}, headers=auth_headers(staff)
    )
    assert response.status_code == 404
    assert "parent" in response.json["errors"]["json"]


def test_detail_shows_children_and_breadcrumbs_from_the_root(client):
    root = make_category("Electronics")
    phones = make_category("Phones", parent=root)
    make_category("Android", parent=phones)
    make_category("Apple", parent=phones)
    body = client.get(detail(phones.id)).json
    assert [child["name"] for child in body["children"]] == ["Android", "Apple"]
    assert [crumb["name"] for crumb in body["path"]] == ["Electronics", "Phones"]


def test_tree_nests_every_level(client):
    root = make_category("Electronics")
    phones = make_category("Phones", parent=root)
    make_category("Apple", parent=phones)
    make_category("Books")
    tree = client.get(f"{CATEGORIES}tree/").json
    assert [node["name"] for node in tree] == ["Books", "Electronics"]
    assert tree[1]["children"][0]["name"] == "Phones"
    assert tree[1]["children"][0]["children"][0]["name"] == "Apple"
    assert tree[0]["children"] == []


def test_list_filters_by_parent_or_root(client):
    root = make_category("Electronics")
    make_category("Phones", parent=root)
    make_category("Laptops", parent=root)
    make_category("Books")
    by_parent = client.get(f"{CATEGORIES}?parent={root.id}").json
    assert [c["name"] for c in by_parent["results"]] == ["Laptops", "Phones"]
    roots = client.get(f"{CATEGORIES}?parent=root").json
    assert [c["name"] for c in roots["results"]] == ["Books", "Electronics"]
    assert client.get(f"{CATEGORIES}?parent=nope").status_code == 400


def test_moving_a_category_under_its_own_descendant_is_refused():
    root = make_category("Electronics")
    child = make_category("Phones", parent=root)
    grandchild = make_category("Apple", parent=child)
    for new_parent in (grandchild, child, root):
        with pytest.raises(Conflict) as refused:
            categories.update_category(root.id, {"parent_id": new_parent.id})
        assert "parent" in refused.value.errors
    assert root.parent_id is None


def test_moving_under_a_descendant_answers_409(client, staff, auth_headers):
    root = make_category("Electronics")
    child = make_category("Phones", parent=root)
    response = client.patch(detail(root.id), json={"parent": child.id}, headers=auth_headers(staff))
    assert response.status_code == 409
    assert response.json["code"] == "category_cycle", response.json


def test_a_category_moves_to_another_branch(client, staff, auth_headers):
    phones = make_category("Phones", parent=make_category("Electronics"))
    gadgets = make_category("Gadgets")
    response = client.patch(
        detail(phones.id), json={"parent": gadgets.id}, headers=auth_headers(staff)
    )
    assert response.status_code == 200
    assert [crumb["name"] for crumb in response.json["path"]] == ["Gadgets", "Phones"]


def test_a_category_with_products_or_children_cannot_be_deleted():
    with_product = make_category("Phones")
    make_product(with_product, is_active=False)
    with_child = make_category("Electronics")
    make_category("Laptops", parent=with_child)
    for category in (with_product, with_child):
        with pytest.raises(Conflict):
            categories.delete_category(category.id)


def test_deleting_a_non_empty_category_answers_409_and_keeps_it(client, staff, auth_headers):
    category = make_category("Phones")
    make_product(category)
    response = client.delete(detail(category.id), headers=auth_headers(staff))
    assert response.status_code == 409
    assert "1 product" in response.json["message"]
    assert client.get(detail(category.id)).status_code == 200


def test_an_empty_category_is_deleted(client, staff, auth_headers):
    category = make_category("Temporary")
    assert client.delete(detail(category.id), headers=auth_headers(staff)).status_code == 204
    assert client.get(detail(category.id)).status_code == 404


def test_customers_cannot_write_categories(client, customer, auth_headers):
    category = make_category("Books")
    headers = auth_headers(customer)
    assert client.post(CATEGORIES, json={"name": "X"}, headers=headers).status_code == 403
    assert client.put(detail(category.id), json={"name": "X"}, headers=headers).status_code == 403
    assert client.patch(detail(category.id), json={"name": "X"}, headers=headers).status_code == 403
    assert client.delete(detail(category.id), headers=headers).status_code == 403
    assert client.post(CATEGORIES, json={"name": "X"}).status_code == 401
