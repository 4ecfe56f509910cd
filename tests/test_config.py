from pathlib import Path

import pytest

import config
from config import DEV_SECRET, ConfigError, ProductionConfig, config_from_env, reference
from tests.factories import production_env

STRONG = "s" * 40


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": DEV_SECRET}, "SECRET_KEY"),
        ({"JWT_SECRET_KEY": "short"}, "JWT_SECRET_KEY"),
        ({"JWT_SECRET_KEY": ""}, "JWT_SECRET_KEY"),
    ],
)
def test_production_refuses_default_or_short_secrets(env, missing):
    with pytest.raises(ConfigError, match=missing) as refused:
        ProductionConfig(production_env(**env))
    assert missing in refused.value.problems


def test_production_accepts_strong_secrets():
    config = ProductionConfig(production_env(JWT_SECRET_KEY=STRONG + "x"))
    assert config.JWT_SECRET_KEY == STRONG + "x"


@pytest.mark.parametrize("url", ["sqlite:///ecom.sqlite3", "sqlite://", ""])
def test_production_refuses_a_sqlite_database_url(url):
    with pytest.raises(ConfigError, match="DATABASE_URL: production needs PostgreSQL"):
        ProductionConfig(production_env(DATABASE_URL=url))


def test_production_refuses_to_start_without_redis_url():
    env = production_env()
    del env["REDIS_URL"]
    with pytest.raises(ConfigError, match="REDIS_URL: must be set in production") as refused:
        ProductionConfig(env)
    assert list(refused.value.problems) == ["REDIS_URL"]


@pytest.mark.parametrize("secret", [None, "", "whsec_" + STRONG, STRONG])
def test_production_refuses_a_dummy_webhook_secret_derived_from_the_secret_key(secret):
    env = production_env(SECRET_KEY=STRONG)
    if secret is None:
        del env["DUMMY_WEBHOOK_SECRET"]
    else:
        env["DUMMY_WEBHOOK_SECRET"] = secret
    with pytest.raises(ConfigError, match="DUMMY_WEBHOOK_SECRET: must be set in production"):
        ProductionConfig(env)


def test_production_without_the_dummy_provider_needs_no_dummy_webhook_secret():
    env = production_env(
        PAYMENT_PROVIDERS="stripe", STRIPE_SECRET_KEY="sk_x", STRIPE_WEBHOOK_SECRET="whsec_x"
    )
    del env["DUMMY_WEBHOOK_SECRET"]
    assert ProductionConfig(env).PAYMENT_PROVIDERS == ["stripe"]


def test_development_derives_the_dummy_webhook_secret_from_the_secret_key():
    assert config_from_env({"SECRET_KEY": STRONG}).DUMMY_WEBHOOK_SECRET == "whsec_" + STRONG


def test_one_error_names_every_invalid_setting_and_what_it_got():
    with pytest.raises(ConfigError) as refused:
        config_from_env({"DB_POOL_SIZE": "many", "CACHE_TTL": "-", "FORCE_HTTPS": "maybe"})
    message = str(refused.value)
    assert set(refused.value.problems) == {"DB_POOL_SIZE", "CACHE_TTL", "FORCE_HTTPS"}
    assert "DB_POOL_SIZE: Input should be a valid integer" in message
    assert "(got 'many')" in message and "(got 'maybe')" in message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("METRICS_ALLOWED_IPS", "10.0.0.0/8,not-an-address"),
        ("TRUSTED_PROXIES", "-1"),
        ("LOG_LEVEL", "loud"),
        ("STRIPE_CAPTURE_METHOD", "later"),
        ("OUTBOX_LEASE_SECONDS", "0"),
    ],
)
def test_a_value_outside_its_type_stops_the_start_naming_the_setting(name, value):
    with pytest.raises(ConfigError, match=f"{name}: "):
        config.TestingConfig({name: value})


