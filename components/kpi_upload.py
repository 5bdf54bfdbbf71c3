"""Builders for the upload of an agency's filled KPI template (pure): the notice that the file
was recognised (or that it needs the KPI source), and the import's result for every row."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components.i18n import t
from components.upload import RESULT_COLOURS
from data_sources.ingest import kpi_template
from data_sources.ingest.spreadsheet import Table


def template_notice(table: Table, kind: str | None, sources: list, lang: str) -> html.Div:
    """'KPI template recognised ...' for the KPI values kind, else which source to choose."""
    if kind == "kpi-values":
        skipped = len(kpi_template.fillable(table)[1])
        return html.Div(dbc.Alert(t("services.upload.recognised", lang, skipped=skipped), color="info",
                                  className="py-2 mb-2"), id="upload-template-notice", **{"data-template": "recognised"})
    names = ", ".join(f"{s.name_en if lang == 'en' else s.name} ({s.key})" for s in sources if s.feed == "kpis")
    return html.Div(dbc.Alert(t("services.upload.wrong_source", lang, source=names or "kpi_sheet"), color="warning",
                              className="py-2 mb-2"), id="upload-template-notice", **{"data-template": "wrong-source"})


def _cell(row: list, table: Table, column: str) -> str:
    value = row[table.columns.index(column)] if column in table.columns else None
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def row_report(table: Table, report: dict, skipped: list[int], lang: str) -> html.Div:
    """Each imported row of the template (``table``, as imported) with what happened to it and
    why (``batch.Report.public()``), and how many rows without a value were skipped."""
    results = {r["index"]: r for r in report["results"]}
    header = [t(f"services.upload.{c}", lang) for c in ("row", "kpi", "period", "value", "result", "reason")]
    body = []
    for position, (number, row) in enumerate(zip(table.row_numbers, table.rows)):
        result = results.get(position, {"result": "rejected", "reason": None})
        reason = (result["reason"] or "").removeprefix(f"row {number}: ")
        body.append(html.Tr([
            html.Td(number), html.Td(html.Code(_cell(row, table, "kode_kpi"))), html.Td(_cell(row, table, "periode")),
            html.Td(_cell(row, table, "nilai"), className="text-end"),
            html.Td(dbc.Badge(t(f"upload.result.{result['result']}", lang),
                              color=RESULT_COLOURS.get(result["result"], "secondary"))),
            html.Td(reason, className="small")], **{"data-row": number, "data-result": result["result"]}))
    parts = [html.H6(t("services.upload.rows", lang), className="mt-3")]
    if skipped:
        parts.append(html.P(t("services.upload.skipped", lang, count=len(skipped)), className="small text-muted mb-1",
                            **{"data-skipped": len(skipped)}))
    parts.append(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(body)], size="sm",
                           responsive=True, className="table-compact mb-0", id="upload-template-rows"))
    return html.Div(parts)
