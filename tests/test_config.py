import pytest

from config import DEV_SECRET, ProductionConfig, config_from_env

STRONG = "s" * 40


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": DEV_SECRET, "JWT_SECRET_KEY": STRONG}, "SECRET_KEY"),
        ({"SECRET_KEY": STRONG, "JWT_SECRET_KEY": "short"}, "JWT_SECRET_KEY"),
    ],
)
def test_production_refuses_default_or_short_secrets(env, missing):
    with pytest.raises(RuntimeError, match=missing):
        ProductionConfig(env)


def test_production_accepts_strong_secrets():
    config = ProductionConfig({"SECRET_KEY": STRONG, "JWT_SECRET_KEY": STRONG + "x"})
    assert config.JWT_SECRET_KEY == STRONG + "x"


def test_environment_values_are_read():
    config = config_from_env(
        {
            "DATABASE_URL": "postgres://u@h/db",
            "ACCESS_TOKEN_LIFETIME": "5",
            "REFRESH_TOKEN_LIFETIME": "2",
            "CORS_ALLOWED_ORIGINS": "https://a.example, https://b.example",
        }
    )
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg2://u@h/db"
    assert config.JWT_ACCESS_TOKEN_EXPIRES.total_seconds() == 300
    assert config.JWT_REFRESH_TOKEN_EXPIRES.days == 2
    assert config.CORS_ALLOWED_ORIGINS == ["https://a.example", "https://b.example"]


def test_unknown_app_env_is_refused():
    with pytest.raises(RuntimeError, match="APP_ENV"):
        config_from_env({"APP_ENV": "staging"})


def test_the_back_office_session_cookie_is_secure_only_in_production():
    production = ProductionConfig({"SECRET_KEY": STRONG, "JWT_SECRET_KEY": STRONG})
    development = config_from_env({})

    assert production.SESSION_COOKIE_SECURE is True
    assert development.SESSION_COOKIE_SECURE is False
    assert development.SESSION_COOKIE_SAMESITE == "Lax"


def test_the_low_stock_threshold_defaults_to_5_and_is_read():
    assert config_from_env({}).LOW_STOCK_THRESHOLD == 5
    assert config_from_env({"LOW_STOCK_THRESHOLD": "12"}).LOW_STOCK_THRESHOLD == 12


def test_platform_defaults_match_the_documentation():
    config = config_from_env({})
    assert config.CACHE_DEFAULT_TIMEOUT == 300
    assert config.CACHE_KEY_PREFIX == "ecom:development:"
    assert config.RATELIMIT_STORAGE_URI == "memory://"
    assert (config.RATELIMIT_READS, config.RATELIMIT_WRITES) == ("1000/hour", "100/minute")
    assert config.RATELIMIT_AUTH == "5/minute"
    assert config.TRUSTED_PROXIES == 0 and config.CORS_ALLOWED_ORIGINS == []
    assert config.MAX_CONTENT_LENGTH == 10 * 1024 * 1024
    assert not config.SECURE_SSL_REDIRECT and not config.SESSION_COOKIE_SECURE


def test_platform_values_are_read_from_the_environment():
    config = config_from_env(
        {
            "REDIS_URL": "redis://cache:6379/2",
            "CACHE_TTL": "60",
            "CACHE_KEY_PREFIX": "shop-eu:",
            "RATELIMIT_READS": "50/minute",
            "RATELIMIT_WRITES": "10/minute",
            "RATELIMIT_AUTH": "3/minute",
            "TRUSTED_PROXIES": "2",
            "FORCE_HTTPS": "true",
            "MAX_CONTENT_LENGTH": "1024",
            "MAX_JSON_DEPTH": "8",
        }
    )
    assert config.RATELIMIT_STORAGE_URI == "redis://cache:6379/2"
    assert config.CACHE_DEFAULT_TIMEOUT == 60 and config.CACHE_KEY_PREFIX == "shop-eu:"
    assert config.RATELIMIT_KEY_PREFIX == "shop-eu:limits"
    assert (config.RATELIMIT_READS, config.RATELIMIT_WRITES) == ("50/minute", "10/minute")
    assert config.RATELIMIT_AUTH == "3/minute" and config.TRUSTED_PROXIES == 2
    assert config.FORCE_HTTPS and config.MAX_CONTENT_LENGTH == 1024
    assert config.MAX_JSON_DEPTH == 8


def test_production_may_turn_the_https_redirect_off_behind_a_plain_http_probe():
    env = {"SECRET_KEY": STRONG, "JWT_SECRET_KEY": STRONG, "SECURE_SSL_REDIRECT": "false"}
    assert ProductionConfig(env).SECURE_SSL_REDIRECT is False
