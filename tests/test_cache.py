"""The query functions are memoized: in-process by default, in Redis in production. The test
calls the real query functions and counts the SQL statements that reach the database."""
import pytest
import redis
from sqlalchemy import event

from data_sources.db import database
from data_sources.queries import devices, sources
from data_sources.runtime import cache
from tests.helpers import IN_CI

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, emptied by the test


def _require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as exc:
        if IN_CI:
            raise  # CI starts Redis: a missing one is a failure there, not a skip
        pytest.skip(f"Redis not reachable: {exc}")


@pytest.mark.parametrize("cache_type", ["SimpleCache", "RedisCache"])
def test_query_functions_are_served_from_the_cache(city_db, query_context, cache_type):
    if cache_type == "RedisCache":
        _require_redis()
        redis.Redis.from_url(REDIS_URL).flushdb()
    server = query_context(city_db, cache_type=cache_type, cache_redis_url=REDIS_URL, cache_timeout_seconds=60,
                           city="kota_tangerang")
    statements: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with server.app_context():
        cache.clear()
        first = devices.state_counts("36.71")
        asked = len(statements)
        assert asked >= 1
        again = devices.state_counts("36.71")
        assert len(statements) == asked and again.equals(first)  # the second call did not reach the database
        sources.source_status("36.71")  # another function is a key of its own
        assert len(statements) > asked
        asked = len(statements)
        devices.state_counts("36.74")  # so are other arguments
        assert len(statements) > asked
        if cache_type == "RedisCache":  # the results really are in Redis, under the city's prefix
            assert redis.Redis.from_url(REDIS_URL).keys("liveroom:36.71:*")
        cache.clear()
        asked = len(statements)
        assert devices.state_counts("36.71").equals(first)
        assert len(statements) > asked  # after a clear the database answers again
