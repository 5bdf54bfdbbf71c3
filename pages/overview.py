"""/ : the city at a glance, live from the database."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from components import formatting
from components.charts import horizontal_bars
from components.i18n import t
from components.maps import region_choropleth
from components.theme import map_style
from components.tiles import error_panel, error_tile, kpi_tile
from data_sources import clock
from data_sources.queries import complaints, devices, regions, sources
from pages import _shared as ctx

dash.register_page(__name__, path="/", name="Ringkasan", order=0)

PAGE = "overview"
IDS = {
    "refresh": f"{PAGE}-refresh",
    "complaint_tiles": f"{PAGE}-complaint-tiles",
    "device_tiles": f"{PAGE}-device-tiles",
    "map": f"{PAGE}-map",
    "map_message": f"{PAGE}-map-message",
    "category_chart": f"{PAGE}-category-chart",
    "category_message": f"{PAGE}-category-message",
}


def _panel(title: str, graph_id: str, message_id: str, class_name: str) -> dbc.Card:
    return dbc.Card([
        dbc.CardHeader(title),
        dbc.CardBody([html.Div(id=message_id),
                      dcc.Graph(id=graph_id, className=class_name, config={"displaylogo": False, "displayModeBar": False})]),
    ])


def layout(**_query):
    lang = ctx.language()
    return html.Div(
        [
            dcc.Interval(id=IDS["refresh"], interval=ctx.current_settings().refresh_interval_seconds * 1000),
            dbc.Row([dbc.Col(id=IDS["complaint_tiles"], lg=7), dbc.Col(id=IDS["device_tiles"], lg=5)],
                    className="g-3 tile-row"),
            dbc.Row(
                [
                    dbc.Col(_panel(t("map.open_complaints", lang), IDS["map"], IDS["map_message"], "map-graph"), lg=7),
                    dbc.Col(_panel(t("chart.today_by_category", lang), IDS["category_chart"], IDS["category_message"],
                                   "chart-graph"), lg=5),
                ],
                className="g-3 mt-1",
            ),
        ],
        className="page page-overview",
    )


@callback(Output(IDS["complaint_tiles"], "children"), Input(IDS["refresh"], "n_intervals"))
def update_complaint_tiles(_n):
    lang, profile, now = ctx.language(), ctx.current_profile(), ctx.now_bucket()
    labels = {k: t(f"tile.complaints_{k}", lang) for k in ("today", "open", "overdue")}
    try:
        counts = complaints.headline_counts(profile.code, clock.local_day_start(now, profile.timezone), now)
        status = sources.source_status(profile.code)
    except SQLAlchemyError as exc:
        return dbc.Row([dbc.Col(error_tile(f"complaints_{k}", label, type(exc).__name__, lang)) for k, label in labels.items()])
    common = ctx.freshness(status, "complaints")
    emphasis = {"overdue": "danger" if counts["overdue"] else "success"}
    return dbc.Row([
        dbc.Col(kpi_tile(f"complaints_{k}", labels[k], formatting.number(counts[k], lang), emphasis=emphasis.get(k),
                         **common))
        for k in ("today", "open", "overdue")
    ], className="g-3")


@callback(Output(IDS["device_tiles"], "children"), Input(IDS["refresh"], "n_intervals"))
def update_device_tiles(_n):
    lang, profile = ctx.language(), ctx.current_profile()
    specs = [("cctv", "cameras_online"), ("wifi", "access_points_online")]
    try:
        counts = devices.state_counts(profile.code)
        status = sources.source_status(profile.code)
        source_keys = {kind: ctx.stalest_source(status, devices.source_keys(profile.code, kind)) for kind, _ in specs}
    except SQLAlchemyError as exc:
        return dbc.Row([dbc.Col(error_tile(kpi, t(f"tile.{kpi}", lang), type(exc).__name__, lang)) for _, kpi in specs])
    tiles = []
    for kind, kpi in specs:
        rows = counts[counts["kind"] == kind]
        total = int(rows["count"].sum())
        online = int(rows.loc[rows["state"].isin(["online", "degraded"]), "count"].sum())
        share = online / total if total else None
        tiles.append(dbc.Col(kpi_tile(
            kpi, t(f"tile.{kpi}", lang), formatting.number(online, lang),
            detail=f"{t('tile.of_total', lang, total=formatting.number(total, lang))} · "
                   f"{t('tile.share_online', lang, share=formatting.percent(share, lang))}",
            **ctx.freshness(status, source_keys[kind]))))
    return dbc.Row(tiles, className="g-3")


@callback(Output(IDS["map"], "figure"), Output(IDS["map_message"], "children"), Input(IDS["refresh"], "n_intervals"))
def update_map(_n):
    lang, theme, profile, settings = ctx.language(), ctx.theme(), ctx.current_profile(), ctx.current_settings()
    try:
        frame = complaints.open_by_kecamatan(profile.code, ctx.now_bucket())
        shapes = regions.geojson(profile.code, "kecamatan")
        approximate = regions.geometry_is_approximate(profile.code)
    except SQLAlchemyError as exc:
        return dash.no_update, error_panel(type(exc).__name__, lang)
    note = t("map.approximate", lang) if approximate else None
    return region_choropleth(frame, shapes, "open", value_label=t("tile.complaints_open", lang), theme=theme,
                             style=map_style(settings.map_style, theme), center=profile.map.center,
                             zoom=profile.map.zoom, note=note), None


@callback(Output(IDS["category_chart"], "figure"), Output(IDS["category_message"], "children"),
          Input(IDS["refresh"], "n_intervals"))
def update_category_chart(_n):
    lang, theme, profile, now = ctx.language(), ctx.theme(), ctx.current_profile(), ctx.now_bucket()
    try:
        frame = complaints.received_by_category(profile.code, clock.local_day_start(now, profile.timezone), now)
    except SQLAlchemyError as exc:
        return dash.no_update, error_panel(type(exc).__name__, lang)
    figure = horizontal_bars(frame, f"name_{lang}", "count", value_label=t("chart.complaints", lang), theme=theme,
                             empty_text=t("chart.empty", lang))
    return figure, None
