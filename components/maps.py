"""Map figures (MapLibre ``*_map`` traces)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import Patch, html

from components.theme import SEQUENTIAL, figure_template


def region_choropleth(frame: pd.DataFrame, geojson: dict, value_column: str, *, value_label: str, theme: str,
                      style, center: tuple[float, float], zoom: float, note: str | None = None,
                      labels: list[tuple[float, float, str]] | None = None) -> go.Figure:
    """Regions coloured by ``value_column``. ``frame`` has columns code, name and the value;
    ``geojson`` features carry ``properties.code`` (WGS 84). ``center`` is (lat, lon);
    ``labels`` (lat, lon, name) are drawn over the map by assets/basemap.js."""
    figure = go.Figure(
        go.Choroplethmap(
            geojson=geojson,
            featureidkey="properties.code",
            locations=frame["code"],
            z=frame[value_column],
            text=frame["name"],
            colorscale=SEQUENTIAL[theme],
            zmin=0,
            zmax=colour_top(frame[value_column]),
            marker={"opacity": 0.72, "line": {"width": 1, "color": "#ffffff" if theme == "dark" else "#495057"}},
            colorbar={"title": {"text": value_label}, "thickness": 12},
            hovertemplate="<b>%{text}</b><br>" + value_label + ": %{z}<extra></extra>",
        )
    )
    figure.update_layout(
        template=figure_template(theme),
        map={"style": style, "center": {"lat": center[0], "lon": center[1]}, "zoom": zoom},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        uirevision="keep-view",
        meta={"labels": [list(label) for label in labels or []]},
    )
    if note:
        figure.add_annotation(text=note, x=0.01, y=0.01, xref="paper", yref="paper", xanchor="left", yanchor="bottom",
                              showarrow=False, font={"size": 11}, bgcolor="rgba(128,128,128,0.25)")
    return figure


def colour_top(values: pd.Series) -> float:
    """The top of a choropleth's colour scale: the largest value, at least 1, so regions that all
    count zero are drawn in the scale's lowest colour with a scale from 0, never a band around 0."""
    top = pd.to_numeric(values, errors="coerce").max()
    return max(1.0, float(top)) if pd.notna(top) else 1.0


def empty_notice(values: pd.Series, text: str) -> html.Div | None:
    """Over a choropleth whose regions all count zero: ``text`` (say so, rather than leave a flat
    map to be read); None when any region has a value."""
    if pd.to_numeric(values, errors="coerce").fillna(0).any():
        return None
    return html.Div(text, className="text-muted small", **{"data-empty": "true"})


def complaint_locations(frame: pd.DataFrame, mode: str, *, theme: str, style, center: tuple[float, float],
                        zoom: float, cell_degrees: float | None = None, label: str = "") -> go.Figure:
    """Individual complaints as points (``mode`` 'points': columns lat, lon, category), or a
    density surface of grid counts (``mode`` 'grid': columns lat, lon, count at cell centres,
    WGS 84), so a million complaints cost as much as a few thousand cells."""
    if mode == "points":
        trace = go.Scattermap(lat=frame["lat"], lon=frame["lon"], mode="markers", text=frame.get("category"),
                              marker={"size": 6, "opacity": 0.7, "color": "#e8590c"},
                              hovertemplate="%{text}<extra></extra>", name=label)
    else:
        radius = 14 if (cell_degrees or 0) <= 0.002 else 18
        trace = go.Densitymap(lat=frame["lat"], lon=frame["lon"], z=frame["count"], radius=radius,
                              colorscale=SEQUENTIAL[theme], showscale=False,
                              hovertemplate="%{z}<extra></extra>", name=label)
    figure = go.Figure(trace)
    figure.update_layout(
        template=figure_template(theme),
        map={"style": style, "center": {"lat": center[0], "lon": center[1]}, "zoom": zoom},
        margin={"l": 0, "r": 0, "t": 0, "b": 0}, uirevision="keep-view", showlegend=False,
    )
    return figure


def data_patch(figure: dict | go.Figure) -> Patch:
    """A Patch that replaces a figure's traces and leaves its layout (map style, view, template)
    alone: what a refresh sends for a figure the browser already has."""
    patch = Patch()
    patch["data"] = figure.to_plotly_json()["data"] if isinstance(figure, go.Figure) else figure["data"]
    return patch


def choropleth_patch(frame: pd.DataFrame, value_column: str) -> Patch:
    """New values for a ``region_choropleth`` already drawn: only the regions' codes, names and
    values travel, not the boundaries."""
    patch = Patch()
    patch["data"][0]["locations"] = frame["code"].tolist()
    patch["data"][0]["z"] = frame[value_column].tolist()
    patch["data"][0]["text"] = frame["name"].tolist()
    patch["data"][0]["zmax"] = colour_top(frame[value_column])
    return patch
