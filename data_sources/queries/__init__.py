"""The query layer: SQL aggregates returning small DataFrames or dicts, one module per domain.

Functions take plain values (city code, UTC datetimes) so flask-caching can memoize them;
callers round ``now`` (see ``clock.bucket``) so the cache gets hits.
"""
