"""Light (briefing) and dark (wall screen) themes: figure templates and map styles."""
from __future__ import annotations

import plotly.graph_objects as go

THEMES = ("light", "dark")

_PALETTE = {
    "light": {"paper": "rgba(0,0,0,0)", "font": "#212529", "grid": "#dee2e6", "map_bg": "#f4f6f8"},
    "dark": {"paper": "rgba(0,0,0,0)", "font": "#f1f3f5", "grid": "#343a40", "map_bg": "#10151c"},
}
SEQUENTIAL = {"light": "YlOrRd", "dark": "Inferno"}
# Status colours from the Okabe-Ito palette, which people with the common colour-vision
# deficiencies still tell apart (green and red both turn olive under deuteranopia; bluish
# green and vermillion do not). Status is never carried by colour alone: pages add a word or
# an icon, and maps draw devices as rings and complaints as dots.
STATE_COLOURS = {"online": "#009e73", "degraded": "#e69f00", "offline": "#d55e00", "unknown": "#8c8c8c", "pending": "#56b4e9"}
FLAG_COLOURS = {"red": "#d55e00", "amber": "#e69f00", "open": "#56b4e9"}
RING_COLOURS = {"light": "#1b1f24", "dark": "#ffffff"}  # the ring around a device on the map
# Map marker sizes (CSS pixels at a 16 px root font) for device states and complaint flags:
# what needs attention is largest, and a device down is larger than any complaint, so a few
# cameras down stand out among thousands of points.
MARKER_SIZES = {"online": 6, "degraded": 9, "unknown": 9, "pending": 6, "offline": 14, "open": 5, "amber": 7, "red": 10}
RING_WIDTH = 3  # pixels of ring on each side of a device's dot
MARKER_OPACITY = {"online": 0.55, "degraded": 0.85, "unknown": 0.85, "pending": 0.6, "offline": 1.0}


def normalise_theme(value: str | None, default: str = "light") -> str:
    return value if value in THEMES else default


# The few layout settings that make a figure look like the theme. Deliberately small: a full
# base template (plotly_white has defaults for every trace type) costs tens of milliseconds to
# validate on every figure, which a wall screen refreshing a dozen figures cannot afford.
_COLORWAY = ("#1c7ed6", "#e8590c", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#e03131", "#5f3dc4", "#868e96")


def _template_layout(theme: str) -> dict:
    colours = _PALETTE[theme]
    axis = {"gridcolor": colours["grid"], "linecolor": colours["grid"], "zerolinecolor": colours["grid"],
            "automargin": True, "ticks": ""}
    return {
        "paper_bgcolor": colours["paper"],
        "plot_bgcolor": colours["paper"],
        "font": {"color": colours["font"], "family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
        "colorway": list(_COLORWAY),
        "xaxis": axis,
        "yaxis": axis,
        "polar": {"bgcolor": colours["paper"], "angularaxis": {"gridcolor": colours["grid"]},
                  "radialaxis": {"gridcolor": colours["grid"]}},
        "hoverlabel": {"font": {"family": "system-ui, sans-serif"}},
        "legend": {"bgcolor": "rgba(0,0,0,0)"},
    }


def figure_template(theme: str) -> go.layout.Template:
    """A fresh template (never a shared object that a caller could mutate)."""
    return go.layout.Template(layout=_template_layout(theme))


def map_style(setting: str, theme: str, basemap_reachable: bool = True):
    """The plotly ``map.style`` for a settings value: 'offline' draws no tiles (no network),
    'auto' uses carto tiles matching the theme when the browser can reach them (else the offline
    style, so the map still draws its data), anything else is passed through."""
    if setting == "offline" or (setting == "auto" and not basemap_reachable):
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
