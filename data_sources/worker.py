"""The background worker beside the web app (the Procfile's ``worker``).

On one scheduler: a probe round for devices checked by TCP/HTTP (the portfolio's applications
included), the silence and flapping rules for every device, the uptime roll-ups, the pruning
of raw samples past their retention, the early warning of complaint bursts (every minute),
and a pull of each source with an ``open311`` block in
the city profile on its ``interval_seconds`` (``schedule.run_forever``: a database error is
retried on the job's next run; a failing Open311 server is a failed run on its source, never
an error here). Each job runs at most once at a time, in the scheduler's threads, so a slow
server delays only its own source's next pull.

``python -m data_sources.worker [--probe-interval 60] [--state-interval 30]``
"""
from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import Engine

from cities import CityProfile
from data_sources.ingest import open311_pull, probe
from data_sources.portfolio import refresh_app_states
from data_sources.rules import uptime
from data_sources.rules.burst_watch import BurstWatch
from data_sources.rules.device_state import refresh_states
from data_sources.schedule import run_forever

log = logging.getLogger(__name__)


class Worker:
    """The jobs, bound to one engine and one city; ``now`` is injectable for tests."""

    def __init__(self, engine: Engine, profile: CityProfile, *, retention_days: float, probe_timeout: float = 3.0,
                 now=lambda: datetime.now(timezone.utc)) -> None:
        self.engine, self.profile, self.retention_days = engine, profile, retention_days
        self.probe_timeout = probe_timeout
        self.now = now
        self.watching_since = now()  # the worker's start: silence from before it is no evidence of an outage
        self.burst_watch = BurstWatch(profile)

    def probe_round(self) -> dict:
        return probe.run_once(self.engine, self.profile.code, now=self.now(), timeout=self.probe_timeout)

    def refresh_states(self) -> dict:
        now = self.now()
        with self.engine.begin() as conn:
            counts = refresh_states(conn, self.profile, now, self.watching_since)
            apps = refresh_app_states(conn, self.profile, now, self.watching_since)  # the application portfolio's devices
            return {key: counts[key] + apps[key] for key in counts}

    def roll_up(self) -> dict:
        with self.engine.begin() as conn:
            return uptime.update_rollups(conn, self.profile, self.now())

    def watch_bursts(self) -> dict:
        with self.engine.begin() as conn:
            return self.burst_watch.run(conn, self.now())

    def prune(self) -> int:
        with self.engine.begin() as conn:
            return uptime.prune_samples(conn, self.profile, self.now(), self.retention_days)

    def jobs(self, *, probe_interval: float, state_interval: float,
             rollup_interval: float) -> list[tuple[str, Callable[[], object], float]]:
        """(name, function, seconds between runs) for ``schedule.run_forever``; no probes at interval 0."""
        jobs = [("probe", self.probe_round, probe_interval)] if probe_interval > 0 else []
        jobs += [("states", self.refresh_states, state_interval), ("roll-ups", self.roll_up, rollup_interval),
                 ("retention", self.prune, 3600.0), ("early warning", self.watch_bursts, 60.0)]
        return jobs + open311_pull.jobs(self.engine, self.profile, now=self.now)


def main(argv: list[str] | None = None) -> int:
    from cities import load_profile
    from data_sources.db import make_engine
    from settings import load_settings

    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m data_sources.worker", description=__doc__.splitlines()[0])
    parser.add_argument("--probe-interval", type=float, default=60.0, help="seconds between probe rounds (0: no probes)")
    parser.add_argument("--state-interval", type=float, default=30.0, help="seconds between state-rule runs")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    worker = Worker(make_engine(settings.database_url), load_profile(settings.city),
                    retention_days=settings.raw_sample_retention_days)
    run_forever(worker.jobs(probe_interval=args.probe_interval, state_interval=args.state_interval,
                            rollup_interval=settings.rollup_interval_seconds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
