"""Device state rules (late and missing samples, silence, flapping) and uptime roll-ups
(sums that match a second-by-second reading of the raw samples, maintenance windows,
incremental runs, retention), on SQLite and PostgreSQL."""
from __future__ import annotations

import bisect
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from cities import load_profile
from data_sources import models as m
from data_sources.db import make_engine
from data_sources.rules.device_state import record_samples, refresh_states, state_at
from data_sources.migrate import upgrade
from data_sources.rules.uptime import TOTALS, prune_samples, update_rollups

PROFILE = load_profile("kota_tangerang")
RULES = PROFILE.devices["cctv"]  # interval 60 s, unknown after 180 s, offline after 600 s
T0 = datetime(2026, 11, 23, 0, 0, tzinfo=timezone.utc)  # 07.00 WIB


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def db(any_url):
    upgrade(any_url)
    engine = make_engine(any_url)
    with engine.begin() as conn:
        source = conn.execute(insert(m.Source).values(city_code=PROFILE.code, key="nvr", name="NVR", kind="nvr_json",
                                                      freshness_budget_seconds=300).returning(m.Source.id)).scalar()
    engine.source_id = source
    yield engine
    engine.dispose()


def add_device(engine, name: str, installed_at: datetime | None = T0 - timedelta(days=100), kind: str = "cctv") -> int:
    with engine.begin() as conn:
        return conn.execute(insert(m.Device).values(
            city_code=PROFILE.code, kind=kind, source_id=engine.source_id, external_id=name, name=name,
            installed_at=installed_at, state="pending").returning(m.Device.id)).scalar()


def device(engine, device_id: int) -> m.Device:
    with Session(engine) as session:
        return session.get(m.Device, device_id)


def changes(engine, device_id: int) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(select(m.DeviceStateChange.at, m.DeviceStateChange.from_state, m.DeviceStateChange.to_state)
                            .where(m.DeviceStateChange.device_id == device_id).order_by(m.DeviceStateChange.id)).all()
    return [tuple(r) for r in rows]


def feed(engine, *samples: tuple) -> dict:
    """samples: (device_id, seconds after T0, state)."""
    with engine.begin() as conn:
        return record_samples(conn, [{"device_id": d, "at": at(s), "state": st, "latency_ms": 12.0}
                                     for d, s, st in samples])


def refresh(engine, seconds: float) -> dict:
    with engine.begin() as conn:
        return refresh_states(conn, PROFILE, at(seconds))


# --- state --------------------------------------------------------------------------------------------


def test_the_rule_on_its_own():
    assert state_at(RULES, "online", 179.9) == "online"
    assert state_at(RULES, "online", 180) == "unknown"
    assert state_at(RULES, "degraded", 599) == "unknown"
    assert state_at(RULES, "online", 600) == "offline"
    assert state_at(RULES, "offline", 200) == "offline"  # a reported outage is not softened by silence
    assert state_at(RULES, None, 10) == "pending"  # never heard from: not reported yet, not down
    assert state_at(RULES, None, 600) == "offline"


def test_newest_sample_sets_the_state_and_every_change_is_kept(db):
    cam = add_device(db, "CAM-1")
    result = feed(db, (cam, 0, "online"), (cam, 60, "online"), (cam, 120, "offline"), (cam, 180, "offline"),
                  (cam, 240, "degraded"))
    assert result == {"samples": 5, "late": 0, "changes": 3, "unknown_devices": 0}
    d = device(db, cam)
    assert (d.state, d.state_since, d.last_sample_at, d.last_seen_at) == ("degraded", at(240), at(240), at(240))
    assert changes(db, cam) == [(at(0), "pending", "online"), (at(120), "online", "offline"),
                                (at(240), "offline", "degraded")]


def test_a_late_sample_is_stored_but_does_not_change_the_state(db):
    cam = add_device(db, "CAM-1")
    feed(db, (cam, 300, "online"))
    result = feed(db, (cam, 100, "offline"))  # arrives after the newer one
    assert result["late"] == 1 and result["samples"] == 1
    d = device(db, cam)
    assert (d.state, d.state_since, d.last_sample_at) == ("online", at(300), at(300))
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.DeviceSample)).scalar() == 2


