"""The worker's jobs on the generated test city: silence rules, roll-ups, retention, the Open311 pull."""
from datetime import timedelta

from cities import load_profile
from data_sources.db import make_engine
from data_sources.worker import Worker
from tests.helpers import FIXED_NOW, make_city
from tests.sql import scalar


def test_jobs_apply_the_rules_roll_up_and_prune(sqlite_url):
    make_city(sqlite_url, None)
    engine = make_engine(sqlite_url)
    clock = {"now": FIXED_NOW + timedelta(minutes=15)}  # the worker starts with every device silent for 15 minutes
    worker = Worker(engine, load_profile("kota_tangerang"), retention_days=1 / 24, now=lambda: clock["now"])
    try:
        devices = scalar(sqlite_url, "SELECT count(*) FROM devices")
        reported_offline = scalar(sqlite_url, "SELECT count(*) FROM devices WHERE state = 'offline'")
        assert reported_offline < devices
        worker.refresh_states()  # silence from before the worker started is no outage: not reported yet
        assert scalar(sqlite_url, "SELECT count(*) FROM devices WHERE state = 'offline'") == reported_offline
        assert scalar(sqlite_url, "SELECT count(*) FROM devices WHERE state = 'pending'") == devices - reported_offline
        clock["now"] = FIXED_NOW + timedelta(minutes=25)  # silent for offline_after (600 s) since the start
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


def test_open311_sources_are_pulled_on_their_interval_and_a_dead_server_is_only_a_failed_run(writable_city):
    from tests.test_open311_pull import KEY, add_source, dead_url, pull_profile

    add_source(writable_city)
    engine = make_engine(writable_city)
    worker = Worker(engine, pull_profile(dead_url(), api_key_env=None, interval_seconds=120), retention_days=7,
                    now=lambda: FIXED_NOW)
    try:
        jobs = {name: (job, seconds) for name, job, seconds in
                worker.jobs(probe_interval=60, state_interval=30, rollup_interval=300)}
        assert {name: seconds for name, (_, seconds) in jobs.items()} == {
            "probe": 60, "states": 30, "roll-ups": 300, "retention": 3600, "early warning": 60,
            f"open311 {KEY}": 120}
        assert "probe" not in {name for name, _, _ in worker.jobs(probe_interval=0, state_interval=30,
                                                                  rollup_interval=300)}
        line = jobs[f"open311 {KEY}"][0]()  # returns its report; raises nothing
        assert line.startswith(f"{KEY}: failed") and "cannot read the server" in line
        assert scalar(writable_city, "SELECT last_failure_at FROM sources WHERE key = :k", k=KEY).startswith(
            "2026-11-23 07:30:00")
    finally:
        engine.dispose()
