"""Chart figures: pure builders, frames in, plotly figures out."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.theme import figure_template


def with_message(figure: go.Figure, text: str) -> go.Figure:
    """``figure`` with ``text`` in its middle and no axes: what an empty chart shows."""
    figure.add_annotation(text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


def horizontal_bars(frame: pd.DataFrame, label_column: str, value_column: str, *, value_label: str, theme: str,
                    empty_text: str, colour: str = "#1c7ed6") -> go.Figure:
    """Horizontal bars, largest on top. ``frame`` has one row per bar."""
    figure = go.Figure(
        go.Bar(
            x=frame[value_column], y=frame[label_column], orientation="h", marker_color=colour,
            text=frame[value_column], textposition="auto",
            hovertemplate="%{y}: %{x}<extra></extra>", name=value_label,
        )
    )
    figure.update_layout(
        template=figure_template(theme),
        margin={"l": 10, "r": 10, "t": 10, "b": 30},
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"title": {"text": value_label}},
        uirevision="keep",
    )
    return with_message(figure, empty_text) if frame.empty else figure


def target_trend(frame: pd.DataFrame, *, target: float, value_label: str, target_label: str, theme: str) -> go.Figure:
    """A line of ``value`` by ``period_start`` with the target as a dashed line."""
    figure = go.Figure(go.Scatter(x=frame["period_start"], y=frame["value"], mode="lines+markers", name=value_label))
    figure.add_hline(y=target, line_dash="dash", line_color="#e03131", annotation_text=target_label)
    figure.update_layout(template=figure_template(theme), margin={"l": 10, "r": 10, "t": 10, "b": 30}, showlegend=False)
    return figure


def category_stack(frame: pd.DataFrame, *, x_column: str, label_column: str, x_values: list, x_title: str,
                   value_label: str, other_label: str, theme: str, empty_text: str, top: int = 6) -> go.Figure:
    """Stacked bars of ``count`` per ``x_column`` value, one colour per category (``label_column``).

    The ``top`` categories by total keep their colour; the rest are summed as ``other_label``.
    ``x_values`` fixes the axis (every day or every hour, zeros included)."""
    figure = go.Figure()
    if not frame.empty:
        totals = frame.groupby(label_column)["count"].sum().sort_values(ascending=False)
        keep = list(totals.index[:top])
        labels = frame[label_column].where(frame[label_column].isin(keep), other_label)
        grouped = frame.assign(series=labels).groupby(["series", x_column])["count"].sum()
        for series in keep + ([other_label] if len(totals) > top else []):
            values = grouped.get(series, pd.Series(dtype=float)).reindex(x_values, fill_value=0)
            figure.add_trace(go.Bar(x=list(x_values), y=values.to_numpy(), name=series,
                                    hovertemplate=f"{series}: %{{y}}<extra>%{{x}}</extra>"))
    figure.update_layout(
        template=figure_template(theme), barmode="stack", bargap=0.15,
        margin={"l": 10, "r": 10, "t": 10, "b": 30},
        xaxis={"title": {"text": x_title}, "type": "category"}, yaxis={"title": {"text": value_label}},
        legend={"orientation": "h", "y": -0.25}, uirevision="keep",
    )
    return with_message(figure, empty_text) if frame.empty else figure