def reference_fold(devices: dict, batch: list[dict]) -> tuple[list[tuple], int]:
    """The state rule sample by sample (as record_samples once did it in Python): changes, late count."""
    changes, late = [], 0
    for sample in sorted(batch, key=lambda s: (s["device_id"], s["at"])):
        d = devices.get(sample["device_id"])
        if d is None:
            continue
        if sample["state"] in ("online", "degraded") and (d["last_seen_at"] is None or sample["at"] > d["last_seen_at"]):
            d["last_seen_at"] = sample["at"]
        if d["last_sample_at"] is not None and sample["at"] < d["last_sample_at"]:
            late += 1
            continue
        d["last_sample_at"] = sample["at"]
        if sample["state"] != d["state"]:
            changes.append((sample["device_id"], sample["at"], d["state"], sample["state"]))
            d["state"], d["state_since"] = sample["state"], sample["at"]
    return changes, late


def test_batches_fold_into_the_states_as_one_sample_at_a_time_would(db):
    """Random batches (backlogs out of order, late samples, several samples of a device at the same
    moment, unknown devices) give the devices and changes of the rule applied sample by sample."""
    rng = np.random.default_rng(7)
    ids = [add_device(db, f"CAM-{i}") for i in range(12)]
    devices = {i: {"state": "pending", "state_since": None, "last_sample_at": None, "last_seen_at": None}
               for i in ids}
    expected_changes, total_late = [], 0
    for _ in range(8):
        batch = [{"device_id": int(rng.choice(ids + [max(ids) + 1])), "at": at(int(rng.integers(0, 40)) * 30),
                  "state": str(rng.choice(["online", "degraded", "offline", "unknown"])), "latency_ms": 5.0}
                 for _ in range(int(rng.integers(1, 60)))]
        changes_now, late = reference_fold(devices, batch)
        expected_changes += changes_now
        total_late += late
        result = feed(db, *[(s["device_id"], (s["at"] - T0).total_seconds(), s["state"]) for s in batch])
        unknown = sum(1 for s in batch if s["device_id"] not in devices)
        assert result == {"samples": len(batch) - unknown, "late": late, "changes": len(changes_now),
                          "unknown_devices": unknown}
        for device_id, expected in devices.items():
            d = device(db, device_id)
            assert {k: getattr(d, k) for k in expected} == expected
    with db.connect() as conn:
        stored = conn.execute(select(m.DeviceStateChange.device_id, m.DeviceStateChange.at,
                                     m.DeviceStateChange.from_state, m.DeviceStateChange.to_state)
                              .order_by(m.DeviceStateChange.id)).all()
    assert [tuple(r) for r in stored] == expected_changes
    assert total_late > 0 and len(expected_changes) > 20


def test_samples_for_unknown_devices_are_not_stored(db):
    cam = add_device(db, "CAM-1")
    assert feed(db, (cam, 0, "online"), (cam + 999, 0, "online"))["unknown_devices"] == 1


def test_silence_turns_a_device_unknown_then_offline_at_the_thresholds(db):
    cam = add_device(db, "CAM-1")
    feed(db, (cam, 0, "online"))
    refresh(db, 179)
    assert device(db, cam).state == "online"
    refresh(db, 180)
    assert (device(db, cam).state, device(db, cam).state_since) == ("unknown", at(180))
    refresh(db, 599)
    assert device(db, cam).state == "unknown"
    refresh(db, 650)
    d = device(db, cam)
    assert (d.state, d.state_since, d.last_seen_at) == ("offline", at(600), at(0))  # down since the threshold
    refresh(db, 700)  # idempotent
    assert changes(db, cam)[-2:] == [(at(180), "online", "unknown"), (at(600), "unknown", "offline")]
    assert len(changes(db, cam)) == 3
    feed(db, (cam, 800, "online"))
    assert (device(db, cam).state, device(db, cam).state_since) == ("online", at(800))


def test_a_long_silence_gives_both_changes_at_their_own_times(db):
    cam = add_device(db, "CAM-1")
    feed(db, (cam, 0, "degraded"))
    refresh(db, 5000)
    assert changes(db, cam)[1:] == [(at(180), "degraded", "unknown"), (at(600), "unknown", "offline")]


def test_a_device_reported_offline_stays_offline_when_silent(db):
    cam = add_device(db, "CAM-1")
    feed(db, (cam, 0, "offline"))
    refresh(db, 400)
    assert (device(db, cam).state, device(db, cam).state_since) == ("offline", at(0))
    assert len(changes(db, cam)) == 1


