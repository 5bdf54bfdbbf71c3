"""The evaluation's charts: pure builders, small frames in, plotly figures out.

``font`` sets every text of a figure (24 px and more in presentation mode, read at 1280x720);
numbers use the language's separators (Indonesian 1.234,5)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.charts import with_message
from components.theme import figure_template

LINE_COLOUR, TARGET_COLOUR, CHOSEN_COLOUR, BAR_COLOUR = "#1c7ed6", "#e03131", "#f08c00", "#1c7ed6"


def separators(lang: str) -> str:
    return ",." if lang == "id" else ".,"


def _base(figure: go.Figure, theme: str, lang: str, font: int | None, **layout) -> go.Figure:
    layout = {"margin": {"l": 8, "r": 8, "t": 8, "b": 8}} | layout
    if font:
        layout |= {"font": {"size": font}, "hoverlabel": {"font": {"size": font}}}
    figure.update_layout(template=figure_template(theme), separators=separators(lang), showlegend=False, **layout)
    return figure


def _target_line(y: float, width: float, label: str | None = None) -> dict:
    """A dashed line across the plot at ``y`` (a layout shape: cheaper than ``add_hline``), labelled."""
    shape = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y,
             "line": {"dash": "dash", "color": TARGET_COLOUR, "width": width}}
    if label is None:
        return {"shapes": [shape]}
    return {"shapes": [shape], "annotations": [{"text": label, "xref": "paper", "x": 0, "xanchor": "left", "yref": "y",
                                                "y": y, "yanchor": "bottom", "showarrow": False,
                                                "font": {"color": TARGET_COLOUR}}]}


def dimension_trend(frame: pd.DataFrame, *, year: int | None, theme: str, lang: str, font: int | None = None,
                    compact: bool = False, empty_text: str = "") -> go.Figure:
    """One dimension's score per year (``frame``: year (int), score (fraction)) as a line in
    per cent, with 100 % dashed and ``year`` marked. ``compact`` (a slide's sparkline, whose
    years are in its title) draws no axes."""
    rows = frame.dropna(subset=["score"])
    figure = go.Figure()
    if rows.empty:
        return with_message(_base(figure, theme, lang, font), empty_text)
    percent = (rows["score"] * 100).round(1)
    years = rows["year"].astype(int).tolist()
    figure.add_trace(go.Scatter(x=years, y=percent, mode="lines+markers", line={"color": LINE_COLOUR, "width": 3},
                                marker={"size": 6}, hovertemplate="%{x}: %{y:.1f}%<extra></extra>"))
    if year in years:
        chosen = percent.iloc[years.index(year)]
        figure.add_trace(go.Scatter(x=[year], y=[chosen], mode="markers", hoverinfo="skip",
                                    marker={"size": 13, "color": CHOSEN_COLOUR, "line": {"width": 2, "color": "#fff"}}))
    low = min(50.0, float(percent.min()) - 5)
    return _base(figure, theme, lang, font, **_target_line(100, 1.5),
                 xaxis={"tickformat": "d", "dtick": 2, "showgrid": False, "visible": not compact},
                 yaxis={"range": [low, 105], "ticksuffix": "%", "visible": not compact, "nticks": 4})


def indicator_history(frame: pd.DataFrame, *, target: float, target_label: str, unit_text: str, year: int | None,
                      theme: str, lang: str, font: int | None = None, empty_text: str = "") -> go.Figure:
    """One indicator's value per year (``frame``: year (int), value) against its target (a
    dashed line labelled ``target_label``), ``year`` marked; values in ``unit_text``."""
    figure = go.Figure()
    if frame.empty:
        return with_message(_base(figure, theme, lang, font), empty_text)
    years = frame["year"].astype(int).tolist()
    suffix = "%" if unit_text == "%" else ""
    figure.add_trace(go.Scatter(x=years, y=frame["value"], mode="lines+markers", name=unit_text,
                                line={"color": LINE_COLOUR, "width": 3}, marker={"size": 7},
                                hovertemplate=f"%{{x}}: %{{y:,.2~f}}{suffix or ' ' + unit_text}<extra></extra>"))
    if year in years:
        figure.add_trace(go.Scatter(x=[year], y=[frame["value"].iloc[years.index(year)]], mode="markers",
                                    hoverinfo="skip", marker={"size": 14, "color": CHOSEN_COLOUR,
                                                              "line": {"width": 2, "color": "#fff"}}))
    high = max(float(frame["value"].max()), target)
    return _base(figure, theme, lang, font, margin={"l": 8, "r": 8, "t": 28, "b": 8}, **_target_line(target, 2, target_label),
                 xaxis={"tickformat": "d", "dtick": 1 if len(years) <= 10 else 2, "showgrid": False},
                 yaxis={"ticksuffix": suffix, "rangemode": "tozero", "range": [0, high * 1.12],
                        "title": {"text": "" if suffix else unit_text}})


def budget_by_year(frame: pd.DataFrame, *, axis_title: str, theme: str, lang: str, font: int | None = None,
                   empty_text: str = "") -> go.Figure:
    """The smart-city budget per year (``frame``: year (int), amount in billions) as labelled bars."""
    figure = go.Figure()
    if frame.empty:
        return with_message(_base(figure, theme, lang, font), empty_text)
    figure.add_trace(go.Bar(x=frame["year"].astype(int), y=frame["amount"], marker_color=BAR_COLOUR,
                            text=frame["amount"], texttemplate="%{text:,.1f}", textposition="outside",
                            cliponaxis=False, hovertemplate="%{x}: %{y:,.1f}<extra></extra>"))
    return _base(figure, theme, lang, font, margin={"l": 8, "r": 8, "t": 40, "b": 8},
                 xaxis={"tickformat": "d", "dtick": 1, "type": "category"},
                 yaxis={"title": {"text": axis_title}, "rangemode": "tozero"})
