"""A believable demo city, generated deterministically from a seed: its complaints
(``complaints``), cameras and access points (``devices``), KPIs and indicators
(``services``), the evaluation's evidence and the application portfolio (``evidence``), and the
sources' bookkeeping as its feeds would have left it. The same seed
and ``now`` give the same database, row for row.
"""
from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from cities import CityProfile
from data_sources import models as m
from data_sources.demo.common import HOUR, SIZES, DemoSize, floor_hour, to_datetime64
from data_sources.demo import evidence as demo_evidence
from data_sources.demo.complaints import complaint_frames
from data_sources.demo.devices import device_frame, device_history
from data_sources.demo.services import indicator_values, kpi_values
from data_sources.ingest.bulk import bulk_insert, next_id
from data_sources.ingest.profile_sync import lookup_ids, sync_profile
from data_sources.rules import uptime
from data_sources.rules.device_state import refresh_states
from data_sources.rules import complaint_rollups
from data_sources.rules.flags import refresh_flags
from data_sources.rules.periods import local_today

log = logging.getLogger(__name__)


def _ids(engine, profile) -> dict[str, dict[str, int]]:
    city = profile.code
    with engine.connect() as conn:
        regions = dict(conn.execute(select(m.Region.code, m.Region.id).where(m.Region.city_code == city)).all())
    return {
        "kecamatan": regions, "kelurahan": regions,
        "agency": lookup_ids(engine, m.Agency, city), "category": lookup_ids(engine, m.ComplaintCategory, city),
        "source": lookup_ids(engine, m.Source, city, key="key"), "kpi": lookup_ids(engine, m.KpiDefinition, city),
        "indicator": lookup_ids(engine, m.Indicator, city),
    }


def clear_city(engine: Engine, city_code: str) -> None:
    """Delete one city's generated facts (not its reference data)."""
    with Session(engine) as s, s.begin():
        demo_evidence.clear_demo(s, city_code)  # the demo's evidence and apps; the other apps lose their devices
        device_ids = select(m.Device.id).where(m.Device.city_code == city_code)
        complaint_ids = select(m.Complaint.id).where(m.Complaint.city_code == city_code)
        source_ids = select(m.Source.id).where(m.Source.city_code == city_code)
        for model in (m.DeviceSample, m.DeviceStateChange, m.MaintenanceWindow, m.DeviceUptimeHourly, m.DeviceUptimeDaily):
            s.execute(delete(model).where(model.device_id.in_(device_ids)))
        for model in (m.DeviceUptimeGroupHourly, m.DeviceUptimeGroupDaily):
            s.execute(delete(model).where(model.city_code == city_code))
        s.execute(delete(m.Device).where(m.Device.city_code == city_code))
        s.execute(delete(m.DeviceRollupMark).where(m.DeviceRollupMark.city_code == city_code))
        for model in (m.ComplaintEvent, m.ComplaintFlag):
            s.execute(delete(model).where(model.complaint_id.in_(complaint_ids)))
        s.execute(delete(m.Complaint).where(m.Complaint.city_code == city_code))
        for model in (m.ComplaintDaily, m.ComplaintDailyResponse, m.ComplaintDailyHour, m.ComplaintMonthly,
                      m.ComplaintMonthlyResponse, m.ComplaintMonthlyHour, m.ComplaintDailyCell, m.ComplaintMonthlyCell,
                      m.ComplaintRollupMark, m.ComplaintAlert):
            s.execute(delete(model).where(model.city_code == city_code))
        for model in (m.KpiValue, m.KpiValueRevision):
            s.execute(delete(model).where(model.kpi_id.in_(
                select(m.KpiDefinition.id).where(m.KpiDefinition.city_code == city_code))))
        s.execute(delete(m.IndicatorValue).where(m.IndicatorValue.indicator_id.in_(
            select(m.Indicator.id).where(m.Indicator.city_code == city_code))))
        s.execute(delete(m.RejectedRecord).where(m.RejectedRecord.source_id.in_(source_ids)))
        s.execute(delete(m.SourceRun).where(m.SourceRun.source_id.in_(source_ids)))


