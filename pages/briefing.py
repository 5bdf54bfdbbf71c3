"""/briefing : a period against the previous one, in short sentences, tiles, tables and charts,
with the PDF and per-chart PNG made on the server (``api.briefing``) for the same period.

The period lives in the URL (``?period=7d``, ``?period=30d`` or ``?from=YYYY-MM-DD&to=...``;
``start``/``end`` are read too). It is parsed once where it changes (the layout, the
controls) and stored resolved; the sections read it back with ``Period.from_store``. The
controls write the canonical query back into the address bar and the download links, so a
shared link or a download shows the same briefing.
"""
from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, ClientsideFunction, Input, Output, State, clientside_callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from components import formatting
from components.cards import card, graph
from components.filters import period_control, problems_notice
from components.i18n import t
from components.status import uptime_level
from components.tables import text_table
from components.tiles import error_panel, error_tile, kpi_tile
from data_sources.rules.periods import Period, PeriodError
from pages import _shared as ctx
from pages._callbacks import Data, Text, callback
from reports import briefing
from reports.charts import CHARTS

dash.register_page(__name__, path="/briefing", name="Briefing", order=60)

PAGE = "briefing"
IDS = {name: f"{PAGE}-{name.replace('_', '-')}" for name in (
    "period_store", "query", "query_echo", "notice", "period", "dates", "heading", "cut_note", "pdf", "print",
    "print_echo", "sentences_complaints", "sentences_devices", "sentences_kpis", "complaint_tiles", "device_tiles",
    "kpi_tiles", "agency_table", "uptime_table", "kpi_table")}
CHART_ID, PNG_ID, CHART_MESSAGE_ID = f"{PAGE}-chart", f"{PAGE}-png", f"{PAGE}-chart-message"
PRINT_JS = "function (n) { if (n) { window.print(); } return n || 0; }"
FAILURES = (SQLAlchemyError, PeriodError)  # a query that failed, or a stored period that is not one


def _card(title, body, class_name: str = "") -> dbc.Card:
    return card(title, body, class_name=f"briefing-card {class_name}".strip())


def _chart_card(name: str, lang: str) -> dbc.Card:
    link = html.A(t("briefing.download.png", lang), id={"type": PNG_ID, "index": name}, download="",
                  className="btn btn-outline-secondary btn-sm float-end briefing-download")
    return _card([briefing.chart_title(name, lang), link],
                 [html.Div(id={"type": CHART_MESSAGE_ID, "index": name}),
                  graph({"type": CHART_ID, "index": name}, style={"height": "380px", "minHeight": 0})])


def _controls(p: Period, lang: str) -> html.Div:
    options = [{"label": t(f"briefing.period.{k}", lang), "value": k} for k in briefing.PERIODS]
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


def _parse(params) -> Period:
    return briefing.parse(params, ctx.now_bucket(), ctx.current_profile().timezone)


def layout(**query):
    lang = ctx.language()
    p = _parse(query)
    return html.Div([
        dcc.Store(id=IDS["period_store"], data=p.to_store()),
        dcc.Store(id=IDS["query"]),
        dcc.Store(id=IDS["query_echo"]),
        dcc.Store(id=IDS["print_echo"]),
        html.Div(problems_notice(p.problems, lang, "briefing-notice"), id=IDS["notice"]),
        html.H1(t("briefing.title", lang), className="h4 mb-0 briefing-title"),
        html.Div(id=IDS["heading"], className="text-body-secondary briefing-heading"),
        html.Div(id=IDS["cut_note"], className="small text-body-secondary"),
        _controls(p, lang),
        _card(t("briefing.key_points", lang), [
            html.Ul(id=IDS[key], className="briefing-sentences mb-0")
            for key in ("sentences_complaints", "sentences_devices", "sentences_kpis")], class_name="mt-2"),
        dbc.Row([dbc.Col(id=IDS["complaint_tiles"], lg=6), dbc.Col(id=IDS["device_tiles"], lg=4),
                 dbc.Col(id=IDS["kpi_tiles"], lg=2)], className="g-2 mt-1 tile-row"),
        dbc.Row([
            dbc.Col(_card(t("briefing.agency_table", lang), html.Div(id=IDS["agency_table"])), lg=7),
            dbc.Col([_card(t("briefing.uptime_table", lang), html.Div(id=IDS["uptime_table"])),
                     _card(t("briefing.section.kpis", lang), html.Div(id=IDS["kpi_table"]), class_name="mt-3")], lg=5),
        ], className="g-3 mt-1"),
        dbc.Row([dbc.Col(_chart_card(name, lang), lg=6 if name != "complaints" else 12) for name in CHARTS],
                className="g-3 mt-1 briefing-charts"),
        html.P(t("briefing.definitions", lang), className="small text-body-secondary mt-3 briefing-definitions"),
    ], className="page page-briefing")


