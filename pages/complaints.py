"""/complaints : the red-flag board, maps, trends and agency responsiveness.

The filters live in the URL query string (see ``queries.filters``). They are parsed once
where they change: by the layout from the URL, and by ``read_filters`` from the controls (and
again on each refresh, so "7 days" moves on at midnight; the store only changes when the
filter does). The store holds the parsed filter; every figure callback reads it back with
``ComplaintFilter.from_store`` instead of parsing it again. ``read_filters`` also writes the
canonical query back into the address bar (clientside, without a reload).
"""
from __future__ import annotations


import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ClientsideFunction, Input, Output, State, clientside_callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from components import exports, formatting
from components.cards import card, graph
from components.charts import category_stack, horizontal_bars
from components.filters import filter_bar, params_from_controls, problems_notice
from components.grids import agency_columns, grid, red_flag_columns, red_flag_rows
from components.i18n import localised, t
from components.maps import choropleth_patch, complaint_locations, data_patch, empty_notice, region_choropleth
from components.status import on_time_level
from components.tiles import error_panel, error_tile, kpi_tile
from components.alerts import alert_list
from data_sources.queries import alerts as alert_queries
from data_sources.queries import complaints, regions, sources
from data_sources.rules.burst_watch import warning_settings
from data_sources.rules.early_warning import explain
from data_sources.queries.filters import ComplaintFilter, FilterError, parse_filter
from data_sources.rules.periods import local_day_start
from pages import _shared as ctx
from pages._callbacks import Click, Data, Flag, Text, Texts, callback

dash.register_page(__name__, path="/complaints", name="Aduan Warga", order=10)

PAGE = "complaints"
IDS = {name: f"{PAGE}-{name.replace('_', '-')}" for name in (
    "refresh", "filter", "query", "query_echo", "notice", "period", "dates", "kecamatan", "category", "agency",
    "status", "tiles", "metric", "choropleth", "choropleth_built", "choropleth_message", "locations", "locations_built",
    "locations_message", "trend_day",
    "trend_hour", "trend_message", "by_category", "by_agency", "breakdown_message", "agency_grid",
    "agency_message", "export_csv", "export_xlsx", "download", "red_grid", "red_count", "red_csv", "red_xlsx",
    "red_download", "alerts")}
METRICS = ("received", "per_10k", "red")
TILES = ("today", "period", "open", "red", "median", "on_time", "resolved")
FAILURES = (SQLAlchemyError, FilterError)  # a query that failed, or a stored filter that is not one


