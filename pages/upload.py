"""/upload : for the data steward: a city's spreadsheet (CSV or .xlsx) mapped to the project's
fields, previewed as it will be stored, imported as one run of a source; the mapping can be
saved as the JSON file the command line reads (``python -m data_sources.ingest.upload``).
The file stays in the browser (the upload's contents); nothing is kept on the server."""
from __future__ import annotations

import json
from functools import partial

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from components import kpi_upload
from components import upload as ui
from components.cards import card
from components.controls import dropdown
from components.i18n import t
from components.tiles import error_panel
from data_sources.db import database
from data_sources.ingest import kpi_template, upload
from data_sources.ingest.feeds import KINDS, WrongFeed
from data_sources.ingest.mapping import (
    MappingError,
    check_mapping,
    dump_mapping,
    fields_of,
    normalise,
    propose,
    unmapped_required,
)
from data_sources.ingest.spreadsheet import UnreadableFile, read_table
from pages import _shared as ctx
from pages._callbacks import Data, Rows, Text, callback

dash.register_page(__name__, path="/upload", name="Unggah Data", order=95)

PAGE = "upload"
MAX_BYTES = 20 * 1024 * 1024
IDS = {name: f"{PAGE}-{name.replace('_', '-')}" for name in (
    "source", "kind", "separator", "file", "file_info", "fields", "date_format", "decimal", "values", "problems",
    "preview", "preview_table", "import", "save", "download", "report", "header", "mapping")}
FIELD = f"{PAGE}-field"  # pattern-matching id type of the mapping dropdowns


def layout(source: str | None = None, **_query):
    lang = ctx.language()
    sources = upload.upload_sources(ctx.current_profile())
    chosen = source if source in {s.key for s in sources} else (sources[0].key if sources else None)
    label = lambda key, control: html.Div([dbc.Label(t(key, lang), className="small mb-0"), control])  # noqa: E731
    choose = dbc.Row([
        dbc.Col(label("upload.source", dropdown(lang, id=IDS["source"], options=ui.source_options(sources, lang),
                                                   value=chosen, clearable=False)), md=4),
        dbc.Col(label("upload.kind", dropdown(lang, id=IDS["kind"], clearable=False)), md=4),
        dbc.Col(label("upload.separator", dropdown(lang, id=IDS["separator"], options=ui.separator_options(lang),
                                                      value="auto", clearable=False)), md=4),
    ], className="g-2 mb-2")
    drop = dcc.Upload(id=IDS["file"], children=html.Div([t("upload.drop", lang), " ", html.A(t("upload.choose", lang))]),
                      multiple=False, style=ui.DROP_STYLE)  # any file: the server says why one cannot be read
    formats = dbc.Row([
        dbc.Col(label("upload.date_format", dbc.Input(id=IDS["date_format"], placeholder="%d/%m/%Y %H.%M",
                                                      debounce=True, size="sm")), xs=7),
        dbc.Col(label("upload.decimal", dbc.RadioItems(id=IDS["decimal"], value=".", inline=True, options=[
            {"label": t("upload.decimal.comma", lang), "value": ","},
            {"label": t("upload.decimal.point", lang), "value": "."}])), xs=5),
    ], className="g-2 mt-2")
    values = label("upload.values", dbc.Textarea(id=IDS["values"], rows=6, debounce=True, className="font-monospace small",
                                                 placeholder='{"status": {"Baru": "received"}}'))
    buttons = html.Div([
        dbc.Button(t("upload.import", lang), id=IDS["import"], color="primary", disabled=True, className="me-2"),
        dbc.Button(t("upload.save", lang), id=IDS["save"], color="secondary", outline=True, disabled=True),
        dcc.Download(id=IDS["download"])], className="mb-2")
    return html.Div([
        dcc.Store(id=IDS["header"]), dcc.Store(id=IDS["mapping"]),
        card(t("upload.title", lang), [html.P(t("upload.intro", lang), className="small text-muted"), choose, drop,
                                       html.Div(id=IDS["file_info"], className="mt-2")], class_name="mb-3"),
        dbc.Row([
            dbc.Col(card(t("upload.mapping", lang), [html.Div(id=IDS["fields"]), formats, values,
                                                     html.Div(id=IDS["problems"], className="mt-2")],
                         class_name="mb-3"), lg=5),
            dbc.Col([card(t("upload.preview", lang), [buttons, html.Div(
                html.Div(t("upload.preview.empty", lang), className="text-muted"), id=IDS["preview"])],
                class_name="mb-3"),
                     card(t("upload.report", lang), html.Div(t("upload.report.empty", lang), className="text-muted"),
                          class_name="mb-3", body_id=IDS["report"])], lg=7),
        ], className="g-3"),
    ], className="page page-upload")


