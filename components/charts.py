"""Chart figures."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.theme import figure_template


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
    if frame.empty:
        figure.add_annotation(text=empty_text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
        figure.update_xaxes(visible=False)
        figure.update_yaxes(visible=False)
    return figure


def target_trend(frame: pd.DataFrame, *, target: float, value_label: str, target_label: str, theme: str) -> go.Figure:
    """A line of ``value`` by ``period_start`` with the target as a dashed line."""
    figure = go.Figure(go.Scatter(x=frame["period_start"], y=frame["value"], mode="lines+markers", name=value_label))
    figure.add_hline(y=target, line_dash="dash", line_color="#e03131", annotation_text=target_label)
    figure.update_layout(template=figure_template(theme), margin={"l": 10, "r": 10, "t": 10, "b": 30}, showlegend=False)
    return figure


def dimension_radar(current: pd.DataFrame, previous: pd.DataFrame | None, *, labels: dict[str, str], current_name: str,
                    previous_name: str, theme: str) -> go.Figure:
    """Achievement (percent of target) per dimension; ``current``/``previous`` have columns
    dimension, score (fractions). The previous year is drawn dashed for comparison."""
    figure = go.Figure()
    for frame, name, dash in ((previous, previous_name, "dash"), (current, current_name, "solid")):
        if frame is None or frame.empty:
            continue
        theta = [labels[d] for d in frame["dimension"]]
        figure.add_trace(go.Scatterpolar(r=(frame["score"] * 100).round(1).tolist() + [round(frame["score"].iloc[0] * 100, 1)],
                                         theta=theta + theta[:1], name=name, line={"dash": dash},
                                         fill="toself" if dash == "solid" else None, opacity=0.85))
    figure.update_layout(template=figure_template(theme), margin={"l": 40, "r": 40, "t": 20, "b": 20},
                         polar={"radialaxis": {"range": [0, 120], "ticksuffix": "%"}},
                         legend={"orientation": "h", "y": -0.1})
    return figure
