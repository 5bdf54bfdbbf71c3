"""Light (briefing) and dark (wall screen) themes: figure templates and map styles."""
from __future__ import annotations

import copy

import plotly.graph_objects as go
import plotly.io as pio

THEMES = ("light", "dark")

_PALETTE = {
    "light": {"paper": "rgba(0,0,0,0)", "font": "#212529", "grid": "#dee2e6", "map_bg": "#f4f6f8"},
    "dark": {"paper": "rgba(0,0,0,0)", "font": "#f1f3f5", "grid": "#343a40", "map_bg": "#10151c"},
}
SEQUENTIAL = {"light": "YlOrRd", "dark": "Inferno"}
STATE_COLOURS = {"online": "#2fb344", "degraded": "#f59f00", "offline": "#e03131", "unknown": "#868e96"}


def normalise_theme(value: str | None, default: str = "light") -> str:
    return value if value in THEMES else default


def figure_template(theme: str) -> go.layout.Template:
    """A fresh template (never a shared object that a caller could mutate)."""
    base = copy.deepcopy(pio.templates["plotly_dark" if theme == "dark" else "plotly_white"])
    colours = _PALETTE[theme]
    base.layout.paper_bgcolor = colours["paper"]
    base.layout.plot_bgcolor = colours["paper"]
    base.layout.font = {"color": colours["font"], "family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"}
    return base


def map_style(setting: str, theme: str):
    """The plotly ``map.style`` for a settings value: 'offline' draws no tiles (no network),
    'auto' uses carto tiles matching the theme, anything else is passed through."""
    if setting == "offline":
        # an empty "sources" object is dropped on the way to the browser, and MapLibre then
        # refuses the style when a figure update diffs it; one empty source keeps it valid
        return {
            "version": 8,
            "sources": {"blank": {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}}},
            "layers": [{"id": "background", "type": "background", "paint": {"background-color": _PALETTE[theme]["map_bg"]}}],
        }
    if setting == "auto":
        return "carto-darkmatter" if theme == "dark" else "carto-positron"
    return setting
