"""Live mode: each tick adds complaints, moves some along and writes heartbeats."""
from datetime import timedelta

from sqlalchemy import func, select, text

from cities import load_profile
from data_sources.db import make_engine
from data_sources.rules.flags import red_condition
from data_sources.models import Complaint
from data_sources.demo.simulator import Simulator
from tests.helpers import FIXED_NOW, make_city
from tests.sql import scalar


def test_ticks_move_the_city(any_url):
    make_city(any_url, None)
    engine = make_engine(any_url)
    simulator = Simulator(engine, load_profile("kota_tangerang"), seed=3, complaints_per_minute=120, interval_seconds=5)
    before = {t: scalar(any_url, f"SELECT count(*) FROM {t}") for t in ("complaints", "complaint_events", "device_samples")}
    totals = {"new_complaints": 0, "device_samples": 0, "advanced_complaints": 0, "reopened_complaints": 0}
    for i in range(12):  # one simulated minute: every device reports once
        result = simulator.tick(FIXED_NOW + timedelta(seconds=5 * (i + 1)))
        totals = {k: totals[k] + result[k] for k in totals}
    assert totals["new_complaints"] > 0 and totals["advanced_complaints"] > 0
    assert scalar(any_url, "SELECT count(*) FROM complaints") == before["complaints"] + totals["new_complaints"]
    assert scalar(any_url, "SELECT count(*) FROM complaint_events") == (
        before["complaint_events"] + totals["new_complaints"] + totals["advanced_complaints"]
        + totals["reopened_complaints"])
    # every device had its turn; only failed devices may stay silent (the state rules then judge them)
    devices, down = scalar(any_url, "SELECT count(*) FROM devices"), scalar(
        any_url, "SELECT count(*) FROM devices WHERE state IN ('offline', 'unknown')")
    assert devices - down <= totals["device_samples"] <= devices
    assert scalar(any_url, "SELECT count(*) FROM device_samples") == before["device_samples"] + totals["device_samples"]
    # new complaints got deadlines, and the live sources look fresh at the last tick
    assert scalar(any_url, "SELECT count(*) FROM complaints WHERE response_due_at IS NULL") == 0
    last = FIXED_NOW + timedelta(seconds=60)
    with engine.connect() as conn:
        stamps = conn.execute(text("SELECT last_success_at FROM sources WHERE key IN ('complaints', 'cctv_nvr')")).scalars()
        assert all(str(s).startswith(last.strftime("%Y-%m-%d %H:%M:%S")) for s in stamps)
    # the flag record follows the rule at the last tick (refresh with ``since`` misses nothing)
    with engine.connect() as conn:
        flagged = conn.execute(text("SELECT count(*) FROM complaint_flags WHERE level = 'red' AND cleared_at IS NULL")
                               ).scalar_one()
        rule = conn.execute(select(func.count()).select_from(Complaint)
                            .where(Complaint.city_code == "36.71", red_condition(last))).scalar_one()
    assert flagged == rule > 0
    engine.dispose()