def layout(map: str | None = None, **query):  # noqa: A002 - "map" is the query parameter's name
    lang, profile = ctx.language(), ctx.current_profile()
    flt = parse_filter(query, profile, ctx.now_bucket())
    metric = map if map in METRICS else METRICS[0]
    if ctx.may("personal_data"):
        ctx.note("unmasked_view", "/complaints: red-flag texts unmasked")
    metric_switch = dbc.RadioItems(
        id=IDS["metric"], value=metric, inline=True, className="metric-switch",
        options=[{"label": t(f"complaints.metric.{m}", lang), "value": m} for m in METRICS])
    return html.Div([
        dcc.Interval(id=IDS["refresh"], interval=ctx.current_settings().refresh_interval_seconds * 1000),
        dcc.Store(id=IDS["filter"], data=flt.to_store()),
        dcc.Store(id=IDS["query"], data=_query_string(flt, metric)),
        dcc.Store(id=IDS["query_echo"]),
        dcc.Store(id=IDS["choropleth_built"]),  # set once a map exists: a refresh then patches it in place
        dcc.Store(id=IDS["locations_built"]),
        dcc.Download(id=IDS["download"]),
        dcc.Download(id=IDS["red_download"]),
        html.Div(problems_notice(flt.problems, lang), id=IDS["notice"]),
        filter_bar(IDS, flt, profile, lang),
        html.Div(id=IDS["tiles"], className="tile-row mt-2"),
        card(t("alerts.title", lang), [html.Div(id=IDS["alerts"]),
                                      html.Small(explain(warning_settings(profile), lang), className="text-body-secondary hint")],
             class_name="mt-3 complaints-alerts-card"),
        dbc.Row([
            dbc.Col(card([t("complaints.map.title", lang), metric_switch],
                          [html.Div(id=IDS["choropleth_message"]), graph(IDS["choropleth"], "map-graph"),
                           html.Small(t("complaints.map.click_hint", lang), className="text-body-secondary hint")]),
                    lg=6),
            dbc.Col(card(t("complaints.points.title", lang),
                          [html.Div(id=IDS["locations_message"], className="small text-body-secondary"),
                           graph(IDS["locations"], "map-graph")]), lg=6),
        ], className="g-3 mt-1 complaints-maps"),
        html.Div(id=IDS["trend_message"]),
        dbc.Row([
            dbc.Col(card(t("complaints.trend.day", lang), graph(IDS["trend_day"])), lg=7),
            dbc.Col(card(t("complaints.trend.hour", lang), graph(IDS["trend_hour"])), lg=5),
        ], className="g-3 mt-1 complaints-trends"),
        html.Div(id=IDS["breakdown_message"]),
        dbc.Row([
            dbc.Col(card(t("complaints.by_category", lang), graph(IDS["by_category"])), lg=6),
            dbc.Col(card(t("complaints.by_agency", lang), graph(IDS["by_agency"])), lg=6),
        ], className="g-3 mt-1 complaints-breakdowns"),
        card([t("complaints.agency_table", lang), _export_buttons("export_csv", "export_xlsx", lang)],
              [html.Div(id=IDS["agency_message"]), grid(IDS["agency_grid"], agency_columns(lang), lang=lang, height="420px")],
              class_name="mt-3 complaints-agency-card"),
        card([t("complaints.red_list", lang), _export_buttons("red_csv", "red_xlsx", lang)],
              [html.Div(id=IDS["red_count"], className="mb-2"),
               html.Div(grid(IDS["red_grid"], red_flag_columns(lang, revealed=ctx.may("personal_data")), lang=lang),
                        **{"data-translate": "no"})],  # citizens' own words, in their language
              class_name="mt-3 red-flag-card"),
    ], className="page page-complaints")


def _export_buttons(csv_key: str, xlsx_key: str, lang: str) -> html.Span:
    """Download buttons for a card's table (disabled for a role that may not export)."""
    allowed = ctx.may("export")
    return html.Span([
        dbc.Button(t("complaints.export.csv", lang), id=IDS[csv_key], size="sm", color="secondary", outline=True,
                   className="me-2", disabled=not allowed),
        dbc.Button(t("complaints.export.xlsx", lang), id=IDS[xlsx_key], size="sm", color="secondary", outline=True,
                   disabled=not allowed)], className="float-end export-buttons")


def _query_string(flt: ComplaintFilter, metric: str) -> str:
    query = flt.query_string()
    return query if metric == METRICS[0] else f"{query}&map={metric}"


_filter = ComplaintFilter.from_store  # the parsed filter in the page's store; FilterError if it is not one


# --- filters and the URL ------------------------------------------------------------------------


@callback(Output(IDS["filter"], "data"), Output(IDS["query"], "data"), Output(IDS["dates"], "style"),
          Output(IDS["notice"], "children"),
          Input(IDS["period"], "value"), Input(IDS["dates"], "start_date"), Input(IDS["dates"], "end_date"),
          Input(IDS["kecamatan"], "value"), Input(IDS["category"], "value"), Input(IDS["agency"], "value"),
          Input(IDS["status"], "value"), Input(IDS["metric"], "value"), Input(IDS["refresh"], "n_intervals"),
          State(IDS["filter"], "data"), prevent_initial_call=True)
