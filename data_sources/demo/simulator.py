"""Live mode for the demo city: every few seconds, new complaints, agency responses and
device heartbeats, so a wall screen visibly moves.

New complaints follow the history the generator wrote: by default as many per minute as the
last four weeks held on average, each category with its own hours of the day and weekends,
each kecamatan in proportion to its population; so the early warning sees normal traffic
until a burst is injected (``make burst``).

``python -m data_sources.demo.simulator`` runs it as its own process (the Procfile's
``simulator``); the development server (``make run``) runs it in a background thread.
"""
from __future__ import annotations

import argparse
import logging
from datetime import datetime, timedelta, timezone

import numpy as np
import shapely
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from cities import APP_KIND, CityProfile, load_profile
from data_sources.demo import texts as words
from data_sources.demo.complaints import day_factor, hour_shape
from data_sources import models as m
from data_sources.db import make_engine
from data_sources.rules.deadlines import WorkCalendar
from data_sources.rules.device_state import record_samples, refresh_states
from data_sources.rules import complaint_rollups
from data_sources.rules.burst_watch import BurstWatch
from data_sources.rules.flags import amber_share, refresh_flags, reopen, response_clock
from data_sources.geo import random_points_in
from data_sources.ingest.profile_sync import lookup_ids
from data_sources.portfolio import refresh_app_states
from data_sources.schedule import run_forever
from data_sources.rules.uptime import update_rollups

log = logging.getLogger(__name__)

# the next status of an open complaint, and what the event says
_NEXT = {"received": ("assigned", "Diteruskan ke OPD"), "assigned": ("responded", "Ditanggapi OPD"),
         "reopened": ("responded", "Ditanggapi OPD"),
         "responded": ("in_progress", "Sedang ditangani"), "in_progress": ("resolved", "Selesai ditangani")}


