"""Secrets, tokens, accounts' links, and HTTP hardening."""

from datetime import timedelta
from typing import Any

from pydantic import NonNegativeInt

from config.fields import CommaList, Group, setting

DEV_SECRET = "dev-only-insecure-secret-change-me"
MIN_SECRET_LENGTH = 32


class SecuritySettings(Group):
    """Production refuses a default secret, or one shorter than 32 characters."""

    title = "Security and tokens"

    SECRET_KEY: str = setting(
        DEV_SECRET, "Flask's secret (the back office's session)", shown="a development value"
    )
    JWT_SECRET_KEY: str | None = setting(
        None, "signing key of the API's tokens; required in production", shown="`SECRET_KEY`"
    )
    ACCESS_TOKEN_LIFETIME: int = setting(60, "minutes an access token is valid")
    REFRESH_TOKEN_LIFETIME: int = setting(7, "days a refresh token is valid")
    PASSWORD_RESET_TIMEOUT: int = setting(
        3 * 24 * 3600, "lifetime of activation and reset links, seconds (3 days)"
    )
    REQUIRE_VERIFIED_EMAIL: bool = setting(
        False, "an unverified account cannot check out (409 `email_not_verified`)"
    )
    PASSWORD_HASH_PROFILE: str = setting(
        "RFC_9106_LOW_MEMORY", "Argon2 parameters (a name from `argon2.profiles`)"
    )
    CORS_ALLOWED_ORIGINS: CommaList = setting(
        [], "comma-separated origins allowed to call the API", shown="none"
    )
    TRUSTED_PROXIES: NonNegativeInt = setting(
        0, "number of proxies in front whose `X-Forwarded-For/-Proto/-Host` are believed"
    )
    FORCE_HTTPS: bool = setting(
        False, "send `Strict-Transport-Security` on every response, not only HTTPS ones"
    )
    HSTS_SECONDS: int = setting(31536000, "`max-age` of HSTS")
    SECURE_SSL_REDIRECT: bool | None = setting(
        None,
        "redirect HTTP to HTTPS (not `/health/...`); needs `TRUSTED_PROXIES` behind a TLS proxy",
        shown="`true` in production",
    )
    SESSION_COOKIE_SECURE: bool | None = setting(
        None,
        "session cookie only over HTTPS (always HttpOnly, SameSite=Lax)",
        shown="`true` in production",
    )

    def apply(self, config: Any) -> None:
        super().apply(config)
        config.JWT_SECRET_KEY = self.JWT_SECRET_KEY or self.SECRET_KEY
        config.JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=self.ACCESS_TOKEN_LIFETIME)
        config.JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=self.REFRESH_TOKEN_LIFETIME)
        for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE"):
            value = getattr(self, name)
            setattr(config, name, config.is_production if value is None else value)

    def production_problems(self) -> dict[str, str]:
        """The secrets production refuses: unset, the development one, or too short."""
        problems = {}
        for name in ("SECRET_KEY", "JWT_SECRET_KEY"):
            value = getattr(self, name) or ""
            if value == DEV_SECRET or len(value) < MIN_SECRET_LENGTH:
                problems[name] = (
                    f"must be set to a random value of at least {MIN_SECRET_LENGTH} "
                    "characters in production"
                )
        return problems