def read_filters(period: Text, start_date: Text, end_date: Text, kecamatan: Texts, category: Texts, agency: Texts,
                 status: Texts, metric: Text, _n, stored: Data):
    """The one place the page parses its filter: from the controls, and on each refresh (a
    period like "7 days" moves on at midnight); the store changes only when the filter does."""
    params = params_from_controls(period, start_date, end_date, kecamatan, category, agency, status)
    flt = parse_filter(params, ctx.current_profile(), ctx.now_bucket())
    query = _query_string(flt, metric if metric in METRICS else METRICS[0])
    style = {"display": "block" if flt.period.key == "custom" else "none"}
    data = flt.to_store()
    return (dash.no_update if data == stored else data), query, style, problems_notice(flt.problems, ctx.language())


clientside_callback(ClientsideFunction("liveroom", "replaceQuery"), Output(IDS["query_echo"], "data"),
                    Input(IDS["query"], "data"))


@callback(Output(IDS["kecamatan"], "value"), Input(IDS["choropleth"], "clickData"), State(IDS["kecamatan"], "value"),
          prevent_initial_call=True)
def filter_by_map_click(click: Click | None, selected: Texts):
    """A click on a kecamatan adds it to the filter; a second click takes it out again."""
    points = (click or {}).get("points") or []
    code = points[0].get("location") if points else None
    if not code:
        return dash.no_update
    selected = list(selected or [])
    return [c for c in selected if c != code] if code in selected else selected + [code]


# --- figures ------------------------------------------------------------------------------------


def tile_values(summary: dict, lang: str) -> dict[str, tuple[str, str | None, str | None]]:
    """(value, detail, emphasis) per tile."""
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    median = summary["median_response_seconds"]
    share = summary["share_on_time"]
    return {
        "today": (n(summary["received_today"]), None, None),
        "period": (n(summary["received"]), None, None),
        "open": (n(summary["open"]), None, None),
        "red": (n(summary["red"]), t("complaints.tile.red_detail", lang, amber=n(summary["amber"])),
                "danger" if summary["red"] else "success"),
        "median": ("–" if median is None else formatting.duration(median, lang), None, None),
        "on_time": (formatting.percent(share, lang),
                    t("complaints.tile.on_time_detail", lang, n=n(summary["answered_on_time"]),
                      total=n(summary["judged"])),
                    on_time_level(share)),
        "resolved": (formatting.percent(summary["share_resolved"], lang),
                     t("complaints.tile.resolved_detail", lang, n=n(summary["resolved"]), total=n(summary["received"])),
                     None),
    }


@callback(Output(IDS["tiles"], "children"), Input(IDS["filter"], "data"), Input(IDS["refresh"], "n_intervals"))
def update_tiles(params: Data, _n):
    lang, profile, now = ctx.language(), ctx.current_profile(), ctx.now_bucket()
    labels = {k: t(f"complaints.tile.{k}", lang) for k in TILES}
    try:
        summary = complaints.summary(_filter(params), now, local_day_start(now, profile.timezone))
        status = sources.source_status(profile.code)
    except FAILURES as exc:
        return dbc.Row([dbc.Col(error_tile(f"complaints_{k}", labels[k], type(exc).__name__, lang)) for k in TILES],
                       className="g-2")
    common = ctx.freshness(status, "complaints")
    values = tile_values(summary, lang)
    return dbc.Row([
        dbc.Col(kpi_tile(f"complaints_{k}", labels[k], values[k][0], detail=values[k][1], emphasis=values[k][2],
                         **common), xs=6, md=3, xl=True)
        for k in TILES
    ], className="g-2")


def _patching(built) -> bool:
    """True when the refresh interval (not a filter) fired and the figure is already drawn."""
    return bool(built) and dash.ctx.triggered_id == IDS["refresh"]


@callback(Output(IDS["choropleth"], "figure"), Output(IDS["choropleth_message"], "children"),
          Output(IDS["choropleth_built"], "data"), Input(IDS["filter"], "data"), Input(IDS["metric"], "value"),
          Input(IDS["refresh"], "n_intervals"), State(IDS["choropleth_built"], "data"))
