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
from datetime import datetime, timezone

from sqlalchemy import create_engine, text

from benchmarks.dash_timing import command_line, name, payload, time_callback

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
    from app import create_app
    from settings import load_settings

    engine = create_engine(database_url)
    with engine.connect() as conn:
        complaints = conn.execute(text("SELECT count(*) FROM complaints")).scalar_one()
        open_count = conn.execute(text(
            "SELECT count(*) FROM complaints WHERE status NOT IN ('resolved', 'rejected')")).scalar_one()
        devices = conn.execute(text("SELECT count(*) FROM devices")).scalar_one()
        newest = conn.execute(text("SELECT max(received_at) FROM complaints")).scalar_one()
    engine.dispose()
    now = datetime.fromisoformat(str(newest)).replace(tzinfo=timezone.utc)
    settings = load_settings(database_url=database_url, cache_type="NullCache", demo=False, simulate=False,
                             map_style="offline", frozen_now=now)
    client = create_app(settings, prepare_database=False).server.test_client()
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


def main(argv: list[str] | None = None) -> int:
    return command_line(argv, description=__doc__.splitlines()[0], default_url="sqlite:///benchmarks/out/million.db",
                        run=run)


if __name__ == "__main__":
    raise SystemExit(main())
