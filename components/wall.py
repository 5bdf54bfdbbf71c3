"""Pure builders for the wall overview: the layered city map and the short lists beside it.

The map is one figure with one trace per layer (complaints, cameras, access points), each
switchable. ``layered_map`` builds it once; ``layered_map_update`` updates the same traces in
place on every refresh (``dash.Patch``), so the browser redraws points without rebuilding the
map, its style or the operator's view, and sends only what changed since the snapshot of the
points the browser holds (``components.figure_diff``): at 20,000 devices a refresh is a few
points moved, not every point again.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from dash import Patch, html

from components import figure_diff, formatting
from components.i18n import t
from components.theme import FLAG_COLOURS, MARKER_SIZES, RING_COLOURS, RING_WIDTH, STATE_COLOURS, figure_template
from data_sources.rules.device_state import seconds_in_state

COMPLAINT_LAYER = "complaints"  # the other layers are the city's device kinds
_DRAW_ORDER = {"open": 0, "amber": 1, "red": 2, "online": 0, "degraded": 1, "unknown": 2, "pending": 0, "offline": 3}


def complaint_layer(frame: pd.DataFrame, lang: str) -> dict:
    """Open complaints (columns lat, lon, level, category_id, category_en; WGS 84) as map points,
    red flags drawn last and largest."""
    frame = frame.assign(_order=frame["level"].map(_DRAW_ORDER)).sort_values("_order", kind="stable")
    names = frame[f"category_{lang}"].tolist()
    levels = [t(f"wall.flag.{level}", lang) for level in frame["level"]]
    return {"name": t("wall.layer.complaints", lang), "ids": frame["id"].tolist(),
            "lat": frame["lat"].tolist(), "lon": frame["lon"].tolist(),
            "text": [f"{n} · {lv}" for n, lv in zip(names, levels)],
            "color": frame["level"].map(FLAG_COLOURS).tolist(), "size": frame["level"].map(MARKER_SIZES).tolist()}


def device_layer(points: pd.DataFrame, kind: str, lang: str) -> dict:
    """Devices of one kind (columns id, name, lat, lon, state) coloured by state, offline on top."""
    points = points.assign(_order=points["state"].map(_DRAW_ORDER)).sort_values("_order", kind="stable")
    states = [t(f"device.state.{s}", lang) for s in points["state"]]
    return {"name": t(f"wall.layer.{kind}", lang), "ids": points["id"].tolist(),
            "lat": points["lat"].tolist(), "lon": points["lon"].tolist(),
            "text": [f"{n} · {s}" for n, s in zip(points["name"], states)],
            "color": points["state"].map(STATE_COLOURS).tolist(), "size": points["state"].map(MARKER_SIZES).tolist(),
            "ring": True}


def _sizes(layer: dict, scale: float, extra: float = 0) -> list[float]:
    return [round((size + extra) * scale, 1) for size in layer["size"]]


def _traces(layer: dict, visible: bool, marker_scale: float, theme: str) -> list[dict]:
    """A layer's traces: its dots, and for devices a ring drawn under each dot first (a larger
    dot in the ring colour), so cameras and access points never look like complaints."""
    dots = {"type": "scattermap", "mode": "markers", "name": layer["name"], "lat": layer["lat"], "lon": layer["lon"],
            "text": layer["text"], "marker": {"color": layer["color"], "size": _sizes(layer, marker_scale), "opacity": 1},
            "hovertemplate": "%{text}<extra></extra>", "visible": visible}
    if not layer.get("ring"):
        return [dots]
    ring = {"type": "scattermap", "mode": "markers", "name": layer["name"], "lat": layer["lat"], "lon": layer["lon"],
            "marker": {"color": RING_COLOURS[theme], "size": _sizes(layer, marker_scale, 2 * RING_WIDTH), "opacity": 1},
            "hoverinfo": "skip", "visible": visible}
    return [ring, dots]


def trace_indices(layers: dict[str, dict]) -> dict[str, list[int]]:
    """Layer key -> the indices of its traces in the figure (a device layer has two: ring, dots)."""
    out, index = {}, 0
    for key, layer in layers.items():
        count = 2 if layer.get("ring") else 1
        out[key] = list(range(index, index + count))
        index += count
    return out


HIGHLIGHT_LAYER = 1  # index in layout.map.layers of the outline of the kecamatan with a burst of complaints
HIGHLIGHT_COLOURS = {"dark": "#ff6b6b", "light": "#c92a2a"}


def highlighted(boundaries: dict | None, codes: list[str]) -> dict:
    """The kecamatan of ``codes`` out of ``boundaries`` (a FeatureCollection with properties.code)."""
    wanted = set(codes)
    return {"type": "FeatureCollection",
            "features": [f for f in (boundaries or {}).get("features", []) if f["properties"]["code"] in wanted]}


def layered_map(layers: dict[str, dict], visible: list[str], *, theme: str, style, center: tuple[float, float],
                zoom: float, boundaries: dict | None = None, note: str | None = None, marker_scale: float = 1.0,
                labels: list[tuple[float, float, str]] | None = None, highlight: list[str] = ()) -> dict:
    """The wall map as a plain figure dict: one trace per entry of ``layers`` (key -> layer, in
    order), shown when its key is in ``visible``, over the kecamatan ``boundaries`` (GeoJSON,
    WGS 84) drawn as lines. ``center`` is (lat, lon); ``marker_scale`` enlarges the points on
    screens whose type is scaled up (a 4K wall); ``labels`` (lat, lon, name) are drawn over the
    map by assets/basemap.js; the kecamatan of ``highlight`` (codes: a burst of complaints) are
    outlined thick in red, as layer ``HIGHLIGHT_LAYER``."""
    outline = [{"sourcetype": "geojson", "source": boundaries, "type": "line", "below": "traces",
                "color": "#adb5bd" if theme == "dark" else "#495057", "line": {"width": 1.2}, "opacity": 0.7},
               {"sourcetype": "geojson", "source": highlighted(boundaries, list(highlight)), "type": "line",
                "below": "traces", "color": HIGHLIGHT_COLOURS[theme], "line": {"width": 5}, "opacity": 1}]
    layout = {
        "template": figure_template(theme).to_plotly_json(),
        "map": {"style": style, "center": {"lat": center[0], "lon": center[1]}, "zoom": zoom,
                "layers": outline if boundaries else []},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "uirevision": "keep-view", "showlegend": False,
        "meta": {"labels": [list(label) for label in labels or []]},
    }
    if note:
        layout["annotations"] = [{"text": note, "x": 0.01, "y": 0.01, "xref": "paper", "yref": "paper",
                                  "xanchor": "left", "yanchor": "bottom", "showarrow": False, "font": {"size": 11},
                                  "bgcolor": "rgba(128,128,128,0.25)"}]
    return {"data": [trace for key, layer in layers.items()
                     for trace in _traces(layer, key in visible, marker_scale, theme)],
            "layout": layout}


def map_snapshots(layers: dict[str, dict], marker_scale: float = 1.0, theme: str = "light") -> list[dict]:
    """Every trace's points of a map built by ``layered_map`` as ``figure_diff`` compares them."""
    traces = [(layer, trace) for layer in layers.values() for trace in _traces(layer, True, marker_scale, theme)]
    return [figure_diff.snapshot(trace, layer["ids"]) for layer, trace in traces]


