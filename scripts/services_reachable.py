"""Exit 0 when the PostgreSQL and Redis URLs given as arguments both answer."""

import sys

import psycopg2
import redis


def reachable(database_url: str, redis_url: str) -> bool:
    try:
        psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except (psycopg2.Error, redis.RedisError) as exc:
        print(f"unreachable: {exc}", file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    sys.exit(0 if reachable(sys.argv[1], sys.argv[2]) else 1)
