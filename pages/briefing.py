"""/briefing : a period against the previous one, in short sentences, tiles, tables and charts,
with the PDF and per-chart PNG made on the server (``api.briefing``) for the same period.

The period lives in the URL (``?period=7d``, ``?period=30d`` or ``?start=YYYY-MM-DD&end=...``):
the layout reads it, the controls write the canonical query back into the address bar and
into the download links, so a shared link or a download shows the same briefing.
"""
from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, MATCH, ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from components import briefing as words
from components import formatting
from components.briefing_charts import CHARTS
from components.filters import period_control
from components.i18n import t
from components.tiles import error_panel, error_tile, kpi_tile
from data_sources.queries.briefing_period import PERIODS, BriefingPeriod
from pages import _briefing as content
from pages import _shared as ctx

dash.register_page(__name__, path="/briefing", name="Briefing", order=60)

PAGE = "briefing"
IDS = {name: f"{PAGE}-{name.replace('_', '-')}" for name in (
    "params", "query", "query_echo", "notice", "period", "dates", "heading", "cut_note", "pdf", "print",
    "print_echo", "sentences_complaints", "sentences_devices", "sentences_kpis", "complaint_tiles", "device_tiles",
    "kpi_tiles", "agency_table", "uptime_table", "kpi_table")}
CHART_ID, PNG_ID, CHART_MESSAGE_ID = f"{PAGE}-chart", f"{PAGE}-png", f"{PAGE}-chart-message"
GRAPH_CONFIG = {"displaylogo": False, "displayModeBar": False}
PRINT_JS = "function (n) { if (n) { window.print(); } return n || 0; }"


def _card(title, body, **kwargs) -> dbc.Card:
    return dbc.Card([dbc.CardHeader(title), dbc.CardBody(body)], className="briefing-card " + kwargs.pop("className", ""),
                    **kwargs)


def _chart_card(name: str, lang: str) -> dbc.Card:
    link = html.A(t("briefing.download.png", lang), id={"type": PNG_ID, "index": name}, download="",
                  className="btn btn-outline-secondary btn-sm float-end briefing-download")
    return _card([content.chart_title(name, lang), link],
                 [html.Div(id={"type": CHART_MESSAGE_ID, "index": name}),
                  dcc.Graph(id={"type": CHART_ID, "index": name}, className="chart-graph", config=GRAPH_CONFIG,
                            style={"height": "380px", "minHeight": 0})])


def _controls(p: BriefingPeriod, lang: str) -> html.Div:
    options = [{"label": t(f"briefing.period.{k}", lang), "value": k} for k in PERIODS]
    return html.Div(dbc.Row([
        dbc.Col(period_control(IDS["period"], IDS["dates"], label=t("briefing.period.label", lang),
                               options=options, value=p.key, first_day=p.first_day, last_day=p.last_day,
                               custom=p.key == "custom"), lg=6),
        dbc.Col([
            html.A(t("briefing.download.pdf", lang), id=IDS["pdf"], download="", className="btn btn-primary btn-sm me-2"),
            html.Button(t("briefing.print", lang), id=IDS["print"], className="btn btn-outline-secondary btn-sm"),
            html.Div(t("briefing.download.hint", lang), className="small text-body-secondary mt-1"),
        ], lg=6, className="text-lg-end briefing-actions"),
    ], className="g-2 align-items-end"), className="filter-bar briefing-controls")


def _notice(p: BriefingPeriod, lang: str):
    if not p.problems:
        return None
    items = "; ".join(t(key, lang, value=value) for key, value in p.problems)
    return dbc.Alert(f"{t('briefing.problem.intro', lang)} {items}", color="warning", className="py-1 briefing-notice")