def snapshot_patch(current: list[dict], previous: list[dict] | None) -> tuple[Patch, list[str]]:
    """The Patch that turns the traces of ``previous`` (the browser's copy; None: unknown, so
    every trace is sent whole) into ``current``, and how each trace was sent: 'same', 'diff' or 'full'."""
    patch, how = Patch(), []
    if previous is not None and len(previous) != len(current):
        previous = None
    for index, snapshot in enumerate(current):
        how.append(figure_diff.trace_patch(patch, index, previous[index] if previous else None, snapshot))
    return patch, how


def layered_map_update(layers: dict[str, dict], previous: list[dict] | None, marker_scale: float = 1.0,
                       theme: str = "light") -> tuple[Patch, list[dict], list[str]]:
    """The refresh of a map built by ``layered_map``: (the Patch, the new snapshot of every
    trace's points, how each trace was sent: 'same', 'diff' or 'full'). ``previous`` is the
    snapshot the browser's copy was made from (None: unknown, so every trace is sent whole).
    Visibility and the layout are left alone."""
    snapshots = map_snapshots(layers, marker_scale, theme)
    patch, how = snapshot_patch(snapshots, previous)
    return patch, snapshots, how


def map_legend(kinds: tuple[str, ...], lang: str) -> html.Div:
    """What the wall map's marks mean: complaints are dots by flag, devices are rings by state."""
    def item(label: str, colour: str, shape: str) -> html.Span:
        return html.Span([html.Span(className=f"legend-mark legend-{shape}", style={"--mark": colour}), label],
                         className="legend-item")

    flags = [item(t(f"wall.flag.{level}", lang), FLAG_COLOURS[level], "dot") for level in ("open", "amber", "red")]
    states = [item(t(f"device.state.{state}", lang), STATE_COLOURS[state], "ring")
              for state in ("online", "degraded", "offline", "unknown", "pending")]
    devices = " / ".join(t(f"wall.layer.{kind}", lang) for kind in kinds)
    return html.Div([html.Div([html.Span(t("wall.layer.complaints", lang), className="legend-title"), *flags]),
                     html.Div([html.Span(devices, className="legend-title"), *states])],
                    className="map-legend", id="overview-map-legend", **{"data-legend": "wall"})


