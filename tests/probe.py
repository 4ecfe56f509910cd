"""A tiny blueprint the tests mount to exercise shared mechanisms the domains will use."""

import marshmallow as ma
from flask import Blueprint, Flask, jsonify
from flask.views import MethodView
from flask_babel import gettext
from sqlalchemy import select

from config import TestingConfig
from ecom.accounts.models import User
from ecom.common.api import Blueprint as ApiBlueprint
from ecom.common.cache import cached_response
from ecom.common.i18n import current_language
from ecom.common.pagination import PageArgsSchema, page_schema, paginate
from ecom.common.permissions import is_staff
from ecom.common.ratelimit import client_ip
from ecom.common.security import register_security
from ecom.extensions import db

blp = Blueprint("probe", __name__, url_prefix="/probe")


@blp.get("/users/")
@cached_response("users")
def users():
    emails = db.session.scalars(select(User.email).order_by(User.id)).all()
    return jsonify(emails=emails, staff=is_staff())


@blp.get("/language/")
@cached_response("users")
def language():
    """A cached answer written in the request's language."""
    return jsonify(language=current_language(), message=gettext("Not found."))


@blp.get("/missing/")
@cached_response("users")
def missing():
    return jsonify(code="not_found"), 404


class EmailSchema(ma.Schema):
    email = ma.fields.String()


smorest_blp = ApiBlueprint("probe_api", __name__, url_prefix="/probe/api")


@smorest_blp.route("/users/")
class ProbeUsers(MethodView):
    """The shape catalog and review lists take: cache outermost, then the blp decorators."""

    @cached_response("users")
    @smorest_blp.auth(None, optional=True)
    @smorest_blp.arguments(PageArgsSchema, location="query")
    @smorest_blp.response(200, page_schema(EmailSchema))
    def get(self, args):
        return paginate(select(User).order_by(User.id), args)


@blp.get("/boom/")
def boom():
    raise RuntimeError("internal detail: password=hunter2")


def security_app(**settings) -> Flask:
    """A bare app wired by ``register_security`` alone, for settings fixed at start-up."""
    app = Flask(__name__)
    app.config.from_object(TestingConfig({}))
    app.config.update(settings)
    register_security(app)
    app.add_url_rule("/api/v1/whoami/", "whoami", lambda: {"ip": client_ip()})
    app.add_url_rule("/api/v1/echo/", "echo", lambda: {}, methods=["POST"])
    app.add_url_rule("/health/", "health", lambda: {"status": "healthy"})
    return app
