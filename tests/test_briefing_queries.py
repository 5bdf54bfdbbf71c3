"""The briefing's query layer against independent SQL counts on the raw tables, on SQLite and
PostgreSQL: plain text SQL on its own engine, no query-layer code."""
from datetime import date, timedelta

import pandas as pd
import pytest

from cities import load_profile
from data_sources.queries import briefing
from data_sources.queries import kpis
from reports.briefing import parse as parse_period
from tests.helpers import FIXED_NOW
from tests.sql import frame, rows, scalar

PROFILE = load_profile("kota_tangerang")
TZ = PROFILE.timezone
NOW = FIXED_NOW.replace(tzinfo=None)
PERIODS = [{}, {"period": "30d"}, {"start": "2026-10-01", "end": "2026-10-31"}]


def _ids(params: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in params.items()) or "default"


@pytest.fixture
def bound(city_any, query_context):
    server = query_context(city_any)
    with server.app_context():
        yield city_any


def _naive(moment):
    return moment.replace(tzinfo=None)


def _received(url, start, end, where="1=1") -> int:
    return scalar(url, f"SELECT count(*) FROM complaints c WHERE c.received_at >= :s AND c.received_at < :e AND {where}",
                  s=_naive(start), e=_naive(end))


def _red_raised(url, start, end) -> dict:
    """Red flags whose flagged_at falls in [start, end), per agency code (None: no agency)."""
    found = rows(url, """SELECT a.code, count(*) FROM complaint_flags f JOIN complaints c ON c.id = f.complaint_id
                         LEFT JOIN agencies a ON a.id = c.agency_id
                         WHERE f.level = 'red' AND f.flagged_at >= :s AND f.flagged_at < :e GROUP BY a.code""",
                 s=_naive(start), e=_naive(end))
    return {code: n for code, n in found}


@pytest.mark.parametrize("params", PERIODS, ids=_ids)
def test_complaint_comparison_matches_sql(bound, params):
    url = bound
    p = parse_period(params, FIXED_NOW, TZ)
    got = briefing.complaint_comparison(PROFILE.code, p, FIXED_NOW)
    for side, start, end in (("current", p.start, p.end), ("previous", p.previous().start, p.previous().end)):
        figures = got[side]
        assert figures["received"] == _received(url, start, end)
        assert figures["red_raised"] == sum(_red_raised(url, start, end).values())
        on_time = "c.first_response_at IS NOT NULL AND c.first_response_at <= c.response_due_at"
        judged = "(c.first_response_at IS NOT NULL OR c.response_due_at < :now)"
        n_on_time = _received(url, start, end, on_time)
        n_judged = scalar(url, f"""SELECT count(*) FROM complaints c WHERE c.received_at >= :s AND c.received_at < :e
                                   AND {judged}""", s=_naive(start), e=_naive(end), now=NOW)
        assert figures["answered_on_time"] == n_on_time and figures["judged"] == n_judged
        assert figures["share_on_time"] == pytest.approx(n_on_time / n_judged)
    # the generated city has complaints and late ones in both halves of every period tested
    assert min(got["current"]["received"], got["previous"]["received"]) > 0
    assert min(got["current"]["red_raised"], got["previous"]["red_raised"]) > 0


def test_the_previous_period_is_as_long_and_cut_at_the_same_hour(bound):
    p = parse_period({}, FIXED_NOW, TZ)
    assert p.cut and p.end == FIXED_NOW
    assert p.previous().end - p.previous().start == p.end - p.start
    assert p.previous().end == FIXED_NOW - timedelta(days=7)
    whole = parse_period({"start": "2026-11-01", "end": "2026-11-14"}, FIXED_NOW, TZ)
    assert not whole.cut and whole.previous().first_day == date(2026, 10, 18)
    assert whole.end - whole.start == timedelta(days=14) == whole.previous().end - whole.previous().start


@pytest.mark.parametrize("params", PERIODS[:2], ids=_ids)
def test_agency_comparison_matches_sql(bound, params):
    url = bound
    p = parse_period(params, FIXED_NOW, TZ)
    got = briefing.agency_comparison(PROFILE.code, p, FIXED_NOW).set_index("code")

    def late(start, end) -> dict:
        """Received in [start, end) and past the deadline: answered after it, or not answered by it (now)."""
        return dict(rows(url, """SELECT a.code, count(*) FROM complaints c JOIN agencies a ON a.id = c.agency_id
                                 WHERE c.received_at >= :s AND c.received_at < :e
                                 AND ((c.first_response_at IS NOT NULL AND c.first_response_at > c.response_due_at)
                                      OR (c.first_response_at IS NULL AND c.response_due_at < :n))
                                 GROUP BY a.code""", s=_naive(start), e=_naive(end), n=_naive(FIXED_NOW)))

    late_now, late_before = late(p.start, p.end), late(p.previous().start, p.previous().end)
    received = {side: dict(rows(url, """SELECT a.code, count(*) FROM complaints c JOIN agencies a ON a.id = c.agency_id
                                       WHERE c.received_at >= :s AND c.received_at < :e GROUP BY a.code""",
                               s=_naive(start), e=_naive(end)))
                for side, start, end in (("now", p.start, p.end), ("before", p.previous().start, p.previous().end))}
    codes = set(late_now) | set(late_before) | set(received["now"]) | set(received["before"])
    assert set(got.index) == codes - {None}
    for code, row in got.iterrows():
        assert row["late"] == late_now.get(code, 0) and row["late_previous"] == late_before.get(code, 0)
        assert row["received"] == received["now"].get(code, 0)
        assert row["received_previous"] == received["before"].get(code, 0)
    assert got["late"].tolist() == sorted(got["late"], reverse=True)  # most late first
    assert got["late"].iloc[0] > 0
    # one population per row: whoever has late complaints is under 100 % on time
    assert (got.loc[got["late"] > 0, "share_on_time"] < 1).all()


