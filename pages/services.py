"""/services : the agencies' service KPIs: tiles (met, close, missed, no data, late reports),
a card per KPI grouped by agency or dimension and filtered, a KPI's detail (click a card or
``?kpi=``) with its corrections, and the late reports. The view is kept in the URL (``group``,
``agency``, ``dimension``, ``status``, ``kpi``, ``span``)."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import ALL, ClientsideFunction, Input, Output, clientside_callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from cities import DIMENSIONS
from components import kpi_detail
from components import services as ui
from components.cards import GRAPH_CONFIG, PLACEHOLDER, card
from components.controls import dropdown
from components.i18n import t
from components.tiles import error_panel, error_tile
from data_sources.queries import kpis, sources
from data_sources.rules.periods import local_today
from data_sources.rules.reporting import GRACE_DAYS
from data_sources.rules.scoring import STATUSES
from pages import _shared as ctx
from pages._callbacks import Text, callback

dash.register_page(__name__, path="/services", name="Kinerja Layanan", order=40)

PAGE = "services"
IDS = {name: f"{PAGE}-{name.replace('_', '-')}" for name in (
    "refresh", "tiles", "group", "agency", "dimension", "status", "cards", "cards_count", "kpi", "span", "detail",
    "detail_name", "detail_facts", "detail_note", "detail_chart", "revisions", "late", "query", "query_echo", "scroll")}
DEFAULTS = {"group": "agency", "span": "12"}


def _view(profile, query: dict) -> dict:
    """The view a URL asks for; what does not fit is left at its default."""
    agencies, codes = {k.agency for k in profile.kpis}, {k.code for k in profile.kpis}
    return {"group": query.get("group") if query.get("group") in ui.GROUPS else DEFAULTS["group"],
            "agency": query.get("agency") if query.get("agency") in agencies else None,
            "dimension": query.get("dimension") if query.get("dimension") in DIMENSIONS else None,
            "status": query.get("status") if query.get("status") in STATUSES else None,
            "kpi": query.get("kpi") if query.get("kpi") in codes else None,
            "span": query.get("span") if query.get("span") in {str(s) for s in kpi_detail.SPANS} else DEFAULTS["span"]}


def _names(lang: str) -> ui.Names:
    profile = ctx.current_profile()
    return ui.Names(lang, {a.code: (a.name_en if lang == "en" else a.name) for a in profile.agencies},
                    {c: (s.name_en if lang == "en" else s.name_id) for c, s in profile.sub_dimensions.items()},
                    profile.timezone, profile.timezone_label, ctx.may("kpi_template"))


def _first_kpi(profile) -> str:
    """The KPI furthest from its target (the first card), or the catalogue's first if the database is away."""
    try:
        return ui.select(kpis.catalogue(profile.code), None, None, None)["code"].iloc[0]
    except (SQLAlchemyError, IndexError):
        return profile.kpis[0].code


def _controls(lang: str, view: dict, profile) -> dbc.Row:
    options = ui.filter_options(profile, lang)
    label = lambda key, control: html.Div([html.Div(t(key, lang), className="filter-label"), control])  # noqa: E731
    group = dbc.RadioItems(id=IDS["group"], value=view["group"], inline=True, className="btn-group period-switch",
                           inputClassName="btn-check", labelClassName="btn btn-outline-primary btn-sm",
                           labelCheckedClassName="active",
                           options=[{"label": t(f"services.group.{g}", lang), "value": g} for g in ui.GROUPS])
    pick = lambda name, all_key: dropdown(lang, id=IDS[name], options=options[name], value=view[name],  # noqa: E731
                                          clearable=True, placeholder=t(all_key, lang))
    return dbc.Row([
        dbc.Col(label("services.group", group), xs=12, md="auto"),
        dbc.Col(label("services.filter.agency", pick("agency", "services.filter.agency.all")), xs=12, md=4),
        dbc.Col(label("services.filter.dimension", pick("dimension", "services.filter.dimension.all")), xs=6, md=3),
        dbc.Col(label("services.filter.status", pick("status", "services.status.all")), xs=6, md=2),
    ], className="g-2 mt-1 mb-2 align-items-end services-controls filter-bar")


