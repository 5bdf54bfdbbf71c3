"""The pieces every page is built of: a titled card and a chart without plotly's tool bar."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc

GRAPH_CONFIG = {"displaylogo": False, "displayModeBar": False}
# What a chart shows until its callback answers: nothing, on a transparent background with no
# axes (plotly's default empty figure is white with default axes, a flash on a dark wall).
PLACEHOLDER = {"data": [], "layout": {"paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
                                      "xaxis": {"visible": False}, "yaxis": {"visible": False},
                                      "margin": {"l": 0, "r": 0, "t": 0, "b": 0}}}


def card(title, body, class_name: str = "", body_id: str | None = None, **kwargs) -> dbc.Card:
    """A card with ``title`` in its header (text or components) and ``body`` below (a callback
    fills the body by ``body_id`` when given)."""
    body_props = {"id": body_id} if body_id else {}
    return dbc.Card([dbc.CardHeader(title), dbc.CardBody(body, **body_props)], className=class_name, **kwargs)


def graph(graph_id, class_name: str = "chart-graph", **kwargs) -> dcc.Graph:
    """An empty chart that a callback fills (``class_name`` sets its height: chart-graph, map-graph)."""
    kwargs.setdefault("figure", PLACEHOLDER)
    return dcc.Graph(id=graph_id, className=class_name, config=GRAPH_CONFIG, **kwargs)
