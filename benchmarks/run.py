"""Live Room's benchmark: every server callback of the overview, /complaints (7 days, 30 days, a
365-day custom period), /cctv, /wifi and /briefing, through the real callback endpoint, cold and
warm, with each page's first load and the two references (bare SQL floor, pandas common
approach), at one scale on one database; the figures are merged into ``benchmarks/results.json``
and ``benchmarks/RESULTS.md`` (``benchmarks.report``).

    .venv/bin/python -m benchmarks.run --scale small --database sqlite
    .venv/bin/python -m benchmarks.run --scale city --database postgresql --repeat 10

The scale's database is generated once (``benchmarks.scales``) and reused while it holds that
scale; ``--skip-generate`` insists on reusing it, ``--regenerate`` builds it again.
"""
from __future__ import annotations

import argparse
import time
from datetime import datetime, timezone

from sqlalchemy import create_engine, text

from benchmarks import browser, measure, report, scales
from benchmarks.dash_timing import app_client
from benchmarks.machine import machine, versions
from benchmarks.references import FAMILIES, family_of
from benchmarks.references.sql import Ask, naive_utc


def _longest_down(url: str) -> dict[str, int]:
    """Per kind, the device down longest (the one a click on the list opens first)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        found = {kind: conn.execute(text(
            "SELECT id FROM devices WHERE kind = :k ORDER BY CASE WHEN state = 'offline' THEN 0 ELSE 1 END, "
            "state_since, id LIMIT 1"), {"k": kind}).scalar_one() for kind in ("cctv", "wifi")}
    engine.dispose()
    return found


def _ask(view: browser.View, profile, now, day_start, default_period) -> Ask:
    period = view.period or default_period
    previous = period.previous()
    return Ask(city=profile.code, tz=profile.timezone, now=naive_utc(now), start=naive_utc(period.start),
               end=naive_utc(period.end), day_start=naive_utc(day_start), first_day=period.first_day,
               last_day=period.last_day, previous_start=naive_utc(previous.start),
               previous_end=naive_utc(previous.end), kind=view.kind, device_id=view.device_id,
               limit=12 if view.page == "/" else 500)


class References:
    """Each reference family timed once per question (callbacks of one family share it)."""

    def __init__(self, url: str, repeat: int, common_repeat: int):
        self.engine = create_engine(url)
        self.repeat, self.common_repeat = repeat, common_repeat
        self.done: dict[tuple, tuple[float, float]] = {}

    def times(self, family: str | None, ask: Ask, callback: str) -> tuple[float | None, float | None]:
        if family is None:
            return None, None
        if callback.startswith("complaints-red-download"):
            ask = Ask(**{**ask.__dict__, "limit": 10_000})
        key = (family, ask)
        if key not in self.done:
            floor, common = FAMILIES[family]
            with self.engine.connect() as conn:
                f = measure.reference(lambda: floor(conn, ask), self.repeat)["median"]
                c = measure.reference(lambda: common(conn, ask), self.common_repeat)["median"]
            self.done[key] = (f, c)
        return self.done[key]


def _record(base: dict, view: browser.View, label: str, timing: dict, floor, common) -> dict:
    return base | {
        "kind": "callback", "page": view.page, "view": view.view, "callback": label,
        "p95_cold_ms": round(timing["cold"]["p95"], 1), "p95_warm_ms": round(timing["warm"]["p95"], 1),
        "median_cold_ms": round(timing["cold"]["median"], 1), "median_warm_ms": round(timing["warm"]["median"], 1),
        "floor_ms": None if floor is None else round(floor, 2), "common_ms": None if common is None else round(common, 1),
        "bytes": timing["bytes"], "samples": timing["cold"]["n"], "reference": family_of(label),
        "error": timing["error"]}


def _map_refresh(client, dependency: dict, view: browser.View, repeat: int) -> dict:
    """The overview map refreshed in a browser that holds it: a Patch of what changed."""
    import json
    _label, body = browser.bodies(dependency, view)[0]
    _ms, data, _status = measure.post(client, body)
    token = json.loads(data)["response"]["overview-map-sent"]["data"]
    values = view.values | {"overview-map-state.data": {"zoom": 11, "reference": 700}, "overview-map-sent.data": token}
    refreshed = browser.View(view.page, view.view, view.path, view.prefix, values)
    _label, body = browser.bodies(dependency, refreshed)[0]
    return measure.callback(client, body, repeat)


def run(scale: str, database: str, repeat: int, common_repeat: int, prepare: str,
        raw_sample_hours: int | None = None) -> list[dict]:
    started = time.perf_counter()
    host = machine()
    url = scales.database_url(scale, database)
    if prepare == "skip":
        facts = scales._marker(url)
        if not facts:
            raise SystemExit(f"--skip-generate: {url} holds no generated scale; run without it first")
        facts |= {"generated_now": False}
    else:
        facts = scales.prepare(scale, database, regenerate=prepare == "regenerate", raw_sample_hours=raw_sample_hours)
    prepared = time.perf_counter() - started
    print(f"{scale}/{database}: database ready in {prepared:.1f} s "
          f"({'generated' if facts['generated_now'] else 'reused'})", flush=True)

    from data_sources.queries.filters import parse_filter
    from data_sources.rules.periods import local_day_start
    from data_sources.runtime import current_now_bucket, current_profile

    client = app_client(url, scales.FIXED_NOW, cache_type="SimpleCache")
    with client.application.test_request_context():
        now, profile = current_now_bucket(), current_profile()
        views = browser.views(now, profile, _longest_down(url))
        default_period = parse_filter({"period": "7d"}, profile, now).period
    day_start = local_day_start(now, profile.timezone)
    client.get("/")
    dependencies = client.get("/_dash-dependencies").get_json()
    references = References(url, repeat, common_repeat)
    measured_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    base = {"scale": scale, "database": database, "measured_at": measured_at}
    records = []
    for view in views:
        ask = _ask(view, profile, now, day_start, default_period)
        for dependency in browser.page_callbacks(dependencies, view):
            for label, body in browser.bodies(dependency, view):
                timing = measure.callback(client, body, repeat)
                floor, common = references.times(family_of(label), ask, label)
                rows = [_record(base, view, label, timing, floor, common)]
                if label == "overview-map.figure":
                    refresh = _map_refresh(client, dependency, view, repeat)
                    rows.append(_record(base, view, label + " (refresh: Patch)", refresh, floor, common))
                for row in rows:
                    print(f"  {view.page:12} {view.view:18} {row['callback'][:44]:44} "
                          f"cold p95 {row['p95_cold_ms']:7.1f}  warm p95 {row['p95_warm_ms']:6.1f}  "
                          f"{row['bytes']:>9,} B" + (f"  ERROR {row['error']}" if row["error"] else ""), flush=True)
                records += rows
    records += _first_loads(client, dependencies, views, base, repeat)
    wall = time.perf_counter() - started
    records.append(base | {"kind": "run", "page": None, "callback": None, "machine": host,
                           "versions": versions(scales.POSTGRES), "database_facts": facts, "repeat": repeat,
                           "common_repeat": common_repeat, "prepare_seconds": round(prepared, 1),
                           "wall_seconds": round(wall, 1)})
    return records


def _first_loads(client, dependencies, views, base: dict, repeat: int) -> list[dict]:
    """Each page's first load: the default view, the shell's callbacks with it."""
    shell = next(v for v in views if v.page == "shell")
    out, seen = [], set()
    for view in views:
        if view.page in seen or view.page == "shell":
            continue
        seen.add(view.page)
        values = browser.first_load_values(view) | browser.first_load_values(shell)
        loaded = browser.View(view.page, view.view, view.path, view.prefix, values, view.wildcards)
        shell_view = browser.View("shell", "", "/", "shell", values)
        calls = [body for d in browser.page_callbacks(dependencies, loaded) if browser.initial(d)
                 for _label, body in browser.bodies(d, loaded)]
        calls += [body for d in browser.page_callbacks(dependencies, shell_view) if browser.initial(d)
                  for _label, body in browser.bodies(d, shell_view)]
        loads = max(3, repeat // 2)
        cold = measure.first_load(client, view.path, calls, loads, cold=True)
        warm = measure.first_load(client, view.path, calls, loads, cold=False)
        out.append(base | {"kind": "first_load", "page": view.page, "view": view.view, "callback": "(first load)",
                           "p95_cold_ms": round(cold["time"]["p95"], 1), "p95_warm_ms": round(warm["time"]["p95"], 1),
                           "median_cold_ms": round(cold["time"]["median"], 1),
                           "median_warm_ms": round(warm["time"]["median"], 1), "floor_ms": None, "common_ms": None,
                           "bytes": cold["bytes"], "requests": cold["requests"], "samples": loads})
        print(f"  first load {view.page:12} cold p95 {cold['time']['p95']:7.1f} ms  warm p95 "
              f"{warm['time']['p95']:7.1f} ms  {cold['bytes']:>10,} B in {cold['requests']} requests", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(scales.SCALES), default="small")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=5,
                        help="calls per cell, cold and warm each (default 5: the p95 of 5 is near the slowest call)")
    parser.add_argument("--common-repeat", type=int, default=2, help="timed runs of each common-approach reference")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--skip-generate", "--reuse", action="store_const", dest="prepare", const="skip",
                       help="reuse the scale's database as it is (fail if it was never generated)")
    group.add_argument("--regenerate", action="store_const", dest="prepare", const="regenerate")
    parser.add_argument("--no-report", action="store_true", help="measure only; leave results.json and RESULTS.md")
    parser.add_argument("--raw-sample-hours", type=int,
                        help="hours of one-minute device samples to generate instead of the scale's (the report says so)")
    args = parser.parse_args(argv)
    records = run(args.scale, args.database, args.repeat, args.common_repeat, args.prepare or "reuse",
                  args.raw_sample_hours)
    run_record = records[-1]
    print(f"{args.scale}/{args.database}: {len(records) - 1} records in {run_record['wall_seconds']:.1f} s "
          f"(database {run_record['prepare_seconds']:.1f} s)")
    if not args.no_report:
        report.merge_run(records)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