def _templates(lang: str, profile) -> dbc.Card | None:
    """Links to each agency's Excel template (for the roles that may have them) and to the upload."""
    if not ctx.may("kpi_template"):
        return None
    names = {a.code: (a.name_en if lang == "en" else a.name) for a in profile.agencies}
    agencies = sorted({k.agency for k in profile.kpis}, key=lambda a: names.get(a, a))
    items = [html.Li([html.Span(f"{names.get(a, a)} ({a}) "), ui.template_link(a, lang)], className="mb-1")
             for a in agencies]
    upload = html.A(t("services.template.upload", lang), href="/upload?source=kpi_sheet") if ctx.may("upload") else None
    return card(t("services.template.title", lang), [html.P(t("services.template.help", lang), className="small"),
                                                     html.Ul(items, className="list-unstyled small"), upload],
                class_name="mt-3 services-templates")


def layout(**query):
    lang, profile = ctx.language(), ctx.current_profile()
    view = _view(profile, {k: v for k, v in query.items() if isinstance(v, str)})
    kpi_options = [{"label": k.name_en if lang == "en" else k.name_id, "value": k.code} for k in profile.kpis]
    spans = [{"label": str(s), "value": str(s)} for s in kpi_detail.SPANS]
    detail = card(t("services.detail.title", lang), [
        dbc.Row([
            dbc.Col(dropdown(lang, id=IDS["kpi"], options=kpi_options, value=view["kpi"] or _first_kpi(profile),
                             clearable=False, placeholder=t("services.choose_kpi", lang)), xs=12, sm=8),
            dbc.Col(html.Div([html.Span(t("services.detail.span", lang), className="filter-label mb-0"),
                              dbc.RadioItems(id=IDS["span"], value=view["span"], options=spans, inline=True,
                                             className="btn-group period-switch", inputClassName="btn-check",
                                             labelClassName="btn btn-outline-primary btn-sm",
                                             labelCheckedClassName="active")],
                             className="services-span d-flex align-items-center gap-2"), xs=12, sm=4),
        ], className="g-2 services-controls"),
        html.H3(id=IDS["detail_name"], className="h6 mt-2 mb-0"),
        html.Div(id=IDS["detail_facts"], className="small text-body-secondary"),
        dcc.Graph(id=IDS["detail_chart"], className="services-detail-graph", config=GRAPH_CONFIG,
                  figure=PLACEHOLDER),
        html.Div(id=IDS["detail_note"], className="small text-body-secondary"),
        html.H4(t("services.revisions.title", lang), className="h6 mt-3"),
        html.Div(id=IDS["revisions"]),
    ], body_id=None, id=IDS["detail"], class_name="services-detail")
    late = card(t("services.late.title", lang), [html.Div(id=IDS["late"]), html.P(
        t("services.late.rule", lang, days=GRACE_DAYS), className="small text-body-secondary mt-2 mb-0")],
        class_name="mt-3")
    cards = card([t("services.cards.title", lang), " ", html.Span(id=IDS["cards_count"], className="small fw-normal")],
                 html.Div(id=IDS["cards"]))
    return html.Div([
        dcc.Interval(id=IDS["refresh"], interval=ctx.current_settings().refresh_interval_seconds * 1000 * 6),
        dcc.Store(id=IDS["query"]), dcc.Store(id=IDS["query_echo"]), dcc.Store(id=IDS["scroll"]),
        html.Div(id=IDS["tiles"]),
        _controls(lang, view, profile),
        dbc.Row([dbc.Col(cards, lg=7, xxl=8),
                 dbc.Col(html.Div([detail, late, _templates(lang, profile)], className="services-side"), lg=5, xxl=4)],
                className="g-3"),
    ], className="page page-services")


@callback(Output(IDS["tiles"], "children"), Output(IDS["late"], "children"), Input(IDS["refresh"], "n_intervals"))
def update_summary(_n):
    lang, profile = ctx.language(), ctx.current_profile()
    try:
        frame = kpis.catalogue(profile.code)
        late = kpis.late_reports(profile.code, local_today(ctx.now(), profile.timezone))
        status = sources.source_status(profile.code)
    except SQLAlchemyError as exc:
        reason = type(exc).__name__
        return (error_tile("kpis_met", t("services.tile.met", lang), reason, lang), error_panel(reason, lang))
    return ui.tiles(frame, late, lang, ctx.freshness(status, "kpi_sheet")), ui.late_table(late, _names(lang))


@callback(Output(IDS["cards"], "children"), Output(IDS["cards_count"], "children"), Input(IDS["refresh"], "n_intervals"),
          Input(IDS["group"], "value"), Input(IDS["agency"], "value"), Input(IDS["dimension"], "value"),
          Input(IDS["status"], "value"), Input(IDS["kpi"], "value"))