def test_a_device_never_heard_from_counts_from_its_installation(db):
    new = add_device(db, "CAM-NEW", installed_at=at(0))
    refresh(db, 599)
    assert device(db, new).state == "pending"  # not reported yet: never counted as down
    refresh(db, 600)
    assert (device(db, new).state, device(db, new).state_since) == ("offline", at(600))


def refresh_watched(engine, seconds: float, watching_since: float) -> dict:
    with engine.begin() as conn:
        return refresh_states(conn, PROFILE, at(seconds), watching_since=at(watching_since))


def test_after_a_restart_silence_from_before_it_is_not_an_outage(db):
    """The rules' process restarts at 3,600 s after an hour in which nobody watched: a device
    that reports soon after is online throughout; one that does not is 'pending' (not down) until
    it has been silent for the offline threshold counted from the restart."""
    reporting, silent, known_down = add_device(db, "CAM-1"), add_device(db, "CAM-2"), add_device(db, "CAM-3")
    feed(db, (reporting, 0, "online"), (silent, 0, "online"), (known_down, 0, "offline"))
    refresh_watched(db, 3600, 3600)
    assert [device(db, d).state for d in (reporting, silent, known_down)] == ["pending", "pending", "offline"]
    assert device(db, silent).state_since == at(3600)  # since the restart, not since the old silence
    with db.connect() as conn:
        down = conn.execute(select(func.count()).where(m.Device.state.in_(("offline", "unknown")))).scalar_one()
    assert down == 1  # only the device that said it was offline
    feed(db, (reporting, 4100, "online"))
    refresh_watched(db, 4199, 3600)
    assert [device(db, d).state for d in (reporting, silent)] == ["online", "pending"]
    refresh_watched(db, 4200, 3600)  # 600 s of silence since the restart: now it is evidence
    assert (device(db, silent).state, device(db, silent).state_since) == ("offline", at(4200))
    assert [c[1:] for c in changes(db, silent)] == [("pending", "online"), ("online", "pending"), ("pending", "offline")]
    refresh_watched(db, 4100 + 180, 3600)  # the device that reported since the restart goes silent: unknown, as before
    assert device(db, reporting).state == "unknown"


def test_flapping_needs_enough_changes_within_the_window(db):
    cam = add_device(db, "CAM-1")
    steady = add_device(db, "CAM-2")
    feed(db, *[(cam, 60 * i, "online" if i % 2 == 0 else "offline") for i in range(4)],
         *[(steady, 60 * i, "online") for i in range(4)])  # cam: 4 changes (incl. the first), steady: 1
    assert refresh(db, 200)["flapping"] == 1
    assert device(db, cam).flapping is True and device(db, steady).flapping is False
    feed(db, (cam, 3650, "online"))
    refresh(db, 3700)  # the changes at 0 and 60 s have left the hour's window: 3 remain
    assert device(db, cam).flapping is False and device(db, steady).flapping is False


# --- roll-ups ------------------------------------------------------------------------------------------


def reference_totals(sample_times, sample_states, windows, installed, start, end):
    """Second by second, the rule as the module docstring states it: {hour: totals}."""
    out = {}
    for x in range(start, end):
        hour = x - x % 3600
        row = out.setdefault(hour, dict.fromkeys(TOTALS, 0))
        if any(ws <= x < we for ws, we in windows):
            row["maintenance_seconds"] += 1 if installed is None or x >= installed else 0
            continue
        i = bisect.bisect_right(sample_times, x) - 1
        if i < 0:
            silent_from = installed
            state = None
        else:
            silent_from, state = sample_times[i], sample_states[i]
        silence = x - silent_from
        if silence < 0:
            continue  # not installed yet
        if state == "offline":
            verdict = "down"
        elif state in ("online", "degraded") and silence < RULES.unknown_after_seconds:
            verdict = state
        elif silence < RULES.offline_after_seconds:
            verdict = None
        else:
            verdict = "down"
        if verdict is None:
            continue
        row["known_seconds"] += 1
        if verdict != "down":
            row["up_seconds"] += 1
        if verdict == "degraded":
            row["degraded_seconds"] += 1
    for t in sample_times:
        if start <= t < end:
            out[t - t % 3600]["samples"] += 1
    return out


