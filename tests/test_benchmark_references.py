"""The benchmark's references (``benchmarks.references``) are honest: on the test city, the bare
SQL floor and the pandas "common approach" give the same figures as the app's query layer for
the same filter (counts by kecamatan, category and agency over 7 and 365 days, device states)."""
import pandas as pd
import pytest
from sqlalchemy import create_engine

from benchmarks.references import FAMILIES, FAMILY_OF, family_of
from benchmarks.references import complaints as ref
from benchmarks.references import devices as device_ref
from benchmarks.references.sql import Ask, naive_utc
from cities import load_profile
from data_sources.queries import complaints, devices
from data_sources.queries.filters import parse_filter
from data_sources.rules.periods import local_day_start
from tests.helpers import FIXED_NOW

PROFILE = load_profile("kota_tangerang")
APP_QUERY = {"kecamatan": complaints.by_kecamatan, "category": complaints.by_category, "agency": complaints.by_agency}


def _ask(flt, kind=None) -> Ask:
    return Ask(city=PROFILE.code, tz=PROFILE.timezone, now=naive_utc(FIXED_NOW), start=naive_utc(flt.start),
               end=naive_utc(flt.end), day_start=naive_utc(local_day_start(FIXED_NOW, PROFILE.timezone)),
               first_day=flt.first_day, last_day=flt.last_day, kind=kind)


@pytest.fixture(scope="module")
def conn(city_template_sqlite):
    """The test city on SQLite (the PostgreSQL spellings of the floors run in every benchmark run;
    a second generated city would double this file's time)."""
    engine = create_engine(city_template_sqlite)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


@pytest.fixture
def bound(city_template_sqlite, query_context):
    query_context(city_template_sqlite)


def _nonzero(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[["code", "received", "open", "red"]].astype({"received": int, "open": int, "red": int})
    frame = frame[frame[["received", "open", "red"]].sum(axis=1) > 0]
    return frame.sort_values("code").reset_index(drop=True)


@pytest.mark.parametrize("period", ["7d", "365d"])
@pytest.mark.parametrize("by", ["kecamatan", "category", "agency"])
def test_floor_and_common_counts_equal_the_query_layer(conn, bound, by, period):
    params = {"period": "7d"} if period == "7d" else {"period": "custom", "from": "2025-11-24", "to": "2026-11-23"}
    flt = parse_filter(params, PROFILE, FIXED_NOW)
    app = _nonzero(APP_QUERY[by](flt, FIXED_NOW))
    assert app["received"].sum() > 0 and app["red"].sum() > 0  # the comparison says something
    for reference in (ref.floor_counts, ref.common_counts):
        pd.testing.assert_frame_equal(_nonzero(reference(conn, _ask(flt), by)), app, check_dtype=False,
                                      obj=f"{reference.__name__} by {by}, {period}")


def test_agency_table_references_equal_the_query_layer(conn, bound):
    flt = parse_filter({"period": "30d"}, PROFILE, FIXED_NOW)
    app = complaints.by_agency(flt, FIXED_NOW).set_index("code")
    for reference in (ref.floor_agency_table, ref.common_agency_table):
        mine = reference(conn, _ask(flt)).set_index("code").loc[app.index]
        for column in ("received", "answered", "answered_on_time", "judged", "open", "red"):
            assert mine[column].astype(int).tolist() == app[column].astype(int).tolist(), (reference.__name__, column)
        # the app reads medians from response-time histograms (within a few per cent); the references are exact
        hours = app["median_response_hours"].astype(float)
        gap = (mine["median"].astype(float) / 3600 - hours).abs()
        assert hours.notna().sum() and (gap[hours.notna()] <= (0.05 * hours).clip(lower=0.05)[hours.notna()]).all(), \
            reference.__name__


def test_device_state_references_equal_the_query_layer(conn, bound):
    app = devices.state_counts(PROFILE.code).sort_values(["kind", "state"], ignore_index=True)
    ask = _ask(parse_filter({}, PROFILE, FIXED_NOW))
    for reference in (device_ref.floor_states, device_ref.common_states):
        mine = reference(conn, ask).sort_values(["kind", "state"], ignore_index=True)
        pd.testing.assert_frame_equal(mine, app, check_dtype=False, obj=reference.__name__)
    for kind in ("cctv", "wifi"):
        summary = devices.summary(PROFILE.code, kind, FIXED_NOW, PROFILE.timezone)
        for reference in (device_ref.floor_summary, device_ref.common_summary):
            counts = reference(conn, _ask(parse_filter({}, PROFILE, FIXED_NOW), kind))["counts"]
            by_state = dict(zip(counts.iloc[:, 0] if "state" not in counts else counts["state"], counts.iloc[:, 1]))
            if "state" not in counts.columns and counts.index.name == "state":
                by_state = counts["count"].to_dict()
            assert {s: int(by_state.get(s, 0)) for s in ("online", "offline", "unknown")} == {
                s: summary[s] for s in ("online", "offline", "unknown")}, (reference.__name__, kind)


def test_every_callback_family_has_both_references():
    assert set(filter(None, FAMILY_OF.values())) <= set(FAMILIES)
    assert family_of("cctv-tiles.children") == family_of("wifi-tiles.children") == "device_summary"
