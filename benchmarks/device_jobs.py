"""Time the worker's device jobs on a large city, each in a transaction that is rolled back
(the database is left as it was):

- one round of samples for every device (``record_samples``, as a probe round or an import);
- the state rules (``refresh_states``);
- the incremental roll-up run (the current hour, as the worker does every 5 minutes);
- a roll-up of the last 6 hours (what a late backlog import costs);
- the retention run as the worker makes it every hour (deleting the oldest hour of raw samples).

    python -m benchmarks.device_jobs --database-url sqlite:///benchmarks/out/devices-20k.db
"""
from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from cities import load_profile
from data_sources.db import make_engine
from data_sources.rules.device_state import record_samples, refresh_states
from data_sources.rules.uptime import prune_samples, roll_up, update_rollups


def _timed(engine, job) -> tuple[float, object]:
    with engine.connect() as conn:
        transaction = conn.begin()
        started = time.perf_counter()
        try:
            result = job(conn)
            return time.perf_counter() - started, result
        finally:
            transaction.rollback()


def run(database_url: str, city: str, report=print) -> str:
    profile = load_profile(city)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        newest = conn.execute(text("SELECT max(last_sample_at) FROM devices")).scalar_one()
        ids = [r[0] for r in conn.execute(text("SELECT id FROM devices WHERE active ORDER BY id"))]
        samples = conn.execute(text("SELECT count(*) FROM device_samples")).scalar_one()
        oldest = conn.execute(text("SELECT min(at) FROM device_samples")).scalar_one()
    now = datetime.fromisoformat(str(newest)).replace(tzinfo=timezone.utc) + timedelta(seconds=60)
    oldest = datetime.fromisoformat(str(oldest)).replace(tzinfo=timezone.utc)
    round_ = [{"device_id": i, "at": now, "state": "online", "latency_ms": 20.0} for i in ids]
    jobs = [
        (f"record_samples: one sample for each of {len(ids):,} devices", lambda c: record_samples(c, round_)),
        ("refresh_states: silence and flapping rules", lambda c: refresh_states(c, profile, now)),
        ("update_rollups: incremental run (current hour)", lambda c: update_rollups(c, profile, now)),
        ("roll_up: the last 6 hours", lambda c: roll_up(c, profile, now - timedelta(hours=6), now)),
        ("prune_samples: the oldest hour of raw samples",
         lambda c: prune_samples(c, profile, now, retention_days=(now - oldest).total_seconds() / 86400 - 1 / 24)),
    ]
    lines = [f"{len(ids):,} devices, {samples:,} raw samples; {database_url.split(':', 1)[0]}; each job once, "
             "in a transaction rolled back afterwards", "", "| job | seconds | result |", "|---|---:|---|"]
    for line in lines:
        report(line)
    for label, job in jobs:
        seconds, result = _timed(engine, job)
        lines.append(f"| {label} | {seconds:.1f} | `{result}` |")
        report(lines[-1])  # as each job ends: the slow ones take minutes at this scale
    engine.dispose()
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:///benchmarks/out/devices-20k.db")
    parser.add_argument("--city", default="kota_tangerang")
    args = parser.parse_args(argv)
    run(args.database_url, args.city, report=lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
