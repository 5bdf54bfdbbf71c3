"""/evidence : for admins and operators: the documents and links that back the smart-city
evaluation, per section of the evaluators' outline (policy, technology support, governance,
service programmes, budget, awards, information security) and per indicator: add a link or a
file (PDF, PNG, JPEG; checked by its content and size on the server, by its size in the browser
first), delete one; and the city's application portfolio with its availability now
("118 of 122 apps up, 71 on SSO"). Every change is written to the audit log."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, ClientsideFunction, Input, Output, State, clientside_callback, dcc, html
from flask import request
from sqlalchemy.exc import SQLAlchemyError

from components import evidence as ui
from components.cards import card
from components.controls import dropdown
from components.i18n import t
from components.tiles import error_panel
from components.upload import DROP_STYLE
from data_sources import evidence
from data_sources.db import database
from data_sources.evidence import KAMI_AREAS, Evidence, EvidenceError
from data_sources.ingest.spreadsheet import UnreadableFile
from data_sources.ingest.upload import decode_contents
from data_sources.queries import evidence as queries
from pages import _shared as ctx
from pages._callbacks import Count, Data, Text, callback

dash.register_page(__name__, path="/evidence", name="Bukti Evaluasi", order=55)

PAGE = "evidence"
IDS = {name: f"{PAGE}-{name.replace('_', '-')}" for name in (
    "refresh", "changed", "limits", "file", "file_store", "file_info", "section", "indicator", "kind", "title_id",
    "title_en", "year", "url", "amount", "realised", "giver", "number", "maturity", "assessed_on", "budget_fields",
    "award_fields", "regulation_fields", "assessment_fields", "save", "result", "items", "pending", "confirm",
    "portfolio_summary", "portfolio")}
SCORE = f"{PAGE}-score"  # pattern-matching id type of the Indeks KAMI score inputs
KIND_FIELDS = {"budget": "budget_fields", "award": "award_fields", "regulation": "regulation_fields",
               "assessment": "assessment_fields"}
BASE64_MARGIN = 256 * 1024  # the callback's other values and its envelope, beside the file's base64
Number = float | str | None  # a number input's value (the server checks it and says what is wrong)


def upload_limit() -> int:
    """The largest file the page takes: the setting, and what fits in a request body once
    base64-encoded (4 characters for every 3 bytes)."""
    settings = ctx.current_settings()
    return min(settings.evidence_max_bytes, (settings.max_body_bytes - BASE64_MARGIN) * 3 // 4)


def _field(label: str, control, **width) -> dbc.Col:
    return dbc.Col([dbc.Label(label, className="small mb-0"), control], xs=12, **width)


def _form(lang: str) -> list:
    names = {i.code: getattr(i, f"name_{lang}") for i in ctx.current_profile().indicators}
    limit = upload_limit()
    text = lambda key, id_, **kw: _field(t(key, lang), dbc.Input(id=IDS[id_], size="sm", **kw), md=6)  # noqa: E731
    hidden = {"display": "none"}
    scores = [_field(t(f"evidence.area.{area}", lang), dbc.Input(id={"type": SCORE, "index": area}, type="number",
                                                                 min=0, step="any", size="sm"), sm=6)
              for area in KAMI_AREAS]
    return [
        dcc.Store(id=IDS["limits"], data={"bytes": limit, "decimal": "," if lang == "id" else ".",
                                          "group": "." if lang == "id" else ",",
                                          "too_big": t("evidence.error.too_big", lang, name="{name}", size="{size}",
                                                       limit="{limit}"),
                                          "chosen": t("evidence.form.chosen", lang, name="{name}", size="{size}")}),
        dcc.Store(id=IDS["file_store"]),
        dbc.Row([
            _field(t("evidence.form.section", lang), dropdown(lang, id=IDS["section"], options=ui.section_options(lang),
                                                              value="policy", clearable=False), md=6),
            _field(t("evidence.form.kind", lang), dropdown(lang, id=IDS["kind"], options=ui.kind_options(lang),
                                                           value="regulation", clearable=False), md=6),
            _field(t("evidence.form.indicator", lang), dropdown(lang, id=IDS["indicator"],
                                                                options=ui.indicator_options(names))),
            text("evidence.form.title_id", "title_id", maxLength=300),
            text("evidence.form.title_en", "title_en", maxLength=300),
            _field(t("evidence.form.year", lang), dbc.Input(id=IDS["year"], type="number", min=1945, max=2100, step=1,
                                                            size="sm"), md=4),
        ], className="g-2"),
        dbc.Row([text("evidence.form.amount", "amount", type="number", min=0, step="any"),
                 text("evidence.form.realised", "realised", type="number", min=0, step="any")],
                id=IDS["budget_fields"], className="g-2 mt-1", style=hidden),
        dbc.Row([text("evidence.form.giver", "giver", maxLength=200)], id=IDS["award_fields"], className="g-2 mt-1",
                style=hidden),
        dbc.Row([text("evidence.form.number", "number", maxLength=200)], id=IDS["regulation_fields"],
                className="g-2 mt-1"),
        html.Div([
            dbc.Row([_field(t("evidence.form.maturity", lang), dropdown(lang, id=IDS["maturity"],
                                                                        options=ui.maturity_options()), md=6),
                     text("evidence.form.assessed_on", "assessed_on", type="date")], className="g-2"),
            html.Div(t("evidence.form.scores", lang), className="small fw-semibold mt-2"),
            dbc.Row(scores, className="g-2")], id=IDS["assessment_fields"], className="mt-1", style=hidden),
        dbc.Row([_field(t("evidence.form.url", lang), dbc.Input(id=IDS["url"], type="url", size="sm", maxLength=500,
                                                                placeholder="https://"))], className="g-2 mt-1"),
        html.Div(t("evidence.form.file", lang, limit=ui.file_size(limit, lang)), className="small mt-2 mb-1"),
        dcc.Upload(id=IDS["file"], children=html.Div([t("evidence.form.drop", lang), " ",
                                                       html.A(t("evidence.form.choose", lang))]),
                   multiple=False, accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg", style=DROP_STYLE),
        html.Div(id=IDS["file_info"], className="small text-muted mt-1"),
        dbc.Button(t("evidence.form.save", lang), id=IDS["save"], color="primary", className="mt-2"),
        html.Div(id=IDS["result"], className="mt-2", role="status"),
    ]


def layout(**_query):
    lang = ctx.language()
    return html.Div([
        dcc.Interval(id=IDS["refresh"], interval=ctx.current_settings().refresh_interval_seconds * 1000),
        dcc.Store(id=IDS["changed"], data=0), dcc.Store(id=IDS["pending"]),
        dcc.ConfirmDialog(id=IDS["confirm"], message=t("evidence.list.confirm_delete", lang)),
        card(t("evidence.title", lang), html.P(t("evidence.intro", lang), className="mb-0 small"), class_name="mb-3"),
        dbc.Row([
            dbc.Col(card(t("evidence.form.title", lang), _form(lang), class_name="mb-3"), lg=5),
            dbc.Col(card(t("evidence.list.title", lang), None, class_name="mb-3", body_id=IDS["items"]), lg=7),
        ], className="g-3"),
        card(t("portfolio.title", lang), [html.Div(id=IDS["portfolio_summary"]), html.Div(id=IDS["portfolio"])],
             class_name="mb-3"),
    ], className="page page-evidence")


clientside_callback(ClientsideFunction("evidence", "holdFile"),
                    Output(IDS["file_store"], "data"), Output(IDS["file_info"], "children"),
                    Output(IDS["file_info"], "className"),
                    Input(IDS["file"], "contents"), State(IDS["file"], "filename"), State(IDS["limits"], "data"))


@callback(*[Output(IDS[name], "style") for name in KIND_FIELDS.values()], Input(IDS["kind"], "value"))
def show_kind_fields(kind: Text):
    """Only the fields the chosen kind adds are shown."""
    return [None if kind == chosen else {"display": "none"} for chosen in KIND_FIELDS]


def _details(kind, amount, realised, giver, number, maturity, assessed_on, scores, score_ids) -> dict:
    if kind == "budget":
        return {"amount": amount, "realised": realised}
    if kind == "award":
        return {"giver": giver}
    if kind == "regulation":
        return {"number": number}
    if kind == "assessment":
        by_area = {i["index"]: v for i, v in zip(score_ids or [], scores or []) if isinstance(i, dict)}
        return {"scores": {a: v for a, v in by_area.items() if v not in (None, "")}, "maturity": maturity,
                "assessed_on": assessed_on}
    return {}


def _year(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise EvidenceError("evidence.error.year") from None
    if not number.is_integer():
        raise EvidenceError("evidence.error.year")
    return int(number)


def _store(item: Evidence, held: dict | None, now) -> int:
    """Store the item (its file when one is held, else its link); returns its id."""
    settings, who = ctx.current_settings(), ctx.identity()
    codes = {i.code for i in ctx.current_profile().indicators}
    common = dict(actor=who.actor if who else "anonymous", now=now, role=who.role if who else None,
                  address=request.remote_addr, indicator_codes=codes)
    with database.engine.begin() as conn:
        if isinstance(held, dict) and held.get("contents"):
            try:
                content = decode_contents(held["contents"])
            except UnreadableFile:
                raise EvidenceError("evidence.error.unreadable") from None
            return evidence.add_file(conn, item, str(held.get("name") or ""), content, directory=settings.evidence_dir,
                                     max_bytes=upload_limit(), **common)
        return evidence.add_link(conn, item, **common)


@callback(Output(IDS["result"], "children"), Output(IDS["changed"], "data"), Output(IDS["file"], "contents"),
          Output(IDS["url"], "value"), Output(IDS["title_id"], "value"), Output(IDS["title_en"], "value"),
          Input(IDS["save"], "n_clicks"), State(IDS["section"], "value"), State(IDS["indicator"], "value"),
          State(IDS["kind"], "value"), State(IDS["title_id"], "value"), State(IDS["title_en"], "value"),
          State(IDS["year"], "value"), State(IDS["url"], "value"), State(IDS["amount"], "value"),
          State(IDS["realised"], "value"), State(IDS["giver"], "value"), State(IDS["number"], "value"),
          State(IDS["maturity"], "value"), State(IDS["assessed_on"], "value"), State({"type": SCORE, "index": ALL}, "value"),
          State({"type": SCORE, "index": ALL}, "id"), State(IDS["file_store"], "data"), State(IDS["changed"], "data"),
          prevent_initial_call=True)
def save(clicks: Count, section: Text, indicator: Text, kind: Text, title_id: Text, title_en: Text, year: Number,
         url: Text, amount: Number, realised: Number, giver: Text, number: Text, maturity: Text, assessed_on: Text,
         scores: list[Number] | None, score_ids: list[dict] | None, held: Data, changed: Count):
    """Check and store the form's item: its file if one was chosen, else its link."""
    lang, keep = ctx.language(), dash.no_update
    if not clicks:
        raise dash.exceptions.PreventUpdate
    try:
        item = Evidence(ctx.current_profile().code, section or "", kind or "", title_id or "", title_en, indicator,
                        _year(year), url, _details(kind, amount, realised, giver, number, maturity, assessed_on, scores,
                                                   score_ids))
        _store(item, held, ctx.now())
    except EvidenceError as exc:
        values = {k: ui.file_size(v, lang) if k in ("size", "limit") else v for k, v in exc.values.items()}
        message = [html.Strong(t("evidence.error.lead", lang) + " "), t(exc.key, lang, **values)]
        return dbc.Alert(message, color="danger", className="py-2 mb-0"), keep, keep, keep, keep, keep
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, lang), keep, keep, keep, keep, keep
    queries.forget()
    done = dbc.Alert(t("evidence.saved", lang, title=" ".join(str(title_id).split())), color="success",
                     className="py-2 mb-0")
    return done, (changed or 0) + 1, None, None, None, None


