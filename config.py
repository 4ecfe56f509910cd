"""Configuration classes, read from the environment (12-factor).

``create_app()`` picks one through ``APP_ENV`` (development, testing, production).
"""

import os
from collections.abc import Mapping
from datetime import timedelta

DEV_SECRET = "dev-only-insecure-secret-change-me"
MIN_SECRET_LENGTH = 32
# The Flask-SQLAlchemy bind of the read replica (DATABASE_REPLICA_URL).
REPLICA_BIND = "replica"


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at psycopg2 (SQLAlchemy 2.1 would pick psycopg 3)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url.removeprefix(prefix)
    return url


def pool_options(env: Mapping[str, str], url: str) -> dict:
    """Engine options: pre-ping always; on PostgreSQL, the pool's size and ages (DB_POOL_*)."""
    options: dict = {"pool_pre_ping": _bool(env.get("DB_POOL_PRE_PING"), True)}
    if url.startswith("postgresql"):
        options.update(
            pool_size=int(env.get("DB_POOL_SIZE", "5")),
            max_overflow=int(env.get("DB_POOL_MAX_OVERFLOW", "10")),
            pool_timeout=float(env.get("DB_POOL_TIMEOUT", "30")),
            pool_recycle=int(env.get("DB_POOL_RECYCLE", "1800")),
        )
    return options


