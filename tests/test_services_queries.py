"""The KPI query layer (``queries.kpis``) of /services: the status rules as applied to stored
values (direction, amber thresholds, missing periods), late reports, history and corrections;
on SQLite and PostgreSQL, checked against independent SQL."""
from datetime import date, datetime, timezone

import pandas as pd
import pytest

from cities import load_profile
from data_sources.db import database
from data_sources.ingest.batch import run_batch
from data_sources.ingest.kpis import store_kpi_values
from data_sources.queries import kpis
from tests.helpers import FIXED_NOW, execute
from tests.sql import frame, rows

PROFILE = load_profile("kota_tangerang")
TODAY = date(2026, 11, 23)  # FIXED_NOW's local day
LATE = {"uptime_cctv", "uptime_wifi"}  # the test city's two KPIs that have not reported October 2026 (seed 7)


def _defs(**changes) -> pd.DataFrame:
    base = {"code": "k", "name_id": "K", "name_en": "K", "unit": "%", "unit_en": "%", "target": 90.0, "amber": 80.0,
            "direction": "higher", "period": "monthly", "agency": "DLH", "dimension": "environment",
            "sub_dimension": "waste", "stage": "output"}
    return pd.DataFrame([base | changes])


def _values(*pairs, code="k") -> pd.DataFrame:
    return pd.DataFrame([(code, start, value, FIXED_NOW, "DLH") for start, value in pairs],
                        columns=["code", "period_start", "value", "updated_at", "reported_by"])


@pytest.mark.parametrize(("changes", "value", "expected"), [
    ({}, 90.0, "met"), ({}, 85.0, "close"), ({}, 80.0, "close"), ({}, 79.9, "missed"),
    ({"amber": None}, 85.0, "missed"),  # without an amber band: met or missed
    ({"direction": "lower", "target": 15.0, "amber": 20.0, "unit": "menit"}, 14.0, "met"),
    ({"direction": "lower", "target": 15.0, "amber": 20.0, "unit": "menit"}, 18.0, "close"),
    ({"direction": "lower", "target": 15.0, "amber": 20.0, "unit": "menit"}, 21.0, "missed"),
])
def test_status_of_the_newest_value_by_direction_and_threshold(changes, value, expected):
    got = kpis.summarise(_defs(**changes), _values((date(2026, 9, 1), 50.0), (date(2026, 10, 1), value)))
    assert got.loc[0, "status"] == expected and got.loc[0, "value"] == value
    assert got.loc[0, "period_start"] == date(2026, 10, 1)


def test_previous_and_year_ago_are_those_periods_or_missing_never_an_older_one():
    values = _values((date(2025, 10, 1), 70.0), (date(2026, 8, 1), 88.0), (date(2026, 10, 1), 91.0))
    got = kpis.summarise(_defs(), values).iloc[0]
    assert pd.isna(got["previous_value"])  # September was not reported: no change against August
    assert got["year_ago_value"] == 70.0
    quarterly = _values((date(2025, 7, 1), 93.0), (date(2026, 4, 1), 94.0), (date(2026, 7, 1), 96.0))
    got = kpis.summarise(_defs(period="quarterly"), quarterly).iloc[0]
    assert (got["previous_value"], got["year_ago_value"]) == (94.0, 93.0)
    yearly = kpis.summarise(_defs(period="yearly"), _values((date(2024, 1, 1), 80.0), (date(2025, 1, 1), 85.0))).iloc[0]
    assert yearly["previous_value"] == yearly["year_ago_value"] == 80.0


def test_a_kpi_without_values_has_no_data_and_the_input_is_not_changed():
    defs, values = _defs(), _values(code="other")
    before = (defs.copy(), values.copy())
    got = kpis.summarise(defs, values)
    assert got.loc[0, "status"] == "no_data" and pd.isna(got.loc[0, "value"])
    pd.testing.assert_frame_equal(defs, before[0])
    pd.testing.assert_frame_equal(values, before[1])


# --- on the test city -----------------------------------------------------------------------------


@pytest.fixture
def bound(city_any, query_context):
    with query_context(city_any).app_context():
        yield city_any


@pytest.fixture
def writable(writable_city_any, query_context):
    with query_context(writable_city_any).app_context():
        yield writable_city_any


NEWEST_SQL = """SELECT d.code, d.target, d.direction, d.amber, v.period_start, v.value FROM kpi_definitions d
                JOIN kpi_values v ON v.kpi_id = d.id
                WHERE v.period_start = (SELECT max(period_start) FROM kpi_values w WHERE w.kpi_id = d.id)"""
VALUE_SQL = """SELECT v.value FROM kpi_values v JOIN kpi_definitions d ON d.id = v.kpi_id
               WHERE d.code = :c AND v.period_start = :p"""


def _expected_status(row) -> str:
    better = (lambda a, b: a >= b) if row.direction == "higher" else (lambda a, b: a <= b)
    if better(row.value, row.target):
        return "met"
    return "close" if row.amber is not None and not pd.isna(row.amber) and better(row.value, row.amber) else "missed"


