"""/sources : for the data steward: each source (what it carries, its last success and how late it
is against its budget, its latest error), its API keys (never the keys), the latest runs, and
the refused records with their reasons: searchable, downloadable as CSV, and correctable and
sent again from here. Personal data is masked by the query layer in every column."""
from __future__ import annotations

import json

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from components import exports
from components.cards import card
from components.grids import grid, rejected_columns, rejected_rows
from components.i18n import localised, t
from components.tables import key_table, run_table, source_table
from components.tiles import error_panel
from data_sources.db import database
from data_sources.ingest.resubmit import NotResubmittable, resubmit
from data_sources.queries import sources
from pages import _shared as ctx
from pages._callbacks import Cell, Data, Id, Rows, Text, callback

dash.register_page(__name__, path="/sources", name="Sumber Data", order=90)

PAGE = "sources"
IDS = {name: f"{PAGE}-{name.replace('_', '-')}" for name in (
    "refresh", "status", "keys", "runs", "rejected_count", "rejected_grid", "rejected_message", "search", "download",
    "download_button", "fix_raw", "fix_reason", "fix_send", "fix_result", "fix_id")}


def layout(**_query):
    lang = ctx.language()
    tools = html.Span([
        dcc.Input(id=IDS["search"], type="search", placeholder=t("sources.rejected.search", lang), debounce=True,
                  className="form-control form-control-sm d-inline-block me-2", style={"width": "16rem"}),
        dbc.Button(t("sources.rejected.download", lang), id=IDS["download_button"], size="sm", color="secondary",
                   outline=True)], className="float-end")
    fixer = [html.P(t("sources.rejected.hint", lang), className="small text-body-secondary"),
             dcc.Store(id=IDS["fix_id"]),
             html.Div(t("sources.fix.none", lang), id=IDS["fix_reason"], className="small mb-2"),
             dcc.Textarea(id=IDS["fix_raw"], className="form-control font-monospace small", style={"height": "12rem"}),
             dbc.Button(t("sources.fix.send", lang), id=IDS["fix_send"], color="primary", size="sm", className="mt-2",
                        disabled=True),
             html.Div(id=IDS["fix_result"], className="mt-2")]
    return html.Div([
        dcc.Interval(id=IDS["refresh"], interval=ctx.current_settings().refresh_interval_seconds * 1000),
        dcc.Download(id=IDS["download"]),
        card(t("sources.title", lang), None, class_name="mb-3", body_id=IDS["status"]),
        dbc.Row([dbc.Col(card(t("sources.runs", lang), None, class_name="mb-3", body_id=IDS["runs"]), lg=7),
                 dbc.Col(card(t("sources.keys", lang), None, class_name="mb-3", body_id=IDS["keys"]), lg=5)]),
        card([t("sources.rejected", lang), tools],
             [html.Div(id=IDS["rejected_count"], className="mb-2"), html.Div(id=IDS["rejected_message"]),
              html.Div(grid(IDS["rejected_grid"], rejected_columns(lang), lang=lang, height="420px", row_id="id"),
                       **{"data-translate": "no"})],  # records and reasons as their source and the checks wrote them
              class_name="mb-3"),
        card(t("sources.fix.title", lang), fixer, class_name="mb-3"),
    ], className="page page-sources")


@callback(Output(IDS["status"], "children"), Output(IDS["runs"], "children"), Output(IDS["keys"], "children"),
          Input(IDS["refresh"], "n_intervals"))
def update_sources(_n):
    lang, profile = ctx.language(), ctx.current_profile()
    tz, label = profile.timezone, profile.timezone_label
    try:
        status = localised(sources.source_status(profile.code), lang, "name")
        runs = localised(sources.latest_runs(profile.code), lang, "source")
        keys = sources.source_keys(profile.code)
    except SQLAlchemyError as exc:
        panel = error_panel(type(exc).__name__, lang)
        return panel, panel, panel
    return (source_table(status, ctx.now(), lang, tz, label), run_table(runs, lang, tz, label),
            key_table(keys, lang, tz, label))


@callback(Output(IDS["rejected_grid"], "rowData"), Output(IDS["rejected_count"], "children"),
          Output(IDS["rejected_message"], "children"), Input(IDS["refresh"], "n_intervals"),
          Input(IDS["fix_result"], "children"))