def update_choropleth(params: Data, metric: Text, _n, built: Flag):
    lang, theme, profile = ctx.language(), ctx.theme(), ctx.current_profile()
    metric = metric if metric in METRICS else METRICS[0]
    try:
        frame = complaints.by_kecamatan(_filter(params), ctx.now_bucket()).fillna({"per_10k": 0})
        empty = empty_notice(frame[metric], t("complaints.empty", lang))
        if _patching(built):
            return choropleth_patch(frame, metric), empty, dash.no_update
        shapes = regions.geojson(profile.code, "kecamatan")
        approximate = regions.geometry_is_approximate(profile.code)
    except FAILURES as exc:
        return dash.no_update, error_panel(type(exc).__name__, lang), dash.no_update
    return region_choropleth(frame, shapes, metric, value_label=t(f"complaints.metric.{metric}", lang),
                             theme=theme, style=ctx.map_style(), center=profile.map.center,
                             zoom=profile.map.zoom, note=t("map.approximate", lang) if approximate else None,
                             labels=ctx.region_labels()), empty, True


@callback(Output(IDS["locations"], "figure"), Output(IDS["locations_message"], "children"),
          Output(IDS["locations_built"], "data"), Input(IDS["filter"], "data"), Input(IDS["refresh"], "n_intervals"),
          State(IDS["locations_built"], "data"))
def update_locations(params: Data, _n, built: Flag):
    lang, theme, profile = ctx.language(), ctx.theme(), ctx.current_profile()
    try:
        result = complaints.locations(_filter(params))
    except FAILURES as exc:
        return dash.no_update, error_panel(type(exc).__name__, lang), dash.no_update
    total = formatting.number(result["total"], lang)
    caption = (t("complaints.points.points", lang, n=total) if result["mode"] == "points" else
               t("complaints.points.grid", lang, n=total, metres=formatting.number(result["cell_degrees"] * 111_000, lang)))
    figure = complaint_locations(result["frame"], result["mode"], theme=theme, style=ctx.map_style(),
                                 center=profile.map.center, zoom=profile.map.zoom, cell_degrees=result["cell_degrees"],
                                 label=t("chart.complaints", lang))
    return (data_patch(figure), caption, dash.no_update) if _patching(built) else (figure, caption, True)


def _trend_figure(params, unit: str):
    lang, theme, profile = ctx.language(), ctx.theme(), ctx.current_profile()
    flt = _filter(params)
    frame = complaints.trend(flt, profile.timezone, unit)
    if unit == "day":
        days = flt.period.dates()
        with_year = len({d.year for d in days}) > 1  # a range across years: '26 Nov 2025', never two '26 Nov'
        label = {d.isoformat(): formatting.day(d, lang, with_year) for d in days}
        x_values = list(label.values())
        frame = frame.assign(bucket=frame["bucket"].astype(str).map(label))
    else:
        x_values = list(range(24))
    return category_stack(frame, x_column="bucket", label_column=f"name_{lang}", x_values=x_values,
                          x_title=t(f"complaints.axis.{unit}", lang), value_label=t("chart.complaints", lang),
                          other_label=t("complaints.trend.other", lang), theme=theme,
                          empty_text=t("complaints.empty", lang))


@callback(Output(IDS["trend_day"], "figure"), Output(IDS["trend_message"], "children"),
          Input(IDS["filter"], "data"), Input(IDS["refresh"], "n_intervals"))
def update_trend_by_day(params: Data, _n):
    try:
        return ctx.built("trend", lambda: _trend_figure(params, "day").to_dict(), params, "day"), None
    except FAILURES as exc:
        return dash.no_update, error_panel(type(exc).__name__, ctx.language())


@callback(Output(IDS["trend_hour"], "figure"), Input(IDS["filter"], "data"), Input(IDS["refresh"], "n_intervals"))
def update_trend_by_hour(params: Data, _n):
    try:
        return ctx.built("trend", lambda: _trend_figure(params, "hour").to_dict(), params, "hour")
    except FAILURES:
        return dash.no_update  # the day trend's message already says the trend query failed


