"""Turning a spreadsheet cell into the value a record field takes: numbers with a decimal comma
or point, local times (``21/11/2026 07.45`` in the city's time zone) into ISO 8601 with an
offset, days, yes/no words in Indonesian and English. Each converter raises ``ValueError``
with what is wrong (the caller names the row, the column and the value); the guessers look at a
column's values and say which date format and which decimal mark the file uses."""
from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

# Local date-time formats seen in exports of Indonesian city systems, most specific first;
# day-first before month-first, so 03/04/2026 is 3 April.
DATE_FORMATS = (
    "%d/%m/%Y %H.%M.%S", "%d/%m/%Y %H.%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
    "%d-%m-%Y %H.%M.%S", "%d-%m-%Y %H.%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M",
    "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%m/%d/%Y",
)
DECIMALS = (",", ".")
_GROUPED = {",": re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$"), ".": re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")}
_PLAIN = {",": re.compile(r"^[+-]?(\d+(,\d*)?|,\d+)$"), ".": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")}
_TRUE = {"1", "true", "yes", "y", "ya", "aktif", "benar", "on", "iya"}
_FALSE = {"0", "false", "no", "n", "tidak", "t", "nonaktif", "non aktif", "tidak aktif", "salah", "off"}


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    """A cell as text: a whole number from Excel without ``.0``, a time from Excel in ISO form."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value).strip()


def number(value, decimal: str = ".", *, whole: bool = False) -> float | int:
    """A number from a cell; text is read with ``decimal`` as the decimal mark and the other mark
    as a thousands separator only in groups of three (``1.234,5`` with a decimal comma)."""
    if isinstance(value, bool) or isinstance(value, (datetime, date, time)):
        raise ValueError("is not a number")
    if isinstance(value, (int, float)):
        result = value
    else:
        word = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if _GROUPED[decimal].match(word):
            word = word.replace("." if decimal == "," else ",", "")
        elif not _PLAIN[decimal].match(word):
            other = "," if decimal == "." else "."
            hint = f" with a decimal {'comma' if decimal == ',' else 'point'}"
            if _PLAIN[other].match(word):
                hint += f" (it has a decimal {'comma' if other == ',' else 'point'}: set \"decimal\": \"{other}\")"
            raise ValueError(f"is not a number{hint}")
        result = float(word.replace(",", "."))
    if whole:
        if float(result) != int(result):
            raise ValueError("is not a whole number")
        return int(result)
    return float(result)


def _localise(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def _iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace(" Z", "Z"))
    except ValueError:
        return None


def moment(value, date_format: str | None, tz: str) -> str:
    """An aware date and time as ISO 8601 with its offset; a time without an offset in the file
    is local time of ``tz``. Text is read with ``date_format`` (strftime codes), else as ISO 8601."""
    zone = ZoneInfo(tz)
    if isinstance(value, datetime):
        return _localise(value, zone).isoformat()
    if isinstance(value, date):
        return datetime.combine(value, time(), zone).isoformat()
    if not isinstance(value, str):
        raise ValueError("is not a date and time" + (f" in the format {date_format}" if date_format else ""))
    word = value.strip()
    parsed = None
    if date_format:
        try:
            parsed = datetime.strptime(word, date_format)
        except ValueError:
            parsed = None
    parsed = parsed or _iso(word)
    if parsed is None:
        expected = f"in the format {date_format}" if date_format else "in ISO 8601 (set \"date_format\", e.g. %d/%m/%Y %H.%M)"
        raise ValueError(f"is not a date and time {expected}")
    return _localise(parsed, zone).isoformat()


def day(value, date_format: str | None) -> str:
    """A day (or a month, ``2026-11``) as ISO text; text is read as ISO, then with ``date_format``
    or its date part (``%d/%m/%Y`` of ``%d/%m/%Y %H.%M``)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    word = text(value)
    if re.match(r"^\d{4}-\d{2}(-\d{2})?$", word):
        return word
    for fmt in filter(None, (date_format, (date_format or "").split(" ")[0])):
        try:
            return datetime.strptime(word, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError("is not a day" + (f" in the format {date_format}" if date_format else " (YYYY-MM-DD)"))


def boolean(value) -> bool:
    word = text(value).lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError("is not yes or no (ya/tidak, aktif/nonaktif, 1/0, true/false)")


def _reads(word: str, fmt: str) -> bool:
    try:
        datetime.strptime(word, fmt)
    except ValueError:
        return False
    return True


def guess_date_format(samples: list) -> str | None:
    """The format of ``DATE_FORMATS`` that reads the most text samples that are not ISO 8601
    already (at least half of them; the first such format on a tie); None if they all are ISO
    or no format reads half of them."""
    words = [s.strip() for s in samples if isinstance(s, str) and s.strip() and _iso(s.strip()) is None]
    best, best_count = None, 0
    for fmt in DATE_FORMATS:
        count = sum(1 for word in words if _reads(word, fmt))
        if count > best_count:
            best, best_count = fmt, count
    return best if words and best_count * 2 >= len(words) else None


def guess_decimal(samples: list, separator: str | None = None) -> str:
    """``,`` when numbers in text use a decimal comma (or, undecided, when the file is
    semicolon-separated, as where the comma is the decimal mark), else ``.``."""
    words = [s.strip() for s in samples if isinstance(s, str) and s.strip()]
    comma = sum(1 for w in words if _PLAIN[","].match(w) and "," in w)
    point = sum(1 for w in words if _PLAIN["."].match(w) and "." in w and not _GROUPED[","].match(w))
    if comma != point:
        return "," if comma > point else "."
    return "," if separator == ";" else "."
