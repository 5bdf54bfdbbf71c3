"""The load test's pure parts: percentiles, phases, step evaluation, the record and the callback
bodies it sends. No server, no database."""
from __future__ import annotations

import pytest

from benchmarks.load_test import (Sample, body, concrete, holds, keep, percentile, phase, record, screens_held,
                                  summarize, table)


def _step(screens: int, p95: float, errors: int = 0, requests: int = 100) -> dict:
    return {"screens": screens, "briefing_users": screens // 10, "requests": requests, "rps": requests / 60,
            "p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p95 * 1.2, "errors": errors, "server_cpu_percent": 50.0,
            "server_rss_mb": 600.0, "machine_cpu_percent": 80.0, "load_average": 1.0,
            "by_request": {"overview-map.figure": {"n": 10, "p50_ms": 10.0, "p95_ms": p95, "kb": 0.4}}}


def test_percentile_interpolates_between_ranks():
    assert percentile([], 95) is None
    assert percentile([7.0], 95) == 7.0
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert percentile([5, 1, 3], 100) == 5 and percentile([5, 1, 3], 0) == 1


def test_phases_spread_any_first_n_browsers_over_the_interval():
    assert [phase(i) for i in range(3)] == [0.5, 0.25, 0.75]
    for k in (2, 3, 5):  # the first 2**k - 1 browsers take every (2**k)-th of the interval but its start
        n = 2 ** k
        assert sorted(phase(i) for i in range(n - 1)) == [i / n for i in range(1, n)]


def test_a_step_holds_under_the_limit_without_errors():
    assert holds(_step(10, 499.9), 500)
    assert not holds(_step(10, 500.0), 500)
    assert not holds(_step(10, 120, errors=1), 500)
    assert not holds(_step(10, 120, requests=0), 500)
    assert not holds(_step(10, 120) | {"p95_ms": None}, 500)


def test_screens_held_is_the_largest_step_that_held():
    steps = [_step(10, 90), _step(25, 150), _step(50, 320), _step(100, 640)]
    assert screens_held(steps, 500) == 50
    assert screens_held([_step(10, 900)], 500) == 0
    assert screens_held([_step(10, 90), _step(25, 100, errors=2)], 500) == 10
    assert screens_held([], 500) == 0


def test_the_record_reports_the_held_step_and_every_step():
    steps = [_step(10, 90), _step(25, 150), _step(50, 620)]
    result = record(steps, 500, scale="small", database="postgresql", workers=2, interval_s=30,
                    measured_at="2026-11-23T07:30:00+00:00")
    for key in ("scale", "database", "screens_held", "p95_ms", "errors", "rps", "p50_ms", "p99_ms", "workers",
                "interval_s", "steps", "cpu_percent", "rss_mb", "measured_at"):
        assert key in result
    assert result["screens_held"] == 25 and result["p95_ms"] == 150 and result["errors"] == 0
    assert result["first_failing_step"] == 50 and result["steps"] == steps
    assert result["load_average"] == 1.0 and result["machine_cpu_percent"] == 80.0  # the shared machine's state
    none_held = record([_step(10, 900)], 500, scale="small", database="postgresql")
    assert none_held["screens_held"] == 0 and none_held["p95_ms"] == 900


def test_summarize_counts_errors_and_groups_by_request():
    samples = [Sample(0.0, "a", 10.0, 1024), Sample(0.1, "a", 30.0, 1024),
               Sample(0.2, "b", 100.0, 0, error="HTTP 500")]
    figures = summarize(samples, 2.0)
    assert figures["requests"] == 3 and figures["rps"] == 1.5 and figures["errors"] == 1
    assert figures["p50_ms"] == 30.0 and figures["error_examples"] == ["b: HTTP 500"]
    assert figures["by_request"]["a"] == {"n": 2, "p50_ms": 20.0, "p95_ms": 29.0, "kb": 1.0}
    assert "| 10 | 1 |" in table([_step(10, 90)], 500)


def test_bodies_are_what_the_renderer_sends():
    dependency = {"output": "..overview-map.figure...overview-map-sent.data..",
                  "inputs": [{"id": "overview-refresh", "property": "n_intervals"}],
                  "state": [{"id": "overview-map-sent", "property": "data"}]}
    sent = body(dependency, {"overview-refresh.n_intervals": 3, "overview-map-sent.data": "abc"})
    assert sent["outputs"] == [{"id": "overview-map", "property": "figure"},
                               {"id": "overview-map-sent", "property": "data"}]
    assert sent["inputs"] == [{"id": "overview-refresh", "property": "n_intervals", "value": 3}]
    assert sent["state"][0]["value"] == "abc" and sent["changedPropIds"] == ["overview-refresh.n_intervals"]
    single = body({"output": "freshness-strip.children", "inputs": [{"id": "freshness-tick", "property": "n_intervals"}]},
                  {})
    assert single["outputs"] == {"id": "freshness-strip", "property": "children"} and single["state"] == []


def test_pattern_ids_are_filled_as_the_renderer_fills_them():
    match = '{"index":["MATCH"],"type":"briefing-chart"}'
    assert concrete(match, "late") == {"index": "late", "type": "briefing-chart"}
    assert concrete('{"index":["ALL"],"type":"briefing-png"}', indexes=["a", "b"]) == [
        {"index": "a", "type": "briefing-png"}, {"index": "b", "type": "briefing-png"}]
    chart = body({"output": f"..{match}.figure..", "inputs": [{"id": "briefing-period-store", "property": "data"}],
                  "state": [{"id": match, "property": "id"}]}, {"briefing-period-store.data": {"key": "7d"}},
                 index="late")
    assert chart["state"] == [{"id": {"index": "late", "type": "briefing-chart"}, "property": "id",
                               "value": {"index": "late", "type": "briefing-chart"}}]
    assert chart["inputs"][0]["value"] == {"key": "7d"}


def test_a_browser_keeps_stores_but_not_patches():
    values = {}
    keep(values, {"overview-map-sent": {"data": "token"}, "overview-map": {"figure": {"__dash_patch_update": True}}})
    assert values == {"overview-map-sent.data": "token"}
    keep(values, None)
    assert values == {"overview-map-sent.data": "token"}


def test_a_browser_keeps_only_what_callbacks_read_back():
    values = {}
    keep(values, {"overview-map": {"figure": {"data": []}}, "overview-map-state": {"data": {"zoom": 11}}},
         wanted={"overview-map-state.data"})
    assert values == {"overview-map-state.data": {"zoom": 11}}