def random_history(rng, duration: int):
    """Samples about once a minute with jitter, gaps (short and long), bursts of outages."""
    times, states, t = [], [], int(rng.integers(0, 60))
    state = "online"
    while t < duration:
        roll = rng.random()
        if roll < 0.03:
            t += int(rng.integers(200, 2000))  # a gap: unknown, maybe long enough to count as down
        if rng.random() < 0.08:
            state = rng.choice(["online", "online", "degraded", "offline", "unknown"])
        times.append(t)
        states.append(str(state))
        t += int(rng.integers(40, 80))
    return times, states


def rollup_rows(engine, table=m.DeviceUptimeHourly, key="hour") -> dict:
    with engine.connect() as conn:
        rows = conn.execute(select(table.device_id, getattr(table, key), *[getattr(table, n) for n in TOTALS])).all()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def test_hourly_rollups_match_a_second_by_second_reading_of_the_samples(db):
    rng = np.random.default_rng(4)
    hours = 5
    duration = hours * 3600
    plan = {
        "steady": dict(installed=-86400, windows=[]),
        "installed-mid-way": dict(installed=4000, windows=[]),
        "maintained": dict(installed=-86400, windows=[(5000, 9000), (8000, 9500), (15000, 15100)]),
        "silent": dict(installed=-86400, windows=[], silent=True),
    }
    expected, ids = {}, {}
    for name, spec in plan.items():
        device_id = ids[name] = add_device(db, name, installed_at=at(spec["installed"]))
        times, states = ([], []) if spec.get("silent") else random_history(rng, duration)
        if name == "installed-mid-way":
            keep = [i for i, t in enumerate(times) if t >= 4300]
            times, states = [times[i] for i in keep], [states[i] for i in keep]
        if name == "steady":  # the oldest sample: a rebuild starts at the first hour it fully covers, T0
            times, states = [-600] + times, ["online"] + states
        order = rng.permutation(len(times))  # delivered out of order, as a backlog import would be
        for part in np.array_split(order, 4):
            feed(db, *[(device_id, times[i], states[i]) for i in part])
        with db.begin() as conn:
            for ws, we in spec["windows"]:
                conn.execute(insert(m.MaintenanceWindow).values(device_id=device_id, starts_at=at(ws), ends_at=at(we),
                                                                reason="test"))
        ref = reference_totals(times, states, spec["windows"], spec["installed"], 0, duration)
        for hour, row in ref.items():
            expected[(device_id, at(hour))] = tuple(float(row[n]) if n != "samples" else row[n] for n in TOTALS)
    with db.begin() as conn:
        update_rollups(conn, PROFILE, at(duration), rebuild=True)
    got = rollup_rows(db)
    nonzero = lambda rows: {k: v for k, v in rows.items() if any(v)}  # noqa: E731
    assert min(hour for _, hour in got) == T0
    assert nonzero(got) == nonzero(expected)
    assert len(nonzero(expected)) >= len(plan) * hours - 1  # only the not-yet-installed hour is empty
    maintained = ids["maintained"]
    assert sum(v[4] for k, v in got.items() if k[0] == maintained) == 4500 + 100  # overlapping windows merged
    assert all(v[4] == 0 for k, v in got.items() if k[0] != maintained)


def test_rollups_of_a_device_silent_from_the_start_count_it_down(db):
    cam = add_device(db, "CAM-1")
    other = add_device(db, "CAM-2")
    feed(db, *[(other, 60 * i, "online") for i in range(-10, 120)])  # two hours of samples from another device
    with db.begin() as conn:
        update_rollups(conn, PROFILE, at(7200))
    rows = rollup_rows(db)
    assert rows[(cam, at(0))] == (0, 0.0, 0.0, 3600.0, 0.0)  # silent for ever: known, down
    assert rows[(other, at(3600))] == (60, 3600.0, 0.0, 3600.0, 0.0)


def test_incremental_runs_with_late_samples_equal_a_rebuild(db):
    rng = np.random.default_rng(11)
    devices = [add_device(db, f"CAM-{i}") for i in range(3)]
    history = {d: random_history(rng, 6 * 3600) for d in devices}
    # the first samples before T0 - offline_after, so every hour from T0 on is fully covered
    feed(db, *[(d, -700, "online") for d in devices])
    late = []
    for step_end in range(1800, 6 * 3600 + 1, 1800):  # a run every half hour
        batch = []
        for d, (times, states) in history.items():
            for t, s in zip(times, states):
                if step_end - 1800 <= t < step_end:
                    (late if rng.random() < 0.05 else batch).append((d, t, s))
        feed(db, *batch)
        if step_end % 5400 == 0 and late:  # late samples arrive now and then, hours after they were taken
            feed(db, *late)
            late = []
        with db.begin() as conn:
            update_rollups(conn, PROFILE, at(step_end))
    feed(db, *late)
    with db.begin() as conn:
        update_rollups(conn, PROFILE, at(6 * 3600))
    incremental, daily_incremental = rollup_rows(db), rollup_rows(db, m.DeviceUptimeDaily, "day")
    with db.begin() as conn:
        update_rollups(conn, PROFILE, at(6 * 3600), rebuild=True)
    rebuilt = rollup_rows(db)
    assert {k: v for k, v in incremental.items() if k[1] >= T0} == {k: v for k, v in rebuilt.items() if k[1] >= T0}
    assert daily_incremental == rollup_rows(db, m.DeviceUptimeDaily, "day")
    assert_groups_sum_the_devices(db)


