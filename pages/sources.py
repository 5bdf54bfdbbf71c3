"""/sources : for the data steward: each source's freshness, the latest runs, and the rows
that were refused with the reason (personal data masked in the query layer)."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from components.cards import card
from components.i18n import t
from components.tables import rejected_table, run_table, source_table
from components.tiles import error_panel
from data_sources.queries import sources
from pages import _shared as ctx

dash.register_page(__name__, path="/sources", name="Sumber Data", order=90)

PAGE = "sources"
IDS = {"refresh": f"{PAGE}-refresh", "status": f"{PAGE}-status", "runs": f"{PAGE}-runs", "rejected": f"{PAGE}-rejected"}


def layout(**_query):
    lang = ctx.language()
    return html.Div([
        dcc.Interval(id=IDS["refresh"], interval=ctx.current_settings().refresh_interval_seconds * 1000),
        card(t("sources.title", lang), None, class_name="mb-3", body_id=IDS["status"]),
        dbc.Row([dbc.Col(card(t("sources.runs", lang), None, class_name="mb-3", body_id=IDS["runs"]), lg=6),
                 dbc.Col(card(t("sources.rejected", lang), None, class_name="mb-3", body_id=IDS["rejected"]), lg=6)]),
    ], className="page page-sources")


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
    return (source_table(status, ctx.now(), lang, tz, label), run_table(runs, lang, tz, label),
            rejected_table(rejected, lang, tz, label))