def update_rejected(_n, _sent):
    lang, profile = ctx.language(), ctx.current_profile()
    try:
        frame = localised(sources.rejected_records(profile.code), lang, "source")
    except SQLAlchemyError as exc:
        return dash.no_update, None, error_panel(type(exc).__name__, lang)
    rows = rejected_rows(frame, lang=lang, tz=profile.timezone, tz_label=profile.timezone_label)
    return rows, html.Span(t("sources.rejected.count", lang, n=len(rows)), **{"data-kpi": "sources_rejected"}), None


@callback(Output(IDS["rejected_grid"], "dashGridOptions"), Input(IDS["search"], "value"),
          State(IDS["rejected_grid"], "dashGridOptions"), prevent_initial_call=True)
def search_rejected(text: Text, options: Data):
    """The search filters the rows already on the page (masked), in the browser."""
    return (options or {}) | {"quickFilterText": str(text or "")[:200]}


@callback(Output(IDS["download"], "data"), Input(IDS["download_button"], "n_clicks"), prevent_initial_call=True)
def download_rejected(_clicks):
    lang, profile = ctx.language(), ctx.current_profile()
    if not ctx.may("export"):
        return dash.no_update
    try:
        frame = localised(sources.rejected_records(profile.code, limit=10_000), lang, "source")
    except SQLAlchemyError:
        return dash.no_update
    labels = {"created_at": t("sources.started", lang), "source": t("sources.name", lang),
              "record_kind": t("sources.col.kind", lang), "external_id": t("sources.col.id", lang),
              "reason": t("sources.reason", lang), "raw": t("sources.raw", lang)}
    ctx.note("export", f"rejected records CSV ({len(frame)} rows)")
    return dcc.send_bytes(exports.csv_bytes(exports.labelled(frame, labels)), f"ditolak_{profile.slug}.csv")


@callback(Output(IDS["fix_id"], "data"), Output(IDS["fix_raw"], "value"), Output(IDS["fix_reason"], "children"),
          Output(IDS["fix_send"], "disabled"), Input(IDS["rejected_grid"], "cellClicked"),
          State(IDS["rejected_grid"], "rowData"), prevent_initial_call=True)
def choose_rejected(cell: Cell | None, rows: Rows):
    """The clicked refused record, masked, in the editor (only those with a kind can be sent again)."""
    row_id = (cell or {}).get("rowId")
    row = next((r for r in rows or [] if str(r.get("id")) == str(row_id)), None)
    if row is None:
        return None, "", t("sources.fix.none", ctx.language()), True
    try:
        text = json.dumps(json.loads(row["raw"]), ensure_ascii=False, indent=1)
    except (TypeError, ValueError):
        text = str(row["raw"])
    return row["id"], text, f"{row['reason']}", row["kind"] == "–"


@callback(Output(IDS["fix_result"], "children"), Output(IDS["fix_send"], "disabled", allow_duplicate=True),
          Input(IDS["fix_send"], "n_clicks"), State(IDS["fix_id"], "data"), State(IDS["fix_raw"], "value"),
          prevent_initial_call=True)
def send_again(_clicks, rejected_id: Id, corrected: Text):
    """The corrected record through the same store as any other; once stored, it cannot be sent twice."""
    lang, profile = ctx.language(), ctx.current_profile()
    if not ctx.may("correct_records"):
        return dbc.Alert(t("access.forbidden", lang), color="warning", className="py-1"), True
    if not isinstance(rejected_id, int) or isinstance(rejected_id, bool):
        return dbc.Alert(t("sources.fix.none", lang), color="warning", className="py-1"), True
    try:
        report = resubmit(database.engine, profile, rejected_id, str(corrected or ""), ctx.now())
    except NotResubmittable as exc:
        return dbc.Alert(t("sources.fix.refused", lang, reason=str(exc)), color="warning", className="py-1"), False
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, lang), False
    outcome = report.outcomes[0]
    stored = outcome.result in ("created", "updated", "unchanged")
    text = t("sources.fix.result", lang, result=t(f"ingest.result.{outcome.result}", lang), reason=outcome.reason or "")
    return (html.Div(dbc.Alert(text, color="success" if stored else "danger", className="py-1"),
                     **{"data-result": outcome.result}), stored)
