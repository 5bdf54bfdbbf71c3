"""Time every server callback of /complaints end to end, as the browser calls them.

Each callback is POSTed to ``/_dash-update-component`` through Flask's test client (routing,
Dash's argument handling, the SQL, the figure builders and the JSON answer; no network), for
several filter views, with the query cache off so every call really queries the database.

    python -m benchmarks.complaints_callbacks --database-url sqlite:///benchmarks/out/complaints-1m.db

Prints a Markdown table (median and slowest of ``--repeat`` calls after one warm-up call, and
that first call) and, with ``--out``, writes it to a file.
"""
from __future__ import annotations

import platform


from benchmarks.dash_timing import app_client, as_utc, facts, main_for, name, page_dependencies, payload, time_callback

VIEWS = {
    "today": {"period": "today"},
    "7 days (default)": {"period": "7d"},
    "30 days": {"period": "30d"},
    "this month": {"period": "month"},
    "30 days, 2 categories": {"period": "30d", "category": "pju,banjir"},
    "30 days, 1 kecamatan, open": {"period": "30d", "kecamatan": "36.71.01",
                                   "status": "received,assigned,responded,in_progress,reopened"},
    "365 days (custom)": {"period": "custom"},
}


def _value(prop_id: str, params: dict, ids: dict[str, str]):
    """The value an input or state (``ids`` are the page's, ``pages.complaints.IDS``) would
    hold in the browser for this view."""
    element, prop = prop_id.rsplit(".", 1)
    by_element = {ids["filter"]: params, ids["refresh"]: 1, ids["metric"]: "received",
                  ids["period"]: params["period"]}
    if element in by_element:
        return by_element[element]
    if element == ids["dates"]:
        return params.get("from") if prop == "start_date" else params.get("to")
    for control in ("kecamatan", "category", "agency", "status"):
        if element == ids[control]:
            return params[control].split(",") if params.get(control) else []
    return 1 if prop == "n_clicks" else None


def run(database_url: str, repeat: int) -> tuple[str, dict]:
    found = facts(database_url, {"complaints": "SELECT count(*) FROM complaints",
                                 "newest": "SELECT max(received_at) FROM complaints"})
    complaints, now = found["complaints"], as_utc(found["newest"])
    client = app_client(database_url, now)
    from pages.complaints import IDS, PAGE  # importable once the app has registered its pages

    dependencies = page_dependencies(client, "/complaints", PAGE)
    local_day = now.date()
    results: dict[str, dict[str, tuple[float, float, float]]] = {}
    for view, params in VIEWS.items():
        params = dict(params)
        if params["period"] == "custom":
            params |= {"from": local_day.replace(year=local_day.year - 1).isoformat(), "to": local_day.isoformat()}
        for dependency in dependencies:
            body = payload(dependency, lambda element, prop: _value(f"{element}.{prop}", params, IDS))
            results.setdefault(name(dependency), {})[view] = time_callback(client, body, repeat)
    header = (f"{complaints:,} complaints; {database_url.split(':', 1)[0]}; Python {platform.python_version()}; "
              f"{repeat} calls per cell after one warm-up; cache off")
    views = list(VIEWS)
    lines = [header, "", "| callback (first output) | " + " | ".join(views) + " |",
             "|---|" + "---:|" * len(views)]
    for callback_name, by_view in results.items():
        cells = [f"{by_view[v][0]:.0f} / {by_view[v][1]:.0f}" for v in views]
        lines.append(f"| `{callback_name}` | " + " | ".join(cells) + " |")
    slowest = max(cell[1] for by_view in results.values() for cell in by_view.values())
    first = max(cell[2] for by_view in results.values() for cell in by_view.values())
    lines += ["", f"Cells: median / slowest, in ms. Slowest warm call overall: {slowest:.0f} ms; "
                  f"slowest first (cold) call: {first:.0f} ms."]
    return "\n".join(lines), results


main = main_for(__doc__, "sqlite:///benchmarks/out/complaints-1m.db", lambda url, repeat: run(url, repeat)[0])


if __name__ == "__main__":
    raise SystemExit(main())
