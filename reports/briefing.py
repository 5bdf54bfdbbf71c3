"""What /briefing and its exports show for one period and language: the query layer's
figures turned into sentences, tables and charts. The page's callbacks and the export routes
(``api.briefing``) both call these with a ``Scope``, so a PDF or PNG shows exactly what the
page shows.

Each section raises the query layer's ``SQLAlchemyError`` when its data cannot be read; the
caller shows a message in that section's place and keeps the others.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

import plotly.graph_objects as go

from cities import CityProfile
from components.i18n import localised, t
from components import alerts as alert_texts
from data_sources.queries import alerts as alert_queries
from data_sources.queries import briefing as queries
from data_sources.queries import kpis
from data_sources.rules.periods import Period, local_today, parse_period
from reports import charts
from reports import sentences as words

PERIODS = ("7d", "30d", "custom")
MAX_DAYS = 366


def parse(params: Mapping, now: datetime, tz: str) -> Period:
    """The briefing's period from URL parameters (``period``, ``from``/``to`` or ``start``/``end``),
    cut at ``now``; never failing: problems are listed in the result."""
    return parse_period(params, now, tz, keys=PERIODS, max_days=MAX_DAYS).cut_at(now)


@dataclass(frozen=True)
class Scope:
    """Who the briefing is for: the city, the period, the language, and ``now`` (rounded, the
    queries' cache key)."""

    profile: CityProfile
    period: Period
    lang: str
    now: datetime

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.profile.devices)


def compare(p: Period, lang: str) -> str:
    return words.compare_label(p.key, lang)


def ranges(p: Period, lang: str) -> tuple[str, str]:
    """(this period, the previous period) as date ranges."""
    previous = p.previous()
    return (words.range_label(p.first_day, p.last_day, lang),
            words.range_label(previous.first_day, previous.last_day, lang))


def complaints_section(scope: Scope) -> dict:
    """figures (current/previous), agencies (frame), sentences, table (header, rows)."""
    p, lang, code = scope.period, scope.lang, scope.profile.code
    figures = queries.complaint_comparison(code, p, scope.now)
    agencies = localised(queries.agency_comparison(code, p, scope.now), lang, "name")
    red_now = queries.red_flags_now(code, scope.now)
    bursts = alert_queries.alerts(code, p.start, p.end)
    tz, tz_label = scope.profile.timezone, scope.profile.timezone_label
    return {"figures": figures, "agencies": agencies, "red_now": red_now, "alerts": bursts,
            "sentences": [*words.complaint_sentences(figures, agencies, compare(p, lang), lang),
                          *words.red_now_sentences(red_now, scope.now, lang),
                          alert_texts.briefing_sentence(bursts, lang, tz, tz_label)],
            "table": words.agency_table(agencies, lang)}


def devices_section(scope: Scope) -> dict:
    """frame (uptime per kind), sentences, table."""
    frame = queries.uptime_comparison(scope.profile.code, scope.period, scope.kinds)
    return {"frame": frame, "sentences": words.uptime_sentences(frame, compare(scope.period, scope.lang), scope.lang),
            "table": words.uptime_table(frame, scope.lang)}


def kpis_section(scope: Scope) -> dict:
    """status (``queries.kpis.status``), late (``queries.kpis.late_reports`` today: ``scope.now``),
    sentences, table of the KPIs off target."""
    status = kpis.status(scope.profile.code)
    late = kpis.late_reports(scope.profile.code, local_today(scope.now, scope.profile.timezone))
    return {"status": status, "late": late,
            "sentences": [words.kpi_sentence(status, scope.lang), words.late_sentence(late, scope.lang)],
            "table": words.kpi_table(status["off"], {a.code: a.name_en if scope.lang == "en" else a.name
                                                     for a in scope.profile.agencies}, scope.lang)}


def chart_title(name: str, lang: str) -> str:
    return t(f"briefing.chart.{name}", lang)


def chart(name: str, scope: Scope, theme: str) -> go.Figure:
    """One of ``charts.CHARTS`` for the period, built from its query, with the language's number separators."""
    figure = _chart(name, scope, theme)
    figure.update_layout(separators=charts.separators(scope.lang))
    return figure


def _chart(name: str, scope: Scope, theme: str) -> go.Figure:
    p, lang, code = scope.period, scope.lang, scope.profile.code
    current, previous = ranges(p, lang)
    names = dict(current_name=t("briefing.chart.current", lang, range=current),
                 previous_name=t("briefing.chart.previous", lang, range=previous), theme=theme,
                 empty_text=t("briefing.chart.empty", lang))
    if name == "complaints":
        frame = queries.received_per_day(code, p, scope.profile.timezone)
        return charts.complaints_per_day(frame, p.first_day, p.days, p.previous().first_day,
                                         day_labels=[words.day_label(d, lang) for d in p.dates()],
                                         value_label=t("briefing.chart.count", lang),
                                         x_title=t("briefing.chart.day", lang), **names)
    if name == "late":
        return charts.late_by_agency(localised(queries.agency_comparison(code, p, scope.now), lang, "name"),
                                     value_label=t("briefing.chart.late_count", lang), lang=lang, **names)
    if name == "uptime":
        return charts.uptime_by_kind(queries.uptime_comparison(code, p, scope.kinds),
                                     kind_labels={k: t(f"briefing.kind.{k}", lang) for k in scope.kinds},
                                     target_name=t("briefing.chart.target", lang),
                                     value_label=t("briefing.col.uptime", lang), lang=lang, **names)
    raise KeyError(name)


def export_chart(name: str, scope: Scope) -> go.Figure:
    """The chart for a static image: light, titled, at its export size."""
    width, height = charts.EXPORT_SIZE[name]
    return charts.for_export(chart(name, scope, "light"), chart_title(name, scope.lang), width, height)
