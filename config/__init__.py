"""Configuration classes, read from the environment (12-factor).

``create_app()`` picks one through ``APP_ENV`` (development, testing, production). Every
setting is declared once, typed and documented, in the group of its concern (the modules
of this package); docs/CONFIGURATION.md is generated from those declarations
(``python -m config.reference``).
"""

import os
from collections.abc import Mapping

from config.audit import AuditSettings
from config.cache import CacheSettings
from config.database import REPLICA_BIND, DatabaseSettings, database_url
from config.fields import ConfigError, Group, read_groups
from config.i18n import LanguageSettings
from config.invoices import InvoiceSettings
from config.jobs import JobSettings
from config.mail import MailSettings
from config.metrics import MetricsSettings
from config.payments import PaymentSettings
from config.pricing import PricingSettings
from config.realtime import RealtimeSettings
from config.returns import ReturnSettings
from config.security import DEV_SECRET, MIN_SECRET_LENGTH, SecuritySettings
from config.storage import StorageSettings
from config.testing import TestingSettings
from config.webhooks import WebhookSettings

__all__ = [
    "DEV_SECRET",
    "MIN_SECRET_LENGTH",
    "REPLICA_BIND",
    "Config",
    "ConfigError",
    "DevelopmentConfig",
    "ProductionConfig",
    "TestingConfig",
    "config_from_env",
    "database_url",
]

# In the order they are applied: a later group may read an earlier one's keys.
GROUPS: tuple[type[Group], ...] = (
    SecuritySettings,
    DatabaseSettings,
    LanguageSettings,
    CacheSettings,
    MailSettings,
    JobSettings,
    AuditSettings,
    PaymentSettings,
    PricingSettings,
    RealtimeSettings,
    InvoiceSettings,
    ReturnSettings,
    StorageSettings,
    MetricsSettings,
    WebhookSettings,
)


class Config:
    """Development defaults: SQLite under instance/, in-process cache, no other service."""

    ENV_NAME = "development"
    DEBUG = False
    TESTING = False

    def __init__(self, env: Mapping[str, str] = os.environ) -> None:
        groups = read_groups(GROUPS, self.environment(env))
        for group in groups:
            group.apply(self)
        problems = self.problems({type(group): group for group in groups})
        if problems:
            raise ConfigError(problems)

    def environment(self, env: Mapping[str, str]) -> Mapping[str, str]:
        """The variables the settings are read from."""
        return env

    def problems(self, groups: Mapping[type[Group], Group]) -> dict[str, str]:
        """Settings this environment refuses, by variable, beyond each one's own type."""
        return {}

    @property
    def is_production(self) -> bool:
        return self.ENV_NAME == "production"

    # Fixed settings, the same in every environment.
    JWT_TOKEN_LOCATION = ["headers"]
    JWT_ERROR_MESSAGE_KEY = "message"
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    API_TITLE = "ecom API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "schema/"
    OPENAPI_SWAGGER_UI_PATH = "docs/"
    OPENAPI_SWAGGER_UI_URL = "/api/v1/static/swagger-ui/"
    OPENAPI_REDOC_PATH = "redoc/"
    OPENAPI_REDOC_URL = "/static/redoc/redoc.standalone.js"

    PAGE_SIZE = 20
    # Counts are exact up to this many rows, the planner's estimate above (see docs/API.md).
    EXACT_COUNT_LIMIT = 1_000
    # A search the planner expects to match more than this many rows is not counted.
    COUNTED_ESTIMATE_LIMIT = 10_000

    # The back office's session cookie (Secure in production: see SecuritySettings).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # CSRF is checked on the back office's forms only; the JSON API uses bearer tokens.
    WTF_CSRF_CHECK_DEFAULT = False
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True

    def environment(self, env: Mapping[str, str]) -> Mapping[str, str]:
        (testing,) = read_groups((TestingSettings,), env)
        return testing.environment(dict(env))


class ProductionConfig(Config):
    """Refuses development stand-ins: SQLite, no Redis, default or derived secrets."""

    ENV_NAME = "production"

    def problems(self, groups: Mapping[type[Group], Group]) -> dict[str, str]:
        security = groups[SecuritySettings]
        problems = security.production_problems()
        if self.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
            problems["DATABASE_URL"] = "production needs PostgreSQL, not SQLite"
        if not self.REDIS_URL:
            problems["REDIS_URL"] = (
                "must be set in production: every worker shares its cache, rate limits and "
                "job queue"
            )
        problems.update(groups[PaymentSettings].production_problems(self.SECRET_KEY))
        problems.update(groups[WebhookSettings].production_problems())
        return problems


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env(env: Mapping[str, str] = os.environ) -> Config:
    """The configuration named by ``APP_ENV`` (default: development)."""
    name = env.get("APP_ENV", "development")
    if name not in CONFIGS:
        raise ConfigError({"APP_ENV": f"must be one of {', '.join(CONFIGS)}, not {name!r}"})
    return CONFIGS[name](env)
