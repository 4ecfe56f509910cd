"""Liveness and readiness probes, and the health summary the API documents."""

import logging

import marshmallow as ma
import redis
from flask.views import MethodView
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ecom.common.api import Blueprint
from ecom.common.redis import get_redis
from ecom.common.schemas import ResponseSchema
from ecom.extensions import db

logger = logging.getLogger(__name__)

blp = Blueprint("health", __name__, description="Health checks for load balancers and humans.")


class HealthSchema(ResponseSchema):
    status = ma.fields.String(metadata={"enum": ["healthy", "unhealthy"]})
    service = ma.fields.String()
    checks = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={"example": {"database": "ok", "cache": "ok"}},
    )


def database_status() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except SQLAlchemyError:
        db.session.rollback()
        logger.exception("Health check: database unreachable.")
        return "error"


def cache_status() -> str:
    client = get_redis()
    if client is None:
        return "disabled"
    try:
        client.ping()
        return "ok"
    except redis.RedisError:
        return "degraded"


def health_report() -> tuple[dict, int]:
    checks = {"database": database_status(), "cache": cache_status()}
    healthy = checks["database"] == "ok"
    body = {
        "status": "healthy" if healthy else "unhealthy",
        "service": "ecom-api",
        "checks": checks,
    }
    return body, 200 if healthy else 503


class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="The database does not answer.")
    def get(self):
        """Service health: 200 while the database answers (a down cache only degrades)."""
        return health_report()


class Live(MethodView):
    @blp.response(200, HealthSchema)
    def get(self):
        """Liveness: the process serves requests."""
        return {"status": "healthy", "service": "ecom-api", "checks": {}}


class Ready(Health):
    """Readiness: same checks as the health summary."""


blp.add_url_rule("/health/", "health", Health)
blp.add_url_rule("/api/v1/health/", "api_health", Health)
blp.add_url_rule("/health/live/", "live", Live)
blp.add_url_rule("/health/ready/", "ready", Ready)
