"""ecom: an e-commerce backend on Flask."""

import hashlib
import os

from flask import Flask, Response, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from config import Config, config_from_env
from ecom import health, landing, models  # noqa: F401  (registers every table)
from ecom.accounts import integration_tokens
from ecom.accounts import listeners as accounts_listeners
from ecom.accounts.pages import blp as account_pages_blp
from ecom.accounts.routes import blp as accounts_blp
from ecom.accounts.staff_routes import blp as staff_blp
from ecom.accounts.tokens import register_jwt_callbacks
from ecom.admin import register_admin
from ecom.audit.routes import blp as audit_blp
from ecom.cart.routes import blp as cart_blp
from ecom.catalog import listeners as catalog_listeners
from ecom.catalog.routes import blp as catalog_blp
from ecom.cli import register_commands
from ecom.common import audit_capture, events
from ecom.common.api import document_conventions
from ecom.common.cache_hits import register_cached_hits
from ecom.common.errors import register_error_handlers
from ecom.common.i18n import (
    language_converter,
    negotiated_language,
    register_i18n,
    register_template_filters,
)
from ecom.common.ids import IdConverter
from ecom.common.jobs import init_jobs
from ecom.common.metrics import meter_pools, register_metrics
from ecom.common.ratelimit import limiter
from ecom.common.redis import create_client, socket_options
from ecom.common.replica import register_read_replica
from ecom.common.security import register_security
from ecom.common.sessions import LazyCookieSessions
from ecom.common.storage import register_media_route
from ecom.extensions import api, babel, cache, compress, csrf, db, jwt, mail, migrate
from ecom.fulfilment import listeners as fulfilment_listeners
from ecom.fulfilment.routes import blp as fulfilment_blp
from ecom.integrations.bulk import listeners as bulk_listeners
from ecom.integrations.bulk.routes import blp as bulk_blp
from ecom.integrations.webhooks import listeners as webhooks_listeners
from ecom.integrations.webhooks.routes import blp as webhooks_blp
from ecom.invoices import listeners as invoices_listeners
from ecom.invoices.routes import blp as invoices_blp
from ecom.logging import configure_logging
from ecom.orders import listeners as orders_listeners
from ecom.orders.routes import blp as orders_blp
from ecom.payments import listeners as payments_listeners
from ecom.payments.providers import check_settings as check_payment_settings
from ecom.payments.routes import blp as payments_blp
from ecom.pricing import listeners as pricing_listeners
from ecom.promotions.routes import promotions_blp, vouchers_blp
from ecom.realtime import listeners as realtime_listeners
from ecom.realtime.server import register_realtime
from ecom.returns import listeners as returns_listeners
from ecom.returns.routes import blp as returns_blp
from ecom.reviews import listeners as reviews_listeners
from ecom.reviews.routes import blp as reviews_blp
from ecom.shipping.routes import blp as shipping_blp
from ecom.tax.providers import check_settings as check_tax_settings
from ecom.tax.routes import blp as tax_blp

# Each domain's listeners of domain events and its outbox handlers, in this order.
DOMAIN_LISTENERS = (
    accounts_listeners,
    catalog_listeners,
    pricing_listeners,
    reviews_listeners,
    orders_listeners,
    payments_listeners,
    realtime_listeners,
    invoices_listeners,
    returns_listeners,
    fulfilment_listeners,
    webhooks_listeners,
    bulk_listeners,
)


def create_app(config: Config | None = None) -> Flask:
    """Build the application for ``config`` (default: the one ``APP_ENV`` names)."""
    app = Flask(__name__, instance_relative_config=True)
    # /api/v1/products and /api/v1/products/ answer alike, without a redirect.
    app.url_map.strict_slashes = False
    app.url_map.converters["int"] = IdConverter
    app.session_interface = LazyCookieSessions()
    app.config.from_object(config or config_from_env())
    app.url_map.converters["language"] = language_converter(app.config["LANGUAGES"][1:])
    # Before any extension binds: a refused setting leaves the shared extensions untouched.
    check_payment_settings(app.config)
    check_tax_settings(app.config)
    configure_logging(app)
    register_extensions(app)
    register_listeners(app)
    register_metrics(app)
    register_cached_hits(app)
    register_security(app)
    register_i18n(app)
    register_blueprints(app)
    register_read_replica(app, blueprints=(catalog_blp.name, reviews_blp.name))
    register_admin(app)
    register_realtime(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    if app.config["REDIS_URL"]:
        app.extensions["redis"] = create_client(app.config["REDIS_URL"])
        app.config["RATELIMIT_STORAGE_OPTIONS"] = socket_options()
    meter_pools(app.config)
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    babel.init_app(
        app, locale_selector=negotiated_language, default_locale=app.config["LANGUAGES"][0]
    )
    register_template_filters(app)
    jwt.init_app(app)
    register_jwt_callbacks(jwt)
    integration_tokens.register(app)
    cache.init_app(app, config=_cache_config(app))
    if app.config["COMPRESS_RESPONSES"]:
        compress.init_app(app)
    limiter.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    init_jobs(app)
    audit_capture.init_app(app)
    api.init_app(app)
    document_conventions(api, app.config["LANGUAGES"])


def register_listeners(app: Flask) -> None:
    """Who acts on which domain event, and who runs which outbox job (``docs/EVENTS.md``)."""
    listeners = events.init_app(app)
    for domain in DOMAIN_LISTENERS:
        domain.register(listeners, app.extensions["outbox"])


def _cache_config(app: Flask) -> dict:
    if not app.config["CACHE_ENABLED"]:
        return {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    if app.config["REDIS_URL"]:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_HOST": app.extensions["redis"]}
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": _local_cache_dir(app)}


def _local_cache_dir(app: Flask) -> str:
    """Without Redis the cache lives in files (``CACHE_DIR``, by default one directory per
    database), so every process of that database (each worker, ``flask seed``) sees the
    same invalidations."""
    if app.config["CACHE_DIR"]:
        return app.config["CACHE_DIR"]
    database = hashlib.sha256(app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()
    return os.path.join(app.instance_path, "cache", database[:16])


def register_blueprints(app: Flask) -> None:
    blueprints = (
        landing.blp,
        health.blp,
        accounts_blp,
        staff_blp,
        catalog_blp,
        cart_blp,
        orders_blp,
        payments_blp,
        returns_blp,
        reviews_blp,
        shipping_blp,
        promotions_blp,
        vouchers_blp,
        tax_blp,
        audit_blp,
        invoices_blp,
        fulfilment_blp,
        webhooks_blp,
        bulk_blp,
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    app.register_blueprint(account_pages_blp)
    register_media_route(app)
    app.add_url_rule(
        "/api/v1/static/swagger-ui/<path:filename>", "swagger_ui_static", swagger_ui_asset
    )


def swagger_ui_asset(filename: str) -> Response:
    """Swagger UI's files, served from the swagger-ui-bundle package (no CDN)."""
    return send_from_directory(swagger_ui_path, filename)
