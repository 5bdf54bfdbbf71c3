"""Tables for KPIs, indicators, sources and reports: DataFrame (or rows of text) in, dbc.Table out."""
from __future__ import annotations

from datetime import datetime

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from components import formatting
from components.i18n import t
from components.tiles import freshness_level
from data_sources.clock import as_datetime


def _table(headers: list[str], rows: list[list], table_id: str) -> dbc.Table:
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in headers])), html.Tbody([html.Tr(r) for r in rows])],
        striped=True, hover=True, responsive=True, className="table-compact", id=table_id,
    )


def text_table(header: list[str], rows: list[list[str]], table_id: str, numbers_from: int = 1,
               class_name: str = "table-compact") -> dbc.Table:
    """A table of ready-formatted text; columns from ``numbers_from`` on hold numbers and are right-aligned."""
    align = lambda i: "text-end" if i >= numbers_from else None  # noqa: E731
    return dbc.Table([html.Thead(html.Tr([html.Th(h, className=align(i)) for i, h in enumerate(header)])),
                      html.Tbody([html.Tr([html.Td(v, className=align(i)) for i, v in enumerate(row)]) for row in rows])],
                     size="sm", striped=True, hover=True, responsive=True, className=class_name, id=table_id)


def _value(value: float, unit: str, lang: str) -> str:
    if pd.isna(value):
        return "–"
    return formatting.quantity(value, unit, lang, 0 if abs(value) >= 1000 or float(value).is_integer() else 1)


def _status_badge(ok: bool, lang: str) -> dbc.Badge:
    return dbc.Badge(t("services.on_target" if ok else "services.off_target", lang),
                     color="success" if ok else "danger", className="status-badge")


def kpi_table(frame: pd.DataFrame, agency_names: dict[str, str], lang: str) -> dbc.Table:
    """Columns used: code, name_id/name_en, agency, value, target, unit, on_target. Off-target rows first."""
    ordered = frame.sort_values(["on_target", "code"])
    rows = [
        [html.Td(row[f"name_{lang}"]), html.Td(agency_names.get(row["agency"], row["agency"]), title=row["agency"]),
         html.Td(_value(row["value"], formatting.unit_of(row, lang), lang), **{"data-kpi": f"kpi_{row['code']}"}),
         html.Td(_value(row["target"], formatting.unit_of(row, lang), lang)), html.Td(_status_badge(bool(row["on_target"]), lang))]
        for _, row in ordered.iterrows()
    ]
    headers = [t(k, lang) for k in ("services.kpi", "services.agency", "services.value", "services.target",
                                    "services.status")]
    return _table(headers, rows, "services-kpi-table")


def source_table(frame: pd.DataFrame, now: datetime, lang: str, tz: str, tz_label: str) -> dbc.Table:
    """Columns used: ``queries.sources.SOURCE_COLUMNS``: each source, what it carries, its last
    success and how late that is against its budget, its latest error."""
    rows = []
    for _, row in frame.iterrows():
        last = as_datetime(row["last_success_at"])
        budget = int(row["freshness_budget_seconds"])
        level = freshness_level(last, now, budget)
        state = dbc.Badge(t("sources.fresh" if level == "fresh" else "sources.stale", lang),
                          color={"fresh": "success", "amber": "warning"}.get(level, "danger"))
        failed = as_datetime(row["last_failure_at"])
        error = row["last_error"] if failed is not None and (last is None or failed >= last) else None
        lag = "–" if last is None else formatting.duration(max(0.0, (now - last).total_seconds() - budget), lang)
        rows.append([
            html.Td([row["name"], html.Br(),
                     html.Small(row["key"], className="text-body-secondary", **{"data-translate": "no"})]),
            html.Td([t(f"feed.{row['feed']}", lang), html.Br(),
                     html.Small(row["kind"], className="text-body-secondary", **{"data-translate": "no"})]),
            html.Td([formatting.local_datetime(last, tz, tz_label, lang), html.Br(),
                     html.Small(formatting.age(last, now, lang))]),
            html.Td([formatting.duration(budget, lang), html.Br(),
                     html.Small(t("sources.lag", lang, lag=lag) if level != "fresh" else "")]),
            html.Td(state, **{"data-source": row["key"], "data-freshness": level}),
            html.Td(html.Small(error.strip().splitlines()[0][:160]) if isinstance(error, str) and error.strip() else "–",
                    className="text-danger" if error else None),
        ])
    headers = [t(k, lang) for k in ("sources.name", "sources.kind", "sources.last_success", "sources.budget",
                                    "sources.state", "sources.error")]
    return _table(headers, rows, "sources-table")


def key_table(keys: pd.DataFrame, lang: str, tz: str, tz_label: str) -> dbc.Table | html.P:
    """The sources' API keys (``queries.sources.source_keys``): name, first characters, when made and
    last used, whether revoked. The keys themselves are never stored, so never shown."""
    if keys.empty:
        return html.P(t("sources.keys.none", lang), className="mb-0")
    when = lambda v: formatting.local_datetime(as_datetime(v), tz, tz_label, lang)  # noqa: E731
    header = [t(k, lang) for k in ("sources.name", "sources.keys.name", "sources.keys.prefix", "sources.keys.created",
                                   "sources.keys.last_used", "sources.state")]
    rows = [[r.source, r.name, f"{r.prefix}…", when(r.created_at), when(r.last_used_at),
             t("sources.keys.revoked", lang, time=when(r.revoked_at)) if as_datetime(r.revoked_at)
             else t("sources.keys.active", lang)] for r in keys.itertuples()]
    return text_table(header, rows, "sources-keys-table", numbers_from=len(header))


def run_table(runs: pd.DataFrame, lang: str, tz: str, tz_label: str) -> dbc.Table:
    """The latest import runs (``queries.sources.latest_runs``), newest first."""
    when = lambda v: formatting.local_datetime(as_datetime(v), tz, tz_label, lang)  # noqa: E731
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    header = [t(k, lang) for k in ("sources.name", "sources.started", "sources.status", "sources.received",
                                   "sources.accepted", "sources.refused")]
    rows = [[r.source, when(r.started_at), t(f"run.{r.status}", lang), n(r.rows_received), n(r.rows_accepted),
             n(r.rows_rejected)] for r in runs.itertuples()]
    return text_table(header, rows, "sources-runs-table", numbers_from=3)
