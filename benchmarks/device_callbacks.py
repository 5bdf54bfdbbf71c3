"""Time every server callback of /cctv and /wifi end to end, as the browser calls them.

Each callback is POSTed to ``/_dash-update-component`` through Flask's test client (Dash's
handling, the SQL, the figure builders and the JSON answer; no network), with the query
cache off, so every call queries the database. The device detail is timed for the device
longest down (a click on the list or the map selects it; the detail callback reads it).

    python -m benchmarks.device_callbacks --database-url sqlite:///benchmarks/out/devices-20k.db

Prints a Markdown table (median and slowest of ``--repeat`` calls after one warm-up call, and
that first call), the table sizes and the database size; ``--out`` also writes it to a file.
"""
from __future__ import annotations

import os
import platform

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.dash_timing import app_client, as_utc, main_for, name, page_dependencies, payload, time_callback

KINDS = ("cctv", "wifi")
TABLES = ("devices", "device_samples", "device_uptime_hourly", "device_uptime_daily", "device_state_changes")


def _database_size(url: str, engine) -> str:
    if url.startswith("sqlite"):
        path = make_url(url).database
        size = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    else:
        with engine.connect() as conn:
            size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    return f"{size / 1e9:.1f} GB"


def run(database_url: str, repeat: int) -> str:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
        newest = conn.execute(text("SELECT max(last_sample_at) FROM devices")).scalar_one()
        longest_down = {kind: conn.execute(text(
            "SELECT id FROM devices WHERE kind = :k AND state = 'offline' ORDER BY state_since LIMIT 1"),
            {"k": kind}).scalar_one() for kind in KINDS}
        history = conn.execute(text("SELECT min(day), max(day) FROM device_uptime_daily")).one()
    size = _database_size(database_url, engine)
    engine.dispose()
    now = as_utc(newest)
    client = app_client(database_url, now)
    results: dict[str, dict[str, tuple[float, float, float]]] = {}
    for kind in KINDS:
        device_id = longest_down[kind]
        values = {f"{kind}-refresh.n_intervals": 1, f"{kind}-selected.data": {"id": device_id, "clicks": 1},
                  f"{kind}-map.clickData": {"points": [{"customdata": device_id}]},
                  f"{kind}-down-grid.cellClicked": {"rowId": str(device_id)}}
        for dependency in page_dependencies(client, f"/{kind}", kind):
            body = payload(dependency, lambda element, prop: values.get(f"{element}.{prop}"))
            results.setdefault(name(dependency).split("-", 1)[1], {})[kind] = time_callback(client, body, repeat)
    header = (f"{counts['devices']:,} devices (cameras and access points), {counts['device_samples']:,} raw samples, "
              f"{counts['device_uptime_hourly']:,} hourly and {counts['device_uptime_daily']:,} daily roll-ups "
              f"({history[0]} to {history[1]}), {counts['device_state_changes']:,} state changes; "
              f"{database_url.split(':', 1)[0]}, database {size}; Python {platform.python_version()}; "
              f"{repeat} calls per cell after one warm-up; cache off")
    lines = [header, "", "| callback (first output) | /cctv | /wifi |", "|---|---:|---:|"]
    for callback_name, by_kind in results.items():
        cells = [f"{by_kind[k][0]:.0f} / {by_kind[k][1]:.0f}" if k in by_kind else "–" for k in KINDS]
        lines.append(f"| `<page>-{callback_name}` | " + " | ".join(cells) + " |")
    slowest = max(cell[1] for by_kind in results.values() for cell in by_kind.values())
    first = max(cell[2] for by_kind in results.values() for cell in by_kind.values())
    lines += ["", f"Cells: median / slowest, in ms. Slowest warm call overall: {slowest:.0f} ms; "
                  f"slowest first (cold) call: {first:.0f} ms."]
    return "\n".join(lines)


main = main_for(__doc__, "sqlite:///benchmarks/out/devices-20k.db", run)


if __name__ == "__main__":
    raise SystemExit(main())
