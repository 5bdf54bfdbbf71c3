"""The background worker beside the web app (the Procfile's ``worker``).

On one scheduler: a probe round for devices checked by TCP/HTTP, the silence and flapping
rules for every device, the uptime roll-ups, and the pruning of raw samples past their
retention (``schedule.run_forever``: a database error is retried on the job's next run).

``python -m data_sources.worker [--probe-interval 60] [--state-interval 30]``
"""
from __future__ import annotations

import argparse
import logging
from datetime import datetime, timezone

from sqlalchemy import Engine

from cities import CityProfile
from data_sources.ingest import probe
from data_sources.rules import uptime
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

    def probe_round(self) -> dict:
        return probe.run_once(self.engine, self.profile.code, now=self.now(), timeout=self.probe_timeout)

    def refresh_states(self) -> dict:
        with self.engine.begin() as conn:
            return refresh_states(conn, self.profile, self.now())

    def roll_up(self) -> dict:
        with self.engine.begin() as conn:
            return uptime.update_rollups(conn, self.profile, self.now())

    def prune(self) -> int:
        with self.engine.begin() as conn:
            return uptime.prune_samples(conn, self.profile, self.now(), self.retention_days)


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
    jobs = [("states", worker.refresh_states, args.state_interval),
            ("roll-ups", worker.roll_up, settings.rollup_interval_seconds),
            ("retention", worker.prune, 3600.0)]
    if args.probe_interval > 0:
        jobs.insert(0, ("probe", worker.probe_round, args.probe_interval))
    run_forever(jobs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
