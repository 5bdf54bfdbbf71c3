"""/sources : for the data steward: each source's freshness, the latest runs, and the rows
that were refused with the reason (personal data masked)."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from components import formatting
from components.i18n import t
from components.tables import source_table
from components.tiles import error_panel
from data_sources import clock
from data_sources.privacy import mask_record
from data_sources.queries import sources
from pages import _shared as ctx

dash.register_page(__name__, path="/sources", name="Sumber Data", order=90)

PAGE = "sources"
IDS = {"refresh": f"{PAGE}-refresh", "status": f"{PAGE}-status", "runs": f"{PAGE}-runs", "rejected": f"{PAGE}-rejected"}


def layout(**_query):
    lang = ctx.language()
    card = lambda title, body_id: dbc.Card([dbc.CardHeader(title), dbc.CardBody(id=body_id)], className="mb-3")  # noqa: E731
    return html.Div([
        dcc.Interval(id=IDS["refresh"], interval=ctx.current_settings().refresh_interval_seconds * 1000),
        card(t("sources.title", lang), IDS["status"]),
        dbc.Row([dbc.Col(card(t("sources.runs", lang), IDS["runs"]), lg=6),
                 dbc.Col(card(t("sources.rejected", lang), IDS["rejected"]), lg=6)]),
    ], className="page page-sources")


def _cells(values) -> html.Tr:
    return html.Tr([html.Td(v) for v in values])


@callback(Output(IDS["status"], "children"), Output(IDS["runs"], "children"), Output(IDS["rejected"], "children"),
          Input(IDS["refresh"], "n_intervals"))
def update(_n):
    lang, profile = ctx.language(), ctx.current_profile()
    tz, label = profile.timezone, profile.timezone_label
    try:
        status = sources.source_status(profile.code)
        runs = sources.latest_runs(profile.code)
        rejected = sources.rejected_records(profile.code)
    except SQLAlchemyError as exc:
        panel = error_panel(type(exc).__name__, lang)
        return panel, panel, panel
    when = lambda v: formatting.local_datetime(clock.as_datetime(v), tz, label, lang)  # noqa: E731
    run_table = dbc.Table([
        html.Thead(html.Tr([html.Th(t(k, lang)) for k in ("sources.name", "sources.started", "sources.status",
                                                          "sources.received", "sources.accepted", "sources.refused")])),
        html.Tbody([_cells([r.source, when(r.started_at), t(f"run.{r.status}", lang), formatting.number(r.rows_received, lang),
                            formatting.number(r.rows_accepted, lang), formatting.number(r.rows_rejected, lang)])
                    for r in runs.itertuples()]),
    ], size="sm", striped=True, className="table-compact", id="sources-runs-table")
    rejected_table = dbc.Table([
        html.Thead(html.Tr([html.Th(t(k, lang)) for k in ("sources.name", "sources.started", "sources.reason",
                                                          "sources.raw")])),
        html.Tbody([_cells([r.source, when(r.created_at), r.reason, html.Code(mask_record(r.raw))])
                    for r in rejected.itertuples()]),
    ], size="sm", striped=True, className="table-compact", id="sources-rejected-table") if len(rejected) else html.P(
        t("sources.none", lang))
    return source_table(status, ctx.now(), lang, tz, label), run_table, rejected_table
