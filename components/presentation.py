"""Presentation mode of /evaluation: the deck (``reports.deck``) as one screen per slide, large
type for a screen-shared session at 1280x720, no tool bars. Pure: the deck in, components out.
Moving between slides (arrow keys, clicks, the address bar's ``slide``) is ``assets/present.js``;
all slides are in the page, the current one visible."""
from __future__ import annotations

import pandas as pd
from dash import dcc, html

from components.evaluation_charts import budget_by_year, dimension_trend
from components.i18n import t
from components.scorecard import status_badge
from reports.deck import Deck, Slide, Table, Tile

PRESENT_FONT = 24  # px: the smallest text on a slide, charts included
STATIC_GRAPH = {"displayModeBar": False, "staticPlot": True, "displaylogo": False}
DECK_ID = "evaluation-present"


def _table(table: Table) -> html.Table:
    align = table.align or tuple(["LEFT"] + ["RIGHT"] * (len(table.header) - 1))
    side = ["text-end" if a == "RIGHT" else "text-start" for a in align]
    return html.Table([html.Thead(html.Tr([html.Th(h, className=c) for h, c in zip(table.header, side)])),
                       html.Tbody([html.Tr([html.Td(v, className=c) for v, c in zip(row, side)]) for row in table.rows])],
                      className="present-table")


def _score_tile(tile: Tile, lang: str) -> html.Div:
    """A dimension on the scorecard slide: score, status, counts, change from the year before."""
    return html.Div([
        html.Div(t(f"dimension.{tile.dimension}.short", lang), className="present-tile-name"),
        html.Div([html.Span(tile.score, className="present-tile-score", **{"data-kpi": f"present_{tile.dimension}"}),
                  status_badge(tile.status, lang)], className="present-tile-status"),
        html.Div(tile.counts, className="present-tile-counts"),
        html.Div(tile.change, className="present-tile-change"),
    ], className="present-tile", **{"data-dimension": tile.dimension})


def _trend_cell(tile: Tile, year: int | None, theme: str, lang: str) -> html.Div:
    """A dimension on the consistency slide: its score per year since the first, 100 % dashed."""
    frame = pd.DataFrame(tile.points, columns=["year", "score"])
    figure = dimension_trend(frame, year=year, theme=theme, lang=lang, font=PRESENT_FONT, compact=True)
    return html.Div([
        html.Div([html.Span(t(f"dimension.{tile.dimension}.short", lang), className="present-tile-name"),
                  html.Span(tile.score, className="present-tile-small-score")], className="present-tile-head"),
        dcc.Graph(figure=figure, config=STATIC_GRAPH, className="present-spark", id=f"{DECK_ID}-spark-{tile.dimension}"),
    ], className="present-tile present-trend", **{"data-dimension": tile.dimension})


def _consistency(slide: Slide, year: int | None, theme: str, lang: str) -> list:
    """Six small charts in a row, then the six sentences that tell them."""
    return [html.Div([_trend_cell(tile, year, theme, lang) for tile in slide.tiles], className="present-trends"),
            html.Ul([html.Li(tile.sentence, **{"data-dimension": tile.dimension}) for tile in slide.tiles],
                    className="present-sentences")]


def _entries(slide: Slide) -> list:
    if not slide.entries:
        return []
    lines = [html.Li([html.A(e.title, href=e.href, target="_blank", rel="noopener") if e.href else html.Span(e.title),
                      html.Span(e.meta, className="present-meta")]) for e in slide.entries]
    return [html.Ul(lines, className="present-entries"),
            html.Div(slide.more, className="present-more") if slide.more else None]


def _body(slide: Slide, year: int | None, theme: str, lang: str) -> list:
    if slide.error:
        return [html.P(slide.error, className="present-error", role="alert")]
    if slide.empty:
        return [html.P(slide.empty, className="present-empty", **{"data-evidence": "none"})]
    if slide.key == "title":
        return [*[html.P(line, className="present-lead") for line in slide.lead],
                html.Ol([html.Li(item.split(". ", 1)[-1]) for item in slide.outline], start=2, className="present-outline")]
    body: list = [html.P(line, className="present-lead") for line in slide.lead]
    if slide.tiles and slide.key == "consistency":
        body += _consistency(slide, year, theme, lang)
    elif slide.tiles:
        body.append(html.Div([_score_tile(tile, lang) for tile in slide.tiles], className="present-tiles"))
    if slide.chart is not None:
        figure = budget_by_year(slide.chart.frame, axis_title=t("evaluation.budget.axis", lang), theme=theme, lang=lang,
                                font=PRESENT_FONT)
        side = [_table(table) for table in slide.tables]
        body.append(html.Div([
            html.Div([html.Div(slide.chart.title, className="present-chart-title"),
                      dcc.Graph(figure=figure, config=STATIC_GRAPH, className="present-chart",
                                id=f"{DECK_ID}-chart-{slide.key}")], className="present-chart-cell"),
            html.Div(side, className="present-side")], className="present-split"))
    else:
        body += [_table(table) for table in slide.tables]
    body += _entries(slide)
    if slide.note:
        body.append(html.P(slide.note, className="present-note"))
    return body


def deck_view(deck: Deck, active: int, theme: str, exit_href: str) -> html.Div:
    """Every slide of ``deck``, slide ``active`` (0-based) showing, with the counter "3 / 9"
    and previous/next buttons; ``exit_href`` is where Esc leads."""
    total, lang = len(deck.slides), deck.lang
    slides = [html.Section([html.H1(slide.title, className="present-title"),
                            html.Div(_body(slide, deck.year, theme, lang), className="present-body")],
                           className=f"present-slide present-slide-{slide.key}" + (" active" if i == active else ""),
                           **{"data-slide": i + 1, "data-key": slide.key, "aria-hidden": "false" if i == active else "true"})
              for i, slide in enumerate(deck.slides)]
    bar = html.Div([
        html.Span(deck.city, className="present-city"),
        html.Span(t("evaluation.slide.hint", lang), className="present-hint"),
        html.Button("\u2190", className="present-prev", title=t("evaluation.slide.previous", lang),
                    **{"aria-label": t("evaluation.slide.previous", lang), "data-move": "-1"}),
        html.Span(t("evaluation.slide.counter", lang, n=active + 1, total=total), className="present-counter",
                  **{"aria-live": "polite"}),
        html.Button("\u2192", className="present-next", title=t("evaluation.slide.next", lang),
                    **{"aria-label": t("evaluation.slide.next", lang), "data-move": "1"}),
    ], className="present-bar")
    return html.Div([html.Div(slides, className="present-slides"), bar], id=DECK_ID, className="present-deck",
                    **{"data-slide": active + 1, "data-slides": total, "data-exit": exit_href,
                       "data-counter": t("evaluation.slide.counter", lang, n="{n}", total="{total}")})