def test_received_per_day_in_local_days(bound):
    url = bound
    p = parse_period({}, FIXED_NOW, TZ)
    got = briefing.received_per_day(PROFILE.code, p, TZ)
    raw = frame(url, """SELECT received_at FROM complaints WHERE (received_at >= :a AND received_at < :b)
                        OR (received_at >= :c AND received_at < :d)""",
                a=_naive(p.start), b=_naive(p.end), c=_naive(p.previous().start), d=_naive(p.previous().end))
    local_days = (pd.to_datetime(raw["received_at"]) + timedelta(hours=7)).dt.date  # WIB has no daylight saving
    assert dict(zip(got["day"], got["count"])) == local_days.value_counts().to_dict()
    assert min(got["day"]) == p.previous().first_day and max(got["day"]) == p.last_day == date(2026, 11, 23)
    current = got[got["day"] >= p.first_day]["count"].sum()
    assert current == briefing.complaint_comparison(PROFILE.code, p, FIXED_NOW)["current"]["received"]


@pytest.mark.parametrize("params", PERIODS[:2], ids=_ids)
def test_uptime_comparison_matches_the_per_device_roll_ups(bound, params):
    url = bound
    p = parse_period(params, FIXED_NOW, TZ)
    got = briefing.uptime_comparison(PROFILE.code, p, tuple(PROFILE.devices)).set_index("kind")
    assert list(got.index) == ["cctv", "wifi"]
    for kind, row in got.iterrows():
        for column, first, last in (("uptime", p.first_day, p.last_day),
                                    ("uptime_previous", p.previous().first_day, p.previous().last_day)):
            up, known = rows(url, """SELECT sum(u.up_seconds), sum(u.known_seconds) FROM device_uptime_daily u
                                     JOIN devices d ON d.id = u.device_id
                                     WHERE d.kind = :k AND u.day >= :f AND u.day <= :l""",
                             k=kind, f=first, l=last)[0]
            if known:
                assert row[column] == pytest.approx(float(up) / float(known), abs=1e-9)
            else:
                assert row[column] is None or pd.isna(row[column])
        devices, target = rows(url, "SELECT count(*), avg(uptime_target) FROM devices WHERE kind = :k AND active",
                               k=kind)[0]
        assert row["devices"] == devices and row["target"] == pytest.approx(float(target) / 100)
    assert got["uptime"].notna().all()  # the test city has a week of device history


def test_kpi_status_counts_the_newest_values_off_target(bound):
    url = bound
    latest = frame(url, """SELECT d.code, d.target, d.direction, v.value FROM kpi_definitions d
                           JOIN kpi_values v ON v.kpi_id = d.id
                           WHERE v.period_start = (SELECT max(period_start) FROM kpi_values w WHERE w.kpi_id = d.id)""")
    off = latest[((latest["direction"] == "higher") & (latest["value"] < latest["target"]))
                 | ((latest["direction"] != "higher") & (latest["value"] > latest["target"]))]
    status = kpis.status(PROFILE.code)
    assert status["total"] == len(latest) > 0
    assert status["off_target"] == len(off) > 0
    assert set(status["off"]["code"]) == set(off["code"])
    gaps = ((status["off"]["value"] - status["off"]["target"]).abs() / status["off"]["target"].abs()).tolist()
    assert gaps == sorted(gaps, reverse=True)  # furthest from target first (the wall's list, the briefing's table)
    assert 0 <= status["previous_off_target"] <= status["previous_total"] <= status["total"]


def test_the_kpi_section_says_which_reports_are_late(bound):
    from reports.briefing import Scope, kpis_section

    for lang, expected in (("id", "2 laporan KPI terlambat: DISKOMINFO (Ketersediaan CCTV, Okt 2026; "
                                  "Ketersediaan WiFi publik, Okt 2026)."),
                           ("en", "2 late KPI reports: DISKOMINFO (CCTV availability, Oct 2026; "
                                  "Public WiFi availability, Oct 2026).")):
        section = kpis_section(Scope(PROFILE, parse_period({}, FIXED_NOW, TZ), lang, FIXED_NOW))
        assert section["sentences"][-1] == expected
        assert list(section["late"]["code"]) == ["uptime_cctv", "uptime_wifi"]
