"""What the test suite runs against (``APP_ENV=testing``)."""

from config.fields import Group, setting

# Suites log in many users and write a lot per test; the limits have their own tests.
TEST_DEFAULTS = {
    name: "1000/minute"
    for name in (
        "RATELIMIT_AUTH",
        "RATELIMIT_LOGIN_FAILURES",
        "RATELIMIT_LOGIN_ACCOUNT_FAILURES",
        "RATELIMIT_LOGIN_ADDRESS",
        "RATELIMIT_WRITES",
    )
}
# The suite's webhook receivers listen on loopback.
TEST_DEFAULTS["WEBHOOK_ALLOW_PRIVATE_TARGETS"] = "true"


class TestingSettings(Group):
    """With `APP_ENV=testing` these replace `DATABASE_URL`, `REDIS_URL` and
    `CELERY_BROKER_URL` (so a suite never touches the development stores); the limits on
    writes, logins and registration default to `1000/minute`, e-mail to `locmem` unless
    `EMAIL_HOST` is set, password hashing to its cheapest profile, and webhooks may reach
    loopback receivers (`WEBHOOK_ALLOW_PRIVATE_TARGETS`)."""

    title = "Testing"
    __test__ = False  # Not a pytest test class.

    TEST_DATABASE_URL: str = setting(
        "sqlite:///ecom-test.sqlite3", "the suite's database (emptied by the tests)"
    )
    TEST_REDIS_URL: str | None = setting(None, "the suite's Redis database (flushed between tests)")
    TEST_CELERY_BROKER_URL: str | None = setting(
        None, "a Redis database of its own for the job queue", shown="`TEST_REDIS_URL`"
    )

    def environment(self, env: dict[str, str]) -> dict[str, str]:
        """``env`` as the testing configuration reads it."""
        mail = {} if env.get("EMAIL_HOST") else {"EMAIL_BACKEND": "locmem"}
        return {
            **TEST_DEFAULTS,
            **env,
            "DATABASE_URL": self.TEST_DATABASE_URL,
            "REDIS_URL": self.TEST_REDIS_URL or "",
            "CELERY_BROKER_URL": self.TEST_CELERY_BROKER_URL or "",
            # Hashing cost is a production concern; tests log in hundreds of times.
            "PASSWORD_HASH_PROFILE": "CHEAPEST",
            **mail,
        }
