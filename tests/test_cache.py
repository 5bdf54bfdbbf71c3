"""Query results are memoized: in-process by default, in Redis in production."""
import uuid

import pytest
import redis

from data_sources.queries import devices
from data_sources.runtime import cache


@pytest.mark.parametrize("cache_type", ["SimpleCache", "RedisCache"])
def test_query_results_are_cached_until_they_expire(city_db, query_context, cache_type):
    if cache_type == "RedisCache":
        try:
            redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
        except redis.RedisError as exc:
            pytest.skip(f"Redis not reachable: {exc}")
    server = query_context(city_db, cache_type=cache_type, cache_redis_url="redis://127.0.0.1:6379/15",
                           cache_timeout_seconds=60, city="kota_tangerang")
    calls = []
    original = devices.state_counts.uncached

    def counting(city_code):
        calls.append(city_code)
        return original(city_code)

    with server.app_context():
        cache.clear()
        name = f"count-{uuid.uuid4().hex}"  # a key of its own, whatever earlier runs left in Redis
        memoized = cache.memoize(timeout=60, make_name=lambda _name: name)(counting)
        first = memoized("36.71")
        second = memoized("36.71")
        assert calls == ["36.71"]
        assert first.equals(second)
        cache.clear()
        memoized("36.71")
        assert calls == ["36.71", "36.71"]