def _record_runs(conn, profile, ids, now: datetime, counts: dict) -> None:
    """Source bookkeeping as the demo's feeds would have left it, including refused rows."""
    src = ids["source"]
    last = {"kpi_sheet": datetime(now.year, now.month, 5, tzinfo=timezone.utc),
            "indicator_sheet": datetime(now.year, 2, 15, tzinfo=timezone.utc)}
    run_rows = {"complaints": counts["complaints"], "cctv_nvr": counts["cameras"], "wifi_probe": counts["access_points"],
                "kpi_sheet": counts["kpi_values"], "indicator_sheet": counts["indicator_values"]}
    if profile.applications is not None:
        run_rows[profile.applications.source] = counts.get("applications", 0)
    for key, source_id in src.items():
        at = min(last.get(key, now), now)
        run_id = conn.execute(m.SourceRun.__table__.insert().values(
            source_id=source_id, started_at=at - timedelta(seconds=3), finished_at=at, status="ok",
            rows_received=run_rows.get(key, 0) + (2 if key == "complaints" else 0),
            rows_accepted=run_rows.get(key, 0), rows_rejected=2 if key == "complaints" else 0,
            message="Impor awal data demo").returning(m.SourceRun.id)).scalar_one()
        conn.execute(update(m.Source).where(m.Source.id == source_id).values(last_success_at=at))
        if key == "complaints":
            bad = [({"service_request_id": "X-1", "service_code": "pju", "lat": -7.9, "long": 110.4},
                    "Koordinat di luar wilayah kota"),
                   ({"service_request_id": "X-2", "service_code": "ufo", "description": "?"},
                    "Kategori 'ufo' tidak ada dalam profil kota")]
            for raw, reason in bad:
                conn.execute(m.RejectedRecord.__table__.insert().values(
                    source_id=source_id, run_id=run_id, external_id=raw["service_request_id"], raw=json.dumps(raw),
                    reason=reason, created_at=at, record_kind="complaints"))