def _table(contents, separator: str | None):
    """The uploaded file as a table; raises ``UnreadableFile``."""
    if isinstance(contents, str) and len(contents) > MAX_BYTES * 4 // 3 + 200:
        raise UnreadableFile(f"the file is larger than {MAX_BYTES // 2**20} MB; import it with the command line "
                             "(python -m data_sources.ingest.upload)")
    return read_table(upload.decode_contents(contents), separator=None if separator in (None, "auto") else separator)


def _prepared(table, kind: str):
    """(table, rows skipped, checks): a filled KPI template keeps its rows with a value and is
    checked against the catalogue; any other file is taken as it is."""
    if kind == "kpi-values" and kpi_template.is_template(table):
        kept, skipped = kpi_template.fillable(table)
        return kept, skipped, partial(kpi_template.row_problems, profile=ctx.current_profile())
    return table, None, None


def _who() -> str | None:
    """Who uploads (recorded with each KPI value they report)."""
    who = ctx.identity()
    return who.actor if who else None


@callback(Output(IDS["kind"], "options"), Output(IDS["kind"], "value"), Input(IDS["source"], "value"))
def choose_kinds(source_key: Text):
    sources = {s.key: s for s in upload.upload_sources(ctx.current_profile())}
    kinds = upload.kinds_for(sources[source_key].feed) if source_key in sources else []
    return ui.kind_options(kinds, ctx.language()), kinds[0] if kinds else None


@callback(Output(IDS["header"], "data"), Output(IDS["file_info"], "children"), Output(IDS["fields"], "children"),
          Output(IDS["date_format"], "value"), Output(IDS["decimal"], "value"), Output(IDS["values"], "value"),
          Input(IDS["file"], "contents"), Input(IDS["kind"], "value"), Input(IDS["separator"], "value"),
          State(IDS["file"], "filename"))
def read_file(contents: Text, kind: Text, separator: Text, filename: Text):
    """Read the uploaded file and propose a mapping for the chosen kind."""
    lang = ctx.language()
    if contents is None or kind not in KINDS:
        return None, None, None, None, ".", None
    try:
        table = _table(contents, separator)
    except UnreadableFile as exc:
        return None, ui.message(str(exc), lang, lead="upload.error.file"), None, None, ".", None
    mapping, notice = propose(table, kind, ctx.current_profile()), None
    if kpi_template.is_template(table):  # an agency's filled template maps itself
        if kind == "kpi-values":
            mapping = mapping | {"fields": dict(kpi_template.MAPPING["fields"]), "values": {}, "date_format": None,
                                 "decimal": kpi_template.MAPPING["decimal"]}
        notice = kpi_upload.template_notice(table, kind, upload.upload_sources(ctx.current_profile()), lang)
    header = table.describe() | {"filename": filename}
    form = ui.mapping_form(fields_of(kind), table.columns, mapping["fields"], FIELD, lang)
    values = json.dumps(mapping["values"], ensure_ascii=False, indent=1) if mapping["values"] else None
    return (header, [ui.file_summary(filename, table.describe(), lang), notice], form, mapping["date_format"],
            mapping["decimal"], values)


def _mapping(kind, header, ids, columns, date_format, decimal, values_text) -> dict:
    """The mapping the form shows; raises ``MappingError``."""
    try:
        values = json.loads(values_text) if values_text and values_text.strip() else {}
    except ValueError as exc:
        raise MappingError([f"values: not JSON ({exc})"]) from None
    fields = {i["index"]: c for i, c in zip(ids, columns) if isinstance(i, dict) and isinstance(c, str)}
    mapping = normalise({"kind": kind, "fields": fields, "values": values, "date_format": date_format,
                         "decimal": decimal or ".", "separator": header.get("separator")}, kind)
    file_columns = header.get("columns")
    problems = check_mapping(mapping, kind, file_columns if isinstance(file_columns, list) else [])
    if problems:
        raise MappingError(problems)
    return mapping


