"""The cover summary of the briefing's PDF: the three points that matter most, from the
sections' own figures (``reports.briefing``). Pure: section dicts in, ``pdf.Point`` out.

How they are chosen: not by ranking whatever moved most, but as three fixed questions, so a
mayor who reads the briefing every week finds the same three things in the same place:

1. What needs action now: the red flags open now (complaints past their response deadline
   without an answer, whenever received), the agency holding most of them, and the agency
   with most late complaints of the period (the "worst agency" of the agency table).
2. Does the city keep its promise to citizens: the share of complaints answered on time
   against its 90 % target, better / worse / steady against the previous period (judged as
   ``reports.sentences.verdict`` judges the section's sentence).
3. Are the infrastructure and the services on target: the device kind furthest below its
   uptime target (or nearest to it when all meet theirs), better / worse / steady, and how
   many service KPIs are off target.

The number of complaints is left to the body: more complaints is not in itself better or
worse. When a section's data could not be read its point is left out and the complaint volume
(``reports.sentences.count_sentence``) takes the free place, so the cover never shows a gap.
"""
from __future__ import annotations

import pandas as pd

from components import formatting
from components.i18n import t
from data_sources.rules.flags import ON_TIME_TARGET
from reports import sentences as words
from reports.pdf import Point

ORDER = ("red", "on_time", "infrastructure", "volume")


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _moved(current, previous, compare: str, lang: str, shown: str) -> str:
    """'Memburuk dibanding minggu lalu (98,9%).', or '' when either figure is unknown."""
    found = words.verdict(current, previous, higher_is_better=True, share=True)
    if found is None:
        return ""
    return _first_upper(t("briefing.cover.moved", lang, verdict=t(f"briefing.cover.verdict.{found}", lang),
                          compare=compare, previous=shown))


def _name(row, lang: str) -> str:
    english = getattr(row, "name_en", None)
    return english if lang == "en" and isinstance(english, str) else row.name


def red_point(complaints: dict, compare: str, lang: str) -> Point:
    """Open red flags now, the agency with most, and the agency with most late complaints."""
    n = lambda v: formatting.number(int(v), lang)  # noqa: E731
    red = complaints["red_now"]
    total = int(red["total"])
    detail = []
    if total:
        top = next(red["by_agency"].itertuples(), None)
        if top is not None:
            detail.append(t("briefing.cover.red.most", lang, agency=_name(top, lang), n=n(top.red)))
    late = complaints["agencies"]
    late = late[late["late"] > 0].sort_values(["late", "name"], ascending=[False, True])
    if late.empty:
        detail.append(t("briefing.cover.late.none", lang))
    else:
        worst = late.iloc[0]
        detail.append(t("briefing.cover.late", lang, agency=worst["name"], n=n(worst["late"]), compare=compare,
                        previous=n(worst["late_previous"])))
    headline = (t("briefing.cover.red.none", lang) if not total else t("briefing.cover.red.one", lang) if total == 1
                else t("briefing.cover.red", lang, total=n(total)))
    status = "action" if total else "clear"
    return Point("danger" if total else "success", t(f"briefing.cover.status.{status}", lang), headline, " ".join(detail))


def on_time_point(complaints: dict, compare: str, lang: str) -> Point:
    """The share answered on time against its target, and how it moved."""
    current, previous = (complaints["figures"][k]["share_on_time"] for k in ("current", "previous"))
    if current is None or pd.isna(current):
        return Point("neutral", t("briefing.cover.status.unknown", lang), t("briefing.sentence.on_time.none", lang), "")
    share = lambda v: formatting.percent(None if v is None or pd.isna(v) else v, lang, floor=True)  # noqa: E731
    met = current >= ON_TIME_TARGET
    found = words.verdict(current, previous, higher_is_better=True, share=True)
    tone = "success" if met else "warning" if found == "better" else "danger"
    target = formatting.percent(ON_TIME_TARGET, lang, digits=0)
    return Point(tone, t(f"briefing.cover.status.{'met' if met else 'below'}", lang),
                 t("briefing.cover.on_time", lang, share=share(current), target=target),
                 _moved(current, previous, compare, lang, share(previous)))


def _worst_kind(frame: pd.DataFrame):
    known = frame.dropna(subset=["uptime"])
    if known.empty:
        return None
    margin = known["uptime"] - known["target"].fillna(0)
    return known.loc[margin.idxmin()]


def _kpi_text(status: dict, lang: str, headline: bool = False) -> str:
    if not status or not status["total"]:
        return ""
    values = dict(off=formatting.number(status["off_target"], lang), total=formatting.number(status["total"], lang),
                  month=formatting.month(status["month"], lang))
    if not status["off_target"]:
        return t("briefing.cover.kpis.all_met", lang, **values)
    return t("briefing.cover.kpis.headline" if headline else "briefing.cover.kpis", lang, **values)


def infrastructure_point(devices: dict | None, kpis: dict | None, compare: str, lang: str) -> Point | None:
    """The device kind furthest below its uptime target, and the KPIs off target."""
    status = kpis["status"] if kpis else None
    worst = _worst_kind(devices["frame"]) if devices else None
    kpis_off = bool(status and status["off_target"])
    if worst is None:
        if not status or not status["total"]:
            return None
        return Point("warning" if kpis_off else "success", t(f"briefing.cover.status.{'below' if kpis_off else 'met'}",
                                                                lang),
                     _kpi_text(status, lang, headline=True).rstrip("."), "")
    percent = lambda v: formatting.percent(None if v is None or pd.isna(v) else float(v), lang)  # noqa: E731
    below = not pd.isna(worst["target"]) and worst["uptime"] < worst["target"]
    tone = "danger" if below else "warning" if kpis_off else "success"
    detail = " ".join(part for part in (_moved(worst["uptime"], worst["uptime_previous"], compare, lang,
                                               percent(worst["uptime_previous"])), _kpi_text(status, lang)) if part)
    headline = t("briefing.cover.uptime", lang, kind=t(f"briefing.kind.{worst['kind']}", lang),
                 uptime=percent(worst["uptime"]), target=percent(worst["target"]))
    return Point(tone, t(f"briefing.cover.status.{'below' if below or kpis_off else 'met'}", lang),
                 _first_upper(headline), detail)


def volume_point(complaints: dict, compare: str, lang: str) -> Point:
    figures = complaints["figures"]
    sentence = words.count_sentence("complaints", figures["current"]["received"], figures["previous"]["received"],
                                    compare, lang)
    return Point("neutral", t("briefing.cover.status.info", lang), sentence.rstrip("."), "")


def points(parts: dict[str, dict | None], compare: str, lang: str, count: int = 3) -> list[Point]:
    """The cover's points from the sections (``parts``: complaints, devices, kpis; None where the
    data could not be read), in ``ORDER``, the first ``count`` that can be said."""
    complaints, devices, kpis = parts.get("complaints"), parts.get("devices"), parts.get("kpis")
    found = {
        "red": red_point(complaints, compare, lang) if complaints else None,
        "on_time": on_time_point(complaints, compare, lang) if complaints else None,
        "infrastructure": infrastructure_point(devices, kpis, compare, lang),
        "volume": volume_point(complaints, compare, lang) if complaints else None,
    }
    return [found[name] for name in ORDER if found[name] is not None][:count]