def _breakdown(params, query, label_column: str, colour: str):
    lang, theme = ctx.language(), ctx.theme()
    frame = query(_filter(params), ctx.now_bucket()).sort_values("received", ascending=False)
    return horizontal_bars(frame[frame["received"] > 0], label_column, "received",
                           value_label=t("complaints.col.received", lang), theme=theme,
                           empty_text=t("complaints.empty", lang), colour=colour)


@callback(Output(IDS["by_category"], "figure"), Output(IDS["breakdown_message"], "children"),
          Input(IDS["filter"], "data"), Input(IDS["refresh"], "n_intervals"))
def update_by_category(params: Data, _n):
    try:
        return _breakdown(params, complaints.by_category, f"name_{ctx.language()}", "#1c7ed6"), None
    except FAILURES as exc:
        return dash.no_update, error_panel(type(exc).__name__, ctx.language())


@callback(Output(IDS["by_agency"], "figure"), Input(IDS["filter"], "data"), Input(IDS["refresh"], "n_intervals"))
def update_by_agency(params: Data, _n):
    try:
        lang = ctx.language()

        def counts_only(flt, now):
            return localised(complaints.by_agency(flt, now, with_medians=False), lang, "name")

        return _breakdown(params, counts_only, "name", "#5f3dc4")
    except FAILURES:
        return dash.no_update  # the category breakdown's message already reports the failing query


@callback(Output(IDS["agency_grid"], "rowData"), Output(IDS["agency_message"], "children"),
          Input(IDS["filter"], "data"), Input(IDS["refresh"], "n_intervals"))
def update_agency_table(params: Data, _n):
    try:
        frame = localised(complaints.by_agency(_filter(params), ctx.now_bucket()), ctx.language(), "name")
    except FAILURES as exc:
        return dash.no_update, error_panel(type(exc).__name__, ctx.language())
    return frame.astype(object).where(frame.notna(), None).to_dict("records"), None


@callback(Output(IDS["red_grid"], "rowData"), Output(IDS["red_count"], "children"),
          Input(IDS["filter"], "data"), Input(IDS["refresh"], "n_intervals"))
def update_red_flags(params: Data, _n):
    lang, profile = ctx.language(), ctx.current_profile()

    def listed():
        found = complaints.red_flags(_filter(params), ctx.now_bucket(), reveal=ctx.may("personal_data"))
        return found["total"], red_flag_rows(found["frame"], lang=lang, tz=profile.timezone,
                                             tz_label=profile.timezone_label)

    try:
        total, rows = ctx.built("red-flags", listed, params)
    except FAILURES as exc:
        return dash.no_update, error_panel(type(exc).__name__, lang)
    result = {"total": total}
    if not result["total"]:
        return rows, dbc.Badge(t("complaints.red_list.none", lang), color="success")
    count = t("complaints.red_list.count", lang, shown=formatting.number(len(rows), lang),
              total=formatting.number(result["total"], lang))
    return rows, html.Span(count, className="text-danger fw-semibold", **{"data-kpi": "complaints_red_list"})


# --- exports ------------------------------------------------------------------------------------


@callback(Output(IDS["download"], "data"), Input(IDS["export_csv"], "n_clicks"), Input(IDS["export_xlsx"], "n_clicks"),
          State(IDS["filter"], "data"), prevent_initial_call=True)
