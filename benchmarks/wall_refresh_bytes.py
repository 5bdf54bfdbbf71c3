"""How many bytes one refresh of the wall overview's map sends, and how long it takes, as the
browser calls it (``/_dash-update-component`` through Flask's test client).

Four answers are measured on one database: the map built whole (the first load); a refresh
when nothing changed; a refresh after each of ``--ticks`` rounds of the demo simulator (10 s of
a live city each: new complaints, answers, device heartbeats and the state changes they make),
sent as a diff against the browser's copy; and, for comparison, the same refresh as it was
sent before the diff (every point again, which is what a browser whose copy the server does not
know still gets). The simulator writes into the database, so run it on a copy.

    python -m benchmarks.wall_refresh_bytes --database-url sqlite:///benchmarks/out/wall.db --ticks 10

Prints a Markdown table; ``--out`` also writes it to a file.
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from datetime import timedelta

from benchmarks.dash_timing import app_client, as_utc, emit, facts, name, payload

MAP = "overview-map.figure"
LAYERS = ["complaints", "cctv", "wifi"]


def _call(client, dependency: dict, values: dict) -> tuple[dict, int, float]:
    body = payload(dependency, lambda element, prop: values.get(f"{element}.{prop}"))
    started = time.perf_counter()
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"the map answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
    return response.get_json()["response"], len(response.get_data()), elapsed


def run(database_url: str, ticks: int) -> str:
    from cities import load_profile
    from data_sources.db import make_engine
    from data_sources.demo.simulator import Simulator
    from settings import load_settings

    found = facts(database_url, {
        "complaints": "SELECT count(*) FROM complaints", "devices": "SELECT count(*) FROM devices",
        "open": "SELECT count(*) FROM complaints WHERE status NOT IN ('resolved', 'rejected')",
        "newest": "SELECT max(received_at) FROM complaints"})
    now = as_utc(found["newest"])
    # the query cache off in effect (1 s, and the clock moves 10 s a round); the browser's copy kept
    client = app_client(database_url, now, cache_type="SimpleCache", cache_timeout_seconds=1)
    client.get("/")
    dependency = next(d for d in client.get("/_dash-dependencies").get_json() if name(d) == MAP)
    values = {"overview-refresh.n_intervals": 1, "overview-layers.value": LAYERS, "overview-map-scale.data": 1.0}
    built, built_bytes, built_ms = _call(client, dependency, values)
    state = built["overview-map-state"]["data"]
    sent = built["overview-map-sent"]["data"]
    refresh = dict(values, **{"overview-map-state.data": state})
    same, same_bytes, same_ms = _call(client, dependency, refresh | {"overview-map-sent.data": sent})
    assert "__dash_patch_update" in json.dumps(same["overview-map"]), "a refresh must send a Patch"
    sent = same["overview-map-sent"]["data"]

    engine = make_engine(load_settings(database_url=database_url).database_url)
    simulator = Simulator(engine, load_profile("kota_tangerang"), interval_seconds=10)
    diffs, fulls, changes = [], [], []
    try:
        for round_ in range(1, ticks + 1):
            result = simulator.tick(now + timedelta(seconds=10 * round_))
            changes.append(sum(v for v in result.values() if isinstance(v, int)))
            answer, size, elapsed = _call(client, dependency, refresh | {"overview-map-sent.data": sent})
            sent = answer["overview-map-sent"]["data"]
            diffs.append((size, elapsed))
            _, full_size, full_elapsed = _call(client, dependency, refresh | {"overview-map-sent.data": None})
            fulls.append((full_size, full_elapsed))
    finally:
        engine.dispose()

    def row(label: str, sizes: list[tuple[int, float]]) -> str:
        kb = [s / 1024 for s, _ in sizes]
        ms = [t for _, t in sizes]
        return (f"| {label} | {statistics.median(kb):,.1f} | {max(kb):,.1f} | {statistics.median(ms):,.0f} | "
                f"{max(ms):,.0f} |")

    lines = [f"{found['complaints']:,} complaints ({found['open']:,} open), {found['devices']:,} devices; "
             f"{database_url.split(':', 1)[0]}; Python {platform.python_version()}; {ticks} simulator rounds of 10 s "
             f"(median {statistics.median(changes):,.0f} records written per round)", "",
             "| answer of `overview-map.figure` | median KB | largest KB | median ms | slowest ms |",
             "|---|---:|---:|---:|---:|",
             row("first load: the map built whole", [(built_bytes, built_ms)]),
             row("refresh, nothing changed", [(same_bytes, same_ms)]),
             row("refresh after 10 s of a live city: the diff", diffs),
             row("the same refresh with every point again (a browser whose copy is unknown)", fulls)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:///benchmarks/out/wall.db")
    parser.add_argument("--ticks", type=int, default=10)
    parser.add_argument("--out", help="also write the table to this file")
    args = parser.parse_args(argv)
    emit(run(args.database_url, args.ticks), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
