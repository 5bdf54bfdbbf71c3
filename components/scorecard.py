"""The scorecard on /evaluation: pure builders, the scorecard's frames (``rules.scorecard``) and
the deck's ready-made texts (``reports.deck``) in, Dash components out. Status is always said
with a sign and a word as well as a colour."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.cards import GRAPH_CONFIG
from components.evaluation_charts import dimension_trend, indicator_history
from components.i18n import t
from reports import evaluation_text as words
from reports.deck import Entry, Tile

TILE_TYPE, TILE_BODY_TYPE = "evaluation-dimension", "evaluation-dimension-body"
INDICATOR_TYPE, DETAIL_TYPE, SUBS_TYPE = "evaluation-indicator", "evaluation-indicator-detail", "evaluation-subs"


def status_badge(status: str, lang: str, class_name: str = "") -> html.Span:
    """'✓ Tercapai' on the status's colour; ``data-status`` names it for tests and styles."""
    return html.Span([html.Span(words.STATUS_ICONS[status], className="status-icon", **{"aria-hidden": "true"}),
                      words.status_word(status, lang)],
                     className=f"status-badge status-{status} {class_name}".strip(), **{"data-status": status})


def tile_button(dimension: str, body: list | None = None, pressed: bool = False) -> html.Button:
    """A dimension's tile: a button that opens the dimension's details; its body (``tile_body``)
    is replaced when the year changes."""
    return html.Button(html.Div(body, id={"type": TILE_BODY_TYPE, "index": dimension}, className="dimension-tile-body"),
                       id={"type": TILE_TYPE, "index": dimension}, n_clicks=0, className=tile_class(pressed),
                       **{"data-dimension": dimension, "aria-pressed": "true" if pressed else "false"})


def tile_class(pressed: bool) -> str:
    return "dimension-tile active" if pressed else "dimension-tile"


def tile_body(tile: Tile, lang: str) -> list:
    """What a dimension's tile says: its name, score, status, counts, change and history in words."""
    return [
        html.Div(tile.name, className="dimension-name"),
        html.Div([html.Span(tile.score, className="dimension-score", **{"data-kpi": f"dimension_{tile.dimension}"}),
                  status_badge(tile.status, lang)], className="dimension-score-row"),
        html.Div(tile.counts, className="dimension-counts"),
        html.Div(tile.change, className="dimension-change", **{"data-change": tile.dimension}),
        html.P(tile.sentence, className="dimension-sentence", **{"data-sentence": tile.dimension}),
    ]


def trend_grid(tiles: list[Tile], year: int, theme: str, lang: str) -> dbc.Row:
    """Small multiples: every dimension's score per year since the first, the chosen year marked."""
    cols = []
    for tile in tiles:
        frame = pd.DataFrame(tile.points, columns=["year", "score"])
        figure = dimension_trend(frame, year=year, theme=theme, lang=lang, empty_text=t("evaluation.no_data", lang))
        cols.append(dbc.Col(html.Div([
            html.Div(t(f"dimension.{tile.dimension}.short", lang), className="trend-title"),
            dcc.Graph(figure=figure, config=GRAPH_CONFIG, className="trend-graph",
                      id=f"evaluation-trend-{tile.dimension}"),
        ], className="trend-cell", **{"data-trend": tile.dimension}), xs=12, sm=6, lg=4, xxl=2))
    return dbc.Row(cols, className="g-2")


def _indicator_row(row: dict, year: int, lang: str) -> html.Tr:
    unit = words.unit(row, lang)
    name = row["name_en"] if lang == "en" else row["name_id"]
    button = html.Button(name, id={"type": INDICATOR_TYPE, "sub": row["sub_dimension"], "index": row["code"]},
                         n_clicks=0, className="btn btn-link p-0 text-start indicator-link")
    return html.Tr([
        html.Td(button),
        html.Td(words.value_label(row["value"], unit, lang), className="text-end",
                **{"data-kpi": f"indicator_{row['code']}"}),
        html.Td(words.value_label(row["target"], unit, lang), className="text-end"),
        html.Td(words.achievement_label(row["achievement"], lang), className="text-end"),
        html.Td(status_badge(row["status"], lang)),
        html.Td(words.change_label(row["change"], row["change_in"], unit, lang), className="text-end text-nowrap"),
        html.Td(words._number(row["weight"], lang, 1), className="text-end"),
    ], **{"data-indicator": row["code"]})


def indicator_table(rows: pd.DataFrame, year: int, lang: str) -> html.Div:
    header = [t("evaluation.col.indicator", lang), t("evaluation.col.value", lang, year=year),
              t("evaluation.col.target", lang), t("evaluation.col.achievement", lang), t("evaluation.col.status", lang),
              t("evaluation.col.change", lang, year=year - 1), t("evaluation.col.weight", lang)]
    return html.Div(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in header])),
                               html.Tbody([_indicator_row(r, year, lang) for r in rows.to_dict("records")])],
                              size="sm", hover=True, className="table-compact indicator-table mb-0"),
                    className="table-responsive")


