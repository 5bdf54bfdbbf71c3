"""/evaluation : the smart-city scorecard for the national evaluators: the six dimensions of a
year (score, status, counts, change, how each moved since 2017), a drill-down from a dimension
to its sub-dimensions, an indicator, its history and its evidence, the technology support and
the method. ``?present=1`` is the presentation (one slide per section of the evaluators'
outline, ``&slide=N``). Read-only; no personal data here."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from components.controls import dropdown
from components.i18n import t
from components.presentation import deck_view
from components.scorecard import (DETAIL_TYPE, INDICATOR_TYPE, SUBS_TYPE, TILE_BODY_TYPE, TILE_TYPE, dimension_detail,
                                  indicator_detail, method_card, portfolio_card, tile_body, tile_button, tile_class,
                                  trend_grid)
from components.tiles import error_panel
from data_sources.queries import evidence, indicators
from data_sources.rules import scorecard
from pages import _shared as ctx
from pages._callbacks import Text, Year, callback
from reports import deck
from reports import evaluation_text as words

dash.register_page(__name__, path="/evaluation", name="Evaluasi Kota Cerdas", order=50)

PAGE = "evaluation"
IDS = {name: f"{PAGE}-{slug}" for name, slug in (
    ("year", "year"), ("overall", "overall"), ("trends", "trends"), ("drill", "drill"), ("selected", "selected"),
    ("present", "present-link"), ("pdf", "pdf-link"), ("notice", "notice"), ("tiles", "tiles"))}


def _state(profile, year: int, lang: str):
    """The year's scorecard and its tiles (with each dimension's history)."""
    history = indicators.history(profile.code)
    card = scorecard.build(history, profile, year)
    return card, deck.tiles(card, scorecard.dimension_history(history, profile), lang)


def _overall(card, lang: str) -> str:
    totals = card.dimensions[list(scorecard.COUNTS)].sum()
    return f"{t('evaluation.overall', lang, year=card.year, score=words.score_label(card.overall, lang))} \u00b7 " \
           f"{words.counts_label(totals, lang)}"


def _links(year: int, lang: str) -> tuple[str, str]:
    return f"/evaluation?present=1&year={year}", f"/evaluation/deck.pdf?lang={lang}&year={year}"


def _slide_number(slide, total: int) -> int:
    text = str(slide or "").strip()
    return min(max(int(text), 1), total) if text.isdigit() else 1


def presentation(year: str | None, slide: str | None):
    lang, theme, profile = ctx.language(), ctx.theme(), ctx.current_profile()
    built = deck.build(profile, year, lang)
    exit_href = f"/evaluation?year={built.year}" if built.year else "/evaluation"
    return html.Div(deck_view(built, _slide_number(slide, len(built.slides)) - 1, theme, exit_href),
                    className="page page-evaluation-present")


def layout(year: str | None = None, present: str | None = None, slide: str | None = None,
           dimension: str | None = None, **_query):
    if str(present or "").lower() in ("1", "true", "yes"):
        return presentation(year, slide)
    lang, theme, profile = ctx.language(), ctx.theme(), ctx.current_profile()
    try:
        available = indicators.years(profile.code)
        chosen, problem = deck.choose_year(available, year)
        card, tiles = _state(profile, chosen, lang) if chosen is not None else (None, [])
        portfolio = evidence.portfolio_summary(profile.code)
    except SQLAlchemyError as exc:
        return html.Div(error_panel(type(exc).__name__, lang), className="page page-evaluation")
    title = html.H2(t("evaluation.page_title", lang, city=profile.name), className="h4 mb-0")
    if chosen is None:
        return html.Div([title, html.P(t("evaluation.no_data", lang), className="mt-3")], className="page page-evaluation")
    selected = dimension if isinstance(dimension, str) and dimension in {tile.dimension for tile in tiles} else None
    present_href, pdf_href = _links(chosen, lang)
    actions = [dbc.Button(t("evaluation.present", lang), href=present_href, id=IDS["present"], color="primary",
                          size="sm", external_link=True)]
    if ctx.may("briefing_export"):
        actions.append(dbc.Button(t("evaluation.download_pdf", lang), href=pdf_href, id=IDS["pdf"], color="secondary",
                                  size="sm", outline=True, external_link=True))
    by_dimension = {tile.dimension: tile for tile in tiles}
    return html.Div([
        dbc.Row([
            dbc.Col(title, lg=6),
            dbc.Col(html.Div([html.Label(t("evaluation.year", lang), htmlFor=IDS["year"], className="me-2 mb-0"),
                              html.Div(dropdown(lang, id=IDS["year"], value=chosen, clearable=False, searchable=False,
                                                options=[{"label": str(y), "value": y} for y in reversed(available)]),
                                       className="year-chooser")], className="d-flex align-items-center evaluation-controls"),
                    xs=6, lg=2),
            dbc.Col(html.Div(actions, className="d-flex gap-2 flex-wrap justify-content-lg-end evaluation-controls"),
                    xs=6, lg=4),
        ], className="align-items-center g-2"),
        html.Div(t("evaluation.year_problem", lang, value=problem, year=chosen) if problem else None,
                 id=IDS["notice"], className="evaluation-notice"),
        html.P(_overall(card, lang), id=IDS["overall"], className="evaluation-overall"),
        html.Div([tile_button(tile.dimension, tile_body(tile, lang), tile.dimension == selected) for tile in tiles],
                 id=IDS["tiles"], className="dimension-tiles"),
        dbc.Card([dbc.CardHeader(t("evaluation.drill.title", lang)),
                  dbc.CardBody(dimension_detail(card, by_dimension[selected], lang) if selected
                               else html.P(t("evaluation.drill.hint", lang), className="mb-0"), id=IDS["drill"])],
                 className="mt-3 drill-card"),
        dbc.Card([dbc.CardHeader([t("evaluation.consistency", lang, first=available[0], last=available[-1]),
                                  html.Span(t("evaluation.consistency.note", lang), className="card-note")]),
                  dbc.CardBody(trend_grid(tiles, chosen, theme, lang), id=IDS["trends"])], className="mt-3"),
        dbc.Row([dbc.Col(portfolio_card(portfolio, lang), lg=5), dbc.Col(method_card(lang, profile.scoring.close_share), lg=7)],
                className="g-3 mt-0"),
        dcc.Store(id=IDS["selected"], data=selected),
    ], className="page page-evaluation")


def _order() -> list[str]:
    """The dimensions' tiles in the page's order (the profile's), as ALL outputs list them."""
    return [d.code for d in ctx.current_profile().dimensions]


def year_view(year: int | None):
    """What another year changes: the tiles' bodies, the overall line, the small multiples, the
    presentation link, the notice."""
    lang, theme, profile = ctx.language(), ctx.theme(), ctx.current_profile()
    if year is None:
        raise dash.exceptions.PreventUpdate
    try:
        card, tiles = _state(profile, year, lang)
    except SQLAlchemyError as exc:
        panel = error_panel(type(exc).__name__, lang)
        return [dash.no_update] * len(_order()), panel, panel, dash.no_update, None
    by_dimension = {tile.dimension: tile for tile in tiles}
    return ([tile_body(by_dimension[d], lang) for d in _order()], _overall(card, lang),
            trend_grid(tiles, year, theme, lang), _links(year, lang)[0], None)


def dimension_view(trigger, year: int | None, selected: str | None, open_subs):
    """A tile opens its dimension (``trigger``: the tile's id); another year redraws the open
    one with its open sub-dimensions kept. Returns the details, the open dimension and the tiles'
    classes and aria-pressed."""
    lang, profile, order = ctx.language(), ctx.current_profile(), _order()
    keep = [item for items in (open_subs or []) if isinstance(items, list) for item in items if isinstance(item, str)]
    if isinstance(trigger, dict) and trigger.get("index") in order:
        keep = [] if trigger["index"] != selected else keep
        selected = trigger["index"]
    if year is None or selected not in order:
        raise dash.exceptions.PreventUpdate
    try:
        card, tiles = _state(profile, year, lang)
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, lang), selected, dash.no_update, dash.no_update
    tile = next(tile for tile in tiles if tile.dimension == selected)
    return (dimension_detail(card, tile, lang, keep), selected, [tile_class(d == selected) for d in order],
            ["true" if d == selected else "false" for d in order])


