"""/evaluation : the six smart-city dimensions for evaluators: indicators with targets,
evidence and the change from the year before. Read-only; no personal data here."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from cities import DIMENSIONS
from components import formatting
from components.charts import dimension_radar
from components.controls import dropdown
from components.i18n import t
from components.tables import indicator_table
from components.tiles import error_panel, kpi_tile
from data_sources.queries import indicators
from pages import _shared as ctx
from pages._callbacks import Year, callback

dash.register_page(__name__, path="/evaluation", name="Evaluasi Kota Cerdas", order=50)

PAGE = "evaluation"
IDS = {name: f"{PAGE}-{slug}" for name, slug in (
    ("year", "year"), ("scores", "scores"), ("radar", "radar"), ("radar_message", "radar-message"),
    ("table", "table-panel"))}


def layout(year: str | None = None, **_query):
    lang, profile = ctx.language(), ctx.current_profile()
    try:
        available = indicators.years(profile.code)
    except SQLAlchemyError as exc:
        return html.Div(error_panel(type(exc).__name__, lang), className="page page-evaluation")
    chosen = int(year) if year and year.isdigit() and int(year) in available else (available[-1] if available else None)
    return html.Div([
        dbc.Row([
            dbc.Col(html.H2(t("evaluation.title", lang), className="h4"), md=8),
            dbc.Col(dropdown(lang, id=IDS["year"], options=[{"label": str(y), "value": y} for y in reversed(available)],
                                 value=chosen, clearable=False), md=4),
        ], className="align-items-center"),
        html.Div(id=IDS["scores"], className="mt-2"),
        dbc.Row([
            dbc.Col(dbc.Card([dbc.CardHeader(t("evaluation.achievement", lang)),
                              dbc.CardBody([html.Div(id=IDS["radar_message"]),
                                            dcc.Graph(id=IDS["radar"], className="chart-graph",
                                                      config={"displaylogo": False})])]), lg=5),
            dbc.Col(dbc.Card([dbc.CardHeader(t("evaluation.indicator", lang)), dbc.CardBody(id=IDS["table"])]), lg=7),
        ], className="g-3 mt-1"),
    ], className="page page-evaluation")


@callback(Output(IDS["scores"], "children"), Output(IDS["radar"], "figure"), Output(IDS["radar_message"], "children"),
          Output(IDS["table"], "children"), Input(IDS["year"], "value"))
def update_year(year: Year):
    lang, theme, profile = ctx.language(), ctx.theme(), ctx.current_profile()
    if year is None:
        return html.P(t("evaluation.no_data", lang)), dash.no_update, None, None
    try:
        frame = indicators.for_year(profile.code, int(year))
    except SQLAlchemyError as exc:
        panel = error_panel(type(exc).__name__, lang)
        return panel, dash.no_update, panel, panel
    current = indicators.dimension_scores(frame)
    previous = indicators.dimension_scores(frame, value_column="previous_value")
    labels = {d: t(f"dimension.{d}", lang) for d in DIMENSIONS}
    tiles = dbc.Row([
        dbc.Col(kpi_tile(f"dimension_{row.dimension}", labels[row.dimension],
                         formatting.percent(None if row.score != row.score else row.score, lang, 0),
                         detail=f"{row.indicators} {t('evaluation.indicator', lang).lower()}"), md=4, xl=2)
        for row in current.itertuples()
    ], className="g-3")
    short = {d: t(f"dimension.{d}.short", lang) for d in DIMENSIONS}
    radar = dimension_radar(current, previous, labels=short, current_name=str(year),
                            previous_name=str(int(year) - 1), theme=theme)
    return tiles, radar, None, indicator_table(frame, lang)
