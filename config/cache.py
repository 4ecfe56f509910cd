"""The cache, the rate limits and the request limits; they follow ``REDIS_URL``."""

from typing import Any

from config.fields import Group, setting


class CacheSettings(Group):
    """Without `REDIS_URL`: a file cache shared by the processes of one machine and in-memory
    rate limits (production refuses to start without Redis)."""

    title = "Cache and limits"

    REDIS_URL: str | None = setting(
        None,
        "Redis for the cache, the rate limits and the job queue's broker; required in production",
    )
    CACHE_KEY_PREFIX: str | None = setting(
        None,
        "prefix of cache and rate-limit keys, so environments can share a Redis",
        shown="`ecom:<APP_ENV>:`",
    )
    CACHE_DEFAULT_TIMEOUT: int = setting(
        300, "seconds a cached read lives; writes invalidate at once", env="CACHE_TTL"
    )
    CACHE_DIR: str | None = setting(
        None,
        "without `REDIS_URL`: the file cache every process of the database shares",
        shown="`instance/cache/<digest>/`",
    )
    CACHE_ENABLED: bool = setting(
        True,
        "`false` turns the response cache and the remembered product counts off (a no-op "
        "cache), e.g. to measure the database path",
    )
    CACHE_LOCAL_ENTRIES: int = setting(
        1000,
        "with Redis: cached answers each process keeps and serves with no Redis command while "
        "Redis's tracking says they are current (`0`: none); see "
        '[PERFORMANCE.md](PERFORMANCE.md), "Local copies"',
    )
    CACHE_LOCAL_CHECK_SECONDS: float = setting(
        1,
        "how often each process `PING`s its tracking connection: the bound on a stale copy "
        "when that connection silently stops carrying invalidations",
    )
    CATALOG_COUNT_CACHE_MIN: int = setting(
        1000, "product-list counts at least this large are cached..."
    )
    CATALOG_COUNT_CACHE_SECONDS: int = setting(30, "...for this long (seconds), per filter set")
    STOCK_CACHE_SECONDS: int = setting(
        5,
        "how long cached product reads may show stock a checkout or cancellation changed",
    )
    RATELIMIT_ENABLED: bool = setting(
        True,
        "turn every rate limit off (e.g. when the proxy limits the rate); then anonymous "
        "cache hits are answered before Flask ([OPERATIONS.md](OPERATIONS.md))",
    )
    RATELIMIT_READS: str = setting(
        "1000/hour", "GET/HEAD/OPTIONS per client (user of a valid token, else address)"
    )
    RATELIMIT_WRITES: str = setting("100/minute", "POST/PUT/PATCH/DELETE per client")
    RATELIMIT_AUTH: str = setting(
        "5/minute",
        "registration, password change: per address and, separately, per email/user",
    )
    RATELIMIT_LOGIN_FAILURES: str = setting(
        "5 per 15 minutes",
        "failed logins per account and address (API and back office), see "
        "[SECURITY.md](SECURITY.md#login-limits)",
    )
    RATELIMIT_LOGIN_ACCOUNT_FAILURES: str = setting(
        "20 per hour",
        "failed logins per account from any address; addresses with no failure for it are exempt",
    )
    RATELIMIT_LOGIN_ADDRESS: str = setting("60/minute", "every login per address")
    RATELIMIT_ACCOUNT_MAILS: str = setting(
        "3 per hour",
        "password-reset and activation e-mails one address receives; past it a request still "
        "answers 204 and sends nothing (see [SECURITY.md](SECURITY.md#login-limits))",
    )
    COMPRESS_RESPONSES: bool | None = setting(
        None,
        "compress JSON, HTML, CSS and JS answers in the app (zstd, brotli or gzip, as the "
        "client accepts); behind the shipped Nginx, which compresses, leave it off",
        shown="`false` in production",
    )
    MAX_CONTENT_LENGTH: int = setting(10 * 1024 * 1024, "request body limit in bytes → 413")
    MAX_JSON_DEPTH: int = setting(32, "JSON bodies nested deeper → 400")

    def apply(self, config: Any) -> None:
        super().apply(config)
        config.CACHE_KEY_PREFIX = self.CACHE_KEY_PREFIX or f"ecom:{config.ENV_NAME}:"
        config.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        config.RATELIMIT_KEY_PREFIX = config.CACHE_KEY_PREFIX + "limits"
        if self.COMPRESS_RESPONSES is None:
            config.COMPRESS_RESPONSES = not config.is_production