def test_catalogue_against_sql(bound):
    url = bound
    newest = frame(url, NEWEST_SQL).set_index("code")
    got = kpis.catalogue(PROFILE.code).set_index("code")
    assert set(got.index) == {k.code for k in PROFILE.kpis}
    for code, row in newest.iterrows():
        assert got.loc[code, "value"] == pytest.approx(row.value)
        assert str(got.loc[code, "period_start"]) == str(row.period_start)[:10]
        assert got.loc[code, "status"] == _expected_status(row)
    jalan = got.loc["jalan_mantap"]  # quarterly: the quarter before and the same quarter of 2025
    assert jalan["period_start"] == date(2026, 7, 1)
    assert jalan["previous_value"] == pytest.approx(rows(url, VALUE_SQL, c="jalan_mantap", p=date(2026, 4, 1))[0][0])
    assert jalan["year_ago_value"] == pytest.approx(rows(url, VALUE_SQL, c="jalan_mantap", p=date(2025, 7, 1))[0][0])
    assert got.loc["uptime_cctv", "period_start"] == date(2026, 9, 1)  # late for October: September is its newest
    spark = kpis.sparklines(PROFILE.code)
    assert spark.groupby("code").size().max() == 12
    assert spark[spark["code"] == "jalan_mantap"]["period_start"].min() == date(2024, 10, 1)  # all 8 quarters
    status = kpis.status(PROFILE.code)
    assert status["off_target"] == sum(got["status"] != "met") and status["total"] == 12
    assert status["by_status"] == got["status"].value_counts().to_dict()
    assert set(status["off"]["status"]) <= {"close", "missed"}


def test_late_reports_are_the_closed_periods_without_a_value(bound):
    late = kpis.late_reports(PROFILE.code, TODAY)
    assert set(late["code"]) == LATE
    assert set(late["period_start"]) == {date(2026, 10, 1)} and set(late["late_since"]) == {date(2026, 11, 11)}
    assert set(late["agency"]) == {"DISKOMINFO"}
    assert kpis.late_reports(PROFILE.code, date(2026, 11, 10)).empty  # within the grace days nothing is late yet


def test_late_reports_follow_the_stored_values(writable):
    url = writable
    execute(url, """DELETE FROM kpi_values WHERE period_start = :p AND kpi_id =
                    (SELECT id FROM kpi_definitions WHERE code = 'sampah_terangkut')""", p=date(2026, 8, 1))
    execute(url, """DELETE FROM kpi_values WHERE period_start = :p AND kpi_id =
                    (SELECT id FROM kpi_definitions WHERE code = 'jalan_mantap')""", p=date(2026, 7, 1))
    execute(url, """INSERT INTO kpi_values (kpi_id, period_start, value, updated_at, reported_by)
                    SELECT id, :p, 99.0, :at, 'DISKOMINFO' FROM kpi_definitions WHERE code = 'uptime_cctv'""",
            p=date(2026, 10, 1), at=FIXED_NOW.replace(tzinfo=None))
    late = kpis.late_reports(PROFILE.code, TODAY)
    got = {(r.code, r.period_start, r.late_since) for r in late.itertuples()}
    assert got == {("sampah_terangkut", date(2026, 8, 1), date(2026, 9, 11)),
                   ("jalan_mantap", date(2026, 7, 1), date(2026, 10, 11)),
                   ("uptime_wifi", date(2026, 10, 1), date(2026, 11, 11))}
    assert list(late["code"]) == ["sampah_terangkut", "jalan_mantap", "uptime_wifi"]  # late longest first
    # a KPI that never reported is late from its oldest open period, not since ever
    execute(url, "DELETE FROM kpi_values WHERE kpi_id = (SELECT id FROM kpi_definitions WHERE code = 'pju_menyala')")
    pju = kpis.late_reports(PROFILE.code, TODAY).query("code == 'pju_menyala'")
    assert list(pju["period_start"]) == [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]
    assert kpis.catalogue(PROFILE.code).set_index("code").loc["pju_menyala", "status"] == "no_data"


def test_history_and_the_corrections_it_keeps(writable):
    url = writable
    profile = PROFILE
    first = datetime(2026, 11, 20, 2, tzinfo=timezone.utc)

    def report(value, now, who):
        run_batch(database.engine, profile.code, "kpi_sheet",
                  lambda conn, source, at: store_kpi_values(conn, profile, source,
                                                            [{"kpi": "sampah_terangkut", "period": "2026-10",
                                                              "value": value}], at, reported_by=who),
                  label="test", now=now)

    old = rows(url, VALUE_SQL, c="sampah_terangkut", p=date(2026, 10, 1))[0][0]
    report(91.0, first, "Siti Rahma")
    report(92.5, datetime(2026, 11, 21, 2, tzinfo=timezone.utc), "Budi Santoso")
    got = kpis.revisions(profile.code, "sampah_terangkut")
    assert list(got["value"]) == [91.0, old]  # newest correction first
    assert list(got["reported_by"]) == ["Siti Rahma", "DLH"]
    assert got.loc[0, "replaced_at"] == datetime(2026, 11, 21, 2, tzinfo=timezone.utc)
    span = kpis.history(profile.code, "sampah_terangkut", date(2025, 11, 1), date(2026, 10, 1))
    assert len(span) == 12 and span["period_start"].iloc[0] == date(2025, 11, 1)
    assert (span["value"].iloc[-1], span["reported_by"].iloc[-1]) == (92.5, "Budi Santoso")
    assert kpis.revisions(profile.code, "pju_menyala").empty
