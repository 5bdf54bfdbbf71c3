"""The device pages (/cctv and /wifi): one layout and one set of callbacks for any kind of
device, registered once per kind by ``register`` (``pages/cctv.py``, ``pages/wifi.py``).

Tiles, a map coloured by state, the down list, uptime by kecamatan (and by site type where the
kind has site types), a 30-day history and a device detail panel opened by a click on the map
or the list (or by ``?device=<id>`` in the URL). Every figure reads the query layer; a failing
query shows its message in its own card. The callbacks are plain functions of the kind and
their inputs, so tests call them directly.
"""
from __future__ import annotations

from functools import partial

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from components import formatting
from components.cards import card, graph
from components.devices import detail_panel, device_map, down_columns, down_rows, uptime_bars, uptime_history
from components.grids import grid
from components.i18n import t
from components.maps import data_patch
from components.status import uptime_level
from components.tiles import error_panel, error_tile, kpi_tile, stale_notice
from data_sources.queries import devices, sources
from data_sources.rules.periods import local_today
from pages import _shared as ctx
from pages._callbacks import MAX_ID, Cell, Click, Data, Flag, callback

TILES = ("total", "online", "offline", "unknown", "share_online", "uptime_24h", "uptime_7d", "uptime_30d")
WITH_SITE_TYPES = ("wifi",)  # kinds whose devices stand at typed sites (park, puskesmas, school, ...)
_NAMES = ("refresh", "tiles", "map", "map_built", "map_message", "down_grid", "down_count", "by_kecamatan", "by_site_type",
          "breakdown_message", "history", "history_message", "selected", "detail", "detail_body")


def ids(kind: str) -> dict[str, str]:
    """The component ids of the page for ``kind``, prefixed with it: ``cctv-map``."""
    return {name: f"{kind}-{name.replace('_', '-')}" for name in _NAMES}


def tile_values(summary: dict, lang: str) -> dict[str, tuple[str, str | None, str | None]]:
    """(value, detail, emphasis) per tile, from ``queries.devices.summary``."""
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    target = summary["target"]
    target_text = t("device.tile.target_detail", lang, target=formatting.percent(target, lang)) if target else None
    values = {
        "total": (n(summary["total"]), None, None),
        "online": (n(summary["online"] + summary["degraded"]),
                   t("device.tile.online_detail", lang, n=n(summary["degraded"])), "success"),
        "offline": (n(summary["offline"]), t("device.tile.offline_detail", lang, n=n(summary["maintenance"])),
                    "danger" if summary["offline"] else None),
        "unknown": (n(summary["unknown"]), t("device.tile.unknown_detail", lang, n=n(summary["flapping"]),
                                                           pending=n(summary["pending"])),
                    "warning" if summary["unknown"] else None),
        "share_online": (formatting.percent(summary["share_online"], lang), target_text,
                         uptime_level(summary["share_online"], target)),
    }
    for key in ("uptime_24h", "uptime_7d", "uptime_30d"):
        values[key] = (formatting.percent(summary[key], lang, digits=2), target_text, uptime_level(summary[key], target))
    return values


# --- layout ---------------------------------------------------------------------------------------


def layout(kind: str, device: str | None = None, **_query):
    lang, i = ctx.language(), ids(kind)
    selected = int(device) if device and device.isdigit() and len(device) < 12 else None
    with_sites = kind in WITH_SITE_TYPES
    breakdown = [dbc.Col(card(t("device.by_kecamatan", lang), graph(i["by_kecamatan"])), lg=6 if with_sites else 12)]
    if with_sites:
        breakdown.append(dbc.Col(card(t("device.by_site_type", lang), graph(i["by_site_type"])), lg=6))
    return html.Div([
        dcc.Interval(id=i["refresh"], interval=ctx.current_settings().refresh_interval_seconds * 1000),
        dcc.Store(id=i["selected"], data={"id": selected, "clicks": 0}),
        dcc.Store(id=i["map_built"]),  # set once the map exists: refreshes then patch its points
        html.Div(id=i["tiles"], className="tile-row"),
        dbc.Row([
            dbc.Col(card(t("device.map.title", lang),
                         [html.Div(id=i["map_message"]), graph(i["map"], "map-graph"),
                          html.Small(t("device.map.hint", lang), className="text-body-secondary")]), lg=7),
            dbc.Col(card(t("device.down.title", lang),
                         [html.Div(id=i["down_count"], className="mb-2"),
                          grid(i["down_grid"], down_columns(lang), lang=lang, height="430px", row_id="id")],
                         class_name="down-card"), lg=5),
        ], className="g-3 mt-1"),
        html.Div(id=i["breakdown_message"]),
        dbc.Row(breakdown, className="g-3 mt-1"),
        card(t("device.history.title", lang), [html.Div(id=i["history_message"]), graph(i["history"])],
             class_name="mt-3"),
        dbc.Offcanvas(id=i["detail"], title=t("device.detail.title", lang), placement="end",
                      is_open=False, className="device-detail", style={"width": "min(640px, 100vw)"},
                      children=html.Div(id=i["detail_body"])),
    ], className=f"page page-devices page-{kind}")