# --- lists ------------------------------------------------------------------------------------


def _row(main: str, sub: str, figure: str, *, tone: str | None = None, **attributes) -> html.Li:
    return html.Li([html.Div([html.Div(main, className="wall-row-main"), html.Div(sub, className="wall-row-sub")],
                             className="wall-row-text"),
                    html.Div(figure, className=f"wall-row-figure text-{tone}" if tone else "wall-row-figure")],
                   className="wall-row", **attributes)


def _agency(row, lang: str) -> str | None:
    english = row.get("agency_en")
    return english if lang == "en" and isinstance(english, str) and english else row["agency"]


def red_flag_list(frame: pd.DataFrame, total: int, lang: str) -> html.Ul | html.Div:
    """The oldest red flags (``queries.complaints.RED_FLAG_COLUMNS``): category, place, agency, how late."""
    if frame.empty:
        return html.Div(t("complaints.red_list.none", lang), className="wall-empty")
    rows = [
        _row(row[f"name_{lang}"], " · ".join(v for v in (row["kecamatan"], _agency(row, lang)) if isinstance(v, str)),
             t("wall.late_by", lang, duration=formatting.duration(row["overdue_seconds"], lang)), tone="danger",
             **{"data-complaint": row["external_id"]})
        for _, row in frame.iterrows()
    ]
    return html.Ul(rows, className="wall-list", **{"data-total": total})


def down_device_list(frames: dict[str, pd.DataFrame], now: datetime, lang: str) -> html.Ul | html.Div:
    """Cameras and access points down (``queries.devices.DOWN_COLUMNS`` per kind), longest first."""
    parts = [frame.assign(kind=kind) for kind, frame in frames.items() if not frame.empty]
    if not parts:
        return html.Div(t("wall.no_devices_down", lang), className="wall-empty")
    frame = pd.concat(parts, ignore_index=True)
    frame["since"] = pd.to_datetime(frame["state_since"], utc=True)
    frame = frame.sort_values(["state", "since"], ascending=[False, True], na_position="first", kind="stable")
    rows = []
    for _, row in frame.iterrows():
        seconds = seconds_in_state(row["since"], now)
        figure = "–" if seconds is None else formatting.duration(seconds, lang)
        sub = " · ".join(v for v in (t(f"wall.kind.{row['kind']}", lang), t(f"device.state.{row['state']}", lang),
                                     row["kecamatan"]) if isinstance(v, str))
        rows.append(_row(row["name"], sub, figure, tone="danger" if row["state"] == "offline" else "warning",
                         **{"data-device": str(row["id"])}))
    return html.Ul(rows, className="wall-list")


def off_target_list(off: pd.DataFrame, lang: str) -> html.Ul | html.Div:
    """KPIs whose latest value misses its target (``queries.kpis.status``'s ``off``: furthest first)."""
    if off.empty:
        return html.Div(t("wall.all_on_target", lang), className="wall-empty")
    rows = [
        _row(row[f"name_{lang}"], row["agency"] if isinstance(row["agency"], str) else "",
             t("wall.value_vs_target", lang, value=formatting.number(row["value"], lang, 1),
               target=formatting.quantity(row["target"], formatting.unit_of(row, lang), lang)), tone="danger",
             **{"data-kpi-code": row["code"]})
        for _, row in off.iterrows()
    ]
    return html.Ul(rows, className="wall-list")
