"""The evaluation's numbers in words, for the page, the presentation and the deck PDF:
values with their units, changes labelled in percentage points or in the unit (never a bare
"%"), scores, statuses, counts and the sentence that tells how a dimension moved since 2017.
Pure: numbers in, text in the reader's language out."""
from __future__ import annotations

import math

from babel.numbers import format_decimal

from components import formatting
from components.i18n import t
from data_sources.rules import scoring
from data_sources.rules.scorecard import Segment

_LOCALES = {"id": "id_ID", "en": "en_GB"}
MINUS = "\u2212"
STATUS_ICONS = {"met": "\u2713", "close": "\u2248", "missed": "\u2717", "no_data": "\u2013"}  # ✓ ≈ ✗ –
MANY_SEGMENTS = 4  # more runs than this and the sentence names only the years it fell


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _digits(value: float) -> int:
    """Decimals shown at most: none from 1,000 on, else two (trailing zeros dropped: 80,5; 3,99)."""
    return 0 if abs(value) >= 1000 else 2


def _number(value: float, lang: str, digits: int, trim: bool = True) -> str:
    decimals = "#" * digits if trim else "0" * digits
    pattern = "#,##0" + ("." + decimals if digits else "")
    return format_decimal(value, format=pattern, locale=_LOCALES[lang])


unit = formatting.unit_of  # an indicator's unit in the reader's language


def value_label(value, unit_text: str, lang: str) -> str:
    """'80,5%', '298 layanan', '1.903.543 orang'; '–' without a value."""
    if _missing(value):
        return "\u2013"
    text = _number(value, lang, _digits(value))
    return f"{text}%" if unit_text == "%" else f"{text} {unit_text}"


def change_label(change, change_in: str | None, unit_text: str, lang: str) -> str:
    """A change from the year before with what it is measured in: '+6,0 poin persen' / '+6.0 pp'
    for a figure in per cent, '+0,3 indeks' / '+12 layanan' otherwise; '–' without one."""
    if _missing(change):
        return "\u2013"
    label = t("evaluation.pp", lang) if change_in == "pp" else unit_text
    digits = 1 if change_in == "pp" else _digits(change)
    text = _number(abs(change), lang, digits, trim=change_in != "pp")  # pp always with one decimal
    sign = "" if round(change, digits) == 0 else ("+" if change > 0 else MINUS)
    return f"{sign}{text} {label}"


def score_label(score: float, lang: str) -> str:
    """A score as a whole per cent, rounded down below 100 (99,6 % never reads 100 %)."""
    shown = scoring.shown_percent(score)
    return "\u2013" if shown is None else f"{shown}%"


def achievement_label(achievement: float, lang: str) -> str:
    """An indicator's achievement (not capped) as a whole per cent; '–' without one."""
    if _missing(achievement):
        return "\u2013"
    if math.isinf(achievement):
        return "\u2265 100%"
    return f"{_number(math.floor(achievement * 100), lang, 0)}%"


def score_change_label(change: float, lang: str) -> str:
    """A score's change from the year before, in percentage points."""
    return change_label(None if _missing(change) else change * 100, "pp", "%", lang)


def status_word(status: str, lang: str) -> str:
    return t(f"evaluation.status.{status}", lang)


def status_text(status: str, lang: str) -> str:
    """The status with its sign, for places without colour: '✓ Tercapai'."""
    return f"{STATUS_ICONS[status]} {status_word(status, lang)}"


def counts_label(row, lang: str) -> str:
    """'7 tercapai · 2 hampir · 0 belum' (and '· 1 tanpa data' when there is one)."""
    parts = [t(f"evaluation.count.{status}", lang, n=int(row[status])) for status in ("met", "close", "missed")]
    if int(row["no_data"]):
        parts.append(t("evaluation.count.no_data", lang, n=int(row["no_data"])))
    return " \u00b7 ".join(parts)


def trend_sentence(name: str, segments: list[Segment], first_year: int | None, lang: str) -> str:
    """How a dimension moved since its first year, e.g. 'Ekonomi naik pada 2018 dan 2019, turun
    pada 2020, pulih sebagian pada 2021 dan naik setiap tahun sejak 2022.' ``name`` is the
    dimension's short name, ``segments`` from ``rules.scorecard.trend``."""
    if first_year is None:
        return t("evaluation.trend.none", lang, dimension=name)
    if not segments:
        return t("evaluation.trend.only", lang, dimension=name, year=first_year)
    if len(segments) > MANY_SEGMENTS:
        down = [str(y) for s in segments if s.direction == "down" for y in s.years]
        return t("evaluation.trend.many", lang, dimension=name, years=formatting.listing(down, lang), first=first_year + 1)
    clauses = []
    for index, segment in enumerate(segments):
        years = [str(y) for y in segment.years]
        if segment.direction == "up" and index == len(segments) - 1 and len(years) > 1:
            clauses.append(t("evaluation.trend.up_since", lang, year=years[0]))
        else:
            clauses.append(t(f"evaluation.trend.{segment.direction}", lang, years=formatting.listing(years, lang)))
    return f"{name} {formatting.listing(clauses, lang)}."
