"""The detail of one KPI on /services (pure builders): its span of periods, the chart of its
values over that span with the target line and the amber band, its facts, and the corrections
its values had. Frames: ``queries.kpis.history`` (VALUE_COLUMNS) and ``revisions``
(REVISION_COLUMNS); the KPI is a row of ``queries.kpis.catalogue``."""
from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import html

from components import formatting
from components.i18n import t
from components.services import ICONS, Names, has_period, unit_of, value_text
from components.theme import figure_template
from data_sources.rules import reporting
from data_sources.rules.scoring import kpi_status

SPANS = (12, 24, 36)
COLOURS = {"met": "#2f9e44", "close": "#f59f00", "missed": "#e03131"}
SYMBOLS = {"met": "circle", "close": "diamond", "missed": "x"}


def span_periods(row, today: date, count: int) -> list[date]:
    """The ``count`` periods of the KPI ending at its last closed period on ``today`` (or at its
    newest value, if that is later), oldest first."""
    end = reporting.last_closed(today, row["period"])
    if has_period(row) and row["period_start"] > end:
        end = row["period_start"]
    return [reporting.shift(end, row["period"], -steps) for steps in range(count - 1, -1, -1)]


def span_title(periods: list[date], kind: str, lang: str) -> str:
    """'36 bulan terakhir (Nov 2023 – Okt 2026)': what the chart covers."""
    return t("services.detail.chart_title", lang, count=len(periods), periods=t(f"services.detail.periods.{kind}", lang),
             first=reporting.label(periods[0], kind, lang), last=reporting.label(periods[-1], kind, lang))


def detail_figure(values: pd.DataFrame, periods: list[date], row, *, lang: str, theme: str) -> go.Figure:
    """The KPI's value per period of ``periods`` (a gap where none was reported; the marker's
    colour and shape say its status), the target as a dashed line and the amber band between
    the target and the amber threshold. The title states the span."""
    kind, unit = row["period"], unit_of(row, lang)
    amber = None if pd.isna(row["amber"]) else float(row["amber"])
    by_period = dict(zip(values["period_start"], values["value"]))
    labels = [reporting.label(p, kind, lang) for p in periods]
    ys = [None if pd.isna(v) else float(v) for v in (by_period.get(p) for p in periods)]
    statuses = [kpi_status(v, row["target"], row["direction"], amber) for v in ys]
    shown = [s if s in COLOURS else "met" for s in statuses]
    backdrop = "rgba(18,25,34,0.8)" if theme == "dark" else "rgba(255,255,255,0.8)"
    every = -(-len(labels) // 12)  # at most 12 period labels on the axis
    figure = go.Figure(go.Scatter(
        x=labels, y=ys, mode="lines+markers", connectgaps=False, name=t("services.detail.value", lang),
        line={"color": "#4dabf7", "width": 2},
        marker={"size": 9, "color": [COLOURS[s] for s in shown], "symbol": [SYMBOLS[s] for s in shown],
                "line": {"width": 1, "color": "#ffffff"}},
        customdata=[f"{ICONS[s]} {t(f'services.status.{s}', lang)}" for s in statuses],
        hovertemplate="%{x}: %{y} " + ("%" if unit == "%" else unit) + "<br>%{customdata}<extra></extra>"))
    if amber is not None:
        figure.add_hrect(y0=min(amber, row["target"]), y1=max(amber, row["target"]), fillcolor=COLOURS["close"],
                         opacity=0.16, line_width=0, layer="below",
                         annotation_text=t("services.detail.amber", lang, value=value_text(amber, unit, lang)),
                         annotation_position="bottom left", annotation_font_size=11, annotation_bgcolor=backdrop)
    figure.add_hline(y=row["target"], line_dash="dash", line_color=COLOURS["met"], line_width=2,
                     annotation_text=t("services.detail.target", lang, value=value_text(row["target"], unit, lang)),
                     annotation_position="top right", annotation_font_size=11, annotation_bgcolor=backdrop)
    figure.update_layout(
        template=figure_template(theme), title={"text": span_title(periods, kind, lang), "x": 0, "xanchor": "left",
                                                "font": {"size": 14}},
        margin={"l": 10, "r": 10, "t": 40, "b": 30}, showlegend=False, separators=",." if lang == "id" else ".,",
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": labels, "range": [-0.5, len(labels) - 0.5],
               "tickmode": "array", "tickvals": labels[::-1][::every][::-1]},
        yaxis={"title": {"text": unit}},
        uirevision=row["code"])
    if all(v is None for v in ys):
        figure.add_annotation(text=t("services.detail.empty", lang), x=0.5, y=0.5, xref="paper", yref="paper",
                              showarrow=False)
    return figure


def reported_note(values: pd.DataFrame, periods: list[date], lang: str) -> str:
    """'11 dari 12 periode dilaporkan'."""
    count = sum(1 for p in values["period_start"] if periods[0] <= p <= periods[-1])
    return t("services.detail.reported", lang, count=count, total=len(periods))


def facts(row, names: Names, dimension_name: str) -> str:
    """'Dinas Lingkungan Hidup · Lingkungan · Sampah · tahap keluaran'."""
    return t("services.detail.facts", names.lang, agency=names.agencies.get(row["agency"], row["agency"] or "–"),
             dimension=dimension_name, sub_dimension=names.sub_dimensions.get(row["sub_dimension"], row["sub_dimension"]),
             stage=t(f"services.stage.{row['stage']}", names.lang) if row["stage"] else "–")


def revision_table(frame: pd.DataFrame, row, names: Names) -> dbc.Table | html.P:
    """The values corrections replaced: period, old value, who reported it, when, when replaced."""
    lang = names.lang
    if frame.empty:
        return html.P(t("services.revisions.none", lang), className="text-muted small mb-0", id="services-revisions")
    when = lambda moment: formatting.local_datetime(moment, names.tz, names.tz_label, lang)  # noqa: E731
    header = [t(f"services.revisions.{c}", lang) for c in ("period", "old_value", "reported_by", "reported_at",
                                                           "replaced_at")]
    body = [html.Tr([html.Td(reporting.label(r.period_start, row["period"], lang)),
                     html.Td(value_text(r.value, unit_of(row, lang), lang), className="text-end"),
                     html.Td(r.reported_by or "–"), html.Td(when(r.reported_at)), html.Td(when(r.replaced_at))],
                    **{"data-revision": r.period_start.isoformat()})
            for r in frame.itertuples()]
    return dbc.Table([html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(body)], size="sm", responsive=True,
                     className="table-compact mb-0", id="services-revisions")