# --- callbacks --------------------------------------------------------------------------------------


def update_tiles(kind: str, _n):
    lang, profile = ctx.language(), ctx.current_profile()
    labels = {k: t(f"device.tile.{k}", lang) for k in TILES}
    try:
        summary = devices.summary(profile.code, kind, ctx.now_bucket(), profile.timezone)
        status = sources.source_status(profile.code)
        key = ctx.stalest_source(status, devices.source_keys(profile.code, kind))
    except SQLAlchemyError as exc:
        return dbc.Row([dbc.Col(error_tile(f"{kind}_{k}", labels[k], type(exc).__name__, lang), xs=6, md=3, xl=True)
                        for k in TILES], className="g-2")
    common, values = ctx.freshness(status, key), tile_values(summary, lang)
    return dbc.Row([dbc.Col(kpi_tile(f"{kind}_{k}", labels[k], values[k][0], detail=values[k][1],
                                     emphasis=values[k][2], **common), xs=6, md=3, xl=True)
                    for k in TILES], className="g-2")


def _stale(kind: str, lang: str):
    """The stale notice for what this kind's sources feed (None while they are fresh)."""
    profile = ctx.current_profile()
    status = sources.source_status(profile.code)
    updated, budget = ctx.source_age(status, ctx.stalest_source(status, devices.source_keys(profile.code, kind)) or "")
    return stale_notice(updated, ctx.now(), budget, lang)


def update_map(kind: str, _n, built: Flag):
    lang, theme, profile = ctx.language(), ctx.theme(), ctx.current_profile()
    try:
        points = devices.map_points(profile.code, kind)
        notice = _stale(kind, lang)
    except SQLAlchemyError as exc:
        return dash.no_update, error_panel(type(exc).__name__, lang), dash.no_update
    figure = device_map(points, lang=lang, theme=theme, style=ctx.map_style(),
                        center=profile.map.center, zoom=profile.map.zoom)
    return (data_patch(figure), notice, dash.no_update) if built else (figure, notice, True)


def update_down_list(kind: str, _n):
    lang, profile = ctx.language(), ctx.current_profile()
    try:
        result = devices.down_list(profile.code, kind, ctx.now_bucket())
        notice = _stale(kind, lang)
    except SQLAlchemyError as exc:
        return dash.no_update, error_panel(type(exc).__name__, lang)
    rows = down_rows(result["frame"], ctx.now(), lang=lang, tz=profile.timezone, tz_label=profile.timezone_label)
    if not result["total"]:
        return rows, [notice, dbc.Badge(t("device.down.none", lang), color="success")]
    count = t("device.down.count", lang, shown=formatting.number(len(rows), lang),
              total=formatting.number(result["total"], lang))
    return rows, [notice, html.Span(count, className="text-danger fw-semibold", **{"data-kpi": f"{kind}_down_list"})]