def test_an_empty_variable_counts_as_unset():
    config = config_from_env({"DB_POOL_SIZE": "", "MEDIA_URL": "", "CORS_ALLOWED_ORIGINS": ""})
    assert config.MEDIA_URL == "/media/" and config.CORS_ALLOWED_ORIGINS == []


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
    with pytest.raises(ConfigError, match="APP_ENV"):
        config_from_env({"APP_ENV": "staging"})


def test_the_back_office_session_cookie_is_secure_only_in_production():
    production = ProductionConfig(production_env())
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


def test_outgoing_calls_and_leases_have_timeouts_from_settings():
    config = config_from_env({})
    assert (config.OUTBOX_LEASE_SECONDS, config.STRIPE_TIMEOUT_SECONDS) == (60, 20)
    assert config.MAIL_TIMEOUT_SECONDS == config.MAIL_TIMEOUT == 10
    read = config_from_env({"MAIL_TIMEOUT_SECONDS": "3", "STRIPE_TIMEOUT_SECONDS": "7"})
    assert (read.MAIL_TIMEOUT, read.STRIPE_TIMEOUT_SECONDS) == (3, 7)
    assert config_from_env({"EMAIL_TIMEOUT": "4"}).MAIL_TIMEOUT == 4


def test_testing_reads_its_own_stores_and_generous_limits():
    settings = config.TestingConfig(
        {"DATABASE_URL": "postgresql://prod/db", "REDIS_URL": "redis://p/0"}
    )
    assert settings.SQLALCHEMY_DATABASE_URI == "sqlite:///ecom-test.sqlite3"
    assert settings.REDIS_URL is None and settings.CELERY["broker_url"] is None
    assert (settings.RATELIMIT_AUTH, settings.MAIL_BACKEND) == ("1000/minute", "locmem")
    assert settings.PASSWORD_HASH_PROFILE == "CHEAPEST"


def test_production_may_turn_the_https_redirect_off_behind_a_plain_http_probe():
    assert (
        ProductionConfig(production_env(SECURE_SSL_REDIRECT="false")).SECURE_SSL_REDIRECT is False
    )


def test_every_setting_is_documented():
    for group in reference.GROUPS:
        for name, field in group.model_fields.items():
            assert field.description, f"{group.__name__}.{name} has no description"


def test_the_configuration_reference_is_generated_from_the_declarations():
    assert reference.PATH.read_text(encoding="utf-8") == reference.render(), (
        "docs/CONFIGURATION.md is stale: run python -m config.reference"
    )


def test_production_refuses_the_dummy_provider_unless_the_shop_is_a_demo():
    env = production_env()
    del env["DEMO_SHOP"]
    with pytest.raises(ConfigError, match="PAYMENT_PROVIDERS: offers `dummy`") as refused:
        ProductionConfig(env)
    assert list(refused.value.problems) == ["PAYMENT_PROVIDERS"]
    with pytest.raises(ConfigError, match="PAYMENT_PROVIDERS: offers `dummy`"):
        ProductionConfig(
            {
                **env,
                "PAYMENT_PROVIDERS": "stripe,dummy",
                "STRIPE_SECRET_KEY": "sk_x",
                "STRIPE_WEBHOOK_SECRET": "whsec_x",
            }
        )


def test_a_demo_shop_may_offer_the_dummy_provider_in_production():
    config = ProductionConfig(production_env(DEMO_SHOP="true"))
    assert config.PAYMENT_PROVIDERS == ["dummy"] and config.DEMO_SHOP is True


def test_development_offers_the_dummy_provider_without_a_demo_setting():
    assert config_from_env({}).PAYMENT_PROVIDERS == ["dummy"]


def test_the_production_example_environment_starts_without_the_dummy_provider():
    example = Path(__file__).parent.parent / ".env.prod.example"
    env = {
        name: value
        for name, _, value in (line.partition("=") for line in example.read_text().splitlines())
        if value and not name.startswith("#")
    }
    config = ProductionConfig(env)
    assert "dummy" not in config.PAYMENT_PROVIDERS and config.DEMO_SHOP is False
