"""The /complaints figures against independent computations on the raw rows, on SQLite and
PostgreSQL: plain SQL loads the generated city's complaints, pandas recomputes every figure."""
from datetime import timedelta

import pandas as pd
import pytest

from cities import load_profile
from data_sources.rules.periods import local_day_start
from data_sources.queries import complaints
from data_sources.queries.filters import parse_filter
from tests.helpers import FIXED_NOW
from tests.sql import frame as sql_frame

PROFILE = load_profile("kota_tangerang")
OPEN = ("received", "assigned", "responded", "in_progress", "reopened")
NOW = FIXED_NOW.replace(tzinfo=None)


@pytest.fixture(scope="module")
def raw(city_any):
    """Every complaint with its codes, loaded once per database (a test may read the whole table)."""
    data = sql_frame(city_any, """
        SELECT c.id, c.external_id, c.status, c.received_at, c.first_response_at, c.response_due_at,
               c.response_amber_at, c.reopened_at, c.lat, c.lon, c.description, c.reporter_name,
               k.code AS kecamatan, cat.code AS category, a.code AS agency
        FROM complaints c JOIN regions k ON k.id = c.kecamatan_id
        JOIN complaint_categories cat ON cat.id = c.category_id JOIN agencies a ON a.id = c.agency_id""")
    for column in ("received_at", "first_response_at", "response_due_at", "response_amber_at", "reopened_at"):
        data[column] = pd.to_datetime(data[column])
    return data


@pytest.fixture
def bound(city_any, query_context):
    query_context(city_any)


@pytest.fixture
def median_tolerance():
    """Medians come from the response-time histogram on both databases: within half a minute
    below two hours and 2.1% above (``rules.complaint_rollups.RESPONSE_SEGMENTS``)."""
    return lambda seconds: max(30.0, 0.021 * seconds) + 0.5


def _subset(raw, flt):
    keep = pd.Series(True, index=raw.index)
    for name in ("kecamatan", "category", "agency", "status"):
        values = getattr(flt, name)
        if values:
            keep &= raw[name].isin(values)
    return raw[keep]


def _in_period(rows, flt):
    start, end = flt.start.replace(tzinfo=None), flt.end.replace(tzinfo=None)
    return rows[(rows["received_at"] >= start) & (rows["received_at"] < end)]


def _red(rows):
    return rows[rows["status"].isin(OPEN) & rows["first_response_at"].isna() & (rows["response_due_at"] < NOW)]


FILTERS = [
    {},
    {"period": "30d"},
    {"period": "today"},
    {"period": "month", "category": "pju,banjir"},
    {"period": "custom", "from": "2026-10-01", "to": "2026-10-31", "agency": "DISHUB"},
    {"period": "30d", "kecamatan": "36.71.01,36.71.05", "status": "received,assigned,resolved"},
    {"period": "custom", "from": "2024-01-01", "to": "2024-01-07"},  # nothing received: no median, no shares
]


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "default")
def test_summary_matches_raw_rows(raw, bound, params, median_tolerance):
    flt = parse_filter(params, PROFILE, FIXED_NOW, strict=True)
    got = complaints.summary(flt, FIXED_NOW, local_day_start(FIXED_NOW, PROFILE.timezone))
    scope = _subset(raw, flt)
    period = _in_period(scope, flt)
    day_start = local_day_start(FIXED_NOW, PROFILE.timezone).replace(tzinfo=None)
    answered = period[period["first_response_at"].notna()]
    on_time = answered[answered["first_response_at"] <= answered["response_due_at"]]
    judged = period[period["first_response_at"].notna() | (period["response_due_at"] < NOW)]
    start = answered["reopened_at"].fillna(answered["received_at"])
    median = (answered["first_response_at"] - start).dt.total_seconds().median() if len(answered) else None
    assert got["received"] == len(period)
    assert got["received_today"] == len(scope[(scope["received_at"] >= day_start) & (scope["received_at"] <= NOW)])
    assert got["open"] == scope["status"].isin(OPEN).sum()
    assert got["red"] == len(_red(scope))
    assert got["answered"] == len(answered) and got["answered_on_time"] == len(on_time)
    assert got["judged"] == len(judged)
    assert got["resolved"] == (period["status"] == "resolved").sum()
    if median is None:
        assert got["median_response_seconds"] is None
    else:
        assert got["median_response_seconds"] == pytest.approx(median, abs=median_tolerance(median))
    if params == {}:  # the default view of the generated city has something in every figure
        assert got["received"] > 0 and got["red"] > 0 and got["amber"] > 0 and 0 < got["share_on_time"] < 1