def update_breakdowns(kind: str, _n):
    """Uptime by kecamatan (and by site type for kinds with sites), then the message."""
    lang, theme, profile, now = ctx.language(), ctx.theme(), ctx.current_profile(), ctx.now_bucket()
    outputs = 2 if kind in WITH_SITE_TYPES else 1
    try:
        frames = [devices.uptime_by_kecamatan(profile.code, kind, now, profile.timezone)]
        if outputs == 2:
            by_site = devices.uptime_by_site_type(profile.code, kind, now, profile.timezone)
            frames.append(by_site.assign(name=[t(f"site.{s}", lang) for s in by_site["site_type"]]))
    except SQLAlchemyError as exc:
        return *[dash.no_update] * outputs, error_panel(type(exc).__name__, lang)
    return *[uptime_bars(f, "name", lang=lang, theme=theme, empty_text=t("device.empty", lang)) for f in frames], None


def update_history(kind: str, _n):
    lang, theme, profile, now = ctx.language(), ctx.theme(), ctx.current_profile(), ctx.now_bucket()
    try:
        frame = devices.daily_history(profile.code, kind, now, profile.timezone)
        target = devices.summary(profile.code, kind, now, profile.timezone)["target"]
    except SQLAlchemyError as exc:
        return dash.no_update, error_panel(type(exc).__name__, lang)
    return uptime_history(frame, target=target, lang=lang, theme=theme, empty_text=t("device.empty", lang),
                          today=local_today(now, profile.timezone)), None


def select_device(kind: str, triggered, click: Click | None, cell: Cell | None, previous: Data):
    """The clicked device (``triggered``: the map's or the down list's id). The map's click is
    cleared (a second click on the same point would not fire otherwise) and the click count
    reopens a device closed before."""
    if triggered == ids(kind)["map"]:
        points = (click or {}).get("points") or []
        device_id = points[0].get("customdata") if points else None
    else:
        device_id = (cell or {}).get("rowId")
    if device_id is None or not str(device_id).isdigit() or not 0 < int(device_id) <= MAX_ID:
        return dash.no_update, dash.no_update
    return {"id": int(device_id), "clicks": (previous or {}).get("clicks", 0) + 1}, None


def show_detail(kind: str, selected: Data):
    device_id = (selected or {}).get("id") if isinstance(selected, dict) else None
    if not isinstance(device_id, int) or isinstance(device_id, bool) or not 0 < device_id <= MAX_ID:
        return False, None
    lang, profile, now = ctx.language(), ctx.current_profile(), ctx.now()
    try:
        detail = devices.device_detail(device_id, now)
    except SQLAlchemyError as exc:
        return True, error_panel(type(exc).__name__, lang)
    if detail is None or detail["device"]["kind"] != kind:
        return True, dbc.Alert(t("device.detail.not_found", lang), color="warning")
    return True, detail_panel(detail, devices.timeline_segments(detail, now), now, lang=lang, theme=ctx.theme(),
                              tz=profile.timezone, tz_label=profile.timezone_label)


def register(kind: str):
    """Wire the callbacks of the page for ``kind``; returns its layout function."""
    i = ids(kind)
    refresh = Input(i["refresh"], "n_intervals")
    callback(Output(i["tiles"], "children"), refresh)(partial(update_tiles, kind))
    callback(Output(i["map"], "figure"), Output(i["map_message"], "children"), Output(i["map_built"], "data"), refresh,
             State(i["map_built"], "data"))(partial(update_map, kind))
    callback(Output(i["down_grid"], "rowData"), Output(i["down_count"], "children"), refresh)(
        partial(update_down_list, kind))
    breakdowns = [Output(i["by_kecamatan"], "figure")] + (
        [Output(i["by_site_type"], "figure")] if kind in WITH_SITE_TYPES else [])
    callback(*breakdowns, Output(i["breakdown_message"], "children"), refresh)(partial(update_breakdowns, kind))
    callback(Output(i["history"], "figure"), Output(i["history_message"], "children"), refresh)(
        partial(update_history, kind))

    @callback(Output(i["selected"], "data"), Output(i["map"], "clickData"), Input(i["map"], "clickData"),
              Input(i["down_grid"], "cellClicked"), State(i["selected"], "data"), prevent_initial_call=True)
    def select(click: Click | None, cell: Cell | None, previous: Data):
        return select_device(kind, dash.ctx.triggered_id, click, cell, previous)

    callback(Output(i["detail"], "is_open"), Output(i["detail_body"], "children"), Input(i["selected"], "data"))(
        partial(show_detail, kind))
    return partial(layout, kind)