def _scope(stored) -> briefing.Scope:
    """The briefing for the stored period in the reader's language (``PeriodError`` if it is not one)."""
    return briefing.Scope(ctx.current_profile(), Period.from_store(stored), ctx.language(), ctx.now_bucket())


def _section(stored, build) -> tuple[briefing.Scope, dict]:
    """One section of the briefing for the stored period; raises what ``FAILURES`` names."""
    scope = _scope(stored)
    return scope, build(scope)


def _table(header: list[str], rows: list[list[str]], table_id: str, numbers_from: int = 1):
    return text_table(header, rows, table_id, numbers_from, class_name="briefing-table mb-0")


def _sentences(items: list[str], topic: str) -> list:
    return [html.Li(s, **{"data-sentence": topic}) for s in items]


def _versus(kpi: str, label: str, value: str, previous: str, compare: str, lang: str, width: int,
            emphasis: str | None = None) -> dbc.Col:
    """A tile with this period's figure and, under it, the previous period's."""
    detail = t("briefing.tile.previous", lang, compare=compare, value=previous)
    return dbc.Col(kpi_tile(kpi, label, value, detail=detail, emphasis=emphasis), xs=12, md=width)


def _shown(section: dict, topic: str, tiles: list, table_id: str):
    """What a section shows: its sentences, its tiles in a row, its table."""
    return _sentences(section["sentences"], topic), dbc.Row(tiles, className="g-2"), _table(*section["table"], table_id)


def _failed(exc: Exception, tiles: dict[str, str], lang: str, width: int):
    """What a section shows when its data cannot be read: no sentences, error tiles, an error panel."""
    reason = type(exc).__name__
    row = dbc.Row([dbc.Col(error_tile(kpi, label, reason, lang), xs=12, md=width) for kpi, label in tiles.items()],
                  className="g-2")
    return None, row, error_panel(reason, lang)


# --- the period and the URL ---------------------------------------------------------------------


@callback(Output(IDS["period_store"], "data"), Output(IDS["dates"], "style"),
          Output(IDS["notice"], "children"), Output(IDS["dates"], "start_date"), Output(IDS["dates"], "end_date"),
          Input(IDS["period"], "value"), Input(IDS["dates"], "start_date"), Input(IDS["dates"], "end_date"),
          prevent_initial_call=True)
def read_period(key: Text, start_date: Text, end_date: Text):
    """The one place the page parses its period from the controls; the date picker follows a
    chosen 7 or 30 days, so a range starts from them."""
    params = ({"period": "custom", "from": str(start_date or "")[:10], "to": str(end_date or "")[:10]}
              if key == "custom" else {"period": str(key or "")})
    p = _parse(params)
    style = {"display": "block" if key == "custom" else "none"}
    return (p.to_store(), style, problems_notice(p.problems, ctx.language(), "briefing-notice"),
            p.first_day.isoformat(), p.last_day.isoformat())


clientside_callback(ClientsideFunction("liveroom", "replaceQuery"), Output(IDS["query_echo"], "data"),
                    Input(IDS["query"], "data"))
clientside_callback(PRINT_JS, Output(IDS["print_echo"], "data"), Input(IDS["print"], "n_clicks"),
                    prevent_initial_call=True)


def _links_on_page() -> list[str]:
    """The charts whose PNG links the request names, in order (every chart outside a callback)."""
    try:
        return [item["id"].get("index") for item in dash.ctx.outputs_list[3]]
    except dash.exceptions.MissingCallbackContextException:
        return list(CHARTS)


@callback(Output(IDS["heading"], "children"), Output(IDS["cut_note"], "children"), Output(IDS["pdf"], "href"),
          Output({"type": PNG_ID, "index": ALL}, "href"), Output(IDS["query"], "data"),
          Input(IDS["period_store"], "data"))
def update_heading_and_links(stored: Data):
    """The heading, the download links and the canonical query for the address bar."""
    lang, profile = ctx.language(), ctx.current_profile()
    charts = _links_on_page()
    try:
        p = Period.from_store(stored)
    except PeriodError as exc:
        return error_panel(type(exc).__name__, lang), None, dash.no_update, [dash.no_update] * len(charts), dash.no_update
    current, previous = briefing.ranges(p, lang)
    heading = t("briefing.heading", lang, period=f"{t(f'briefing.period.{p.key}', lang)}: {current}",
                previous=f"{briefing.compare(p, lang)} ({previous})")
    cut = (t("briefing.cut_note", lang, time=formatting.local_datetime(p.end, profile.timezone, profile.timezone_label,
                                                                         lang)) if p.cut else None)
    query = "?" + urlencode(p.query_params() | {"lang": lang})
    links = [f"/briefing/chart/{name}.png{query}" if name in CHARTS else dash.no_update for name in charts]
    return (heading, cut, f"/briefing/export.pdf{query}", links,
            p.query_string())


