"""The complaint filter: periods in local days, codes checked against the profile, and a
round trip through the URL query string."""
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qsl

import pytest

from cities import load_profile
from data_sources.queries.filters import ComplaintFilter, FilterError, parse_filter
from tests.helpers import FIXED_NOW

PROFILE = load_profile("kota_tangerang")


@pytest.mark.parametrize("period, first, last", [
    ("today", date(2026, 11, 23), date(2026, 11, 23)),
    ("7d", date(2026, 11, 17), date(2026, 11, 23)),
    ("30d", date(2026, 10, 25), date(2026, 11, 23)),
    ("month", date(2026, 11, 1), date(2026, 11, 23)),
])
def test_periods_are_local_days_with_utc_bounds(period, first, last):
    flt = parse_filter({"period": period}, PROFILE, FIXED_NOW)
    assert (flt.first_day, flt.last_day) == (first, last)
    # WIB midnight is 17.00 UTC the day before
    assert flt.start == datetime(first.year, first.month, first.day, tzinfo=timezone.utc) - timedelta(hours=7)
    assert flt.end == datetime(last.year, last.month, last.day, tzinfo=timezone.utc) + timedelta(hours=17)


def test_today_late_in_the_evening_utc_is_already_tomorrow_in_wib():
    flt = parse_filter({"period": "today"}, PROFILE, datetime(2026, 11, 23, 18, 0, tzinfo=timezone.utc))
    assert flt.first_day == date(2026, 11, 24)


def test_custom_period_and_the_url_round_trip():
    params = {"period": "custom", "from": "2026-10-01", "to": "2026-10-31", "kecamatan": "36.71.05,36.71.01",
              "category": ["pju", "banjir"], "agency": "DISHUB", "status": "received"}
    flt = parse_filter(params, PROFILE, FIXED_NOW, strict=True)
    assert flt.kecamatan == ("36.71.01", "36.71.05") and flt.category == ("banjir", "pju")
    assert flt.start == datetime(2026, 9, 30, 17, tzinfo=timezone.utc)
    assert flt.end == datetime(2026, 10, 31, 17, tzinfo=timezone.utc)
    query = flt.query_string()
    assert query == ("?period=custom&from=2026-10-01&to=2026-10-31&kecamatan=36.71.01,36.71.05"
                     "&category=banjir,pju&agency=DISHUB&status=received")
    again = parse_filter(dict(parse_qsl(query[1:])), PROFILE, FIXED_NOW, strict=True)
    assert again == flt


def test_unknown_values_are_errors_for_the_api_and_dropped_for_the_page():
    params = {"period": "yesterday", "category": "pju,ufo", "agency": "NASA", "from": "2026-13-01"}
    with pytest.raises(FilterError) as error:
        parse_filter(params, PROFILE, FIXED_NOW, strict=True)
    named = {p.parameter for p in error.value.problems}
    assert named == {"period", "category", "agency", "from"}
    assert "ufo" in str(error.value) and "NASA" in str(error.value)
    lenient = parse_filter(params, PROFILE, FIXED_NOW)
    assert lenient.period.key == "7d" and lenient.category == ("pju",) and lenient.agency == ()
    assert {p.value for p in lenient.problems if p.key == "filter.problem.unknown_code"} == {"category=ufo", "agency=NASA"}


def test_a_custom_period_keeps_its_valid_end_and_puts_the_ends_in_order():
    one_end = parse_filter({"period": "custom", "from": "2026-10-01"}, PROFILE, FIXED_NOW, strict=True)
    assert (one_end.first_day, one_end.last_day) == (date(2026, 10, 1), date(2026, 11, 23))
    swapped = parse_filter({"period": "custom", "from": "2026-10-31", "to": "2026-10-01"}, PROFILE, FIXED_NOW)
    assert (swapped.first_day, swapped.last_day) == (date(2026, 10, 1), date(2026, 10, 31))
    with pytest.raises(FilterError):  # the API refuses what a page would repair
        parse_filter({"period": "custom", "from": "2026-10-31", "to": "2026-10-01"}, PROFILE, FIXED_NOW, strict=True)


def test_the_page_store_round_trip_and_forged_stores():
    flt = parse_filter({"period": "30d", "kecamatan": "36.71.01", "status": "received"}, PROFILE, FIXED_NOW)
    assert ComplaintFilter.from_store(flt.to_store()) == flt
    for forged in (None, [], {"period": "7d"}, flt.to_store() | {"kecamatan": "36.71.01"},
                   flt.to_store() | {"category": [1, 2]}, flt.to_store() | {"end": "not a time"}):
        with pytest.raises(FilterError):
            ComplaintFilter.from_store(forged)