@callback(Output(IDS["items"], "children"), Input(IDS["changed"], "data"), Input(IDS["refresh"], "n_intervals"))
def show_items(_changed: Count, _n: Count):
    lang, profile = ctx.language(), ctx.current_profile()
    try:
        frame = queries.items(profile.code)
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, lang)
    return ui.items_panel(frame, {i.code: getattr(i, f"name_{lang}") for i in profile.indicators}, lang)


@callback(Output(IDS["pending"], "data"), Output(IDS["confirm"], "displayed"),
          Input({"type": ui.DELETE, "index": ALL}, "n_clicks"), prevent_initial_call=True)
def ask_delete(clicks: list[Count] | None):
    """A delete button asks first (the item's id waits in a store)."""
    triggered = dash.ctx.triggered_id
    if not isinstance(triggered, dict) or not any(clicks or []) or not dash.ctx.triggered[0].get("value"):
        raise dash.exceptions.PreventUpdate
    return {"id": triggered.get("index")}, True


@callback(Output(IDS["result"], "children", allow_duplicate=True), Output(IDS["changed"], "data", allow_duplicate=True),
          Input(IDS["confirm"], "submit_n_clicks"), State(IDS["pending"], "data"), State(IDS["changed"], "data"),
          prevent_initial_call=True)
