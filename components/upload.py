"""Builders of the upload page (pure: data in, components out): the source and kind choices, the
file's summary, the mapping form (one dropdown per field of the record kind), the preview of
the first rows as they will be stored with each row's problems, and the import's report."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components import formatting
from components.controls import dropdown
from components.i18n import CATALOGUE, t
from data_sources.ingest.spreadsheet import SEPARATORS

RESULT_COLOURS = {"created": "success", "updated": "info", "unchanged": "secondary", "rejected": "danger",
                  "duplicate": "warning"}
SEPARATOR_CHOICES = ("auto", ",", ";", "\t")
DROP_STYLE = {"border": "2px dashed var(--bs-border-color)", "borderRadius": "0.5rem", "padding": "1.25rem",
              "textAlign": "center", "cursor": "pointer"}


def _label(prefix: str, name: str, lang: str) -> str:
    """A translated label for ``prefix.name``, or the name itself where the catalogue has none."""
    key = f"{prefix}.{name}"
    return t(key, lang) if key in CATALOGUE else name


def source_options(sources: list, lang: str) -> list[dict]:
    """Sources (profile ``SourceSpec``) as dropdown options: name (in ``lang``) and key (a code,
    marked as not to be translated)."""
    return [{"label": html.Span([s.name_en if lang == "en" else s.name, " (",
                                 html.Code(s.key, **{"data-translate": "no"}), ")"]),
             "value": s.key, "search": f"{s.name} {s.name_en} {s.key}"} for s in sources]


def kind_options(kinds: list[str], lang: str) -> list[dict]:
    return [{"label": _label("upload.kind", k, lang), "value": k} for k in kinds]


def separator_options(lang: str) -> list[dict]:
    names = {"auto": "upload.separator.auto", ",": "upload.separator.comma", ";": "upload.separator.semicolon",
             "\t": "upload.separator.tab"}
    return [{"label": t(names[s], lang), "value": s} for s in SEPARATOR_CHOICES]


def message(text, lang: str, color: str = "danger", lead: str | None = None) -> dbc.Alert:
    """A short message (``lead`` a translated key put before it)."""
    body = [html.Strong(t(lead, lang) + " "), text] if lead else text
    return dbc.Alert(body, color=color, className="mb-2 py-2")


def file_summary(filename: str | None, described: dict, lang: str) -> html.Div:
    """'laporan.csv: 6 rows, 11 columns, CSV separated by semicolons (utf-8)'."""
    if described["format"] == "csv":
        separator = t(f"upload.separator.{SEPARATORS[described['separator']]}", lang).lower()
        how = t("upload.file.csv", lang, separator=separator, encoding=described["encoding"])
    else:
        how = t("upload.file.xlsx", lang)
    return html.Div(t("upload.file.summary", lang, name=filename or "?", rows=formatting.number(described["rows"], lang),
                      columns=len(described["columns"]), how=how), className="text-muted small mb-2",
                    **{"data-rows": described["rows"]})


def _field_row(spec, columns: list[str], column: str | None, id_type: str, lang: str) -> html.Div:
    label = [html.Span(_label("upload.field", spec.name, lang)), " ", html.Code(spec.name, className="small")]
    if spec.required:
        label.append(html.Span(" *", className="text-danger", title=t("upload.required", lang)))
    control = dropdown(lang, id={"type": id_type, "index": spec.name}, options=columns,
                            value=column if column in columns else None, clearable=True,
                            placeholder=t("upload.unmapped", lang))
    return html.Div(dbc.Row([dbc.Col(html.Label(label, className="small"), xs=12, sm=5),
                             dbc.Col(control, xs=12, sm=7)], className="g-1 mb-1 align-items-center"),
                    **{"data-field": spec.name})


def mapping_form(specs: list, columns: list[str], fields: dict[str, str], id_type: str, lang: str) -> list:
    """One dropdown per field (options: the file's columns, value: the mapped column), the
    required and mapped fields first, the rest folded away."""
    rows = [(spec, _field_row(spec, columns, fields.get(spec.name), id_type, lang)) for spec in specs]
    shown = [row for spec, row in rows if spec.required or spec.name in fields]
    folded = [row for spec, row in rows if not (spec.required or spec.name in fields)]
    parts = [html.Div(t("upload.mapping.help", lang), className="small text-muted mb-2"), *shown]
    if folded:
        parts.append(html.Details([html.Summary(t("upload.mapping.more", lang, count=len(folded)), className="small"),
                                   html.Div(folded, className="mt-2")], className="mt-2"))
    return parts


def _cell(value) -> str:
    return "" if value is None else str(value)


def preview_table(rows: list, fields: list[str], lang: str, table_id: str) -> html.Div:
    """The previewed rows (``upload.PreviewRow``): row number, what the import would do, the
    mapped values under their field names, and each row's problems."""
    header = [t("upload.preview.row", lang), t("upload.preview.result", lang), t("upload.preview.problems", lang),
              *fields]
    body = []
    for row in rows:
        badge = dbc.Badge(_label("upload.result", row.result, lang), color=RESULT_COLOURS.get(row.result, "secondary"))
        problems = html.Ul([html.Li(p) for p in row.problems], className="mb-0 ps-3 small") if row.problems else ""
        body.append(html.Tr([html.Td(row.row), html.Td(badge),
                             html.Td(problems, className="text-danger", style={"minWidth": "12rem"}),
                             *[html.Td(_cell(row.values.get(f))) for f in fields]],
                            className="table-danger" if row.result in ("rejected", "duplicate") else None,
                            **{"data-row": row.row, "data-result": row.result}))
    table = dbc.Table([html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(body)], size="sm",
                      bordered=False, hover=True, responsive=True, className="table-compact mb-0", id=table_id)
    return html.Div([html.Div(t("upload.preview.note", lang, count=len(rows)), className="small text-muted mb-1"),
                     table])


def report_panel(report: dict, lang: str, limit: int = 50) -> dbc.Alert:
    """The import's counts and its refused rows' reasons (``batch.Report.public()``; at most ``limit`` rows)."""
    counts = {key: report[key] for key in ("received", "accepted", "rejected", "duplicate")}
    summary = t("upload.report.summary", lang, **{k: formatting.number(v, lang) for k, v in counts.items()})
    color = "success" if not (counts["rejected"] or counts["duplicate"]) else "warning"
    if counts["received"] and not counts["accepted"] and report.get("unchanged", 0) == 0:
        color = "danger"
    refused = [r for r in report["results"] if r["result"] in ("rejected", "duplicate")]
    items = [html.Li([dbc.Badge(_label("upload.result", r["result"], lang), color=RESULT_COLOURS[r["result"]],
                                className="me-1"), " ", r["reason"]], className="small") for r in refused[:limit]]
    if len(refused) > limit:
        items.append(html.Li(t("upload.report.more", lang, count=formatting.number(len(refused) - limit, lang)),
                             className="small"))
    return dbc.Alert(html.Div([
        html.Strong(summary, **{f"data-{k}": v for k, v in counts.items()}),
        html.Div(t("upload.report.run", lang, run=report["run_id"], source=report["source"]), className="small"),
        html.Div(t("upload.report.unchanged", lang, count=formatting.number(report["unchanged"], lang)),
                 className="small") if report.get("unchanged") else None,
        html.Ul(items, className="mb-0 mt-2 ps-3") if items else None,
        html.A(t("upload.report.sources", lang), href="/sources", className="small"),
    ], **{"data-summary": summary}), color=color, className="mb-0")