def export_agency_table(_csv, _xlsx, params: Data):
    lang = ctx.language()
    if not ctx.may("export"):
        return dash.no_update
    try:
        flt = _filter(params)
        frame = localised(complaints.by_agency(flt, ctx.now_bucket()), lang, "name")
    except FAILURES:
        return dash.no_update  # the agency table's own message already says what failed
    labels = {"code": "Kode" if lang == "id" else "Code", "name": t("complaints.col.agency", lang),
              "received": t("complaints.col.received", lang), "answered": t("complaints.col.answered", lang),
              "answered_on_time": t("complaints.col.on_time", lang),
              "share_on_time": t("complaints.col.share_on_time", lang),
              "median_response_hours": t("complaints.col.median_hours", lang),
              "open": t("complaints.col.open", lang), "red": t("complaints.col.red", lang)}
    table = exports.labelled(frame, labels)
    stem = f"respons-opd_{flt.first_day.isoformat()}_{flt.last_day.isoformat()}"
    ctx.note("export", f"{stem} ({'xlsx' if dash.ctx.triggered_id == IDS['export_xlsx'] else 'csv'})")
    if dash.ctx.triggered_id == IDS["export_xlsx"]:
        return dcc.send_bytes(exports.xlsx_bytes(table, t("complaints.agency_table", lang)), f"{stem}.xlsx")
    return dcc.send_bytes(exports.csv_bytes(table), f"{stem}.csv")


@callback(Output(IDS["red_download"], "data"), Input(IDS["red_csv"], "n_clicks"), Input(IDS["red_xlsx"], "n_clicks"),
          State(IDS["filter"], "data"), prevent_initial_call=True)
def export_red_flags(_csv, _xlsx, params: Data):
    """The red-flag list in scope as a file, personal data masked as on the page for the role."""
    lang = ctx.language()
    if not ctx.may("export"):
        return dash.no_update
    reveal = ctx.may("personal_data")
    try:
        flt = _filter(params)
        frame = localised(complaints.red_flags(flt, ctx.now_bucket(), limit=10_000, reveal=reveal)["frame"], lang,
                          "agency")
    except FAILURES:
        return dash.no_update  # the list's own message already says what failed
    profile = ctx.current_profile()
    local = {column: pd.to_datetime(frame[column], utc=True).dt.tz_convert(profile.timezone).dt.tz_localize(None)
             for column in ("received_at", "response_due_at")}  # the city's clock; a spreadsheet has no zones
    frame = frame.assign(category=frame[f"name_{lang}"], overdue_hours=(frame["overdue_seconds"] / 3600).round(1),
                         **local)
    suffix = "_full" if reveal else ""
    labels = {"external_id": t("complaints.col.id", lang), "category": t("complaints.col.category", lang),
              "kecamatan": t("complaints.col.kecamatan", lang), "agency": t("complaints.col.agency", lang),
              "status": "Status",
              "received_at": f"{t('complaints.col.received_at', lang)} ({profile.timezone_label})",
              "response_due_at": f"{t('complaints.col.due', lang)} ({profile.timezone_label})", "overdue_hours": t("complaints.col.overdue_hours", lang),
              "description": t(f"complaints.col.text{suffix}", lang),
              "address": t(f"complaints.col.address{suffix}", lang),
              "reporter": t(f"complaints.col.reporter{suffix}", lang)}
    table = exports.labelled(frame, labels)
    stem = f"{t('complaints.red_list.file', lang)}_{flt.first_day.isoformat()}_{flt.last_day.isoformat()}"
    xlsx = dash.ctx.triggered_id == IDS["red_xlsx"]
    ctx.note("export", f"{stem}.{'xlsx' if xlsx else 'csv'} ({len(frame)} rows, {'unmasked' if reveal else 'masked'})")
    if xlsx:
        return dcc.send_bytes(exports.xlsx_bytes(table, t("complaints.red_list", lang)), f"{stem}.xlsx")
    return dcc.send_bytes(exports.csv_bytes(table), f"{stem}.csv")


@callback(Output(IDS["alerts"], "children"), Input(IDS["filter"], "data"), Input(IDS["refresh"], "n_intervals"))
def update_alerts(stored: Data, _n):
    """The bursts of complaints that lasted into the period (running ones first), each with a
    link to its complaints; only the period of the filter applies."""
    lang, profile = ctx.language(), ctx.current_profile()
    try:
        flt = _filter(stored)
        frame = alert_queries.alerts(flt.city_code, flt.start, flt.end)
    except FAILURES as exc:
        return error_panel(type(exc).__name__, lang)
    return alert_list(frame, lang, profile.timezone, profile.timezone_label)
