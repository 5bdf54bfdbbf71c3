"""/services : agencies' service KPIs against their targets, newest month first."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from components import formatting
from components.charts import target_trend
from components.controls import dropdown
from components.i18n import t
from components.tables import kpi_table
from components.tiles import error_panel, error_tile, kpi_tile
from data_sources.queries import kpis, sources
from pages import _shared as ctx
from pages._callbacks import Text, callback

dash.register_page(__name__, path="/services", name="Kinerja Layanan", order=40)

PAGE = "services"
IDS = {name: f"{PAGE}-{slug}" for name, slug in (
    ("refresh", "refresh"), ("tiles", "tiles"), ("table", "table-panel"), ("select", "kpi-select"), ("trend", "trend"),
    ("trend_message", "trend-message"))}


def layout(kpi: str | None = None, **_query):
    lang, profile = ctx.language(), ctx.current_profile()
    options = [{"label": k.name_id if lang == "id" else k.name_en, "value": k.code} for k in profile.kpis]
    chosen = kpi if kpi in {k.code for k in profile.kpis} else profile.kpis[0].code
    return html.Div([
        dcc.Interval(id=IDS["refresh"], interval=ctx.current_settings().refresh_interval_seconds * 1000 * 6),
        html.Div(id=IDS["tiles"]),
        dbc.Row([
            dbc.Col(dbc.Card([dbc.CardHeader(t("services.title", lang)), dbc.CardBody(id=IDS["table"])]), lg=7),
            dbc.Col(dbc.Card([
                dbc.CardHeader(t("services.trend", lang)),
                dbc.CardBody([
                    dropdown(lang, id=IDS["select"], options=options, value=chosen, clearable=False,
                                 placeholder=t("services.choose_kpi", lang)),
                    html.Div(id=IDS["trend_message"]),
                    dcc.Graph(id=IDS["trend"], className="chart-graph", config={"displaylogo": False}),
                ]),
            ]), lg=5),
        ], className="g-3 mt-1"),
    ], className="page page-services")


@callback(Output(IDS["tiles"], "children"), Output(IDS["table"], "children"), Input(IDS["refresh"], "n_intervals"))
def update_table(_n):
    lang, profile = ctx.language(), ctx.current_profile()
    try:
        frame = kpis.latest(profile.code)
        kpi_status = kpis.status(profile.code)
        status = sources.source_status(profile.code)
    except SQLAlchemyError as exc:
        reason = type(exc).__name__
        return error_tile("kpis_off_target", t("services.off_target_count", lang), reason, lang), error_panel(reason, lang)
    off, total = kpi_status["off_target"], kpi_status["total"]
    period = formatting.month(kpi_status["month"], lang)
    common = ctx.freshness(status, "kpi_sheet")
    tiles = dbc.Row([
        dbc.Col(kpi_tile("kpis_off_target", t("services.off_target_count", lang), formatting.number(off, lang),
                         detail=t("services.period", lang, period=period), emphasis="danger" if off else "success",
                         **common)),
        dbc.Col(kpi_tile("kpis_on_target", t("services.on_target", lang), formatting.number(total - off, lang),
                         detail=t("tile.of_total", lang, total=formatting.number(total, lang)), **common)),
    ], className="g-3")
    agency_names = {a.code: a.name for a in profile.agencies}
    return tiles, kpi_table(frame, agency_names, lang)


@callback(Output(IDS["trend"], "figure"), Output(IDS["trend_message"], "children"), Input(IDS["select"], "value"))
def update_trend(code: Text):
    lang, theme, profile = ctx.language(), ctx.theme(), ctx.current_profile()
    spec = next((k for k in profile.kpis if k.code == code), profile.kpis[0])
    try:
        frame = kpis.series(profile.code, spec.code)
    except SQLAlchemyError as exc:
        return dash.no_update, error_panel(type(exc).__name__, lang)
    return target_trend(frame, target=spec.target, value_label=spec.unit,
                        target_label=f"{t('services.target', lang)} {formatting.number(spec.target, lang)}",
                        theme=theme), None
