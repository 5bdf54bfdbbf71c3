"""The worker's jobs on the generated test city: silence rules, roll-ups, retention."""
from datetime import timedelta

from cities import load_profile
from data_sources.db import make_engine
from data_sources.worker import Worker
from tests.helpers import FIXED_NOW, make_city
from tests.sql import scalar


def test_jobs_apply_the_rules_roll_up_and_prune(sqlite_url):
    make_city(sqlite_url, None)
    engine = make_engine(sqlite_url)
    clock = {"now": FIXED_NOW + timedelta(minutes=20)}  # every device has been silent for 20 minutes
    worker = Worker(engine, load_profile("kota_tangerang"), retention_days=1 / 24, now=lambda: clock["now"])
    try:
        devices = scalar(sqlite_url, "SELECT count(*) FROM devices")
        assert scalar(sqlite_url, "SELECT count(*) FROM devices WHERE state = 'offline'") < devices
        worker.refresh_states()
        assert scalar(sqlite_url, "SELECT count(*) FROM devices WHERE state = 'offline'") == devices
        assert worker.probe_round()["checked"] == 0  # the demo's devices push heartbeats; none is probed
        result = worker.roll_up()
        assert result["hours"] == 1  # the current hour (07.00 UTC), recomputed from the mark the demo left
        # the silent minutes count as down once past offline_after: 07.40 is 10 minutes after the last samples
        down = scalar(sqlite_url, """SELECT sum(known_seconds - up_seconds) FROM device_uptime_hourly
                                      WHERE hour = '2026-11-23 07:00:00.000000'""")
        assert down >= devices * 10 * 60 - 1e-6
        before = scalar(sqlite_url, "SELECT count(*) FROM device_samples")
        assert worker.prune() > 0
        assert scalar(sqlite_url, "SELECT count(*) FROM device_samples") < before
        assert scalar(sqlite_url, "SELECT min(at) FROM device_samples") >= "2026-11-23 06:50"
    finally:
        engine.dispose()
