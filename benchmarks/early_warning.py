"""Time the early warning against a database, as the worker runs it: the daily baseline refit
(from the roll-ups of eight weeks) and the detector's run (the complaints of the last six
hours, detection, the alerts' lifecycle), with the clock at the newest complaint.

    python -m benchmarks.early_warning --database-url sqlite:///benchmarks/out/metropolis.db --repeat 30

Prints a Markdown table (``--repeat``: how many detector runs); with ``--out``, writes it to a file too. Nothing is kept: every run's
writes are rolled back.
"""
from __future__ import annotations

import statistics
import time
from datetime import timedelta

from sqlalchemy import create_engine, text

from benchmarks.dash_timing import as_utc, facts, main_for


def run(database_url: str, ticks: int) -> str:
    from cities import load_profile
    from data_sources.rules.burst_watch import BurstWatch

    found = facts(database_url, {"complaints": "SELECT count(*) FROM complaints",
                                 "newest": "SELECT max(received_at) FROM complaints"})
    now = as_utc(found["newest"])
    profile = load_profile("kota_tangerang")
    engine = create_engine(database_url)
    refits, runs = [], []
    try:
        with engine.connect() as conn:
            watch = BurstWatch(profile)
            for _ in range(3):
                started = time.perf_counter()
                watch.refit(conn, now.astimezone(watch.calendar.tz).date())
                refits.append((time.perf_counter() - started) * 1000)
            for tick in range(ticks):
                started = time.perf_counter()
                counts = watch.run(conn, now + timedelta(minutes=tick))
                runs.append((time.perf_counter() - started) * 1000)
            recent = conn.execute(text("SELECT count(*) FROM complaints WHERE received_at > :since"),
                                  {"since": (now - timedelta(hours=6)).replace(tzinfo=None)}).scalar_one()
            conn.rollback()
    finally:
        engine.dispose()
    return "\n".join([
        f"{found['complaints']:,} complaints; clock at the newest ({now.isoformat()}); "
        f"{recent:,} complaints in the longest window (6 h); last run: {counts}",
        "",
        "| step | median ms | slowest ms | runs |",
        "|---|---:|---:|---:|",
        f"| baseline refit (once a local day) | {statistics.median(refits):.1f} | {max(refits):.1f} | {len(refits)} |",
        f"| detector run (every minute) | {statistics.median(runs):.1f} | {max(runs):.1f} | {len(runs)} |",
    ])


# --repeat is the number of detector runs timed
main = main_for(__doc__, "sqlite:///benchmarks/out/metropolis.db", run)


if __name__ == "__main__":
    raise SystemExit(main())
