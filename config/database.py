"""The primary database, its connection pool, and the optional read replica."""

from typing import Any, Literal

from config.fields import Group, setting

# The Flask-SQLAlchemy bind of the read replica (DATABASE_REPLICA_URL).
REPLICA_BIND = "replica"


def database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at psycopg2 (SQLAlchemy 2.1 would pick psycopg 3)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url.removeprefix(prefix)
    return url


class DatabaseSettings(Group):
    """PostgreSQL in production (SQLite is refused there); SQLite under `instance/` otherwise."""

    title = "Database"

    DATABASE_URL: str = setting(
        "sqlite:///ecom.sqlite3",
        "SQLAlchemy URL; `postgres://` and `postgresql://` use psycopg2; production refuses SQLite",
        shown="`sqlite:///ecom.sqlite3` (under `instance/`)",
    )
    DATABASE_REPLICA_URL: str | None = setting(
        None,
        "a PostgreSQL streaming replica for catalog and review reads "
        '([DEPLOYMENT.md](DEPLOYMENT.md), "Scaling out")',
    )
    REPLICA_STICKY_SECONDS: int = setting(
        10, "after a successful write, that user's reads stay on the primary this long"
    )
    REPLICA_RETRY_SECONDS: int = setting(
        30, "after the replica failed to answer, reads use the primary this long"
    )
    SEARCH_INDEX: Literal["auto", "rum", "gin"] = setting(
        "auto",
        "how a product search on PostgreSQL finds a page in price or date order: `rum` from "
        "its ordered index (migration 0025 builds it where the `rum` extension is offered), "
        "`gin` by sorting the matches; `auto` uses `rum` where its indexes exist "
        '([PERFORMANCE.md](PERFORMANCE.md), "The search structure")',
    )
    DB_POOL_SIZE: int = setting(
        5, 'connections each worker keeps (PostgreSQL; "Scaling out" for PgBouncer)'
    )
    DB_POOL_MAX_OVERFLOW: int = setting(10, "connections a worker may open above the pool")
    DB_POOL_TIMEOUT: float = setting(30, "seconds a request waits for a free connection")
    DB_POOL_RECYCLE: int = setting(1800, "seconds after which a connection is replaced")
    DB_POOL_PRE_PING: bool = setting(
        True, "test each connection before use (every database, SQLite too)"
    )

    def engine_options(self, url: str) -> dict[str, Any]:
        """Engine options: pre-ping always; on PostgreSQL, the pool's size and ages."""
        options: dict[str, Any] = {"pool_pre_ping": self.DB_POOL_PRE_PING}
        if url.startswith("postgresql"):
            options.update(
                pool_size=self.DB_POOL_SIZE,
                max_overflow=self.DB_POOL_MAX_OVERFLOW,
                pool_timeout=self.DB_POOL_TIMEOUT,
                pool_recycle=self.DB_POOL_RECYCLE,
            )
        return options

    def apply(self, config: Any) -> None:
        config.SQLALCHEMY_DATABASE_URI = database_url(self.DATABASE_URL)
        config.SQLALCHEMY_ENGINE_OPTIONS = self.engine_options(config.SQLALCHEMY_DATABASE_URI)
        config.SQLALCHEMY_BINDS = {}
        if self.DATABASE_REPLICA_URL:
            replica = database_url(self.DATABASE_REPLICA_URL)
            # Binds get no SQLALCHEMY_ENGINE_OPTIONS: the same pool settings, given again.
            config.SQLALCHEMY_BINDS[REPLICA_BIND] = {
                "url": replica,
                **self.engine_options(replica),
                # Fall back to the primary quickly when the replica does not answer.
                "connect_args": {"connect_timeout": 2},
            }
        config.REPLICA_STICKY_SECONDS = self.REPLICA_STICKY_SECONDS
        config.REPLICA_RETRY_SECONDS = self.REPLICA_RETRY_SECONDS
        config.SEARCH_INDEX = self.SEARCH_INDEX