def layout(**query):
    lang = ctx.language()
    p = content.period(query)
    return html.Div([
        dcc.Store(id=IDS["params"], data=p.query_params()),
        dcc.Store(id=IDS["query"]),
        dcc.Store(id=IDS["query_echo"]),
        dcc.Store(id=IDS["print_echo"]),
        html.Div(_notice(p, lang), id=IDS["notice"]),
        html.H1(t("briefing.title", lang), className="h4 mb-0 briefing-title"),
        html.Div(id=IDS["heading"], className="text-body-secondary briefing-heading"),
        html.Div(id=IDS["cut_note"], className="small text-body-secondary"),
        _controls(p, lang),
        _card(t("briefing.key_points", lang), [
            html.Ul(id=IDS[key], className="briefing-sentences mb-0")
            for key in ("sentences_complaints", "sentences_devices", "sentences_kpis")], className="mt-2"),
        dbc.Row([dbc.Col(id=IDS["complaint_tiles"], lg=6), dbc.Col(id=IDS["device_tiles"], lg=4),
                 dbc.Col(id=IDS["kpi_tiles"], lg=2)], className="g-2 mt-1 tile-row"),
        dbc.Row([
            dbc.Col(_card(t("briefing.agency_table", lang), html.Div(id=IDS["agency_table"])), lg=7),
            dbc.Col([_card(t("briefing.uptime_table", lang), html.Div(id=IDS["uptime_table"])),
                     _card(t("briefing.section.kpis", lang), html.Div(id=IDS["kpi_table"]), className="mt-3")], lg=5),
        ], className="g-3 mt-1"),
        dbc.Row([dbc.Col(_chart_card(name, lang), lg=6 if name != "complaints" else 12) for name in CHARTS],
                className="g-3 mt-1 briefing-charts"),
        html.P(t("briefing.definitions", lang), className="small text-body-secondary mt-3 briefing-definitions"),
    ], className="page page-briefing")


def _period(params) -> BriefingPeriod:
    return content.period(params or {})


def _table(header: list[str], rows: list[list[str]], table_id: str, numbers_from: int = 1) -> dbc.Table:
    """A small table; columns from ``numbers_from`` on hold numbers and are right-aligned."""
    align = lambda i: "text-end" if i >= numbers_from else None  # noqa: E731
    return dbc.Table([html.Thead(html.Tr([html.Th(h, className=align(i)) for i, h in enumerate(header)])),
                      html.Tbody([html.Tr([html.Td(v, className=align(i)) for i, v in enumerate(row)]) for row in rows])],
                     size="sm", striped=True, hover=True, responsive=True, className="briefing-table mb-0",
                     id=table_id)


def _sentences(items: list[str], topic: str) -> list:
    return [html.Li(s, **{"data-sentence": topic}) for s in items]


# --- the period and the URL ---------------------------------------------------------------------


@callback(Output(IDS["params"], "data"), Output(IDS["dates"], "style"),
          Output(IDS["notice"], "children"), Output(IDS["dates"], "start_date"), Output(IDS["dates"], "end_date"),
          Input(IDS["period"], "value"), Input(IDS["dates"], "start_date"), Input(IDS["dates"], "end_date"),
          prevent_initial_call=True)
def read_period(key, start_date, end_date):
    """The period from the controls; the date picker follows a chosen 7 or 30 days, so a range starts from them."""
    params = ({"start": (start_date or "")[:10], "end": (end_date or "")[:10]} if key == "custom"
              else {"period": key or ""})
    p = _period(params)
    style = {"display": "block" if key == "custom" else "none"}
    return p.query_params(), style, _notice(p, ctx.language()), p.first_day.isoformat(), p.last_day.isoformat()


clientside_callback(ClientsideFunction("liveroom", "replaceQuery"), Output(IDS["query_echo"], "data"),
                    Input(IDS["query"], "data"))
clientside_callback(PRINT_JS, Output(IDS["print_echo"], "data"), Input(IDS["print"], "n_clicks"),
                    prevent_initial_call=True)


@callback(Output(IDS["heading"], "children"), Output(IDS["cut_note"], "children"), Output(IDS["pdf"], "href"),
          Output({"type": PNG_ID, "index": ALL}, "href"), Output(IDS["query"], "data"), Input(IDS["params"], "data"))
def update_heading_and_links(params):
    """The heading, the download links and the canonical query for the address bar."""
    lang, profile, p = ctx.language(), ctx.current_profile(), _period(params)
    current, previous = content.ranges(p, lang)
    heading = t("briefing.heading", lang, period=f"{t(f'briefing.period.{p.key}', lang)}: {current}",
                previous=f"{content.compare(p, lang)} ({previous})")
    cut = (t("briefing.cut_note", lang, time=formatting.local_datetime(p.end, profile.timezone, profile.timezone_label,
                                                                         lang)) if p.cut else None)
    query = "?" + urlencode(p.query_params() | {"lang": lang})
    return (heading, cut, f"/briefing/export.pdf{query}", [f"/briefing/chart/{name}.png{query}" for name in CHARTS],
            p.query_string())


# --- sections -----------------------------------------------------------------------------------


@callback(Output(IDS["sentences_complaints"], "children"), Output(IDS["complaint_tiles"], "children"),
          Output(IDS["agency_table"], "children"), Input(IDS["params"], "data"))