def indicator_view(code, year: int | None):
    """One indicator opened under its sub-dimension's table: its history and its evidence."""
    lang, theme, profile = ctx.language(), ctx.theme(), ctx.current_profile()
    if not isinstance(code, str) or year is None:
        raise dash.exceptions.PreventUpdate
    try:
        history = indicators.history(profile.code)
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, lang)
    rows = scorecard.build(history, profile, year).indicators
    rows = rows[rows["code"] == code].to_dict("records")
    if not rows:
        raise dash.exceptions.PreventUpdate
    values = scorecard.indicator_history(history, code)
    try:
        entries = [deck.entry(item, lang) for _, item in evidence.items(profile.code, indicator_code=code).iterrows()]
    except SQLAlchemyError as exc:
        return html.Div([indicator_detail(rows[0], values, [], year, theme, lang), error_panel(type(exc).__name__, lang)])
    return indicator_detail(rows[0], values, entries, year, theme, lang)


@callback(Output({"type": TILE_BODY_TYPE, "index": ALL}, "children"), Output(IDS["overall"], "children"),
          Output(IDS["trends"], "children"), Output(IDS["present"], "href"), Output(IDS["notice"], "children"),
          Input(IDS["year"], "value"), prevent_initial_call=True)
def update_year(year: Year):
    return year_view(year)


@callback(Output(IDS["pdf"], "href"), Input(IDS["year"], "value"), prevent_initial_call=True)
def update_pdf_link(year: Year):
    if year is None:
        raise dash.exceptions.PreventUpdate
    return _links(year, ctx.language())[1]


@callback(Output(IDS["drill"], "children"), Output(IDS["selected"], "data"),
          Output({"type": TILE_TYPE, "index": ALL}, "className"), Output({"type": TILE_TYPE, "index": ALL}, "aria-pressed"),
          Input({"type": TILE_TYPE, "index": ALL}, "n_clicks"), Input(IDS["year"], "value"),
          State(IDS["selected"], "data"), State({"type": SUBS_TYPE, "index": ALL}, "active_item"),
          prevent_initial_call=True)
def open_dimension(_clicks, year: Year, selected: Text, open_subs):
    return dimension_view(dash.ctx.triggered_id, year, selected, open_subs)


@callback(Output({"type": DETAIL_TYPE, "sub": MATCH}, "children"),
          Input({"type": INDICATOR_TYPE, "sub": MATCH, "index": ALL}, "n_clicks"), State(IDS["year"], "value"),
          prevent_initial_call=True)
def open_indicator(clicks, year: Year):
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(c for c in (clicks or []) if isinstance(c, int)):
        raise dash.exceptions.PreventUpdate
    return indicator_view(trigger.get("index"), year)