def test_by_kecamatan_counts_every_kecamatan_and_ignores_the_place_filter(raw, bound):
    flt = parse_filter({"period": "30d", "kecamatan": "36.71.01"}, PROFILE, FIXED_NOW, strict=True)
    got = complaints.by_kecamatan(flt, FIXED_NOW).set_index("code")
    assert len(got) == 13
    period = _in_period(raw, flt)
    expected = period.groupby("kecamatan").size()
    for code, row in got.iterrows():
        assert row["received"] == expected.get(code, 0)
        assert row["red"] == (_red(raw)["kecamatan"] == code).sum()
        assert row["per_10k"] == pytest.approx(row["received"] / row["population"] * 10_000, abs=0.01)


def test_by_category_and_by_agency(raw, bound, median_tolerance):
    flt = parse_filter({"period": "30d"}, PROFILE, FIXED_NOW, strict=True)
    period = _in_period(raw, flt)
    categories = complaints.by_category(flt, FIXED_NOW).set_index("code")
    assert categories["received"].to_dict() == {k: v for k, v in period.groupby("category").size().items()}
    agencies = complaints.by_agency(flt, FIXED_NOW).set_index("code")
    for code, rows in period.groupby("agency"):
        answered = rows[rows["first_response_at"].notna()]
        start = answered["reopened_at"].fillna(answered["received_at"])
        assert agencies.loc[code, "received"] == len(rows)
        assert agencies.loc[code, "answered_on_time"] == (answered["first_response_at"] <= answered["response_due_at"]).sum()
        median_hours = (answered["first_response_at"] - start).dt.total_seconds().median() / 3600
        tolerance = median_tolerance(median_hours * 3600) / 3600 + 0.005  # the table rounds to 0.01 h
        assert agencies.loc[code, "median_response_hours"] == pytest.approx(median_hours, abs=tolerance)
        assert agencies.loc[code, "red"] == (_red(raw)["agency"] == code).sum()
    shares = agencies["share_on_time"].dropna().tolist()
    assert shares == sorted(shares)  # slowest agency first


def test_trends_by_local_day_and_hour(raw, bound):
    flt = parse_filter({"period": "7d"}, PROFILE, FIXED_NOW, strict=True)
    period = _in_period(raw, flt)
    local = period["received_at"] + timedelta(hours=7)  # WIB
    by_day = complaints.trend(flt, PROFILE.timezone, "day")
    expected_day = period.assign(bucket=local.dt.strftime("%Y-%m-%d")).groupby(["bucket", "category"]).size()
    assert by_day.set_index(["bucket", "category"])["count"].to_dict() == expected_day.to_dict()
    assert sorted(by_day["bucket"].unique())[-1] == "2026-11-23"
    by_hour = complaints.trend(flt, PROFILE.timezone, "hour")
    expected_hour = period.assign(bucket=local.dt.hour).groupby(["bucket", "category"]).size()
    assert by_hour.set_index(["bucket", "category"])["count"].to_dict() == expected_hour.to_dict()


def test_locations_switch_from_points_to_a_grid(raw, bound):
    flt = parse_filter({"period": "30d"}, PROFILE, FIXED_NOW, strict=True)
    period = _in_period(raw, flt)
    points = complaints.locations(flt, max_points=10**9)
    assert points["mode"] == "points" and len(points["frame"]) == len(period) == points["total"]
    assert set(points["frame"].columns) == {"lat", "lon", "category", "status"}  # nothing personal
    grid = complaints.locations(flt, max_points=10)
    assert grid["mode"] == "grid" and grid["frame"]["count"].sum() == len(period)
    assert len(grid["frame"]) < len(period)
    size = grid["cell_degrees"]
    cells = period.assign(row=((period["lat"] + 90) // size).astype(int), col=((period["lon"] + 180) // size).astype(int))
    assert len(grid["frame"]) == cells.groupby(["row", "col"]).ngroups


def test_red_flag_list_is_oldest_first_and_masks_personal_data(raw, bound):
    flt = parse_filter({}, PROFILE, FIXED_NOW, strict=True)
    result = complaints.red_flags(flt, FIXED_NOW, limit=10_000)
    red = _red(raw)
    assert result["total"] == len(red) == len(result["frame"])
    assert result["frame"]["received_at"].is_monotonic_increasing
    assert (result["frame"]["overdue_seconds"] > 0).all()
    assert "reporter_name" not in result["frame"].columns
    shown = " ".join(result["frame"]["description"])
    names = [n for n in red["reporter_name"].dropna() if n in " ".join(red["description"])]
    assert names, "the generated city should put some reporters' names into red-flagged texts"
    assert not [n for n in names if n in shown]
