"""Figures, rows and panels of the device pages (/cctv, /wifi): the state map, uptime bars,
the 30-day history, the down list and a device's detail with its state timeline. Pure
builders: they take query results and return figures, plain rows or components."""
from __future__ import annotations

import math
from datetime import datetime

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components import formatting
from components.cards import GRAPH_CONFIG
from components.charts import with_message
from components.i18n import t
from components.status import COLOURS, LEVEL_MARKS, uptime_level
from components.theme import MARKER_OPACITY, MARKER_SIZES, STATE_COLOURS, figure_template
from data_sources.clock import as_datetime
from data_sources.rules.device_state import seconds_in_state

# drawing order on the map: the states that need attention last, so they sit on top
MAP_ORDER = ("pending", "online", "degraded", "unknown", "offline")
STATE_BADGES = {"online": "success", "degraded": "warning", "offline": "danger", "unknown": "secondary", "pending": "info"}


def device_map(points: pd.DataFrame, *, lang: str, theme: str, style, center: tuple[float, float],
               zoom: float) -> dict:
    """One trace per state, offline drawn last (on top) and largest; online small and
    translucent, so ten thousand devices stay readable. ``customdata`` carries the device id.

    Returned as a plain figure dict: validating 10,000 points through ``go.Scattermap`` costs
    about 40 ms on every refresh, for data this function has already shaped."""
    traces = []
    for state in MAP_ORDER:
        part = points[points["state"] == state]
        size, opacity = MARKER_SIZES[state], MARKER_OPACITY[state]
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
        return with_message(figure, empty_text)
    frame = frame.dropna(subset=["uptime"])
    levels = [uptime_level(u, g) or "success" for u, g in zip(frame["uptime"], frame["target"])]
    figure.add_trace(go.Bar(
        x=frame["uptime"] * 100, y=frame[label_column], orientation="h",
        marker_color=[COLOURS[level] for level in levels],
        text=[f"{formatting.percent(u, lang)} {LEVEL_MARKS[level]}" for u, level in zip(frame["uptime"], levels)],
        textposition="auto",
        customdata=frame["devices"], name=t("device.uptime", lang),
        hovertemplate="%{y}: %{text} (%{customdata} " + t("device.devices", lang) + ")<extra></extra>"))
    figure.add_trace(go.Scatter(x=frame["target"] * 100, y=frame[label_column], mode="markers",
                                marker={"symbol": "line-ns-open", "size": 18, "color": "#868e96"},
                                name=t("device.target", lang), hoverinfo="skip"))
    low = max(0.0, math.floor(min(float(frame["uptime"].min()), float(frame["target"].min())) * 100 - 5))
    figure.update_layout(template=figure_template(theme), margin={"l": 10, "r": 10, "t": 10, "b": 40},
                         yaxis={"autorange": "reversed", "automargin": True},
                         xaxis={"range": [low, 100.5], "ticksuffix": "%",
                                "title": {"text": axis_from(low, lang), "font": {"size": 11}}},
                         showlegend=False, uirevision="keep")
    return figure


def axis_from(low: float, lang: str) -> str:
    """An axis title that says where a value axis starts when it does not start at zero."""
    return t("chart.axis_from", lang, value=formatting.number(low, lang) + "%") if low > 0 else ""


def uptime_history(frame: pd.DataFrame, *, target: float | None, lang: str, theme: str,
                   empty_text: str, today=None) -> go.Figure:
    """Daily uptime (line) against the target (dashed), and devices mostly down each day (bars).
    ``today`` (a date), a day not over yet, is left out: its few hours would read as a day."""
    figure = go.Figure()
    if today is not None:
        frame = frame[frame["day"] != today]
    if frame.empty or frame["uptime"].isna().all():
        return with_message(figure, empty_text)
    days = [formatting.day(d, lang) for d in frame["day"]]
    figure.add_trace(go.Bar(x=days, y=frame["devices_down"], name=t("device.history.down", lang), yaxis="y2",
                            marker_color="rgba(213,94,0,0.35)",
                            hovertemplate="%{x}: %{y}<extra>" + t("device.history.down", lang) + "</extra>"))
    figure.add_trace(go.Scatter(x=days, y=frame["uptime"] * 100, mode="lines+markers", name=t("device.uptime", lang),
                                line={"color": "#1c7ed6", "width": 3},
                                hovertemplate="%{x}: %{y:.2f}%<extra></extra>"))
    if target is not None:
        figure.add_hline(y=target * 100, line_dash="dash", line_color="#868e96",
                         annotation_text=t("device.target_value", lang, value=formatting.percent(target, lang)))
    values = frame["uptime"].dropna() * 100
    low = max(0.0, math.floor(min(float(values.min()), (target or 1) * 100) - 2))
    figure.update_layout(
        template=figure_template(theme), margin={"l": 10, "r": 10, "t": 10, "b": 30},
        yaxis={"ticksuffix": "%", "range": [low, 100.5],
               "title": {"text": " · ".join(p for p in (t("device.uptime", lang), axis_from(low, lang)) if p)}},
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
        seconds = seconds_in_state(record["state_since"], now)
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
            "last_seen": formatting.local_datetime(as_datetime(record["last_seen_at"]), tz, tz_label, lang),
            "notes": ", ".join(notes),
        })
    return rows