def update_complaints(params):
    lang, p = ctx.language(), _period(params)
    labels = {k: t(f"briefing.tile.{k}", lang) for k in ("received", "red", "on_time")}
    try:
        section = content.complaints_section(p, lang)
    except SQLAlchemyError as exc:
        reason = type(exc).__name__
        tiles = [dbc.Col(error_tile(f"briefing_{k}", label, reason, lang)) for k, label in labels.items()]
        return None, dbc.Row(tiles, className="g-2"), error_panel(reason, lang)
    now, before = section["figures"]["current"], section["figures"]["previous"]
    n, pct, compare = (lambda v: formatting.number(v, lang)), (lambda v: formatting.percent(v, lang)), content.compare(p, lang)
    values = {"received": (n(now["received"]), n(before["received"])), "red": (n(now["red_raised"]), n(before["red_raised"])),
              "on_time": (pct(now["share_on_time"]), pct(before["share_on_time"]))}
    tiles = [dbc.Col(kpi_tile(f"briefing_{k}", labels[k], v, detail=t("briefing.tile.previous", lang, compare=compare,
                                                                      value=was)), xs=12, md=4)
             for k, (v, was) in values.items()]
    return (_sentences(section["sentences"], "complaints"), dbc.Row(tiles, className="g-2"),
            _table(*section["table"], f"{PAGE}-agency-grid"))


@callback(Output(IDS["sentences_devices"], "children"), Output(IDS["device_tiles"], "children"),
          Output(IDS["uptime_table"], "children"), Input(IDS["params"], "data"))
def update_devices(params):
    lang, p = ctx.language(), _period(params)
    labels = {k: t("briefing.tile.uptime", lang, kind=t(f"briefing.kind.{k}", lang)) for k in ("cctv", "wifi")}
    try:
        section = content.devices_section(p, lang)
    except SQLAlchemyError as exc:
        reason = type(exc).__name__
        tiles = [dbc.Col(error_tile(f"briefing_uptime_{k}", label, reason, lang)) for k, label in labels.items()]
        return None, dbc.Row(tiles, className="g-2"), error_panel(reason, lang)
    compare, pct = content.compare(p, lang), (lambda v: formatting.percent(None if pd.isna(v) else v, lang))
    tiles = [dbc.Col(kpi_tile(f"briefing_uptime_{r.kind}", labels[r.kind], pct(r.uptime),
                              detail=t("briefing.tile.previous", lang, compare=compare, value=pct(r.uptime_previous)),
                              emphasis=words.uptime_emphasis(r.uptime, r.target)), xs=12, md=6)
             for r in section["frame"].itertuples()]
    return (_sentences(section["sentences"], "devices"), dbc.Row(tiles, className="g-2"),
            _table(*section["table"], f"{PAGE}-uptime-grid"))


@callback(Output(IDS["sentences_kpis"], "children"), Output(IDS["kpi_tiles"], "children"),
          Output(IDS["kpi_table"], "children"), Input(IDS["params"], "data"))
def update_kpis(params):
    lang = ctx.language()
    label = t("briefing.tile.kpis_off", lang)
    try:
        section = content.kpis_section(lang)
    except SQLAlchemyError as exc:
        return None, error_tile("briefing_kpis_off", label, type(exc).__name__, lang), error_panel(type(exc).__name__, lang)
    status = section["status"]
    tile = kpi_tile("briefing_kpis_off", label, formatting.number(status["off_target"], lang),
                    detail=t("tile.of_total", lang, total=formatting.number(status["total"], lang)),
                    emphasis="danger" if status["off_target"] else "success")
    header, rows = section["table"]
    table = (_table(header, rows, f"{PAGE}-kpi-grid", numbers_from=2) if rows else
             html.P(t("briefing.kpi_table.none", lang), className="mb-0"))
    return _sentences(section["sentences"], "kpis"), tile, table


@callback(Output({"type": CHART_ID, "index": MATCH}, "figure"),
          Output({"type": CHART_MESSAGE_ID, "index": MATCH}, "children"),
          Input(IDS["params"], "data"), State({"type": CHART_ID, "index": MATCH}, "id"))
def update_chart(params, chart_id):
    lang = ctx.language()
    try:
        return content.chart(chart_id["index"], _period(params), lang, ctx.theme()), None
    except SQLAlchemyError as exc:
        return dash.no_update, error_panel(type(exc).__name__, lang)
