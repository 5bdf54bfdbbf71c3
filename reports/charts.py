"""The briefing's charts, for the page and for the PNG/PDF exports (pure: frames in, figures out).

Each chart compares the period with the previous one. ``for_export`` turns any of them into
a figure for a static image: light theme on white, with its title, at a fixed size.
"""
from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from components import formatting
from components.charts import with_message
from components.i18n import t
from components.theme import figure_template

CHARTS = ("complaints", "late", "uptime")  # names in the PNG route: /briefing/chart/<name>.png
CURRENT_COLOUR, PREVIOUS_COLOUR, TARGET_COLOUR = "#1c7ed6", "#adb5bd", "#e03131"
EXPORT_SIZE = {"complaints": (1000, 440), "late": (1000, 520), "uptime": (1000, 420)}  # CSS pixels


def separators(lang: str) -> str:
    """Plotly's decimal and thousands separators for a language: Indonesian 1.234,5."""
    return ",." if lang == "id" else ".,"


def _layout(figure: go.Figure, theme: str, **extra) -> go.Figure:
    figure.update_layout(template=figure_template(theme), margin={"l": 10, "r": 10, "t": 30, "b": 30},
                         legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
                         barmode="group", **extra)
    return figure


def complaints_per_day(frame: pd.DataFrame, first_day: date, days: int, previous_first_day: date, *,
                       day_labels: list[str], current_name: str, previous_name: str, value_label: str, x_title: str,
                       theme: str, empty_text: str) -> go.Figure:
    """Complaints per local day (``frame``: day (date), count): the period's days as bars and the
    previous period's day at the same position as a line. ``day_labels`` label the period's days."""
    counts = dict(zip(frame["day"], frame["count"]))
    current = [int(counts.get(first_day + timedelta(days=i), 0)) for i in range(days)]
    previous_days = [previous_first_day + timedelta(days=i) for i in range(days)]
    previous = [int(counts.get(d, 0)) for d in previous_days]
    figure = go.Figure([
        go.Bar(x=day_labels, y=current, name=current_name, marker_color=CURRENT_COLOUR,
               hovertemplate="%{x}: %{y:,d}<extra></extra>"),
        go.Scatter(x=day_labels, y=previous, name=previous_name, mode="lines+markers",
                   line={"color": PREVIOUS_COLOUR, "dash": "dash", "width": 2},
                   customdata=[d.isoformat() for d in previous_days], hovertemplate="%{customdata}: %{y:,d}<extra></extra>"),
    ])
    _layout(figure, theme, xaxis={"title": {"text": x_title}, "type": "category"},
            yaxis={"title": {"text": value_label}, "rangemode": "tozero"})
    return with_message(figure, empty_text) if not any(current) and not any(previous) else figure


def late_by_agency(frame: pd.DataFrame, *, current_name: str, previous_name: str, value_label: str, theme: str,
                   empty_text: str, top: int = 10, lang: str = "id") -> go.Figure:
    """Late complaints per agency (of those received in the period: ``queries.briefing.agency_comparison``),
    this period against the previous, most late on top; the labels are the table's numbers.
    ``frame``: columns name, late, late_previous."""
    rows = frame[(frame["late"] > 0) | (frame["late_previous"] > 0)]
    rows = rows.sort_values(["late", "late_previous", "name"], ascending=[False, False, True]).head(top)
    figure = go.Figure([
        go.Bar(y=rows["name"], x=rows["late"], orientation="h", name=current_name, marker_color=CURRENT_COLOUR,
               text=[formatting.number(int(v), lang) for v in rows["late"]], textposition="outside", textangle=0,
               cliponaxis=False,
               hovertemplate="%{y}: %{x:,d}<extra></extra>"),
        go.Bar(y=rows["name"], x=rows["late_previous"], orientation="h", name=previous_name,
               marker_color=PREVIOUS_COLOUR, hovertemplate="%{y}: %{x:,d}<extra></extra>"),
    ])
    _layout(figure, theme, yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"title": {"text": value_label}, "rangemode": "tozero"})
    return with_message(figure, empty_text) if rows.empty else figure


def uptime_by_kind(frame: pd.DataFrame, *, kind_labels: dict[str, str], current_name: str, previous_name: str,
                   target_name: str, value_label: str, theme: str, empty_text: str, lang: str = "id") -> go.Figure:
    """Uptime (percent) per device kind, this period against the previous, with each kind's target
    as a marker; the labels are the tables' figures (``formatting.percent``), and an axis that
    does not start at zero says so. ``frame``: columns kind, uptime, uptime_previous, target (fractions or None)."""
    labels = [kind_labels.get(k, k) for k in frame["kind"]]
    percent = lambda column: [None if pd.isna(v) else round(float(v) * 100, 2) for v in frame[column]]  # noqa: E731
    current, previous, target = percent("uptime"), percent("uptime_previous"), percent("target")
    figure = go.Figure([
        go.Bar(x=labels, y=current, name=current_name, marker_color=CURRENT_COLOUR,
               text=[None if pd.isna(v) else formatting.percent(float(v), lang) for v in frame["uptime"]],
               textposition="inside", textangle=0,
               hovertemplate="%{x}: %{y:.2f}%<extra></extra>"),
        go.Bar(x=labels, y=previous, name=previous_name, marker_color=PREVIOUS_COLOUR,
               hovertemplate="%{x}: %{y:.2f}%<extra></extra>"),
        go.Scatter(x=labels, y=target, name=target_name, mode="markers",
                   marker={"symbol": "line-ew", "size": 60, "line": {"width": 3, "color": TARGET_COLOUR}},
                   hovertemplate="%{x}: %{y:.1f}%<extra></extra>"),
    ])
    known = [v for v in current + previous + target if v is not None]
    low = max(0.0, math.floor(min(known) - 5)) if known else 0.0
    title = value_label if not low else f"{value_label} ({t('chart.axis_from', lang, value=formatting.number(low, lang) + '%')})"
    _layout(figure, theme, yaxis={"title": {"text": title}, "range": [low, 100.5], "ticksuffix": "%"})
    return with_message(figure, empty_text) if not any(v is not None for v in current + previous) else figure


def for_export(figure: go.Figure, title: str, width: int, height: int) -> go.Figure:
    """A copy for a static image: the light theme on white, the title on top, a fixed size."""
    out = go.Figure(figure)
    out.update_layout(template=figure_template("light"), paper_bgcolor="white", plot_bgcolor="white",
                      title={"text": title, "x": 0.01, "y": 0.98, "yanchor": "top", "font": {"size": 20}},
                      width=width, height=height, margin={"l": 20, "r": 20, "t": 90, "b": 40}, font={"size": 14})
    return out
