"""/ : the wall overview. One screen, no scrolling: complaint, device and KPI tiles, the
red-flag list, devices down, KPIs off target and one layered city map, live from the database.

Every panel says how old its data is and turns amber/red when its source is stale; a failing
query shows its message in its own panel. The map is built once and then patched in place.
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, Patch, State, clientside_callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from components import formatting
from components.cards import PLACEHOLDER
from components.i18n import t
from components.tiles import error_panel, error_tile, freshness_note, kpi_tile
from components.wall import (COMPLAINT_LAYER, HIGHLIGHT_LAYER, complaint_layer, device_layer, down_device_list,
                             highlighted, layered_map, map_legend, map_snapshots, off_target_list, red_flag_list,
                             snapshot_patch, trace_indices)
from components.alerts import banner as alert_banner
from data_sources.queries import alerts as alert_queries
from data_sources.queries import complaints, devices, kpis, regions, sources
from data_sources.queries.filters import parse_filter
from data_sources.rules.periods import local_day_start
from pages import _shared as ctx
from pages._callbacks import Data, Scale, Text, Texts, callback

dash.register_page(__name__, path="/", name="Ringkasan", order=0)

PAGE = "overview"
LIST_ROWS = 12  # rows a list panel sends; the panel shows as many as fit its height
MAP_REFERENCE_PIXELS = 700  # the map width the profile's zoom is chosen for
IDS = {name: f"{PAGE}-{name.replace('_', '-')}" for name in (
    "refresh", "alerts", "map_alerts", "complaint_tiles", "device_tiles", "kpi_tile", "map", "map_state", "map_scale", "map_sent", "map_message", "map_age", "layers",
    "red_flags", "red_flags_count", "red_flags_age", "devices_down", "devices_down_count", "devices_down_age",
    "kpis_off", "kpis_off_count", "kpis_off_age")}
DEVICE_TILES = {"cctv": "cameras_down", "wifi": "access_points_down"}  # the tile's KPI name per kind of device


def _device_tile(kind: str) -> str:
    return DEVICE_TILES.get(kind, f"{kind}_down")


def _layers() -> tuple[str, ...]:
    return (COMPLAINT_LAYER, *ctx.device_kinds())


def _panel(name: str, title: str, body, tools=None, class_name: str = "") -> dbc.Card:
    count = html.Span(id=IDS[f"{name}_count"], className="wall-panel-count") if f"{name}_count" in IDS else None
    header = [html.Span(title, className="wall-panel-title"), count, tools,
              html.Span(id=IDS[f"{name}_age"], className="wall-panel-age")]
    return dbc.Card([dbc.CardHeader([h for h in header if h is not None], className="wall-panel-header"),
                     dbc.CardBody(body, className="wall-panel-body")], className=f"wall-panel {class_name}",
                    id=f"{IDS[name]}-panel")


def layout(**_query):
    lang = ctx.language()
    layer_switch = dbc.Checklist(
        id=IDS["layers"], options=[{"label": t(f"wall.layer.{k}", lang), "value": k} for k in _layers()],
        value=list(_layers()), inline=True, switch=True, persistence=True, persistence_type="local", className="wall-layers")
    side = html.Div([
        _panel("red_flags", t("wall.red_flags", lang), html.Div(id=IDS["red_flags"], className="wall-list-wrap"), class_name="wall-panel-red"),
        _panel("devices_down", t("wall.devices_down", lang), html.Div(id=IDS["devices_down"], className="wall-list-wrap")),
        _panel("kpis_off", t("wall.kpis_off_target", lang), html.Div(id=IDS["kpis_off"], className="wall-list-wrap")),
    ], className="wall-side")
    map_body = [html.Div(id=IDS["map_message"]), dcc.Store(id=IDS["map_state"]), dcc.Store(id=IDS["map_scale"], data=1.0),
                dcc.Store(id=IDS["map_sent"]), dcc.Store(id=IDS["map_alerts"]),
                dcc.Graph(id=IDS["map"], className="wall-map", figure=PLACEHOLDER,
                          config={"displaylogo": False, "displayModeBar": False}),
                map_legend(ctx.device_kinds(), lang)]
    return html.Div([
        dcc.Interval(id=IDS["refresh"], interval=ctx.current_settings().refresh_interval_seconds * 1000),
        html.Div(id=IDS["alerts"], className="wall-alerts"),
        html.Div([html.Div(id=IDS["complaint_tiles"], className="wall-tile-group"),
                  html.Div(id=IDS["device_tiles"], className="wall-tile-group"),
                  html.Div(id=IDS["kpi_tile"], className="wall-tile-group")], className="wall-tiles"),
        html.Div([_panel("map", t("wall.map", lang), map_body, tools=layer_switch, class_name="wall-map-panel"), side],
                 className="wall-body"),
    ], className="page page-overview wall")


def _age(status, key, lang):
    """The age line of a panel fed by source ``key``."""
    fresh = ctx.freshness(status, key)
    if not fresh or (fresh["updated_at"] is None and fresh["budget_seconds"] is None):  # the city has no such source
        return None
    level, text = freshness_note(fresh["updated_at"], fresh["now"], fresh["budget_seconds"], lang=lang,
                                 tz=fresh["tz"], tz_label=fresh["tz_label"])
    return html.Span(text, className="kpi-age", **{"data-freshness": level})


@callback(Output(IDS["alerts"], "children"), Input(IDS["refresh"], "n_intervals"))
def update_alerts(_n):
    """The banner of the complaint bursts running now (the early warning); nothing when none runs."""
    lang = ctx.language()
    try:
        running = alert_queries.current(ctx.current_profile().code)
    except SQLAlchemyError as exc:
        return html.Div(f"{t('alerts.failed', lang)} ({type(exc).__name__})", className="burst-banner burst-banner-failed")
    return alert_banner(running, lang)


@callback(Output(IDS["complaint_tiles"], "children"), Input(IDS["refresh"], "n_intervals"))
def update_complaint_tiles(_n):
    lang = ctx.language()
    try:
        return ctx.built("wall-complaint-tiles", _complaint_tiles)
    except SQLAlchemyError as exc:
        return [error_tile(kpi, t(f"tile.{kpi}", lang), type(exc).__name__, lang) for kpi in COMPLAINT_TILES]


# Every wall screen of a city shows the same tiles and lists: each is built once per language,
# theme and clock bucket (``ctx.built``) and handed to every screen that asks within it.
COMPLAINT_TILES = {"red_flags": "overdue", "complaints_open": "open", "complaints_today": "today"}


def _complaint_tiles():
    lang, profile, now = ctx.language(), ctx.current_profile(), ctx.now_bucket()
    specs = COMPLAINT_TILES
    counts = complaints.headline_counts(profile.code, local_day_start(now, profile.timezone), now)
    common = ctx.freshness(sources.source_status(profile.code), "complaints")
    red = counts["overdue"]
    return [
        kpi_tile("red_flags", t("tile.red_flags", lang), formatting.number(red, lang),
                 detail=t("tile.red_flags_detail", lang), emphasis="danger" if red else "success",
                 hero=True, alarm=bool(red), **common),
        *[kpi_tile(kpi, t(f"tile.{kpi}", lang), formatting.number(counts[key], lang), **common)
          for kpi, key in specs.items() if kpi != "red_flags"],
    ]


@callback(Output(IDS["device_tiles"], "children"), Input(IDS["refresh"], "n_intervals"))
def update_device_tiles(_n):
    lang = ctx.language()
    try:
        return ctx.built("wall-device-tiles", _device_tiles)
    except SQLAlchemyError as exc:
        return [error_tile(_device_tile(k), t(f"tile.{_device_tile(k)}", lang), type(exc).__name__, lang)
                for k in ctx.device_kinds()]


def _device_tiles():
    lang, profile = ctx.language(), ctx.current_profile()
    kinds = ctx.device_kinds()
    counts = devices.state_counts(profile.code)
    status = sources.source_status(profile.code)
    keys = {kind: ctx.stalest_source(status, devices.source_keys(profile.code, kind)) for kind in kinds}
    tiles = []
    for kind in kinds:
        kpi = _device_tile(kind)
        by_state = counts[counts["kind"] == kind].set_index("state")["count"]
        offline, unknown = int(by_state.get("offline", 0)), int(by_state.get("unknown", 0))
        detail = t("tile.down_detail", lang, total=formatting.number(int(by_state.sum()), lang),
                   offline=formatting.number(offline, lang), unknown=formatting.number(unknown, lang),
                   pending=formatting.number(int(by_state.get("pending", 0)), lang))
        tiles.append(kpi_tile(kpi, t(f"tile.{kpi}", lang), formatting.number(offline + unknown, lang), detail=detail,
                              emphasis="danger" if offline else None, **ctx.freshness(status, keys[kind])))
    return tiles


def _count(shown: int, total: int, lang: str) -> html.Span:
    """"12 dari 110": the browser (assets/wall.js) puts in how many rows really fit the panel."""
    total_text = formatting.number(total, lang)
    return html.Span(t("wall.count", lang, shown=formatting.number(shown, lang), total=total_text),
                     **{"data-template": t("wall.count", lang, shown="{shown}", total=total_text)})


@callback(Output(IDS["kpi_tile"], "children"), Output(IDS["kpis_off"], "children"), Output(IDS["kpis_off_count"], "children"),
          Output(IDS["kpis_off_age"], "children"), Input(IDS["refresh"], "n_intervals"))
def update_kpis(_n):
    lang = ctx.language()
    try:
        return ctx.built("wall-kpis", _kpis)
    except SQLAlchemyError as exc:
        reason = type(exc).__name__
        return error_tile("kpis_off_target", t("services.off_target_count", lang), reason, lang), error_panel(reason, lang), None, None


def _kpis():
    lang, profile = ctx.language(), ctx.current_profile()
    kpi_status = kpis.status(profile.code)
    status = sources.source_status(profile.code)
    off = kpi_status["off_target"]
    tile = kpi_tile("kpis_off_target", t("services.off_target_count", lang), formatting.number(off, lang),
                    detail=t("tile.of_total", lang, total=formatting.number(kpi_status["total"], lang)),
                    emphasis="danger" if off else "success", **ctx.freshness(status, "kpi_sheet"))
    return (tile, off_target_list(kpi_status["off"], lang), _count(len(kpi_status["off"]), off, lang) if off else None,
            _age(status, "kpi_sheet", lang))


@callback(Output(IDS["red_flags"], "children"), Output(IDS["red_flags_count"], "children"),
          Output(IDS["red_flags_age"], "children"), Input(IDS["refresh"], "n_intervals"))
def update_red_flags(_n):
    try:
        return ctx.built("wall-red-flags", _red_flags)
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, ctx.language()), None, None


def _red_flags():
    lang, profile, now = ctx.language(), ctx.current_profile(), ctx.now_bucket()
    result = complaints.red_flags(parse_filter({}, profile, now), now, limit=LIST_ROWS)
    status = sources.source_status(profile.code)
    count = _count(len(result["frame"]), result["total"], lang) if result["total"] else None
    return red_flag_list(result["frame"], result["total"], lang), count, _age(status, "complaints", lang)


@callback(Output(IDS["devices_down"], "children"), Output(IDS["devices_down_count"], "children"),
          Output(IDS["devices_down_age"], "children"), Input(IDS["refresh"], "n_intervals"))
def update_devices_down(_n):
    try:
        return ctx.built("wall-devices-down", _devices_down)
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, ctx.language()), None, None


def _devices_down():
    lang, profile, now = ctx.language(), ctx.current_profile(), ctx.now()
    kinds = ctx.device_kinds()
    results = {kind: devices.down_list(profile.code, kind, ctx.now_bucket(), limit=LIST_ROWS) for kind in kinds}
    status = sources.source_status(profile.code)
    key = ctx.stalest_source(status, [k for kind in kinds for k in devices.source_keys(profile.code, kind)])
    total = sum(r["total"] for r in results.values())
    shown = down_device_list({kind: r["frame"] for kind, r in results.items()}, now, lang)
    count = _count(sum(len(r["frame"]) for r in results.values()), total, lang) if total else None
    return shown, count, _age(status, key, lang)


@callback(Output(IDS["map"], "figure"), Output(IDS["map_state"], "data"), Output(IDS["map_message"], "children"),
          Output(IDS["map_age"], "children"), Output(IDS["map_sent"], "data"), Output(IDS["map_alerts"], "data"),
          Input(IDS["refresh"], "n_intervals"), State(IDS["map_state"], "data"), State(IDS["layers"], "value"),
          State(IDS["map_scale"], "data"), State(IDS["map_sent"], "data"), State(IDS["map_alerts"], "data"))
def update_map(_n, built: Data, visible: Texts, marker_scale: Scale = 1.0, sent: Text = None, outlined: Text = None):
    """The wall map: built once, then refreshed by patches that carry only what changed since the
    browser's copy (``sent``: the signature of the points it holds, see ``ctx.remember``); the
    kecamatan with a burst of complaints running are outlined (``outlined``: their codes now)."""
    lang, profile = ctx.language(), ctx.current_profile()
    scale = (marker_scale or 1.0) if built else 1.0
    try:
        layers, snapshots, token = ctx.built("wall-map", lambda: _map_points(scale), scale)
        status = sources.source_status(profile.code)
        burst = sorted({code for codes in alert_queries.current(profile.code)["kecamatan"] for code in codes})
        codes = ",".join(burst)
        outline_changed = not built or codes != (outlined or "")
        boundaries = regions.geojson(profile.code, "kecamatan") if outline_changed else None
        if not built:
            approximate = regions.geometry_is_approximate(profile.code)
    except SQLAlchemyError as exc:
        return dash.no_update, dash.no_update, error_panel(type(exc).__name__, lang), None, dash.no_update, dash.no_update
    age = _age(status, "complaints", lang)
    if built:  # the map exists in the browser: change its points in place
        # a screen holding these very points gets an empty patch; another, what changed since its copy
        patch = Patch() if sent == token else snapshot_patch(snapshots, ctx.recall("overview-map", sent))[0]
        if outline_changed and boundaries["features"]:
            patch["layout"]["map"]["layers"][HIGHLIGHT_LAYER]["source"] = highlighted(boundaries, burst)
        return patch, dash.no_update, None, age, token, codes
    figure = layered_map(layers, visible or [], theme=ctx.theme(), style=ctx.map_style(),
                         center=profile.map.center, zoom=profile.map.zoom, boundaries=boundaries,
                         note=t("map.approximate", lang) if approximate else None, labels=ctx.region_labels(),
                         highlight=burst)
    return figure, {"zoom": profile.map.zoom, "reference": MAP_REFERENCE_PIXELS, "layers": list(layers),
                    "traces": trace_indices(layers)}, None, age, token, codes


def _map_points(marker_scale: float) -> tuple[dict, list[dict], str]:
    """The wall map's layers, their snapshots and the token they are remembered under: the same
    for every screen of a language, theme and marker scale within a clock bucket."""
    lang, theme, profile, now = ctx.language(), ctx.theme(), ctx.current_profile(), ctx.now_bucket()
    layers = {COMPLAINT_LAYER: complaint_layer(complaints.open_points(profile.code, now), lang),
              **{kind: device_layer(devices.map_points(profile.code, kind), kind, lang) for kind in ctx.device_kinds()}}
    snapshots = map_snapshots(layers, marker_scale, theme)
    return layers, snapshots, ctx.remember("overview-map", snapshots)


clientside_callback(ClientsideFunction(namespace="liveroom", function_name="fitMapToScreen"),
                    Output(IDS["map"], "figure", allow_duplicate=True), Output(IDS["map_scale"], "data"),
                    Input(IDS["map_state"], "data"), State(IDS["map"], "id"), State(IDS["map"], "figure"),
                    prevent_initial_call=True)
clientside_callback(ClientsideFunction(namespace="liveroom", function_name="layerVisibility"),
                    Output(IDS["map"], "figure", allow_duplicate=True), Input(IDS["layers"], "value"),
                    State(IDS["map_state"], "data"), prevent_initial_call=True)
