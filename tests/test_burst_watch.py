"""The early warning against the database (``rules.burst_watch``): a burst injected with
``make burst``'s code raises one alert at the next run, on SQLite and PostgreSQL, which the
API, the briefing's sentence and the /complaints link show, and which clears once the burst
has passed; bad burst arguments are refused with the city's names."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from cities import load_profile
from components import alerts as alert_texts
from data_sources.demo.burst import BurstError, inject
from data_sources.rules.burst_watch import BurstWatch, warning_settings
from data_sources.rules.early_warning import explain
from data_sources.worker import Worker
from tests.helpers import FIXED_NOW, sign_in, test_settings

PROFILE = load_profile("kota_tangerang")


def _run(url: str, watch: BurstWatch, now) -> dict:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            return watch.run(conn, now)
    finally:
        engine.dispose()


def _alerts(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT key, region_ids, window_hours, observed, expected, score, raised_at, "
                                     "cleared_at FROM complaint_alerts ORDER BY id")).all()
    finally:
        engine.dispose()


def test_a_burst_raises_one_alert_that_the_api_shows_and_that_clears(writable_city_any):
    url, watch = writable_city_any, BurstWatch(PROFILE)
    assert _run(url, watch, FIXED_NOW)["raised"] == 0  # the generated city's normal traffic
    engine = create_engine(url)
    try:
        stored = inject(engine, PROFILE, "Periuk", "banjir", 25, 40, now=FIXED_NOW + timedelta(minutes=10), seed=4)
        with engine.connect() as conn:
            periuk = conn.execute(text("SELECT id FROM regions WHERE name = 'Periuk' AND level = 'kecamatan'")).scalar_one()
    finally:
        engine.dispose()
    assert stored["stored"] == 25 and stored["refused"] == []
    first = _run(url, watch, FIXED_NOW + timedelta(minutes=10))
    assert first["raised"] == 1
    (key, regions, window, observed, expected, score, raised, cleared), = _alerts(url)
    assert str(periuk) in regions.split(",") and cleared is None
    assert observed >= 10 and expected < observed / 5 and score > 5
    again = _run(url, watch, FIXED_NOW + timedelta(minutes=11))  # the same burst: updated, not raised twice
    assert again["raised"] == 0 and again["active"] == 1

    app = create_app(test_settings(url, frozen_now=FIXED_NOW + timedelta(minutes=12)))
    client = sign_in(app.server.test_client(), url, "leadership")
    body = client.get("/api/complaints/alerts?period=today").get_json()
    assert body["total"] == 1 and body["running"] == 1
    alert = body["data"][0]
    assert alert["category"] == "banjir" and "Periuk" in alert["kecamatan_names"] and alert["active"] is True
    assert alert["observed"] == observed and alert["cleared_at"] is None
    assert client.get("/api/complaints/alerts?period=bogus").status_code == 400

    # the burst slides out of the longest window, then the quiet time passes: cleared
    later = _run(url, watch, FIXED_NOW + timedelta(hours=8))
    assert later["cleared"] == 1 and later["active"] == 0
    assert _alerts(url)[0][-1] is not None
    past = client.get("/api/complaints/alerts?period=7d").get_json()
    assert past["total"] == 1 and past["running"] == 0


def test_alert_texts_in_both_languages():
    import pandas as pd

    row = pd.DataFrame([{"id": 1, "category": "banjir", "name_id": "Banjir", "name_en": "Flood",
                         "kecamatan": ["36.71.10"], "kecamatan_names": ["Periuk"], "window_hours": 2.0,
                         "observed": 34, "expected": 2.2, "score": 12.0, "raised_at": FIXED_NOW,
                         "updated_at": FIXED_NOW, "cleared_at": None, "active": True}])
    first = next(row.itertuples())
    assert alert_texts.sentence(first, "id") == "Lonjakan aduan Banjir di Periuk: 34 dalam 2 jam, biasanya 2"
    assert alert_texts.sentence(first, "en") == "Spike in Flood complaints in Periuk: 34 in 2 hours, usually 2"
    pair = row.assign(kecamatan_names=[["Periuk", "Jatiuwung"]], expected=[0.2], window_hours=[1.0])
    assert alert_texts.sentence(next(pair.itertuples()), "id") == (
        "Lonjakan aduan Banjir di Periuk dan Jatiuwung: 34 dalam 1 jam, biasanya kurang dari 1")
    assert alert_texts.complaints_link(first, PROFILE.timezone) == (
        "/complaints?period=custom&from=2026-11-23&to=2026-11-23&category=banjir&kecamatan=36.71.10")
    sentence = alert_texts.briefing_sentence(row, "id", PROFILE.timezone, PROFILE.timezone_label)
    assert sentence.startswith("Lonjakan aduan dalam periode ini: Banjir di Periuk (23 Nov 2026 14.30 WIB: 34 dalam 2 jam")
    assert alert_texts.briefing_sentence(row.iloc[:0], "en", PROFILE.timezone, "WIB") == "No complaint spikes in this period."
    assert "Poisson" in explain(warning_settings(PROFILE), "id") and "1, 3 atau 6 jam" in explain(
        warning_settings(PROFILE), "id")


def test_bad_burst_arguments_name_what_the_city_has(writable_city):
    engine = create_engine(writable_city)
    try:
        with pytest.raises(BurstError, match="Periuk"):
            inject(engine, PROFILE, "Atlantis", "banjir", 10, 30, now=FIXED_NOW)
        with pytest.raises(BurstError, match="Banjir"):
            inject(engine, PROFILE, "Periuk", "lava", 10, 30, now=FIXED_NOW)
        with pytest.raises(BurstError, match="COUNT"):
            inject(engine, PROFILE, "Periuk", "banjir", 0, 30, now=FIXED_NOW)
        assert inject(engine, PROFILE, "36.71.10", "Banjir", 3, 30, now=FIXED_NOW)["stored"] == 3  # code and name
    finally:
        engine.dispose()


def test_the_worker_runs_the_early_warning_every_minute(writable_city):
    engine = create_engine(writable_city)
    try:
        worker = Worker(engine, PROFILE, retention_days=7, now=lambda: FIXED_NOW)
        jobs = {name: seconds for name, _, seconds in worker.jobs(probe_interval=0, state_interval=30,
                                                                   rollup_interval=60)}
        assert jobs["early warning"] == 60.0
        assert worker.watch_bursts()["raised"] == 0
    finally:
        engine.dispose()


def test_the_history_read_from_roll_ups_equals_the_raw_rows(city_any):
    """The baseline's input is the same whether the city's roll-ups are built or not."""
    from datetime import date

    from data_sources.rules.burst_watch import _history

    engine = create_engine(city_any)
    try:
        with engine.connect() as conn:
            rolled = _history(conn, PROFILE.code, PROFILE.timezone, date(2026, 9, 28), date(2026, 11, 23))
            conn.execute(text("DELETE FROM complaint_rollup_marks"))
            raw = _history(conn, PROFILE.code, PROFILE.timezone, date(2026, 9, 28), date(2026, 11, 23))
            conn.rollback()
    finally:
        engine.dispose()
    for got, expected in zip(rolled, raw):
        keys = list(got.columns[:-1])
        assert len(got) > 100
        assert got.sort_values(keys).reset_index(drop=True).equals(expected.sort_values(keys).reset_index(drop=True))
