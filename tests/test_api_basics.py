"""Errors, pagination, trailing slashes, health and the OpenAPI document."""

import re

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ecom.extensions import db
from tests.factories import make_product, make_user, redis_state


def test_unknown_route_is_json_404(client):
    response = client.get("/api/v1/nope/")
    assert response.status_code == 404
    assert response.json["code"] == "not_found" and response.json["status"] == 404


def test_wrong_method_is_json_405_with_allow(client):
    response = client.delete("/api/v1/auth/jwt/create/")
    assert response.status_code == 405
    assert response.json["status"] == 405
    assert "POST" in response.headers["Allow"]


def test_garbage_json_is_400_json(client):
    response = client.post(
        "/api/v1/auth/jwt/create/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json["code"] == "validation_error"


def test_missing_and_wrong_typed_fields_are_named(client):
    response = client.post("/api/v1/auth/users/", json={"email": "x@example.com", "username": 5})
    assert response.status_code == 400
    errors = response.json["errors"]["json"]
    assert set(errors) == {"username", "password"}


def test_wrong_content_type_is_400_not_500(client):
    response = client.post("/api/v1/auth/jwt/create/", data="email=a", content_type="text/plain")
    assert response.status_code == 400


def test_a_path_without_trailing_slash_answers_directly(client):
    response = client.get("/health")
    assert response.status_code == 200


def test_pagination_links_are_absolute_and_keep_other_parameters(client, admin, auth_headers):
    for _ in range(4):
        make_user()
    headers = auth_headers(admin)
    first = client.get("/api/v1/auth/users/?role=customer&page_size=2", headers=headers).json
    assert first["count"] == 4 and len(first["results"]) == 2
    assert first["previous"] is None
    assert first["next"].startswith("http://localhost/api/v1/auth/users/")
    assert "role=customer" in first["next"] and "page=2" in first["next"]
    second = client.get(first["next"], headers=headers).json
    assert second["next"] is None and "page=1" in second["previous"]
    ids = [u["id"] for u in first["results"] + second["results"]]
    assert len(set(ids)) == 4


def test_out_of_range_page_is_404_json(client, admin, auth_headers):
    response = client.get("/api/v1/auth/users/?page=5", headers=auth_headers(admin))
    assert response.status_code == 404 and response.json["status"] == 404


@pytest.mark.parametrize("query", ["page=0", "page_size=101", "page=abc"])
def test_bad_page_parameters_are_400_naming_them(client, admin, auth_headers, query):
    response = client.get(f"/api/v1/auth/users/?{query}", headers=auth_headers(admin))
    assert response.status_code == 400
    assert query.split("=")[0] in response.json["errors"]["query"]


@pytest.mark.parametrize("path", ["/health/", "/api/v1/health/", "/health/ready/"])
def test_health_reports_the_database(client, app, path):
    response = client.get(path)
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "healthy" and body["service"] == "ecom-api"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == redis_state(app)


def test_health_is_503_when_the_database_fails(client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json["status"] == "unhealthy"
    assert response.json["checks"]["database"] == "error"


def test_liveness_answers_without_checks(client):
    assert client.get("/health/live/").status_code == 200


def test_openapi_document_lists_every_route_with_security(client, app):
    spec = client.get("/api/v1/schema/").json
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    documented = set(spec["paths"])
    for rule in app.url_map.iter_rules():
        if (
            rule.rule.startswith("/api/v1/")
            and "static" not in rule.endpoint
            and not rule.endpoint.startswith("api-docs")
        ):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            assert path in documented, path
    me = spec["paths"]["/api/v1/auth/users/me/"]["get"]
    assert me["security"] == [{"bearerAuth": []}]
    assert "401" in me["responses"]


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_doc_pages_load_their_assets_locally(client, path):
    page = client.get(path).get_data(as_text=True)
    assert "https://" not in page and "http://" not in page
    for asset in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert client.get(asset).status_code == 200, asset


def test_redoc_loads_no_image_from_a_cdn(client):
    bundle = client.get("/static/redoc/redoc.standalone.js").get_data(as_text=True)
    images = re.findall(r'createElement\("img",\{[^}]*src:"([^"]+)"', bundle)
    assert images == ["/static/redoc/logo-mini.svg"]
    assert client.get(images[0]).status_code == 200


def test_no_session_leaks_between_tests(app):
    assert db.session.execute(text("SELECT count(*) FROM users")).scalar() == 0


def test_datetimes_come_back_timezone_aware_in_utc(client):
    response = client.post(
        "/api/v1/auth/users/",
        json={"email": "tz@example.com", "username": "tz", "password": "tz-password-1"},
    )
    assert response.json["created_at"].endswith("+00:00")


def test_an_id_in_other_digits_than_ascii_is_not_found(client):
    product = make_product()
    assert client.get(f"/api/v1/products/{product.id}/").status_code == 200
    wide = str(product.id).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert client.get(f"/api/v1/products/{wide}/").status_code == 404