class Simulator:
    """One city's live feed. Holds its own random generator and tick counter; nothing global."""

    def __init__(self, engine: Engine, profile: CityProfile, *, seed: int = 1, complaints_per_minute: float | None = None,
                 interval_seconds: float = 5.0) -> None:
        self.engine = engine
        self.profile = profile
        self.rng = np.random.default_rng(seed)
        self.rate = complaints_per_minute if complaints_per_minute is not None else _recent_rate(engine, profile.code)
        self.interval = interval_seconds
        self.ticks = 0
        self.rollup_every = max(1, round(60 / interval_seconds))  # roll-ups about once a minute
        self.watch_every = max(1, round(15 / interval_seconds))  # the early warning about every 15 s
        self.burst_watch = BurstWatch(profile)
        self.last_tick: datetime | None = None
        self.watching_since: datetime | None = None  # the first tick: silence before it is not an outage
        self.calendar = WorkCalendar.for_profile(profile)
        self.amber_share = amber_share(profile)
        self.categories = {c.code: c for c in profile.complaint_categories}
        self.category_ids = lookup_ids(engine, m.ComplaintCategory, profile.code)
        self.agency_ids = lookup_ids(engine, m.Agency, profile.code)
        self.source_ids = lookup_ids(engine, m.Source, profile.code, key="key")
        with engine.connect() as conn:
            rows = conn.execute(select(m.Region.id, m.Region.code, m.Region.name, m.Region.parent_code, m.Region.geometry)
                                .where(m.Region.city_code == profile.code, m.Region.level == "kelurahan")).all()
            region_ids = dict(conn.execute(select(m.Region.code, m.Region.id)
                                           .where(m.Region.city_code == profile.code)).all())
        self.kelurahan = [(r.id, r.name, region_ids[r.parent_code], shapely.from_geojson(r.geometry)) for r in rows]
        population = {kel.code: kec.population / len(kec.kelurahan) for kec in profile.kecamatan for kel in kec.kelurahan}
        weights = np.array([population.get(r.code, 1.0) for r in rows], dtype=float)
        self.kelurahan_weights = weights / weights.sum()

    # -- complaints ----------------------------------------------------------------------------

    def _arrivals(self, now: datetime) -> list[str]:
        """The categories of the complaints arriving this tick (Poisson, per category)."""
        local = now.astimezone(self.calendar.tz)
        rest_day = local.weekday() >= 5  # as the generator wrote the history (it knows no holidays)
        codes = list(self.categories)
        weights = np.array([self.categories[c].demo_weight for c in codes], dtype=float)
        per_tick = self.rate * self.interval / 60 * weights / weights.sum()
        expected = [share * hour_shape(code)[local.hour] * day_factor(code, rest_day)
                    for code, share in zip(codes, per_tick)]
        return [code for code, mean in zip(codes, expected) for _ in range(int(self.rng.poisson(mean)))]

    def _new_complaints(self, conn, now: datetime) -> int:
        arrivals = self._arrivals(now)
        system = self.profile.complaint_system.get("name", "DEMO").upper()
        for i, code in enumerate(arrivals):
            category = self.categories[code]
            kel_id, kel_name, kec_id, shape = self.kelurahan[self.rng.choice(len(self.kelurahan),
                                                                             p=self.kelurahan_weights)]
            lat, lon = random_points_in(shape, 1, self.rng)
            place = f"{self.rng.choice(words.STREETS)} No. {self.rng.integers(1, 200)}, {kel_name}"
            templates = words.TEMPLATES.get(category.code, words.GENERIC_TEMPLATE)
            clock = response_clock(now, category, self.calendar, self.amber_share)
            complaint_id = conn.execute(m.Complaint.__table__.insert().values(
                city_code=self.profile.code, source_id=self.source_ids["complaints"],
                external_id=f"{system}-L{int(now.timestamp())}{self.ticks % 1000:03d}{i:02d}",
                category_id=self.category_ids[category.code], agency_id=self.agency_ids[category.agency],
                kecamatan_id=kec_id, kelurahan_id=kel_id, lat=float(lat[0]), lon=float(lon[0]),
                address=place, description=templates[self.rng.integers(len(templates))].format(place=place),
                channel=str(self.rng.choice(words.CHANNELS, p=words.CHANNEL_WEIGHTS)), status="received",
                received_at=now, updated_at=now,
                response_amber_at=clock.amber_at, response_due_at=clock.due_at,
                resolution_due_at=clock.resolution_due_at,
            ).returning(m.Complaint.id)).scalar_one()
            conn.execute(m.ComplaintEvent.__table__.insert().values(
                complaint_id=complaint_id, status="received", at=now, note="Aduan diterima"))
        return len(arrivals)

    def _advance_complaints(self, conn, now: datetime) -> int:
        """Move a few recent open complaints one step along their way."""
        recent = conn.execute(
            select(m.Complaint.id, m.Complaint.status, m.Complaint.agency_id)
            .where(m.Complaint.city_code == self.profile.code, m.Complaint.status.in_(list(_NEXT)),
                   m.Complaint.received_at >= now - timedelta(days=3))
            .order_by(m.Complaint.received_at.desc()).limit(200)
        ).all()
        if not recent:
            return 0
        chosen = self.rng.choice(len(recent), size=min(len(recent), int(self.rng.integers(1, 4))), replace=False)
        for index in chosen:
            row = recent[int(index)]
            status, note = _NEXT[row.status]
            values = {"status": status, "updated_at": now}
            values |= {"assigned": {"assigned_at": now}, "responded": {"first_response_at": now},
                       "resolved": {"resolved_at": now}}.get(status, {})
            conn.execute(update(m.Complaint).where(m.Complaint.id == row.id).values(**values))
            conn.execute(m.ComplaintEvent.__table__.insert().values(
                complaint_id=row.id, status=status, at=now, agency_id=row.agency_id, note=note))
        return len(chosen)

    def _reopen_some(self, conn, now: datetime) -> int:
        """Now and then a citizen says a resolved complaint is not fixed after all."""
        if self.rng.random() >= 0.05:
            return 0
        candidate = conn.execute(
            select(m.Complaint.id).where(m.Complaint.city_code == self.profile.code, m.Complaint.status == "resolved",
                                         m.Complaint.resolved_at >= now - timedelta(days=7))
            .order_by(m.Complaint.resolved_at.desc()).limit(1).offset(int(self.rng.integers(0, 50)))
        ).scalar()
        if candidate is None:
            return 0
        reopen(conn, self.profile, candidate, now, note="Pelapor menyatakan masalah belum selesai")
        return 1

    # -- devices -------------------------------------------------------------------------------

    def _heartbeats(self, conn, now: datetime) -> dict[str, int]:
        """A heartbeat for each device whose turn it is (every device about once a minute);
        counts of samples by kind. Most devices that fail go silent, as dead cameras do, and
        the state rules turn the silence into unknown, then offline; the rest report offline."""
        groups = max(1, round(60 / self.interval))
        rows = conn.execute(
            select(m.Device.id, m.Device.kind, m.Device.state)
            .where(m.Device.city_code == self.profile.code, m.Device.active.is_(True),
                   m.Device.id % groups == self.ticks % groups)
        ).all()
        samples = []
        for row in rows:
            roll = self.rng.random()
            state = row.state
            if state in ("online", "degraded"):
                state = ("offline" if roll < 0.0008 else "degraded" if row.kind == "wifi" and roll < 0.01
                         else "online" if state == "online" or roll < 0.4 else "degraded")
            elif roll < 0.03:
                state = "online"  # back after an outage
            else:
                state = "offline"
                if row.id % 3:
                    continue  # silent
            latency = None if state == "offline" else round(float(self.rng.gamma(2.0, 15.0)) * (8 if state == "degraded"
                                                                                                else 1), 1)
            samples.append({"device_id": row.id, "at": now, "state": state, "latency_ms": latency})
        record_samples(conn, samples)
        kinds = {row.id: row.kind for row in rows}
        return {kind: sum(1 for s in samples if kinds[s["device_id"]] == kind) for kind in self.profile.device_rules}

    def _record_run(self, conn, key: str, now: datetime, rows: int) -> None:
        source_id = self.source_ids[key]
        conn.execute(m.SourceRun.__table__.insert().values(
            source_id=source_id, started_at=now, finished_at=now, status="ok", rows_received=rows, rows_accepted=rows,
            rows_rejected=0, message="Simulator"))
        conn.execute(update(m.Source).where(m.Source.id == source_id).values(last_success_at=now))

    def tick(self, now: datetime | None = None) -> dict[str, int]:
        now = now or datetime.now(timezone.utc)
        with self.engine.begin() as conn:
            new = self._new_complaints(conn, now)
            advanced = self._advance_complaints(conn, now)
            reopened = self._reopen_some(conn, now)
            flags = refresh_flags(conn, self.profile.code, now, since=self.last_tick)
            complaint_rollups.refresh_changed_since(conn, self.profile.code, self.profile.timezone,
                                                    self.last_tick or now)
            samples = self._heartbeats(conn, now)
            self.watching_since = self.watching_since or now
            refresh_states(conn, self.profile, now, self.watching_since)
            refresh_app_states(conn, self.profile, now, self.watching_since)
            if self.ticks % self.rollup_every == 0:
                update_rollups(conn, self.profile, now)
            if self.ticks % self.watch_every == 0:
                self.burst_watch.run(conn, now)
            self._record_run(conn, "complaints", now, new + advanced + reopened)
            self._record_run(conn, "cctv_nvr", now, samples["cctv"])
            self._record_run(conn, "wifi_probe", now, samples["wifi"])
            if self.profile.applications is not None:  # the portfolio's apps report like the cameras do
                self._record_run(conn, self.profile.applications.source, now, samples[APP_KIND])
        self.ticks += 1
        self.last_tick = now
        return {"new_complaints": new, "advanced_complaints": advanced, "reopened_complaints": reopened,
                "flags_raised": flags["raised_red"] + flags["raised_amber"],
                "flags_cleared": flags["cleared_red"] + flags["cleared_amber"], "device_samples": sum(samples.values())}

    def safe_tick(self) -> None:
        try:
            self.tick()
        except SQLAlchemyError:
            log.exception("simulator tick failed; trying again next tick")