def generate(engine: Engine, profile: CityProfile, *, size: DemoSize = DemoSize(), seed: int = 20261123,
             now: datetime | None = None, boundaries_dir: Path | None = None) -> dict[str, int]:
    """Fill the database with one demo city (its previous demo facts are replaced)."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    now_s = int(now.timestamp())
    rng = np.random.default_rng(seed)
    timings = {}
    t0 = time.perf_counter()
    shapes = sync_profile(engine, profile, boundaries_dir)
    clear_city(engine, profile.code)
    ids = _ids(engine, profile)
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        complaints, events = complaint_frames(rng, profile, ids, shapes, size, now_s, next_id(conn, m.Complaint.__table__),
                                               ids["source"]["complaints"])
        timings["complaints_built"] = time.perf_counter() - t0
        log.info("%s complaints built in %.1f s; writing", len(complaints), timings["complaints_built"])
        counts["complaints"] = bulk_insert(conn, m.Complaint.__table__, complaints)
        counts["complaint_events"] = bulk_insert(conn, m.ComplaintEvent.__table__, events)
        flags = refresh_flags(conn, profile.code, now)
        counts["complaint_flags"] = flags["raised_red"] + flags["raised_amber"]
        counts["complaint_daily"] = complaint_rollups.rebuild(conn, profile.code, profile.timezone, now)
        timings["complaints_written"] = time.perf_counter() - t0
        log.info("complaints and %s events written at %.1f s; devices next", counts["complaint_events"],
                 timings["complaints_written"])
        del complaints, events
        start = next_id(conn, m.Device.__table__)
        cams = device_frame(rng, profile, ids, shapes, "cctv", size.cameras, start, ids["source"]["cctv_nvr"], now_s)
        aps = device_frame(rng, profile, ids, shapes, "wifi", size.access_points, start + size.cameras,
                            ids["source"]["wifi_probe"], now_s)
        devices = pd.concat([cams, aps], ignore_index=True)
        counts["cameras"], counts["access_points"] = len(cams), len(aps)
        lookback = max(r.offline_after_seconds for r in profile.devices.values())
        hourly, samples, changes, current = device_history(rng, devices, size, now_s, lookback)
        devices = devices.drop(columns=["state", "state_since", "last_seen_at"]).merge(current, on="id")
        for column in ("state_since", "last_sample_at", "last_seen_at"):
            devices[column] = to_datetime64(devices[column].to_numpy(dtype=float))
        bulk_insert(conn, m.Device.__table__, devices)
        bulk_insert(conn, m.DeviceUptimeHourly.__table__, hourly)
        counts["device_samples"] = bulk_insert(conn, m.DeviceSample.__table__, samples)
        counts["device_state_changes"] = bulk_insert(conn, m.DeviceStateChange.__table__, changes)
        del samples, hourly
        # planned maintenance on a few of the devices that are down now (it does not count against uptime)
        down_now = devices.loc[devices["state"] == "offline", "id"].to_numpy()
        planned = rng.choice(down_now, size=min(len(down_now), max(1, len(devices) // 400)), replace=False)
        counts["maintenance_windows"] = bulk_insert(conn, m.MaintenanceWindow.__table__, pd.DataFrame({
            "device_id": planned, "starts_at": to_datetime64(np.full(len(planned), now_s - 2 * HOUR)),
            "ends_at": to_datetime64(np.full(len(planned), now_s + 2 * HOUR)),
            "reason": "Pemeliharaan terjadwal: penggantian adaptor daya"}))
        # the raw hours rolled up by the live rule, every day summed from its hours, states by the rules
        history_start = datetime.fromtimestamp(floor_hour(now_s - size.device_history_days * 24 * HOUR), timezone.utc)
        uptime.rebuild_group_hourly(conn, profile, history_start, now)
        counts["uptime_hourly"] = len(devices) * (size.device_history_days * 24 - size.raw_sample_hours) + \
            uptime.update_rollups(conn, profile, now)["hourly_rows"]
        first_day = local_today(now - timedelta(days=size.device_history_days + 1), profile.timezone)
        counts["uptime_daily"] = uptime.rebuild_daily(conn, profile, [
            first_day + timedelta(days=i) for i in range(size.device_history_days + 2)])
        refresh_states(conn, profile, now)
        timings["devices_written"] = time.perf_counter() - t0
        log.info("%s devices with %s hourly roll-ups written at %.1f s", len(devices), counts["uptime_hourly"],
                 timings["devices_written"])
        counts["kpi_values"] = bulk_insert(conn, m.KpiValue.__table__,
                                           kpi_values(rng, profile, ids, size, now, ids["source"]["kpi_sheet"]))
        counts["indicator_values"] = bulk_insert(conn, m.IndicatorValue.__table__, indicator_values(
            rng, profile, ids, size, now, ids["source"]["indicator_sheet"]))
        counts |= demo_evidence.seed(conn, profile, ids, now, seed)  # evidence and the application portfolio
        _record_runs(conn, profile, ids, now, counts)
    with engine.begin() as conn:  # fresh statistics, so the planner picks the covering indexes
        conn.exec_driver_sql("ANALYZE")
    timings["total"] = time.perf_counter() - t0
    log.info("demo city %s generated: %s in %.1f s", profile.name, counts, timings["total"])
    return counts | {"seconds": round(timings["total"], 1)}


def has_data(engine: Engine, city_code: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(m.Complaint).where(m.Complaint.city_code == city_code)
                            ).scalar_one() > 0


def ensure_demo(engine: Engine, profile: CityProfile, seed: int, boundaries_dir: Path | None,
                size: str = "default") -> dict | None:
    """Seed the demo city on first start; on later starts only refresh the profile's reference data."""
    if has_data(engine, profile.code):
        sync_profile(engine, profile, boundaries_dir)
        return None
    return generate(engine, profile, size=SIZES[size], seed=seed, boundaries_dir=boundaries_dir)