@callback(Output(IDS["mapping"], "data"), Output(IDS["preview"], "children"), Output(IDS["problems"], "children"),
          Output(IDS["import"], "disabled"), Output(IDS["save"], "disabled"),
          Input({"type": FIELD, "index": ALL}, "value"), Input(IDS["date_format"], "value"),
          Input(IDS["decimal"], "value"), Input(IDS["values"], "value"), Input(IDS["header"], "data"),
          State({"type": FIELD, "index": ALL}, "id"), State(IDS["file"], "contents"), State(IDS["source"], "value"),
          State(IDS["kind"], "value"))
def show_preview(columns: list[str | None] | None, date_format: Text, decimal: Text, values_text: Text, header: Data,
                 ids: Rows, contents: Text, source: Text, kind: Text):
    """The mapping from the form, and the first rows as the import would store them."""
    lang = ctx.language()
    if not isinstance(header, dict) or contents is None or kind not in KINDS:
        return None, html.Div(t("upload.preview.empty", lang), className="text-muted"), None, True, True
    try:
        mapping = _mapping(kind, header, ids, columns, date_format, decimal, values_text)
        table, _skipped, checks = _prepared(_table(contents, mapping["separator"]), kind)
        rows = upload.preview(database.engine, ctx.current_profile(), source, kind, table, mapping, now=ctx.now(),
                              reported_by=_who(), checks=checks)
    except (MappingError, UnreadableFile, LookupError, WrongFeed) as exc:
        problems = exc.problems if isinstance(exc, MappingError) else [str(exc)]
        return None, None, ui.message(html.Ul([html.Li(p) for p in problems]), lang, lead="upload.error.mapping"), True, True
    except SQLAlchemyError as exc:
        return None, error_panel(type(exc).__name__, lang), None, True, True
    missing = unmapped_required(mapping, kind)
    warning = ui.message(", ".join(missing), lang, "warning", lead="upload.warning.required") if missing else None
    return mapping, ui.preview_table(rows, list(mapping["fields"]), lang, IDS["preview_table"]), warning, False, False


@callback(Output(IDS["report"], "children"), Input(IDS["import"], "n_clicks"), State(IDS["mapping"], "data"),
          State(IDS["file"], "contents"), State(IDS["file"], "filename"), State(IDS["source"], "value"),
          State(IDS["kind"], "value"), prevent_initial_call=True)
def run_import(_clicks, mapping_data: Data, contents: Text, filename: Text, source: Text, kind: Text):
    """Import the whole file with the mapping shown, and report what happened to its rows."""
    lang = ctx.language()
    try:
        if kind not in KINDS:
            raise MappingError([f"{kind!r} is not a kind of record"])
        mapping = normalise(mapping_data, kind)
        table, skipped, checks = _prepared(_table(contents, mapping["separator"]), kind)
        report = upload.import_table(database.engine, ctx.current_profile(), source, kind, table, mapping,
                                     now=ctx.now(), filename=filename if isinstance(filename, str) else None,
                                     reported_by=_who(), checks=checks)
    except (MappingError, UnreadableFile, LookupError, WrongFeed) as exc:
        return ui.message(str(exc), lang, lead="upload.error.import")
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, lang)
    if skipped is None:
        return ui.report_panel(report.public(), lang)
    return [ui.report_panel(report.public(), lang), kpi_upload.row_report(table, report.public(), skipped, lang)]


@callback(Output(IDS["download"], "data"), Input(IDS["save"], "n_clicks"), State(IDS["mapping"], "data"),
          State(IDS["source"], "value"), State(IDS["kind"], "value"), prevent_initial_call=True)
def save_mapping(_clicks, mapping_data: Data, source: Text, kind: Text):
    """The mapping as the JSON file ``--mapping`` reads."""
    try:
        mapping = normalise(mapping_data, kind)
    except (MappingError, KeyError):
        raise dash.exceptions.PreventUpdate from None
    return dcc.send_string(dump_mapping(mapping) + "\n", f"mapping_{source}_{kind}.json", type="application/json")
