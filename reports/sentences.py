"""The briefing's words and tables: short generated sentences comparing a period with the
previous one ("Aduan naik 12% dibanding minggu lalu"), period labels, and the small tables
of the page and the PDF as rows of formatted text. Pure: numbers in, text out.

A change is given in percent of the previous value; when the previous value is zero the
sentence says so instead of dividing by it, and equal values are called unchanged.

Sentences judge as well as count: red flags, the share on time, uptime and KPIs off target are
called better (membaik), worse (memburuk) or steady (tetap) against the previous period, and
set against their target. Steady means a change under ``STEADY_POINTS`` for a share and under
``STEADY_SHARE`` of the previous value for a count; the sentence states the threshold.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from babel.dates import format_date

from components import formatting
from components.i18n import t
from data_sources.clock import as_datetime
from data_sources.rules import reporting
from data_sources.rules.flags import ON_TIME_TARGET

_LOCALES = {"id": "id_ID", "en": "en_GB"}
STEADY_POINTS = 0.01  # a share that moved less than 1 percentage point is steady
STEADY_SHARE = 0.05  # a count that moved less than 5 % of its previous value is steady


# --- labels -------------------------------------------------------------------------------------


def day_label(day: date, lang: str) -> str:
    """'17 Nov 2026'."""
    return format_date(day, "d MMM yyyy", locale=_LOCALES[lang])


def range_label(first: date, last: date, lang: str) -> str:
    """'17 Nov 2026 s.d. 23 Nov 2026', or one day."""
    if first == last:
        return day_label(first, lang)
    return t("briefing.range", lang, first=day_label(first, lang), last=day_label(last, lang))


def compare_label(period_key: str, lang: str) -> str:
    """What the previous period is called in a sentence: 'minggu lalu', '30 hari sebelumnya', 'periode sebelumnya'."""
    return t(f"briefing.compare.{period_key}", lang)


# --- sentences ----------------------------------------------------------------------------------


def change_text(current: float, previous: float, lang: str) -> str:
    """The size of a change in percent of ``previous`` (> 0): '12%', or 'kurang dari 1%'."""
    share = abs(current - previous) / previous
    if round(share * 100) == 0:
        return t("briefing.sentence.less_than_one", lang)
    return formatting.percent(share, lang, digits=0)


def count_sentence(subject: str, current: int, previous: int, compare: str, lang: str) -> str:
    """A count against the previous period; ``subject`` is 'complaints' or 'red' (red flags are
    also judged: fewer is better)."""
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    key = f"briefing.sentence.{subject}"
    if current == previous:
        return t(f"{key}.none" if current == 0 else f"{key}.same", lang, current=n(current), compare=compare)
    if previous == 0:
        return t(f"{key}.from_zero", lang, current=n(current), compare=compare)
    direction = "up" if current > previous else "down"
    judged = verdict_text(current, previous, higher_is_better=False, share=False, lang=lang) if subject == "red" else ""
    return t(f"{key}.{direction}", lang, change=change_text(current, previous, lang), compare=compare,
             current=n(current), previous=n(previous), verdict=judged)


def verdict(current: float | None, previous: float | None, *, higher_is_better: bool, share: bool) -> str | None:
    """'better', 'worse' or 'steady' against the previous period (None if either is unknown)."""
    if _missing(current) or _missing(previous):
        return None
    delta = current - previous
    if share:  # judged on the figures as printed (one decimal of a per cent), never against them
        steady = round(abs(delta) * 1000) < STEADY_POINTS * 1000
    else:  # as the sentence prints the change: a whole per cent of the previous value
        steady = delta == 0 or (previous and round(abs(delta) / previous * 100) < STEADY_SHARE * 100)
    if steady:
        return "steady"
    return "better" if (delta > 0) == higher_is_better else "worse"


def verdict_text(current, previous, *, higher_is_better: bool, share: bool, lang: str) -> str:
    """': membaik' / ': memburuk' / ': tetap (selisih di bawah 1 poin persen)', or '' when unknown."""
    found = verdict(current, previous, higher_is_better=higher_is_better, share=share)
    if found is None:
        return ""
    threshold = (t("briefing.verdict.points", lang, n=formatting.number(STEADY_POINTS * 100, lang)) if share
                 else formatting.percent(STEADY_SHARE, lang, digits=0))
    return t(f"briefing.verdict.{found}", lang, threshold=threshold)


def on_time_sentence(current: float | None, previous: float | None, compare: str, lang: str) -> str:
    if current is None:
        return t("briefing.sentence.on_time.none", lang)
    target = t("briefing.sentence.uptime.met" if current >= ON_TIME_TARGET else "briefing.sentence.uptime.below", lang,
               target=formatting.percent(ON_TIME_TARGET, lang, digits=0))
    return t("briefing.sentence.on_time", lang, share=formatting.percent(current, lang, floor=True), compare=compare,
             previous=formatting.percent(previous, lang, floor=True), target=target,
             verdict=verdict_text(current, previous, higher_is_better=True, share=True, lang=lang))


def red_now_sentences(red: dict, now, lang: str) -> list[str]:
    """The red flags open now, whenever received: the oldest ones by name and how late, and the
    agencies with the most (``queries.briefing.red_flags_now``)."""
    if not red["total"]:
        return [t("briefing.sentence.red_now.none", lang)]
    oldest = []
    for row in red["oldest"].itertuples():
        agency = row.agency_en if lang == "en" and isinstance(row.agency_en, str) else row.agency
        late = formatting.duration((now - as_datetime(row.response_due_at)).total_seconds(), lang)
        place = " · ".join(v for v in (row.kecamatan, agency) if isinstance(v, str))
        oldest.append(t("briefing.sentence.red_now.item", lang, category=getattr(row, f"name_{lang}"), place=place,
                        late=late))
    agencies = ", ".join(f"{r.name_en if lang == 'en' and isinstance(r.name_en, str) else r.name} "
                         f"({formatting.number(int(r.red), lang)})" for r in red["by_agency"].itertuples())
    return [t("briefing.sentence.red_now", lang, total=formatting.number(red["total"], lang), oldest="; ".join(oldest)),
            t("briefing.sentence.red_now.agencies", lang, agencies=agencies)]


def late_sentences(agencies: pd.DataFrame, compare: str, lang: str) -> list[str]:
    """The agency with the most late complaints, and the total when several have some.
    ``agencies``: columns name, late, late_previous."""
    late = agencies[agencies["late"] > 0].sort_values(["late", "name"], ascending=[False, True])
    if late.empty:
        return [t("briefing.sentence.late.none", lang)]
    top = late.iloc[0]
    out = [t("briefing.sentence.late", lang, agency=top["name"], n=formatting.number(int(top["late"]), lang),
             compare=compare, previous=formatting.number(int(top["late_previous"]), lang))]
    if len(late) > 1:
        out.append(t("briefing.sentence.late.total", lang, n=formatting.number(int(late["late"].sum()), lang),
                     agencies=formatting.number(len(late), lang)))
    return out


def complaint_sentences(figures: dict[str, dict], agencies: pd.DataFrame, compare: str, lang: str) -> list[str]:
    """Volume, red flags raised, share answered on time and the slowest agency.
    ``figures``: {"current": ..., "previous": ...} as from ``queries.briefing.complaint_comparison``."""
    current, previous = figures["current"], figures["previous"]
    return [
        count_sentence("complaints", current["received"], previous["received"], compare, lang),
        count_sentence("red", current["red_raised"], previous["red_raised"], compare, lang),
        on_time_sentence(current["share_on_time"], previous["share_on_time"], compare, lang),
        *late_sentences(agencies, compare, lang),
    ]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def uptime_emphasis(uptime: float | None, target: float | None) -> str | None:
    """The colour of an uptime figure: 'success' on target, 'danger' below, None when either is unknown."""
    if _missing(uptime) or _missing(target):
        return None
    return "success" if uptime >= target else "danger"


def uptime_sentence(kind: str, uptime: float | None, previous: float | None, target: float | None, compare: str,
                    lang: str) -> str:
    """'Uptime CCTV 97,8% (minggu lalu: 98,4%), di bawah target 98,0%.'"""
    label = t(f"briefing.kind.{kind}", lang)
    if _missing(uptime):
        return t("briefing.sentence.uptime.none", lang, kind=label)
    comparison = (t("briefing.sentence.uptime.no_previous", lang, compare=compare) if _missing(previous) else
                  t("briefing.sentence.uptime.previous", lang, compare=compare,
                    previous=formatting.percent(previous, lang)))
    values = dict(kind=label, uptime=formatting.percent(uptime, lang), comparison=comparison,
                  verdict=verdict_text(uptime, previous, higher_is_better=True, share=True, lang=lang))
    if _missing(target):
        return t("briefing.sentence.uptime.no_target", lang, **values)
    target_text = t("briefing.sentence.uptime.met" if uptime >= target else "briefing.sentence.uptime.below", lang,
                    target=formatting.percent(target, lang))
    return t("briefing.sentence.uptime", lang, target=target_text, **values)


def uptime_sentences(frame: pd.DataFrame, compare: str, lang: str) -> list[str]:
    """One sentence per device kind. ``frame``: columns kind, uptime, uptime_previous, target."""
    return [uptime_sentence(r.kind, r.uptime, r.uptime_previous, r.target, compare, lang) for r in frame.itertuples()]


def kpi_sentence(status: dict, lang: str) -> str:
    """How many KPIs are off target in the newest month (``queries.briefing.kpi_status``)."""
    if not status["total"]:
        return t("briefing.sentence.kpis.none", lang)
    month = formatting.month(status["month"], lang)
    total = formatting.number(status["total"], lang)
    if not status["off_target"]:
        return t("briefing.sentence.kpis.all_met", lang, total=total, month=month)
    off = formatting.number(status["off_target"], lang)
    if not status["previous_total"]:
        return t("briefing.sentence.kpis.no_previous", lang, off=off, total=total, month=month)
    return t("briefing.sentence.kpis", lang, off=off, total=total, month=month,
             previous=formatting.number(status["previous_off_target"], lang),
             verdict=verdict_text(status["off_target"], status["previous_off_target"], higher_is_better=False,
                                  share=False, lang=lang))


def late_sentence(late: pd.DataFrame, lang: str, listed: int = 6) -> str:
    """'3 laporan KPI terlambat: DLH (Sampah terangkut ke TPA, Okt 2026), DISKOMINFO (...; ...).'
    ``late``: ``queries.kpis.late_reports`` (late longest first), at most ``listed`` reports
    named, per agency in that order."""
    if late.empty:
        return t("briefing.sentence.kpis.none_late", lang)
    shown, by_agency = late.head(listed), {}
    for row in shown.itertuples():
        name = row.name_en if lang == "en" else row.name_id
        by_agency.setdefault(row.agency, []).append(f"{name}, {reporting.label(row.period_start, row.period, lang)}")
    items = ", ".join(f"{agency} ({'; '.join(reports)})" for agency, reports in by_agency.items())
    if len(late) > listed:
        items += " " + t("briefing.sentence.kpis.late_more", lang, count=formatting.number(len(late) - listed, lang))
    key = "briefing.sentence.kpis.late_one" if len(late) == 1 else "briefing.sentence.kpis.late"
    return t(key, lang, count=formatting.number(len(late), lang), items=items)


# --- tables (rows of formatted text, for the page and the PDF) ----------------------------------


def agency_table(frame: pd.DataFrame, lang: str, top: int = 12) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the agency comparison (``queries.briefing.AGENCY_COLUMNS``), first ``top`` rows."""
    n = lambda v: formatting.number(int(v), lang)  # noqa: E731
    header = [t(f"briefing.col.{c}", lang) for c in ("agency", "received", "received_previous", "late",
                                                       "late_previous", "on_time", "median")]
    rows = [[r.name, n(r.received), n(r.received_previous), n(r.late), n(r.late_previous),
             formatting.percent(None if _missing(r.share_on_time) else r.share_on_time, lang, floor=True),
             "–" if _missing(r.median_response_hours) else formatting.number(r.median_response_hours, lang, 1)]
            for r in frame.head(top).itertuples()]
    return header, rows


def uptime_table(frame: pd.DataFrame, lang: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of uptime per device kind (``queries.briefing.UPTIME_COLUMNS``)."""
    header = [t(f"briefing.col.{c}", lang) for c in ("kind", "devices", "uptime", "uptime_previous", "target")]
    p = lambda v: formatting.percent(None if _missing(v) else v, lang)  # noqa: E731
    rows = [[t(f"briefing.kind.{r.kind}", lang), formatting.number(r.devices, lang), p(r.uptime),
             p(r.uptime_previous), p(r.target)] for r in frame.itertuples()]
    return header, rows


def kpi_table(off: pd.DataFrame, agency_names: dict[str, str], lang: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the KPIs off target (``queries.kpis.LATEST_COLUMNS``)."""
    header = [t(f"briefing.col.{c}", lang) for c in ("kpi", "agency", "value", "target")]
    rows = []
    for r in off.to_dict("records"):
        unit = formatting.unit_of(r, lang)
        rows.append([r[f"name_{lang}"], agency_names.get(r["agency"], r["agency"] or "–"),
                     formatting.quantity(r["value"], unit, lang), formatting.quantity(r["target"], unit, lang)])
    return header, rows
