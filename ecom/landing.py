"""The front door: ``/`` and ``/api/v1/`` say where the API's documentation, its OpenAPI
schema and the back office are, so a first request finds its way."""

import marshmallow as ma
from flask import current_app
from flask.views import MethodView

from ecom.common.api import Blueprint
from ecom.common.schemas import ResponseSchema

blp = Blueprint("landing", __name__, description="Where to start: the API's documents.")


class LandingSchema(ResponseSchema):
    name = ma.fields.String(metadata={"example": "ecom"})
    api = ma.fields.String(metadata={"description": "the API's root", "example": "/api/v1/"})
    docs = ma.fields.String(metadata={"description": "Swagger UI", "example": "/api/v1/docs/"})
    redoc = ma.fields.String(metadata={"description": "ReDoc", "example": "/api/v1/redoc/"})
    schema = ma.fields.String(
        metadata={"description": "the OpenAPI document", "example": "/api/v1/schema/"}
    )
    back_office = ma.fields.String(
        metadata={"description": "the staff back office", "example": "/admin/"}
    )
    health = ma.fields.String(metadata={"example": "/health/"})


def landing() -> dict[str, str]:
    """The links, as paths on this server."""
    return {
        "name": current_app.config["SHOP_NAME"],
        "api": "/api/v1/",
        "docs": "/api/v1/docs/",
        "redoc": "/api/v1/redoc/",
        "schema": "/api/v1/schema/",
        "back_office": "/admin/",
        "health": "/health/",
    }


class Landing(MethodView):
    @blp.response(200, LandingSchema)
    def get(self) -> dict[str, str]:
        """Where to start: the API documentation, the OpenAPI schema and the back office."""
        return landing()


blp.add_url_rule("/", "root", Landing)
blp.add_url_rule("/api/v1/", "api_root", Landing)