class Config:
    """Development defaults: SQLite under instance/, in-process cache, no other service."""

    ENV_NAME = "development"
    DEBUG = False
    TESTING = False

    def __init__(self, env: Mapping[str, str] = os.environ) -> None:
        self.SECRET_KEY = env.get("SECRET_KEY", DEV_SECRET)
        self.JWT_SECRET_KEY = env.get("JWT_SECRET_KEY", self.SECRET_KEY)
        self.configure_database(env, env.get("DATABASE_URL", "sqlite:///ecom.sqlite3"))
        self.REDIS_URL = env.get("REDIS_URL") or None
        self.JWT_ACCESS_TOKEN_EXPIRES = timedelta(
            minutes=int(env.get("ACCESS_TOKEN_LIFETIME", "60"))
        )
        self.JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=int(env.get("REFRESH_TOKEN_LIFETIME", "7")))
        self.CORS_ALLOWED_ORIGINS = [
            origin.strip()
            for origin in env.get("CORS_ALLOWED_ORIGINS", "").split(",")
            if origin.strip()
        ]
        self.LOG_LEVEL = env.get("LOG_LEVEL", "INFO").upper()
        # The app's JSON line per request; gunicorn.conf.py turns it off when Gunicorn's
        # access log (GUNICORN_ACCESS_LOG) writes that line instead.
        self.REQUEST_LOG = _bool(env.get("REQUEST_LOG"), True)
        self.PASSWORD_HASH_PROFILE = env.get("PASSWORD_HASH_PROFILE", "RFC_9106_LOW_MEMORY")
        self.LOW_STOCK_THRESHOLD = int(env.get("LOW_STOCK_THRESHOLD", "5"))
        self.configure_images(env)
        self.configure_platform(env)
        self.configure_mail(env)
        self.configure_jobs(env, env.get("CELERY_BROKER_URL") or self.REDIS_URL)
        self.configure_payments(env)

    def configure_database(self, env: Mapping[str, str], url: str) -> None:
        """The primary, its connection pool, and the optional read replica (``replica`` bind)."""
        self.SQLALCHEMY_DATABASE_URI = database_url(url)
        self.SQLALCHEMY_ENGINE_OPTIONS = pool_options(env, self.SQLALCHEMY_DATABASE_URI)
        self.SQLALCHEMY_BINDS = {}
        if env.get("DATABASE_REPLICA_URL"):
            replica = database_url(env["DATABASE_REPLICA_URL"])
            # Binds get no SQLALCHEMY_ENGINE_OPTIONS: the same pool settings, given again.
            self.SQLALCHEMY_BINDS[REPLICA_BIND] = {
                "url": replica,
                **pool_options(env, replica),
                # Fall back to the primary quickly when the replica does not answer.
                "connect_args": {"connect_timeout": 2},
            }
        # Seconds a writer's reads stay on the primary, and before a failed replica is retried.
        self.REPLICA_STICKY_SECONDS = int(env.get("REPLICA_STICKY_SECONDS", "10"))
        self.REPLICA_RETRY_SECONDS = int(env.get("REPLICA_RETRY_SECONDS", "30"))

    def configure_images(self, env: Mapping[str, str]) -> None:
        """Product images on local disk, or on S3 when ``S3_BUCKET`` is set."""
        self.MAX_IMAGE_BYTES = int(env.get("MAX_IMAGE_BYTES", str(5 * 1024 * 1024)))
        self.MAX_IMAGE_PIXELS = int(env.get("MAX_IMAGE_PIXELS", str(40_000_000)))
        # Local image storage; empty MEDIA_ROOT means instance/media.
        self.MEDIA_ROOT = env.get("MEDIA_ROOT") or None
        self.MEDIA_URL = env.get("MEDIA_URL", "/media/")
        # S3 image storage, used when S3_BUCKET is set; credentials default to boto3's chain.
        self.S3_BUCKET = env.get("S3_BUCKET") or None
        self.S3_REGION = env.get("S3_REGION", "us-east-1")
        self.S3_ENDPOINT_URL = env.get("S3_ENDPOINT_URL") or None
        self.S3_ACCESS_KEY_ID = env.get("S3_ACCESS_KEY_ID") or None
        self.S3_SECRET_ACCESS_KEY = env.get("S3_SECRET_ACCESS_KEY") or None
        self.S3_PRESIGNED_URLS = _bool(env.get("S3_PRESIGNED_URLS"), default=True)
        self.S3_URL_EXPIRES = int(env.get("S3_URL_EXPIRES", "3600"))
        self.S3_PUBLIC_URL = env.get("S3_PUBLIC_URL") or None
        # e.g. public-read, for public URLs on a bucket that still uses ACLs.
        self.S3_OBJECT_ACL = env.get("S3_OBJECT_ACL") or None
        self.CATALOG_COUNT_CACHE_MIN = int(env.get("CATALOG_COUNT_CACHE_MIN", "1000"))
        self.CATALOG_COUNT_CACHE_SECONDS = int(env.get("CATALOG_COUNT_CACHE_SECONDS", "30"))
        # Stock changes (checkout, cancellation) keep cached product reads: the stock they
        # show, and lists filtered by it, lag by at most this many seconds.
        self.STOCK_CACHE_SECONDS = int(env.get("STOCK_CACHE_SECONDS", "5"))

    def configure_platform(self, env: Mapping[str, str]) -> None:
        """Cache, rate limits, proxies and HTTP hardening; they follow ``REDIS_URL``."""
        prefix = env.get("CACHE_KEY_PREFIX", f"ecom:{self.ENV_NAME}:")
        self.CACHE_KEY_PREFIX = prefix
        self.CACHE_DEFAULT_TIMEOUT = int(env.get("CACHE_TTL", "300"))
        # Without Redis: the shared file cache's directory (default: under instance/cache/).
        self.CACHE_DIR = env.get("CACHE_DIR") or None
        # Off: every cached read and remembered count goes to the database (benchmarks).
        self.CACHE_ENABLED = _bool(env.get("CACHE_ENABLED"), True)
        # Each process keeps copies of up to this many cached answers (0: none) and serves
        # them without Redis while Redis's tracking says their generations hold; a PING
        # every CACHE_LOCAL_CHECK_SECONDS proves the tracking connection alive
        # (docs/PERFORMANCE.md, "Local copies").
        self.CACHE_LOCAL_ENTRIES = int(env.get("CACHE_LOCAL_ENTRIES", "1000"))
        self.CACHE_LOCAL_CHECK_SECONDS = float(env.get("CACHE_LOCAL_CHECK_SECONDS", "1"))
        self.RATELIMIT_ENABLED = _bool(env.get("RATELIMIT_ENABLED"), True)
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_KEY_PREFIX = prefix + "limits"
        self.RATELIMIT_READS = env.get("RATELIMIT_READS", "1000/hour")
        self.RATELIMIT_WRITES = env.get("RATELIMIT_WRITES", "100/minute")
        self.RATELIMIT_AUTH = env.get("RATELIMIT_AUTH", "5/minute")
        # Logins: see docs/SECURITY.md.
        self.RATELIMIT_LOGIN_FAILURES = env.get("RATELIMIT_LOGIN_FAILURES", "5 per 15 minutes")
        self.RATELIMIT_LOGIN_ACCOUNT_FAILURES = env.get(
            "RATELIMIT_LOGIN_ACCOUNT_FAILURES", "20 per hour"
        )
        self.RATELIMIT_LOGIN_ADDRESS = env.get("RATELIMIT_LOGIN_ADDRESS", "60/minute")
        self.TRUSTED_PROXIES = int(env.get("TRUSTED_PROXIES", "0"))
        self.FORCE_HTTPS = _bool(env.get("FORCE_HTTPS"))
        self.HSTS_SECONDS = int(env.get("HSTS_SECONDS", "31536000"))
        self.SECURE_SSL_REDIRECT = _bool(env.get("SECURE_SSL_REDIRECT"), self.is_production)
        self.SESSION_COOKIE_SECURE = _bool(env.get("SESSION_COOKIE_SECURE"), self.is_production)
        self.MAX_CONTENT_LENGTH = int(env.get("MAX_CONTENT_LENGTH", str(10 * 1024 * 1024)))
        self.MAX_JSON_DEPTH = int(env.get("MAX_JSON_DEPTH", "32"))
        # Addresses or networks that may read /metrics; everybody else gets 404.
        self.METRICS_ALLOWED_IPS = [
            entry.strip()
            for entry in env.get("METRICS_ALLOWED_IPS", "127.0.0.1,::1").split(",")
            if entry.strip()
        ]
        # A Celery worker's /metrics (its own port, for the private network only); 0: none.
        self.WORKER_METRICS_PORT = int(env.get("WORKER_METRICS_PORT", "0"))

    def configure_mail(self, env: Mapping[str, str]) -> None:
        """SMTP when ``EMAIL_HOST`` is set, else the console; the shop's name and links."""
        self.SHOP_NAME = env.get("SHOP_NAME", "ecom")
        self.SHOP_URL = env.get("SHOP_URL", "http://127.0.0.1:8000").rstrip("/")
        # Where customers act (activation and password reset links).
        self.FRONTEND_URL = env.get("FRONTEND_URL", self.SHOP_URL).rstrip("/")
        self.MAIL_SERVER = env.get("EMAIL_HOST") or None
        self.MAIL_BACKEND = env.get("EMAIL_BACKEND") or ("smtp" if self.MAIL_SERVER else "console")
        self.MAIL_PORT = int(env.get("EMAIL_PORT", "25"))
        self.MAIL_USERNAME = env.get("EMAIL_HOST_USER") or None
        self.MAIL_PASSWORD = env.get("EMAIL_HOST_PASSWORD") or None
        self.MAIL_USE_TLS = _bool(env.get("EMAIL_USE_TLS"))
        self.MAIL_USE_SSL = _bool(env.get("EMAIL_USE_SSL"))
        self.MAIL_TIMEOUT = int(env.get("EMAIL_TIMEOUT", "10"))
        self.MAIL_DEFAULT_SENDER = env.get(
            "DEFAULT_FROM_EMAIL", f"{self.SHOP_NAME} <noreply@localhost>"
        )
        self.PASSWORD_RESET_TIMEOUT = int(env.get("PASSWORD_RESET_TIMEOUT", str(3 * 24 * 3600)))
        self.REQUIRE_VERIFIED_EMAIL = _bool(env.get("REQUIRE_VERIFIED_EMAIL"))

    def configure_jobs(self, env: Mapping[str, str], broker_url: str | None) -> None:
        """Celery on ``broker_url``; without one, jobs run in process after the commit."""
        self.OUTBOX_MAX_ATTEMPTS = int(env.get("OUTBOX_MAX_ATTEMPTS", "5"))
        self.OUTBOX_RETRY_BASE_SECONDS = int(env.get("OUTBOX_RETRY_BASE_SECONDS", "30"))
        self.OUTBOX_RETRY_MAX_SECONDS = int(env.get("OUTBOX_RETRY_MAX_SECONDS", "3600"))
        # The sweep hands over pending rows this old that nothing delivered.
        self.OUTBOX_SWEEP_SECONDS = int(env.get("OUTBOX_SWEEP_SECONDS", "60"))
        self.OUTBOX_SWEEP_GRACE_SECONDS = int(env.get("OUTBOX_SWEEP_GRACE_SECONDS", "60"))
        # A delivery's claim on its row; after it another worker may run the row again.
        self.OUTBOX_LEASE_SECONDS = int(env.get("OUTBOX_LEASE_SECONDS", "60"))
        time_limit = int(env.get("JOB_TIME_LIMIT", "60"))
        timeout = float(env.get("CELERY_BROKER_TIMEOUT", "0.5"))
        self.CELERY = {
            "broker_url": broker_url,
            "task_ignore_result": True,
            # A job whose worker dies is delivered again (the outbox row makes it idempotent).
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "task_time_limit": time_limit,
            "task_soft_time_limit": max(1, time_limit - 5),
            # A dead broker fails the hand-over at once: the sweep delivers the row later.
            "task_publish_retry": False,
            "broker_connection_timeout": timeout,
            "broker_transport_options": {
                "max_retries": 0,
                "socket_timeout": timeout,
                "socket_connect_timeout": timeout,
            },
            "broker_connection_retry_on_startup": True,
            "worker_prefetch_multiplier": 1,
            "beat_schedule": {
                "outbox-sweep": {
                    "task": "ecom.outbox.sweep",
                    "schedule": float(self.OUTBOX_SWEEP_SECONDS),
                },
                "payments-expire-unpaid": {
                    "task": "ecom.payments.expire_unpaid",
                    "schedule": float(env.get("PAYMENT_EXPIRY_SECONDS", "60")),
                },
            },
        }

    def configure_payments(self, env: Mapping[str, str]) -> None:
        """The shop's currency, the payment providers on offer and each one's settings."""
        self.SHOP_CURRENCY = env.get("SHOP_CURRENCY", "USD").upper()
        # The first provider is the default one of `POST /orders/{id}/pay/`.
        names = env.get("PAYMENT_PROVIDERS", "dummy").split(",")
        self.PAYMENT_PROVIDERS = [name.strip() for name in names if name.strip()]
        self.PAYMENT_TIMEOUT_MINUTES = int(env.get("PAYMENT_TIMEOUT_MINUTES", "30"))
        # Oldest accepted webhook signature timestamp, in seconds (Stripe's default).
        self.WEBHOOK_TOLERANCE_SECONDS = int(env.get("WEBHOOK_TOLERANCE_SECONDS", "300"))
        self.DUMMY_WEBHOOK_SECRET = env.get("DUMMY_WEBHOOK_SECRET", f"whsec_{self.SECRET_KEY}")
        self.DUMMY_DELAY_SECONDS = int(env.get("DUMMY_DELAY_SECONDS", "10"))
        self.DUMMY_CAPTURE_METHOD = env.get("DUMMY_CAPTURE_METHOD", "automatic")
        self.STRIPE_SECRET_KEY = env.get("STRIPE_SECRET_KEY") or None
        self.STRIPE_WEBHOOK_SECRET = env.get("STRIPE_WEBHOOK_SECRET") or None
        self.STRIPE_CAPTURE_METHOD = env.get("STRIPE_CAPTURE_METHOD", "automatic")
        self.STRIPE_TIMEOUT_SECONDS = float(env.get("STRIPE_TIMEOUT_SECONDS", "20"))

    @property
    def is_production(self) -> bool:
        return self.ENV_NAME == "production"

    # Fixed settings, the same in every environment.
    JWT_TOKEN_LOCATION = ["headers"]
    JWT_ERROR_MESSAGE_KEY = "message"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    JSON_SORT_KEYS = False

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

    # The back office's session cookie (Secure in production: see configure_platform).
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

    def __init__(self, env: Mapping[str, str] = os.environ) -> None:
        super().__init__(env)
        self.configure_database(env, env.get("TEST_DATABASE_URL", "sqlite:///ecom-test.sqlite3"))
        self.REDIS_URL = env.get("TEST_REDIS_URL") or None
        self.configure_platform(env)
        # A Redis database of its own: the suite flushes REDIS_URL's between tests.
        self.configure_jobs(env, env.get("TEST_CELERY_BROKER_URL") or self.REDIS_URL)
        if not env.get("EMAIL_HOST"):
            self.MAIL_BACKEND = "locmem"
        # Suites log in many users and write a lot per test; the limits have their own tests.
        self.RATELIMIT_AUTH = env.get("RATELIMIT_AUTH", "1000/minute")
        self.RATELIMIT_LOGIN_FAILURES = env.get("RATELIMIT_LOGIN_FAILURES", "1000/minute")
        self.RATELIMIT_LOGIN_ACCOUNT_FAILURES = env.get(
            "RATELIMIT_LOGIN_ACCOUNT_FAILURES", "1000/minute"
        )
        self.RATELIMIT_LOGIN_ADDRESS = env.get("RATELIMIT_LOGIN_ADDRESS", "1000/minute")
        self.RATELIMIT_WRITES = env.get("RATELIMIT_WRITES", "1000/minute")
        # Hashing cost is a production concern; tests log in hundreds of times.
        self.PASSWORD_HASH_PROFILE = "CHEAPEST"


class ProductionConfig(Config):
    ENV_NAME = "production"

    def __init__(self, env: Mapping[str, str] = os.environ) -> None:
        super().__init__(env)
        for name in ("SECRET_KEY", "JWT_SECRET_KEY"):
            value = env.get(name, "")
            if value == DEV_SECRET or len(value) < MIN_SECRET_LENGTH:
                raise RuntimeError(
                    f"{name} must be set to a random value of at least "
                    f"{MIN_SECRET_LENGTH} characters in production."
                )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env(env: Mapping[str, str] = os.environ) -> Config:
    """The configuration named by ``APP_ENV`` (default: development)."""
    name = env.get("APP_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}.")
    return CONFIGS[name](env)
