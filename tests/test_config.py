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