# --- sections -----------------------------------------------------------------------------------


@callback(Output(IDS["sentences_complaints"], "children"), Output(IDS["complaint_tiles"], "children"),
          Output(IDS["agency_table"], "children"), Input(IDS["period_store"], "data"))
def update_complaints(stored: Data):
    lang = ctx.language()
    labels = {f"briefing_{k}": t(f"briefing.tile.{k}", lang) for k in ("received", "red", "on_time")}
    try:
        scope, section = _section(stored, briefing.complaints_section)
    except FAILURES as exc:
        return _failed(exc, labels, lang, 4)
    now, before = section["figures"]["current"], section["figures"]["previous"]
    n, pct, compare = (lambda v: formatting.number(v, lang)), (lambda v: formatting.percent(v, lang)), briefing.compare(
        scope.period, lang)
    values = {"received": (n(now["received"]), n(before["received"])), "red": (n(now["red_raised"]), n(before["red_raised"])),
              "on_time": (pct(now["share_on_time"]), pct(before["share_on_time"]))}
    tiles = [_versus(f"briefing_{k}", labels[f"briefing_{k}"], v, was, compare, lang, 4) for k, (v, was) in values.items()]
    return _shown(section, "complaints", tiles, f"{PAGE}-agency-grid")


@callback(Output(IDS["sentences_devices"], "children"), Output(IDS["device_tiles"], "children"),
          Output(IDS["uptime_table"], "children"), Input(IDS["period_store"], "data"))
def update_devices(stored: Data):
    lang = ctx.language()
    labels = {f"briefing_uptime_{k}": t("briefing.tile.uptime", lang, kind=t(f"briefing.kind.{k}", lang))
              for k in ctx.device_kinds()}
    try:
        scope, section = _section(stored, briefing.devices_section)
    except FAILURES as exc:
        return _failed(exc, labels, lang, 6)
    compare, pct = briefing.compare(scope.period, lang), (lambda v: formatting.percent(None if v != v else v, lang))
    tiles = [_versus(f"briefing_uptime_{r.kind}", labels[f"briefing_uptime_{r.kind}"], pct(r.uptime),
                     pct(r.uptime_previous), compare, lang, 6, uptime_level(r.uptime, r.target))
             for r in section["frame"].itertuples()]
    return _shown(section, "devices", tiles, f"{PAGE}-uptime-grid")


@callback(Output(IDS["sentences_kpis"], "children"), Output(IDS["kpi_tiles"], "children"),
          Output(IDS["kpi_table"], "children"), Input(IDS["period_store"], "data"))
def update_kpis(stored: Data):
    lang = ctx.language()
    labels = {"briefing_kpis_off": t("briefing.tile.kpis_off", lang)}
    try:
        _, section = _section(stored, briefing.kpis_section)
    except FAILURES as exc:
        return _failed(exc, labels, lang, 12)
    status = section["status"]
    tile = kpi_tile("briefing_kpis_off", labels["briefing_kpis_off"], formatting.number(status["off_target"], lang),
                    detail=t("tile.of_total", lang, total=formatting.number(status["total"], lang)),
                    emphasis="danger" if status["off_target"] else "success")
    header, rows = section["table"]
    table = (_table(header, rows, f"{PAGE}-kpi-grid", numbers_from=2) if rows else
             html.P(t("briefing.kpi_table.none", lang), className="mb-0"))
    return _sentences(section["sentences"], "kpis"), tile, table


@callback(Output({"type": CHART_ID, "index": MATCH}, "figure"),
          Output({"type": CHART_MESSAGE_ID, "index": MATCH}, "children"),
          Input(IDS["period_store"], "data"), State({"type": CHART_ID, "index": MATCH}, "id"))
def update_chart(stored: Data, chart_id: Data):
    lang = ctx.language()
    name = (chart_id or {}).get("index") if isinstance(chart_id, dict) else None
    if name not in CHARTS:
        raise dash.exceptions.PreventUpdate
    try:
        return briefing.chart(name, _scope(stored), ctx.theme()), None
    except FAILURES as exc:
        return dash.no_update, error_panel(type(exc).__name__, lang)
