"""Figures and table rows of the device pages (/cctv, /wifi): the state map, uptime bars,
the 30-day history, a device's state timeline and the down list. Pure builders: they take
query results and return figures or plain rows."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from components import formatting
from components.i18n import t
from components.theme import STATE_COLOURS, figure_template

# drawing order on the map: the states that need attention last, so they sit on top
MAP_ORDER = ("online", "degraded", "unknown", "offline")
_MARKER = {"online": (6, 0.55), "degraded": (8, 0.85), "unknown": (8, 0.85), "offline": (11, 1.0)}


def _empty(figure: go.Figure, text: str) -> go.Figure:
    figure.add_annotation(text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


def device_map(points: pd.DataFrame, *, lang: str, theme: str, style, center: tuple[float, float],
               zoom: float) -> dict:
    """One trace per state, offline drawn last (on top) and largest; online small and
    translucent, so ten thousand devices stay readable. ``customdata`` carries the device id.

    Returned as a plain figure dict: validating 10,000 points through ``go.Scattermap`` costs
    about 40 ms on every refresh, for data this function has already shaped."""
    traces = []
    for state in MAP_ORDER:
        part = points[points["state"] == state]
        size, opacity = _MARKER[state]
        label = t(f"device.state.{state}", lang)
        traces.append({
            "type": "scattermap", "mode": "markers", "name": f"{label} ({formatting.number(len(part), lang)})",
            # plain lists: dcc.Graph reads a click's customdata from the figure, where a numpy
            # array would be plotly's base64 typed-array object and the id would be lost
            "lat": part["lat"].tolist(), "lon": part["lon"].tolist(), "customdata": part["id"].tolist(),
            "text": part["name"].tolist(),
            "marker": {"size": size, "opacity": opacity, "color": STATE_COLOURS[state]},
            "hovertemplate": "<b>%{text}</b><br>" + label + "<extra></extra>",
        })
    layout = {
        "template": figure_template(theme).to_plotly_json(),
        "map": {"style": style, "center": {"lat": center[0], "lon": center[1]}, "zoom": zoom},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "uirevision": "keep-view", "clickmode": "event",
        "legend": {"orientation": "h", "x": 0.01, "y": 0.99, "bgcolor": "rgba(128,128,128,0.25)"},
    }
    return {"data": traces, "layout": layout}


def uptime_bars(frame: pd.DataFrame, label_column: str, *, lang: str, theme: str, empty_text: str) -> go.Figure:
    """Uptime per group (share), worst first, red below its target; the target as a marker."""
    figure = go.Figure()
    if frame.empty or frame["uptime"].isna().all():
        return _empty(figure, empty_text)
    frame = frame.dropna(subset=["uptime"])
    below = frame["uptime"] < frame["target"]
    figure.add_trace(go.Bar(
        x=frame["uptime"] * 100, y=frame[label_column], orientation="h",
        marker_color=["#e03131" if b else "#2f9e44" for b in below],
        text=[formatting.percent(u, lang) for u in frame["uptime"]], textposition="auto",
        customdata=frame["devices"], name=t("device.uptime", lang),
        hovertemplate="%{y}: %{text} (%{customdata} " + t("device.devices", lang) + ")<extra></extra>"))
    figure.add_trace(go.Scatter(x=frame["target"] * 100, y=frame[label_column], mode="markers",
                                marker={"symbol": "line-ns-open", "size": 18, "color": "#868e96"},
                                name=t("device.target", lang), hoverinfo="skip"))
    low = max(0.0, min(float(frame["uptime"].min()), float(frame["target"].min())) * 100 - 5)
    figure.update_layout(template=figure_template(theme), margin={"l": 10, "r": 10, "t": 10, "b": 30},
                         yaxis={"autorange": "reversed", "automargin": True},
                         xaxis={"range": [low, 100.5], "ticksuffix": "%"}, showlegend=False, uirevision="keep")
    return figure


def uptime_history(frame: pd.DataFrame, *, target: float | None, lang: str, theme: str,
                   empty_text: str) -> go.Figure:
    """Daily uptime (line) against the target (dashed), and devices mostly down each day (bars)."""
    figure = go.Figure()
    if frame["uptime"].isna().all():
        return _empty(figure, empty_text)
    days = [d.isoformat() for d in frame["day"]]
    figure.add_trace(go.Bar(x=days, y=frame["devices_down"], name=t("device.history.down", lang), yaxis="y2",
                            marker_color="rgba(224,49,49,0.35)",
                            hovertemplate="%{x}: %{y}<extra>" + t("device.history.down", lang) + "</extra>"))
    figure.add_trace(go.Scatter(x=days, y=frame["uptime"] * 100, mode="lines+markers", name=t("device.uptime", lang),
                                line={"color": "#1c7ed6", "width": 3},
                                hovertemplate="%{x}: %{y:.2f}%<extra></extra>"))
    if target is not None:
        figure.add_hline(y=target * 100, line_dash="dash", line_color="#e03131",
                         annotation_text=t("device.target_value", lang, value=formatting.percent(target, lang)))
    figure.update_layout(
        template=figure_template(theme), margin={"l": 10, "r": 10, "t": 10, "b": 30},
        yaxis={"ticksuffix": "%", "title": {"text": t("device.uptime", lang)}},
        yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "rangemode": "tozero", "tickformat": ",d",
                "title": {"text": t("device.history.down", lang)}},
        xaxis={"type": "category"}, legend={"orientation": "h", "y": -0.2}, uirevision="keep")
    return figure


def state_timeline(segments: pd.DataFrame, *, lang: str, theme: str, tz: str) -> go.Figure:
    """A strip of coloured segments (start, end, state) on a time axis, one bar per segment."""
    figure = go.Figure()
    for state in MAP_ORDER:
        part = segments[segments["state"] == state]
        if part.empty:
            continue
        starts = pd.to_datetime(part["start"], utc=True)
        ends = pd.to_datetime(part["end"], utc=True)
        durations_ms = (ends - starts).dt.total_seconds() * 1000
        label = t(f"device.state.{state}", lang)
        figure.add_trace(go.Bar(
            base=starts.dt.tz_convert(tz).dt.tz_localize(None).astype(str), x=durations_ms,
            y=[""] * len(part), orientation="h", marker_color=STATE_COLOURS[state], name=label,
            customdata=[formatting.duration(ms / 1000, lang) for ms in durations_ms],
            hovertemplate=label + ": %{customdata}<extra></extra>"))
    figure.update_layout(template=figure_template(theme), barmode="overlay", height=140,
                         margin={"l": 10, "r": 10, "t": 10, "b": 30}, xaxis={"type": "date"},
                         legend={"orientation": "h", "y": -0.5}, bargap=0.2)
    return figure


def down_columns(lang: str) -> list[dict]:
    """Columns of the down list (rows from ``down_rows``)."""
    return [
        {"field": "name", "headerName": t("device.col.name", lang), "flex": 2, "minWidth": 200,
         "tooltipField": "external_id"},
        {"field": "state_label", "headerName": t("device.col.state", lang), "width": 120,
         "cellClassRules": {"cell-danger": "params.data.state == 'offline'"}},
        {"field": "down_for", "headerName": t("device.col.down_for", lang), "width": 130,
         "comparator": {"function": "(a, b, na, nb) => na.data.down_seconds - nb.data.down_seconds"}},
        {"field": "kecamatan", "headerName": t("device.col.kecamatan", lang), "width": 140},
        {"field": "last_seen", "headerName": t("device.col.last_seen", lang), "width": 170},
        {"field": "notes", "headerName": t("device.col.notes", lang), "flex": 1, "minWidth": 140},
    ]


def down_rows(frame: pd.DataFrame, now: datetime, *, lang: str, tz: str, tz_label: str) -> list[dict]:
    """Rows of the down list, in the order given (longest down first); durations in words."""
    rows = []
    for record in frame.to_dict("records"):
        since = record["state_since"]
        seconds = (now - pd.Timestamp(since).to_pydatetime()).total_seconds() if since is not None and not pd.isna(
            since) else None
        notes = []
        if record["in_maintenance"]:
            notes.append(t("device.note.maintenance", lang))
        if record["flapping"]:
            notes.append(t("device.note.flapping", lang))
        if isinstance(record.get("site_type"), str):
            notes.append(t(f"site.{record['site_type']}", lang))
        rows.append({
            "id": int(record["id"]), "external_id": record["external_id"], "name": record["name"],
            "state": record["state"], "state_label": t(f"device.state.{record['state']}", lang),
            "down_for": formatting.duration(seconds, lang) if seconds is not None else "–",
            "down_seconds": round(seconds) if seconds is not None else 0,
            "kecamatan": record["kecamatan"] if isinstance(record["kecamatan"], str) else "–",
            "last_seen": formatting.local_datetime(pd.Timestamp(record["last_seen_at"]).to_pydatetime()
                                                   if record["last_seen_at"] is not None
                                                   and not pd.isna(record["last_seen_at"]) else None,
                                                   tz, tz_label, lang),
            "notes": ", ".join(notes),
        })
    return rows