def dimension_detail(card, tile: Tile, lang: str, open_subs: list[str] | None = None) -> html.Div:
    """A dimension opened: its sub-dimensions (each opens to its indicators' table, and under it
    the indicator chosen there); ``open_subs`` are open from the start."""
    subs = card.sub_dimensions[card.sub_dimensions["dimension"] == tile.dimension]
    items = []
    for sub in subs.to_dict("records"):
        title = html.Div([html.Span(sub[f"name_{lang}"], className="sub-name"),
                          html.Span(words.score_label(sub["score"], lang), className="sub-score"),
                          status_badge(sub["status"], lang),
                          html.Span(words.counts_label(sub, lang), className="sub-counts")],
                         className="sub-title", **{"data-sub-dimension": sub["sub_dimension"]})
        rows = card.indicators[card.indicators["sub_dimension"] == sub["sub_dimension"]]
        items.append(dbc.AccordionItem([indicator_table(rows, card.year, lang),
                                        html.Div(id={"type": DETAIL_TYPE, "sub": sub["sub_dimension"]},
                                                 className="indicator-detail-slot")],
                                       title=title, item_id=sub["sub_dimension"]))
    return html.Div([
        html.H3([html.Span(tile.name, className="me-2"), html.Span(tile.score, className="me-2"),
                 status_badge(tile.status, lang)], className="h5 drill-heading"),
        html.P(tile.sentence, className="mb-2"),
        dbc.Accordion(items, always_open=True, className="sub-accordion", active_item=list(open_subs or []),
                      id={"type": SUBS_TYPE, "index": tile.dimension}),
    ], className="dimension-detail", **{"data-dimension": tile.dimension})


def evidence_list(entries: list[Entry], empty_text: str, more: str | None = None) -> html.Div:
    """Evidence as lines: the title (a link where it can be opened) and what and when it is."""
    if not entries:
        return html.P(empty_text, className="evidence-empty text-body-secondary", **{"data-evidence": "none"})
    lines = [html.Li([html.A(e.title, href=e.href, target="_blank", rel="noopener") if e.href else html.Span(e.title),
                      html.Span(e.meta, className="evidence-meta")], className="evidence-item") for e in entries]
    return html.Div([html.Ul(lines, className="evidence-list"), html.P(more, className="evidence-more") if more else None])


def indicator_detail(row: dict, history: pd.DataFrame, entries: list[Entry], year: int, theme: str,
                     lang: str) -> html.Div:
    """One indicator: its target, its values since the first year against the target, its evidence."""
    unit = words.unit(row, lang)
    target = words.value_label(row["target"], unit, lang)
    direction = t(f"evaluation.direction.{row['direction']}", lang)
    first, last = (int(history["year"].min()), int(history["year"].max())) if not history.empty else (year, year)
    figure = indicator_history(history, target=row["target"], target_label=t("evaluation.indicator.target_line", lang)
                               + f" {target}", unit_text=unit, year=year, theme=theme, lang=lang,
                               empty_text=t("evaluation.no_data", lang))
    return html.Div([
        html.H4(row["name_en"] if lang == "en" else row["name_id"], className="h6 mb-1"),
        html.P(t("evaluation.indicator.target", lang, target=target, direction=direction), className="mb-1 small"),
        html.Div(t("evaluation.indicator.history", lang, first=first, last=last), className="small fw-semibold"),
        dcc.Graph(figure=figure, config=GRAPH_CONFIG, className="indicator-graph", id=f"evaluation-history-{row['code']}"),
        html.H5(t("evaluation.evidence.heading", lang), className="h6 mt-2"),
        evidence_list(entries, t("evaluation.evidence.none", lang)),
    ], className="indicator-detail", **{"data-indicator-detail": row["code"]})


def portfolio_card(summary: dict, lang: str) -> dbc.Card:
    """The technology support: how many applications are up and on single sign-on, per group."""
    if not summary.get("total"):
        body = [html.P(t("evaluation.technology.none", lang), className="mb-0")]
    else:
        groups = sorted(summary["groups"].items(), key=lambda p: -p[1])
        body = [html.P(t("evaluation.technology.summary", lang, up=summary["up"], total=summary["total"],
                         sso=summary["sso_ready"]), className="portfolio-summary", **{"data-kpi": "portfolio"}),
                html.P(t("evaluation.technology.watched", lang, watched=summary["watched"]), className="small mb-1"),
                html.Ul([html.Li(t("evaluation.app_group.count", lang, group=t(f"evaluation.app_group.{g}", lang),
                                   n=n)) for g, n in groups], className="mb-0 small")]
    return dbc.Card([dbc.CardHeader(t("evaluation.technology.title", lang)), dbc.CardBody(body)],
                    className="portfolio-card", id="evaluation-portfolio")


def method_card(lang: str, close_share: float) -> dbc.Card:
    """How the scores are made, on the page in the reader's language."""
    keys = ("achievement", "cap", "status", "weights", "met", "change")
    return dbc.Card([dbc.CardHeader(t("evaluation.method.title", lang)),
                     dbc.CardBody(html.Ul([html.Li(t(f"evaluation.method.{k}", lang, close=round(close_share * 100)))
                                           for k in keys], className="mb-0 method-list"))],
                    id="evaluation-method", className="method-card")