def _recent_rate(engine: Engine, city_code: str, days: int = 28) -> float:
    """Complaints per minute over the last ``days`` days of the history (at least one an hour)."""
    with engine.connect() as conn:
        newest = conn.execute(select(func.max(m.Complaint.received_at)).where(
            m.Complaint.city_code == city_code)).scalar_one()
        if newest is None:
            return 1 / 60
        count = conn.execute(select(func.count()).where(
            m.Complaint.city_code == city_code, m.Complaint.received_at > newest - timedelta(days=days))).scalar_one()
    return max(count / (days * 1440), 1 / 60)


def start_background(settings) -> BackgroundScheduler:
    """Run the simulator in a daemon thread of this process (development server only)."""
    simulator = Simulator(make_engine(settings.database_url), load_profile(settings.city), seed=settings.demo_seed,
                          interval_seconds=settings.simulate_interval_seconds)
    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(simulator.safe_tick, "interval", seconds=settings.simulate_interval_seconds, max_instances=1,
                      coalesce=True, next_run_time=datetime.now(timezone.utc))
    scheduler.start()
    return scheduler


def main(argv: list[str] | None = None) -> int:
    from settings import load_settings

    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m data_sources.demo.simulator", description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=settings.simulate_interval_seconds, help="seconds between ticks")
    parser.add_argument("--complaints-per-minute", type=float, default=None,
                        help="default: the average of the history's last four weeks")
    parser.add_argument("--ticks", type=int, default=0, help="stop after this many ticks (0: run until stopped)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    simulator = Simulator(make_engine(settings.database_url), load_profile(settings.city), seed=settings.demo_seed,
                          complaints_per_minute=args.complaints_per_minute, interval_seconds=args.interval)
    if args.ticks:
        for _ in range(args.ticks):
            log.info("tick %s", simulator.tick())
        return 0
    run_forever([("tick", simulator.tick, args.interval)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
