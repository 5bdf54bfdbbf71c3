"""The device pages (/cctv and /wifi): one builder, two registrations.

Tiles, a map coloured by state, the down list, uptime by kecamatan (and by site type for
WiFi), a 30-day history and a device detail panel opened by a click on the map or the
list (or by ``?device=<id>`` in the URL). Every figure reads the query layer; a failing
query shows its message in its own card.
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from components import formatting
from components.devices import (device_map, down_columns, down_rows, state_timeline, uptime_bars,
                                uptime_history)
from components.grids import grid
from components.i18n import t
from components.maps import data_patch
from components.theme import map_style
from components.tiles import error_panel, error_tile, kpi_tile
from data_sources.queries import devices, sources
from pages import _shared as ctx

TILES = ("total", "online", "offline", "unknown", "share_online", "uptime_24h", "uptime_7d", "uptime_30d")
STATE_BADGES = {"online": "success", "degraded": "warning", "offline": "danger", "unknown": "secondary"}
GRAPH_CONFIG = {"displaylogo": False, "displayModeBar": False}
_NAMES = ("refresh", "tiles", "map", "map_built", "map_message", "down_grid", "down_count", "by_kecamatan", "by_site_type",
          "breakdown_message", "history", "history_message", "selected", "detail", "detail_body")


def _card(title, body, **kwargs) -> dbc.Card:
    return dbc.Card([dbc.CardHeader(title), dbc.CardBody(body)], **kwargs)


def _graph(graph_id: str, class_name: str = "chart-graph") -> dcc.Graph:
    return dcc.Graph(id=graph_id, className=class_name, config=GRAPH_CONFIG)


def _uptime_emphasis(value: float | None, target: float | None) -> str | None:
    if value is None or target is None:
        return None
    return "success" if value >= target else "danger"


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
        "unknown": (n(summary["unknown"]), t("device.tile.unknown_detail", lang, n=n(summary["flapping"])),
                    "warning" if summary["unknown"] else None),
        "share_online": (formatting.percent(summary["share_online"], lang), target_text,
                         _uptime_emphasis(summary["share_online"], target)),
    }
    for key in ("uptime_24h", "uptime_7d", "uptime_30d"):
        values[key] = (formatting.percent(summary[key], lang, digits=2), target_text,
                       _uptime_emphasis(summary[key], target))
    return values


class DevicePage:
    """Layout and callbacks of the page for one kind of device (``cctv`` or ``wifi``)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.ids = {name: f"{kind}-{name.replace('_', '-')}" for name in _NAMES}
        self.with_site_types = kind == "wifi"
        self._register_callbacks()

    # --- layout -------------------------------------------------------------------------------------

    def layout(self, device: str | None = None, **_query):
        lang, ids = ctx.language(), self.ids
        selected = int(device) if device and device.isdigit() else None
        breakdown = [dbc.Col(_card(t("device.by_kecamatan", lang), _graph(ids["by_kecamatan"])),
                             lg=6 if self.with_site_types else 12)]
        if self.with_site_types:
            breakdown.append(dbc.Col(_card(t("device.by_site_type", lang), _graph(ids["by_site_type"])), lg=6))
        return html.Div([
            dcc.Interval(id=ids["refresh"], interval=ctx.current_settings().refresh_interval_seconds * 1000),
            dcc.Store(id=ids["selected"], data={"id": selected, "clicks": 0}),
            dcc.Store(id=ids["map_built"]),  # set once the map exists: refreshes then patch its points
            html.Div(id=ids["tiles"], className="tile-row"),
            dbc.Row([
                dbc.Col(_card(t("device.map.title", lang),
                              [html.Div(id=ids["map_message"]), _graph(ids["map"], "map-graph"),
                               html.Small(t("device.map.hint", lang), className="text-body-secondary")]), lg=7),
                dbc.Col(_card(t("device.down.title", lang),
                              [html.Div(id=ids["down_count"], className="mb-2"),
                               grid(ids["down_grid"], down_columns(lang), height="430px", row_id="id")],
                              className="down-card"), lg=5),
            ], className="g-3 mt-1"),
            html.Div(id=ids["breakdown_message"]),
            dbc.Row(breakdown, className="g-3 mt-1"),
            _card(t("device.history.title", lang), [html.Div(id=ids["history_message"]), _graph(ids["history"])],
                  className="mt-3"),
            dbc.Offcanvas(id=ids["detail"], title=t("device.detail.title", lang), placement="end",
                          is_open=False, className="device-detail", style={"width": "min(640px, 100vw)"},
                          children=html.Div(id=ids["detail_body"])),
        ], className=f"page page-devices page-{self.kind}")

    # --- callbacks ----------------------------------------------------------------------------------

    def _register_callbacks(self) -> None:
        ids, kind = self.ids, self.kind

        @callback(Output(ids["tiles"], "children"), Input(ids["refresh"], "n_intervals"))
        def update_tiles(_n):
            lang, profile = ctx.language(), ctx.current_profile()
            labels = {k: t(f"device.tile.{k}", lang) for k in TILES}
            try:
                summary = devices.summary(profile.code, kind, ctx.now_bucket(), profile.timezone)
                status = sources.source_status(profile.code)
                key = ctx.stalest_source(status, devices.source_keys(profile.code, kind))
            except SQLAlchemyError as exc:
                return dbc.Row([dbc.Col(error_tile(f"{kind}_{k}", labels[k], type(exc).__name__, lang), xs=6, md=3,
                                        xl=True) for k in TILES], className="g-2")
            common = ctx.freshness(status, key)
            values = tile_values(summary, lang)
            return dbc.Row([
                dbc.Col(kpi_tile(f"{kind}_{k}", labels[k], values[k][0], detail=values[k][1], emphasis=values[k][2],
                                 **common), xs=6, md=3, xl=True)
                for k in TILES
            ], className="g-2")

        @callback(Output(ids["map"], "figure"), Output(ids["map_message"], "children"), Output(ids["map_built"], "data"),
                  Input(ids["refresh"], "n_intervals"), State(ids["map_built"], "data"))
        def update_map(_n, built):
            lang, theme, profile, settings = ctx.language(), ctx.theme(), ctx.current_profile(), ctx.current_settings()
            try:
                points = devices.map_points(profile.code, kind)
            except SQLAlchemyError as exc:
                return dash.no_update, error_panel(type(exc).__name__, lang), dash.no_update
            figure = device_map(points, lang=lang, theme=theme, style=map_style(settings.map_style, theme),
                                center=profile.map.center, zoom=profile.map.zoom)
            return (data_patch(figure), None, dash.no_update) if built else (figure, None, True)

        @callback(Output(ids["down_grid"], "rowData"), Output(ids["down_count"], "children"),
                  Input(ids["refresh"], "n_intervals"))
        def update_down_list(_n):
            lang, profile = ctx.language(), ctx.current_profile()
            try:
                result = devices.down_list(profile.code, kind, ctx.now_bucket())
            except SQLAlchemyError as exc:
                return dash.no_update, error_panel(type(exc).__name__, lang)
            rows = down_rows(result["frame"], ctx.now(), lang=lang, tz=profile.timezone, tz_label=profile.timezone_label)
            if not result["total"]:
                return rows, dbc.Badge(t("device.down.none", lang), color="success")
            count = t("device.down.count", lang, shown=formatting.number(len(rows), lang),
                      total=formatting.number(result["total"], lang))
            return rows, html.Span(count, className="text-danger fw-semibold", **{"data-kpi": f"{kind}_down_list"})

        breakdown_outputs = [Output(ids["by_kecamatan"], "figure")]
        if self.with_site_types:
            breakdown_outputs.append(Output(ids["by_site_type"], "figure"))

        @callback(*breakdown_outputs, Output(ids["breakdown_message"], "children"), Input(ids["refresh"], "n_intervals"))
        def update_breakdowns(_n):
            lang, theme, profile = ctx.language(), ctx.theme(), ctx.current_profile()
            now = ctx.now_bucket()
            try:
                by_kecamatan = devices.uptime_by_kecamatan(profile.code, kind, now, profile.timezone)
                figures = [uptime_bars(by_kecamatan, "name", lang=lang, theme=theme, empty_text=t("device.empty", lang))]
                if self.with_site_types:
                    by_site = devices.uptime_by_site_type(profile.code, kind, now, profile.timezone)
                    by_site = by_site.assign(label=[t(f"site.{s}", lang) for s in by_site["site_type"]])
                    figures.append(uptime_bars(by_site, "label", lang=lang, theme=theme,
                                               empty_text=t("device.empty", lang)))
            except SQLAlchemyError as exc:
                return *[dash.no_update] * len(breakdown_outputs), error_panel(type(exc).__name__, lang)
            return *figures, None

        @callback(Output(ids["history"], "figure"), Output(ids["history_message"], "children"),
                  Input(ids["refresh"], "n_intervals"))
        def update_history(_n):
            lang, theme, profile = ctx.language(), ctx.theme(), ctx.current_profile()
            now = ctx.now_bucket()
            try:
                frame = devices.daily_history(profile.code, kind, now, profile.timezone)
                target = devices.summary(profile.code, kind, now, profile.timezone)["target"]
            except SQLAlchemyError as exc:
                return dash.no_update, error_panel(type(exc).__name__, lang)
            return uptime_history(frame, target=target, lang=lang, theme=theme,
                                  empty_text=t("device.empty", lang)), None

        @callback(Output(ids["selected"], "data"), Output(ids["map"], "clickData"), Input(ids["map"], "clickData"),
                  Input(ids["down_grid"], "cellClicked"), State(ids["selected"], "data"), prevent_initial_call=True)
        def select_device(click, cell, previous):
            """The clicked device. The map's click is cleared (a second click on the same point
            would not fire otherwise) and the click count reopens a device closed before."""
            if dash.ctx.triggered_id == ids["map"]:
                points = (click or {}).get("points") or []
                device_id = points[0].get("customdata") if points else None
            else:
                device_id = (cell or {}).get("rowId")
            if device_id is None:
                return dash.no_update, dash.no_update
            return {"id": int(device_id), "clicks": (previous or {}).get("clicks", 0) + 1}, None

        @callback(Output(ids["detail"], "is_open"), Output(ids["detail_body"], "children"),
                  Input(ids["selected"], "data"))
        def show_detail(selected):
            device_id = (selected or {}).get("id")
            if device_id is None:
                return False, None
            lang = ctx.language()
            try:
                detail = devices.device_detail(int(device_id), ctx.now())
            except SQLAlchemyError as exc:
                return True, error_panel(type(exc).__name__, lang)
            if detail is None or detail["device"]["kind"] != kind:
                return True, dbc.Alert(t("device.detail.not_found", lang), color="warning")
            return True, detail_panel(detail, lang=lang, theme=ctx.theme())


