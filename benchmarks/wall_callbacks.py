"""Time every server callback of the wall overview (/) and of the shell around every page
(the freshness strip, the kiosk's red-flag watch and configuration), as the browser calls them.

Each callback is POSTed to ``/_dash-update-component`` through Flask's test client with the
query cache off, so every call queries the database. The overview map is timed twice: its
first, full figure and a refresh, which sends a ``dash.Patch`` of the points.

    python -m benchmarks.wall_callbacks --database-url sqlite:///benchmarks/out/million.db

Prints a Markdown table (median and slowest of ``--repeat`` calls after one warm-up call, and
that first call, in ms); ``--out`` also writes it to a file.
"""
from __future__ import annotations

import json
import platform

from benchmarks.dash_timing import app_client, as_utc, facts, main_for, name, payload, time_callback

SHELL = ("freshness-strip", "kiosk-alert", "kiosk-config")
LAYERS = ["complaints", "cctv", "wifi"]


def _rows(client, values: dict, repeat: int) -> list[tuple[str, tuple[float, float, float]]]:
    client.get("/")
    rows = []
    for dependency in client.get("/_dash-dependencies").get_json():
        if dependency.get("clientside_function"):
            continue
        label = name(dependency)
        if not (label.startswith("overview-") or label.startswith(SHELL)):
            continue
        body = payload(dependency, lambda element, prop: values.get(f"{element}.{prop}"))
        rows.append((label, time_callback(client, body, repeat)))
        if label.startswith("overview-map."):
            patched = dict(values, **{"overview-map-state.data": {"zoom": 11, "reference": 700}})
            body = payload(dependency, lambda element, prop: patched.get(f"{element}.{prop}"))
            response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
            assert "__dash_patch_update" in response.get_data(as_text=True), "a refresh must send a Patch"
            rows.append((label + " (refresh: Patch)", time_callback(client, body, repeat)))
    return rows


def run(database_url: str, repeat: int) -> str:
    found = facts(database_url, {
        "complaints": "SELECT count(*) FROM complaints", "devices": "SELECT count(*) FROM devices",
        "open": "SELECT count(*) FROM complaints WHERE status NOT IN ('resolved', 'rejected')",
        "newest": "SELECT max(received_at) FROM complaints"})
    complaints, open_count, devices = found["complaints"], found["open"], found["devices"]
    client = app_client(database_url, as_utc(found["newest"]))
    values = {"overview-refresh.n_intervals": 1, "overview-layers.value": LAYERS, "kiosk-watch.n_intervals": 1,
              "kiosk-alert.data": None, "freshness-tick.n_intervals": 1,
              "kiosk-search.data": "?kiosk=1&rotate=overview,complaints,cctv,wifi&seconds=60,30,30,30"}
    rows = _rows(client, values, repeat)
    lines = [f"{complaints:,} complaints ({open_count:,} open), {devices:,} devices; "
             f"{database_url.split(':', 1)[0]}; Python {platform.python_version()}; "
             f"{repeat} calls per row after one warm-up; cache off", "",
             "| callback (first output) | median | slowest | first call |", "|---|---:|---:|---:|"]
    lines += [f"| `{label}` | {median:.0f} | {slowest:.0f} | {first:.0f} |" for label, (median, slowest, first) in rows]
    lines += ["", "Times in ms."]
    return "\n".join(lines)


main = main_for(__doc__, "sqlite:///benchmarks/out/million.db", run)


if __name__ == "__main__":
    raise SystemExit(main())
