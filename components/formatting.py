"""Indonesian number and date formatting (1.234,5; 23 Nov 2026 14.05 WIB), English second."""
from __future__ import annotations

import math
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_decimal, format_percent

from components.i18n import t

_LOCALES = {"id": "id_ID", "en": "en_GB"}


def number(value: float | int | None, lang: str = "id", digits: int = 0) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_LOCALES[lang])


def percent(share: float | None, lang: str = "id", digits: int = 1, floor: bool = False) -> str:
    """``share`` is a fraction: 0.975 -> '97,5%'. ``floor``: rounded down below 100 %, so a share
    short of all (1 late in 3,000) never reads '100,0%'."""
    if share is None:
        return "–"
    if floor and share < 1:
        scale = 10 ** (digits + 2)
        share = math.floor(share * scale) / scale
    return format_percent(share, format="#,##0" + ("." + "0" * digits if digits else "") + "%", locale=_LOCALES[lang])


def unit_of(row, lang: str = "id") -> str:
    """A KPI's or an indicator's unit in ``lang``; ``row`` (a dict or a Series) has ``unit`` and
    may have ``unit_en``, which English falls back from."""
    unit, english = row.get("unit"), row.get("unit_en")
    unit = unit if isinstance(unit, str) else ""
    return (english if isinstance(english, str) and english else unit) if lang == "en" else unit


def quantity(value: float | None, unit: str, lang: str = "id", digits: int = 1) -> str:
    """A value with its unit, one style everywhere: '88,4%' (no space before %), '33,1 menit'.
    '–' without a value (None or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = number(value, lang, digits)
    return f"{text}%" if unit == "%" else f"{text} {unit}".rstrip()


def local_datetime(moment: datetime | None, tz: str, label: str, lang: str = "id") -> str:
    """'23 Nov 2026 14.05 WIB' in the city's time zone."""
    if moment is None:
        return "–"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    pattern = "d MMM yyyy HH.mm" if lang == "id" else "d MMM yyyy HH:mm"
    return f"{format_datetime(moment, pattern, tzinfo=ZoneInfo(tz), locale=_LOCALES[lang])} {label}"


def age(moment: datetime | None, now: datetime, lang: str = "id") -> str:
    """How long ago, in words: 'baru saja', '2 menit lalu', '3 jam lalu'."""
    if moment is None:
        return t("sources.never", lang)
    seconds = max(0.0, (now - moment).total_seconds())
    if seconds < 60:
        return t("age.seconds", lang)
    if seconds < 3600:
        return t("age.minutes", lang, n=int(seconds // 60))
    if seconds < 86400 * 2:
        return t("age.hours", lang, n=int(seconds // 3600))
    return t("age.days", lang, n=int(seconds // 86400))


def duration(seconds: float, lang: str = "id") -> str:
    """A compact duration: '12 mnt', '3 jam 12 mnt', '2 hari 5 jam'; English '12 min', '3 h 12 min', '2 d 5 h'
    (no letter that means one unit in one language and another in the other: 'h' is a day in
    Indonesian and an hour in English)."""
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    d, h, m = (t(f"unit.{u}", lang) for u in ("day", "hour", "minute"))
    if days:
        return f"{days} {d} {hours} {h}" if hours else f"{days} {d}"
    if hours:
        return f"{hours} {h} {minutes} {m}" if minutes else f"{hours} {h}"
    return f"{minutes} {m}"


def day(moment, lang: str = "id", with_year: bool = False) -> str:
    """A day on a chart's axis: '26 Nov' ('26 Nov 2026' ``with_year``), month names in ``lang``."""
    from babel.dates import format_date

    return format_date(moment, "d MMM yyyy" if with_year else "d MMM", locale=_LOCALES[lang])


def month(moment, lang: str = "id") -> str:
    """'Oktober 2026' / 'October 2026' for a date or datetime."""
    from babel.dates import format_date

    if moment is None:
        return "–"
    return format_date(moment, "LLLL yyyy", locale=_LOCALES[lang])


def listing(items: list[str], lang: str = "id") -> str:
    """'2019, 2020 dan 2021' / '2019, 2020 and 2021'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('text.and', lang)} {items[-1]}"

