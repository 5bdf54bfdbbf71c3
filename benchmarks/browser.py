"""What a browser sends for each page's callbacks: the values its inputs and states hold, the
request bodies (wildcard ids of pattern-matching callbacks made concrete), and which callbacks
fire on a page's first load. Used by ``benchmarks.run``; nothing here times anything."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

from benchmarks.dash_timing import name

KIOSK_SEARCH = "?kiosk=1&rotate=overview,complaints,cctv,wifi&seconds=60,30,30,30"
SHELL = ("freshness-strip", "kiosk-config", "kiosk-alert")
COMPLAINT_VIEWS = ("7d", "30d", "365d")


@dataclass
class View:
    """One page in one state: its path, the values of its inputs and states (``id.prop``), the
    concrete indices of wildcard ids (``type`` -> indices) and its reference question."""

    page: str
    view: str
    path: str
    prefix: str
    values: dict
    wildcards: dict = field(default_factory=dict)
    period: object = None  # rules.periods.Period of the view (for the references)
    kind: str | None = None
    device_id: int | None = None


def _wild(text: str) -> dict | None:
    return json.loads(text) if text.startswith("{") else None


def bodies(dependency: dict, view: View) -> list[tuple[str, dict]]:
    """The request bodies the browser sends for ``dependency`` on ``view``: one, or one per index
    of a MATCH callback. Each with its row name (the first output; ``[index]`` for MATCH)."""
    outputs = dependency["output"].strip(".").split("...") if dependency["output"].startswith("..") else \
        [dependency["output"]]
    match = [w for o in outputs if (w := _wild(o.rsplit(".", 1)[0])) and "MATCH" in json.dumps(w)]
    indices = view.wildcards.get(match[0]["type"], []) if match else [None]
    out = []
    for index in indices:
        def concrete(spec_id: str, prop: str, with_value: bool):
            wild = _wild(spec_id)
            if wild is None:
                item = {"id": spec_id, "property": prop}
                return item | ({"value": view.values.get(f"{spec_id}.{prop}")} if with_value else {})
            if "ALL" in json.dumps(wild):
                ids = [{"type": wild["type"], "index": i} for i in view.wildcards.get(wild["type"], [])]
                return [{"id": i, "property": prop} | ({"value": i if prop == "id" else None} if with_value else {})
                        for i in ids]
            concrete_id = {"type": wild["type"], "index": index}
            return {"id": concrete_id, "property": prop} | ({"value": concrete_id if prop == "id" else None}
                                                            if with_value else {})

        output_list = [concrete(*o.rsplit(".", 1), False) for o in outputs]
        inputs = [concrete(i["id"], i["property"], True) for i in dependency["inputs"]]
        state = [concrete(s["id"], s["property"], True) for s in dependency.get("state", [])]
        first = dependency["inputs"][0]
        body = {"output": dependency["output"],
                "outputs": output_list if dependency["output"].startswith("..") else output_list[0],
                "inputs": inputs, "state": state, "changedPropIds": [f"{first['id']}.{first['property']}"]}
        label = name(dependency)
        if index is not None:
            label = f"{_wild(outputs[0].rsplit('.', 1)[0])['type']}.{outputs[0].rsplit('.', 1)[1]}[{index}]"
        out.append((label, body))
    return out


def page_callbacks(dependencies: list[dict], view: View) -> list[dict]:
    """The page's server callbacks (outputs starting with its prefix), and for the overview the shell's."""
    chosen = []
    for dependency in dependencies:
        if dependency.get("clientside_function"):
            continue
        first = dependency["output"].strip(".").split("...")[0]
        wild = _wild(first.rsplit(".", 1)[0])
        owner = wild["type"] if wild else first
        if owner.startswith(f"{view.prefix}-") or (view.page == "shell" and owner.startswith(SHELL)):
            chosen.append(dependency)
    return chosen


def initial(dependency: dict) -> bool:
    """Whether the browser fires it when the page appears (no prevent_initial_call)."""
    return not dependency.get("prevent_initial_call")


def views(now_bucket, profile, devices: dict[str, int]) -> list[View]:
    """Every page and view the run measures (inside the app's context: the stores are the app's own)."""
    from data_sources.queries.filters import parse_filter
    from reports import briefing
    from reports.charts import CHARTS

    tz = profile.timezone
    out = [View("shell", "every page", "/", "shell",
                {"freshness-tick.n_intervals": 1, "kiosk-search.data": KIOSK_SEARCH, "kiosk-watch.n_intervals": 1,
                 "kiosk-alert.data": None})]
    out.append(View("/", "wall", "/", "overview",
                    {"overview-refresh.n_intervals": 1, "overview-layers.value": ["complaints", "cctv", "wifi"],
                     "overview-map-scale.data": 1.0}))
    for key in COMPLAINT_VIEWS:
        flt = parse_filter({"period": "7d"}, profile, now_bucket)
        last = flt.last_day
        params = {"period": key} if key != "365d" else {
            "period": "custom", "from": (last - timedelta(days=364)).isoformat(), "to": last.isoformat()}
        flt = parse_filter(params, profile, now_bucket)
        values = {"complaints-filter.data": flt.to_store(), "complaints-period.value": params["period"],
                  "complaints-dates.start_date": params.get("from"), "complaints-dates.end_date": params.get("to"),
                  "complaints-metric.value": "received", "complaints-refresh.n_intervals": 1,
                  "complaints-export-csv.n_clicks": 1, "complaints-red-csv.n_clicks": 1,
                  "complaints-choropleth.clickData": {"points": [{"location": profile.kecamatan[0].code}]},
                  **{f"complaints-{c}.value": [] for c in ("kecamatan", "category", "agency", "status")}}
        label = {"7d": "7 days (default)", "30d": "30 days", "365d": "365 days (custom)"}[key]
        out.append(View("/complaints", label, "/complaints", "complaints", values, period=flt.period))
    for kind, device_id in devices.items():
        values = {f"{kind}-refresh.n_intervals": 1, f"{kind}-selected.data": {"id": device_id, "clicks": 1},
                  f"{kind}-map.clickData": {"points": [{"customdata": device_id}]},
                  f"{kind}-down-grid.cellClicked": {"rowId": str(device_id)}}
        out.append(View(f"/{kind}", "live", f"/{kind}", kind, values, kind=kind, device_id=device_id))
    period = briefing.parse({}, now_bucket, tz)
    out.append(View("/briefing", "7 days (default)", "/briefing", "briefing",
                    {"briefing-period-store.data": period.to_store(), "briefing-period.value": period.key},
                    wildcards={"briefing-png": list(CHARTS), "briefing-chart": list(CHARTS)}, period=period))
    return out


def first_load_values(view: View) -> dict:
    """The values on a freshly loaded page: nothing selected, no map built, a browser not in kiosk mode."""
    values = dict(view.values)
    if view.kind:
        values[f"{view.kind}-selected.data"] = {"id": None, "clicks": 0}
    values["kiosk-search.data"] = ""
    values["freshness-tick.n_intervals"] = 0
    values["kiosk-watch.n_intervals"] = 0
    return values