def assert_groups_sum_the_devices(db):
    """The group roll-ups (what the pages read) are the device roll-ups summed per group."""
    for table, group_table, key in ((m.DeviceUptimeHourly, m.DeviceUptimeGroupHourly, "hour"),
                                    (m.DeviceUptimeDaily, m.DeviceUptimeGroupDaily, "day")):
        sums = {}
        for (_, when), values in rollup_rows(db, table, key).items():
            current = sums.get(when, (0,) * (len(TOTALS) + 1))
            sums[when] = tuple(a + b for a, b in zip(current, (1, *values)))
        with db.connect() as conn:
            groups = conn.execute(select(getattr(group_table, key), group_table.devices,
                                         *[getattr(group_table, n) for n in TOTALS])).all()
        assert {r[0]: tuple(r[1:]) for r in groups} == sums and len(groups) == len(sums)


def test_daily_rows_sum_the_hours_of_each_local_day(db):
    cam = add_device(db, "CAM-1")
    # 14.00 WIB on 22 Nov to 10.00 WIB on 23 Nov: samples every minute
    feed(db, *[(cam, s, "online" if (s // 3600) % 5 else "offline") for s in range(-17 * 3600 - 600, 3 * 3600, 60)])
    with db.begin() as conn:
        update_rollups(conn, PROFILE, at(3 * 3600), rebuild=True)
    hourly = rollup_rows(db)
    daily = rollup_rows(db, m.DeviceUptimeDaily, "day")
    wib_day = lambda moment: (moment + timedelta(hours=7)).date()  # noqa: E731
    sums = {}
    for (device_id, hour), values in hourly.items():
        key = (device_id, wib_day(hour))
        sums[key] = tuple(a + b for a, b in zip(sums.get(key, (0,) * 5), values))
    assert daily == sums
    assert_groups_sum_the_devices(db)
    assert set(d for _, d in daily) == {T0.date().replace(day=22), T0.date()}  # the WIB day changes at 17.00 UTC


def test_retention_deletes_raw_samples_but_not_the_rollups(db):
    cam = add_device(db, "CAM-1")
    times = range(-700, 4 * 86400, 120)
    feed(db, *[(cam, s, "online" if s % 7200 < 6000 else "offline") for s in times])
    now = at(4 * 86400)
    with db.begin() as conn:
        update_rollups(conn, PROFILE, now)
    before = rollup_rows(db), rollup_rows(db, m.DeviceUptimeDaily, "day")
    with db.begin() as conn:
        deleted = prune_samples(conn, PROFILE, now, retention_days=2)
        oldest = conn.execute(select(func.min(m.DeviceSample.at))).scalar()
    assert deleted == len([s for s in times if s < 2 * 86400])
    assert oldest == at(min(s for s in times if s >= 2 * 86400))
    assert (rollup_rows(db), rollup_rows(db, m.DeviceUptimeDaily, "day")) == before
    feed(db, (cam, 4 * 86400 + 30, "online"))
    with db.begin() as conn:  # a later incremental run leaves the pruned hours alone
        update_rollups(conn, PROFILE, at(4 * 86400 + 60))
    after = rollup_rows(db)
    assert all(after[k] == v for k, v in before[0].items() if k[1] < at(4 * 86400 - 3600))


def test_pruning_keeps_samples_not_yet_rolled_up(db):
    cam = add_device(db, "CAM-1")
    feed(db, *[(cam, s, "online") for s in range(-700, 86400, 60)])
    with db.begin() as conn:
        assert prune_samples(conn, PROFILE, at(30 * 86400), retention_days=7) == 0  # nothing rolled up yet