def _fact(label: str, value) -> html.Div:
    return html.Div([html.Dt(label, className="col-5"), html.Dd(value, className="col-7 mb-1")], className="row")


def detail_panel(detail: dict, *, lang: str, theme: str) -> html.Div:
    """The device detail: facts, badges, state timeline over 7 days, latest changes."""
    profile, now = ctx.current_profile(), ctx.now()
    device = detail["device"]
    when = lambda moment: formatting.local_datetime(moment, profile.timezone, profile.timezone_label, lang)  # noqa: E731
    hourly = detail["hourly"]
    known = float(hourly["known_seconds"].sum()) if len(hourly) else 0.0
    uptime = float(hourly["up_seconds"].sum()) / known if known else None
    state = device["state"]
    since = device["state_since"]
    badges = [html.Span(dbc.Badge(t(f"device.state.{state}", lang), color=STATE_BADGES[state], className="me-2 fs-6"),
                        **{"data-device-state": state})]
    if since is not None:
        badges.append(html.Span(formatting.duration((now - since).total_seconds(), lang), className="me-2"))
    notes = []
    if device["flapping"]:
        notes.append(dbc.Alert(t("device.detail.flapping", lang), color="warning", className="py-1 mb-2"))
    for window in detail["maintenance"].itertuples():
        notes.append(dbc.Alert(t("device.detail.maintenance", lang, start=when(window.starts_at), end=when(window.ends_at),
                                 reason=window.reason or "–"), color="info", className="py-1 mb-2"))
    changes = detail["changes"].tail(8).iloc[::-1]
    change_list = (html.Ul([html.Li(f"{when(c.at)}: {t(f'device.state.{c.from_state}', lang) if c.from_state else '–'}"
                                    f" → {t(f'device.state.{c.to_state}', lang)}") for c in changes.itertuples()],
                           className="small mb-0")
                   if len(changes) else html.P(t("device.detail.no_changes", lang), className="small"))
    return html.Div([
        html.H5(device["name"], className="mb-1", **{"data-device-id": str(device["id"])}),
        html.Div(badges, className="mb-2"),
        *notes,
        html.Dl([
            _fact(t("device.detail.id", lang), device["external_id"]),
            _fact(t("device.detail.kecamatan", lang), device["kecamatan"] or "–"),
            *([_fact(t("device.detail.site", lang), t(f"site.{device['site_type']}", lang))]
              if device["site_type"] else []),
            _fact(t("device.detail.state_since", lang), when(since)),
            _fact(t("device.detail.last_seen", lang), when(device["last_seen_at"])),
            _fact(t("device.detail.source", lang), f"{device['source']} ({device['check_method']})"),
            _fact(t("device.detail.uptime_7d", lang), formatting.percent(uptime, lang, digits=2)),
            _fact(t("device.detail.target", lang), formatting.percent(device["uptime_target"] / 100, lang)),
        ], className="small mb-2"),
        html.H6(t("device.detail.timeline", lang)),
        dcc.Graph(figure=state_timeline(devices.timeline_segments(detail, now), lang=lang, theme=theme,
                                        tz=profile.timezone),
                  config=GRAPH_CONFIG, className="timeline-graph"),
        html.H6(t("device.detail.changes", lang), className="mt-2"),
        change_list,
    ], className="device-detail-body")