def _fact(label: str, value) -> html.Div:
    return html.Div([html.Dt(label, className="col-5"), html.Dd(value, className="col-7 mb-1")], className="row")


def detail_panel(detail: dict, segments: pd.DataFrame, now: datetime, *, lang: str, theme: str, tz: str,
                 tz_label: str) -> html.Div:
    """One device (``queries.devices.device_detail``): facts, badges, the state timeline over its
    window (``segments``: start, end, state) and its latest changes."""
    device = detail["device"]
    when = lambda moment: formatting.local_datetime(moment, tz, tz_label, lang)  # noqa: E731
    hourly = detail["hourly"]
    known = float(hourly["known_seconds"].sum()) if len(hourly) else 0.0
    uptime = float(hourly["up_seconds"].sum()) / known if known else None
    state, since = device["state"], device["state_since"]
    badges = [html.Span(dbc.Badge(t(f"device.state.{state}", lang), color=STATE_BADGES[state], className="me-2 fs-6"),
                        **{"data-device-state": state})]
    seconds = seconds_in_state(since, now)
    if seconds is not None:
        badges.append(html.Span(formatting.duration(seconds, lang), className="me-2"))
    notes = []
    if device["flapping"]:
        notes.append(dbc.Alert(t("device.detail.flapping", lang), color="warning", className="py-1 mb-2"))
    for window in detail["maintenance"].itertuples():
        notes.append(dbc.Alert(t("device.detail.maintenance", lang, start=when(window.starts_at), end=when(window.ends_at),
                                 reason=window.reason or "–"), color="info", className="py-1 mb-2"))
    changes = detail["changes"].tail(8).iloc[::-1]
    change_list = (html.Ul([html.Li(f"{when(c.at)}: {t(f'device.state.{c.from_state}', lang) if c.from_state else '–'}"
                                    f" → {t(f'device.state.{c.to_state}', lang)}") for c in changes.itertuples()],
                           className="small mb-0")
                   if len(changes) else html.P(t("device.detail.no_changes", lang), className="small"))
    return html.Div([
        html.H5(device["name"], className="mb-1", **{"data-device-id": str(device["id"])}),
        html.Div(badges, className="mb-2"),
        *notes,
        html.Dl([
            _fact(t("device.detail.id", lang), device["external_id"]),
            _fact(t("device.detail.kecamatan", lang), device["kecamatan"] or "–"),
            *([_fact(t("device.detail.site", lang), t(f"site.{device['site_type']}", lang))]
              if device["site_type"] else []),
            _fact(t("device.detail.state_since", lang), when(since)),
            _fact(t("device.detail.last_seen", lang), when(device["last_seen_at"])),
            _fact(t("device.detail.source", lang), f"{device['source']} ({device['check_method']})"),
            _fact(t("device.detail.uptime_7d", lang), formatting.percent(uptime, lang, digits=2)),
            _fact(t("device.detail.target", lang), formatting.percent(device["uptime_target"] / 100, lang)),
        ], className="small mb-2"),
        html.H6(t("device.detail.timeline", lang)),
        dcc.Graph(figure=state_timeline(segments, lang=lang, theme=theme, tz=tz), config=GRAPH_CONFIG,
                  className="timeline-graph"),
        html.H6(t("device.detail.changes", lang), className="mt-2"),
        change_list,
    ], className="device-detail-body")
