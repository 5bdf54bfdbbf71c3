"""Benchmark data: raw one-minute samples for the days before the demo's raw window.

The demo generator writes 30 days of hourly roll-ups but raw samples only for its last
hours. A city that keeps raw samples for the default 7 days holds a week of one-minute
samples per device; this script adds them, hour by hour (bounded memory), following each
device's hourly roll-up (a device up for 50 minutes of an hour reports online for 50
samples, then offline). The sample indexes are dropped during the load and built again.

    python -m benchmarks.device_raw_history --database-url sqlite:///benchmarks/out/devices-20k.db --days 7
"""
from __future__ import annotations

import argparse
import logging
import time
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
from sqlalchemy import text

from data_sources import models as m
from data_sources.ingest.bulk import bulk_insert
from data_sources.db import make_engine

log = logging.getLogger(__name__)
INDEXES = {"ix_device_samples_device_at": "device_samples (device_id, at)", "ix_device_samples_at": "device_samples (at)"}


def add_raw_history(database_url: str, days: float, seed: int = 1) -> dict:
    engine = make_engine(database_url)
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    with engine.begin() as conn:
        first = conn.execute(text("SELECT min(at) FROM device_samples")).scalar_one()
        devices = pd.DataFrame(conn.execute(text("SELECT id, expected_interval_seconds FROM devices WHERE active")).all(),
                               columns=["id", "interval"])
        for name in INDEXES:
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
    first = datetime.fromisoformat(str(first)).replace(tzinfo=timezone.utc)
    end_hour = first.replace(minute=0, second=0, microsecond=0)
    hour = end_hour - timedelta(hours=round(days * 24))
    ids = devices["id"].to_numpy()
    jitter = rng.integers(0, 60, len(ids))
    written = 0
    while hour <= end_hour:
        with engine.begin() as conn:
            up = dict(conn.execute(text("SELECT device_id, up_seconds FROM device_uptime_hourly WHERE hour = :h"),
                                   {"h": hour.replace(tzinfo=None)}).all())
            up_seconds = np.array([up.get(i, 3600.0) for i in ids])
            minute = np.repeat(np.arange(60), len(ids))
            device = np.tile(ids, 60)
            offset = minute * 60 + np.tile(jitter, 60)
            online = offset < np.tile(up_seconds, 60)
            at = np.datetime64(hour.replace(tzinfo=None), "s") + offset.astype("timedelta64[s]")
            keep = at < np.datetime64(first.replace(tzinfo=None), "s")
            frame = pd.DataFrame({"device_id": device[keep], "at": pd.Series(at[keep]).astype("datetime64[us]"),
                                  "state": np.where(online[keep], "online", "offline"),
                                  "latency_ms": np.where(online[keep], np.round(rng.gamma(2.0, 15.0, keep.sum()), 1),
                                                         np.nan), "detail": None})
            written += bulk_insert(conn, m.DeviceSample.__table__, frame)
        hour += timedelta(hours=1)
        if hour.hour == 0:
            log.info("raw samples up to %s: %s rows, %.0f s", hour, f"{written:,}", time.perf_counter() - started)
    loaded = time.perf_counter() - started
    with engine.begin() as conn:
        for name, target in INDEXES.items():
            conn.execute(text(f"CREATE INDEX {name} ON {target}"))
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return {"samples_written": written, "load_seconds": round(loaded), "total_seconds": round(time.perf_counter() - started)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:///benchmarks/out/devices-20k.db")
    parser.add_argument("--days", type=float, default=7)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    print(add_raw_history(args.database_url, args.days))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