def update_cards(_n, group: Text, agency: Text, dimension: Text, status: Text, selected: Text):
    lang, profile = ctx.language(), ctx.current_profile()
    try:
        frame = kpis.catalogue(profile.code)
        spark = kpis.sparklines(profile.code)
        late = kpis.late_reports(profile.code, local_today(ctx.now(), profile.timezone))
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, lang), None
    chosen = ui.select(frame, agency, dimension, status)
    cards = ui.groups(chosen, spark, late, _names(lang), by=group if group in ui.GROUPS else "agency", selected=selected)
    return cards, t("services.cards.count", lang, shown=len(chosen), total=len(frame))


@callback(Output(IDS["kpi"], "value"), Input({"type": ui.CARD, "index": ALL}, "n_clicks"), prevent_initial_call=True)
def open_card(_clicks: list[int | None] | None):
    """A click on a card opens its KPI (cards drawn anew have no clicks and open nothing)."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(item.get("value") for item in dash.ctx.triggered):
        return dash.no_update
    return trigger.get("index") if trigger.get("index") in {k.code for k in ctx.current_profile().kpis} else dash.no_update


@callback(Output(IDS["detail_name"], "children"), Output(IDS["detail_facts"], "children"),
          Output(IDS["detail_chart"], "figure"), Output(IDS["detail_note"], "children"), Output(IDS["revisions"], "children"),
          Input(IDS["kpi"], "value"), Input(IDS["span"], "value"), Input(IDS["refresh"], "n_intervals"))
def update_detail(code: Text, span: Text, _n):
    lang, profile = ctx.language(), ctx.current_profile()
    names, count = _names(lang), int(span) if span in {str(s) for s in kpi_detail.SPANS} else kpi_detail.SPANS[0]
    try:
        frame = kpis.catalogue(profile.code)
        row = frame[frame["code"] == code].iloc[0].to_dict() if code in set(frame["code"]) else None
        if row is None:
            return t("services.choose_kpi", lang), None, dash.no_update, None, None
        periods = kpi_detail.span_periods(row, local_today(ctx.now(), profile.timezone), count)
        values = kpis.history(profile.code, code, periods[0], periods[-1])
        changes = kpis.revisions(profile.code, code)
    except SQLAlchemyError as exc:
        panel = error_panel(type(exc).__name__, lang)
        return None, None, dash.no_update, panel, panel
    figure = kpi_detail.detail_figure(values, periods, row, lang=lang, theme=ctx.theme())
    name = row["name_en"] if lang == "en" else row["name_id"]
    facts = kpi_detail.facts(row, names, t(f"dimension.{row['dimension']}", lang) if row["dimension"] else "–")
    return (name, facts, figure, kpi_detail.reported_note(values, periods, lang),
            kpi_detail.revision_table(changes, row, names))


@callback(Output(IDS["query"], "data"), Input(IDS["group"], "value"), Input(IDS["agency"], "value"),
          Input(IDS["dimension"], "value"), Input(IDS["status"], "value"), Input(IDS["kpi"], "value"),
          Input(IDS["span"], "value"), prevent_initial_call=True)
def write_query(group: Text, agency: Text, dimension: Text, status: Text, kpi: Text, span: Text):
    """The view as the address bar's query string (defaults left out), so a link opens the same view."""
    view = _view(ctx.current_profile(), {"group": group, "agency": agency, "dimension": dimension, "status": status,
                                         "kpi": kpi, "span": span})
    return urlencode({k: v for k, v in view.items() if v is not None and DEFAULTS.get(k) != v})


clientside_callback(ClientsideFunction("liveroom", "replaceQuery"), Output(IDS["query_echo"], "data"),
                    Input(IDS["query"], "data"))
clientside_callback(
    """function (clicks) {
        const fired = (window.dash_clientside.callback_context.triggered || []).some((t) => t.value);
        const detail = document.getElementById("services-detail");
        if (fired && detail) {
            const top = detail.getBoundingClientRect().top;
            if (top < 0 || top > window.innerHeight * 0.6) { detail.scrollIntoView({block: "start"}); }
        }
        return window.dash_clientside.no_update;
    }""", Output(IDS["scroll"], "data"), Input({"type": ui.CARD, "index": ALL}, "n_clicks"), prevent_initial_call=True)
