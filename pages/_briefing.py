"""What /briefing and its exports show for one period and language: the query layer's
figures turned into sentences, tables and charts. The page's callbacks and the export routes
(``api.briefing``) both call these, so a PDF or PNG shows exactly what the page shows.

Each section raises the query layer's ``SQLAlchemyError`` when its data cannot be read; the
caller shows a message in that section's place and keeps the others.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Mapping

import plotly.graph_objects as go

from components import briefing as words
from components import briefing_charts as charts
from components.i18n import t
from data_sources.queries import briefing as queries
from data_sources.queries.briefing_period import BriefingPeriod, parse_period
from pages import _shared as ctx


def period(params: Mapping) -> BriefingPeriod:
    """The period a URL query asks for (never failing: problems are listed in the result)."""
    return parse_period(params, ctx.now_bucket(), ctx.current_profile().timezone)


def compare(p: BriefingPeriod, lang: str) -> str:
    return words.compare_label(p.key, lang)


def ranges(p: BriefingPeriod, lang: str) -> tuple[str, str]:
    """(this period, the previous period) as date ranges."""
    return (words.range_label(p.first_day, p.last_day, lang),
            words.range_label(p.previous_first_day, p.previous_last_day, lang))


def complaints_section(p: BriefingPeriod, lang: str) -> dict:
    """figures (current/previous), agencies (frame), sentences, table (header, rows)."""
    code = ctx.current_profile().code
    now = ctx.now_bucket()
    figures = queries.complaint_comparison(code, p, now)
    agencies = queries.agency_comparison(code, p, now)
    return {"figures": figures, "agencies": agencies,
            "sentences": words.complaint_sentences(figures, agencies, compare(p, lang), lang),
            "table": words.agency_table(agencies, lang)}


def devices_section(p: BriefingPeriod, lang: str) -> dict:
    """frame (uptime per kind), sentences, table."""
    frame = queries.uptime_comparison(ctx.current_profile().code, p)
    return {"frame": frame, "sentences": words.uptime_sentences(frame, compare(p, lang), lang),
            "table": words.uptime_table(frame, lang)}


def kpis_section(lang: str) -> dict:
    """status (``queries.briefing.kpi_status``), sentences, table of the KPIs off target."""
    profile = ctx.current_profile()
    status = queries.kpi_status(profile.code)
    return {"status": status, "sentences": [words.kpi_sentence(status, lang)],
            "table": words.kpi_table(status["off"], {a.code: a.name for a in profile.agencies}, lang)}


def chart_title(name: str, lang: str) -> str:
    return t(f"briefing.chart.{name}", lang)


def chart(name: str, p: BriefingPeriod, lang: str, theme: str) -> go.Figure:
    """One of ``charts.CHARTS`` for the period, built from its query, with the language's number separators."""
    figure = _chart(name, p, lang, theme)
    figure.update_layout(separators=charts.separators(lang))
    return figure


def _chart(name: str, p: BriefingPeriod, lang: str, theme: str) -> go.Figure:
    current, previous = ranges(p, lang)
    names = dict(current_name=t("briefing.chart.current", lang, range=current),
                 previous_name=t("briefing.chart.previous", lang, range=previous), theme=theme,
                 empty_text=t("briefing.chart.empty", lang))
    code = ctx.current_profile().code
    if name == "complaints":
        frame = queries.received_per_day(code, p, ctx.current_profile().timezone)
        days = [p.first_day + timedelta(days=i) for i in range(p.days)]
        return charts.complaints_per_day(frame, p.first_day, p.days, p.previous_first_day,
                                         day_labels=[words.day_label(d, lang) for d in days],
                                         value_label=t("briefing.chart.count", lang),
                                         x_title=t("briefing.chart.day", lang), **names)
    if name == "late":
        return charts.late_by_agency(queries.agency_comparison(code, p, ctx.now_bucket()),
                                     value_label=t("briefing.chart.late_count", lang), **names)
    if name == "uptime":
        return charts.uptime_by_kind(queries.uptime_comparison(code, p),
                                     kind_labels={k: t(f"briefing.kind.{k}", lang) for k in queries.KINDS},
                                     target_name=t("briefing.chart.target", lang),
                                     value_label=t("briefing.col.uptime", lang), **names)
    raise KeyError(name)


def export_chart(name: str, p: BriefingPeriod, lang: str) -> go.Figure:
    """The chart for a static image: light, titled, at its export size."""
    width, height = charts.EXPORT_SIZE[name]
    return charts.for_export(chart(name, p, lang, "light"), chart_title(name, lang), width, height)