def delete(confirmed: Count, pending: Data, changed: Count):
    lang, who = ctx.language(), ctx.identity()
    item_id = pending.get("id") if isinstance(pending, dict) else None
    if not confirmed or not isinstance(item_id, int) or not 1 <= item_id <= 2**31 - 1:
        raise dash.exceptions.PreventUpdate
    try:
        with database.engine.begin() as conn:
            gone = evidence.delete_item(conn, ctx.current_profile().code, item_id,
                                        directory=ctx.current_settings().evidence_dir,
                                        actor=who.actor if who else "anonymous", now=ctx.now(),
                                        role=who.role if who else None, address=request.remote_addr)
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, lang), dash.no_update
    queries.forget()
    if not gone:
        return dbc.Alert(t("evidence.error.not_found", lang), color="warning", className="py-2 mb-0"), (changed or 0) + 1
    return dbc.Alert(t("evidence.deleted", lang), color="success", className="py-2 mb-0"), (changed or 0) + 1


@callback(Output(IDS["portfolio_summary"], "children"), Output(IDS["portfolio"], "children"),
          Input(IDS["refresh"], "n_intervals"))
def show_portfolio(_n: Count):
    lang, city = ctx.language(), ctx.current_profile().code
    try:
        summary, frame = queries.portfolio_summary(city), queries.portfolio(city)
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, lang), None
    return ui.portfolio_summary(summary, lang), ui.portfolio_table(frame, lang)

