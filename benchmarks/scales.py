"""The benchmark's scales and their databases: each scale is generated once (the demo generator
at a fixed clock), analysed, marked, and reused while the marker says it holds that scale at
the current schema (a new migration, or other sizes, regenerate it).

SQLite: ``benchmarks/out/<scale>.db`` (git-ignored). PostgreSQL: the database
``liveroom_bench_<scale>`` on ``127.0.0.1:5432`` (``LIVEROOM_BENCH_POSTGRES`` changes the server)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

OUT = Path(__file__).resolve().parent / "out"
ROOT = OUT.parent.parent
FIXED_NOW = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)  # the tests' clock: 14.30 WIB, a Monday
POSTGRES = os.environ.get("LIVEROOM_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MARKER = "benchmark_marker"


@dataclass(frozen=True)
class Scale:
    complaints: int
    cameras: int
    access_points: int
    device_history_days: int = 30
    raw_sample_hours: int = 3
    days: int = 365


SCALES = {
    "small": Scale(10_000, 200, 200),
    "city": Scale(200_000, 1_000, 1_000),
    "metropolis": Scale(1_000_000, 10_000, 10_000, raw_sample_hours=7 * 24),
}


def database_url(scale: str, database: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{OUT / f'{scale}.db'}"
    return make_url(POSTGRES).set(database=f"liveroom_bench_{scale}").render_as_string(hide_password=False)


def _schema_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(Config(str(ROOT / "alembic.ini"))).get_current_head()


def size_of(scale: str, raw_sample_hours: int | None = None) -> Scale:
    """The scale's sizes, with fewer (or more) hours of raw device samples when asked."""
    size = SCALES[scale]
    return size if raw_sample_hours is None else replace(size, raw_sample_hours=raw_sample_hours)


def _wanted(scale: str, raw_sample_hours: int | None = None) -> dict:
    return {"scale": scale, **asdict(size_of(scale, raw_sample_hours)), "now": FIXED_NOW.isoformat(),
            "schema": _schema_head()}


def _marker(url: str) -> dict | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return json.loads(conn.execute(text(f"SELECT facts FROM {MARKER}")).scalar_one())
    except Exception:  # no database, no table, no row: not prepared
        return None
    finally:
        engine.dispose()


def _fresh(scale: str, database: str, url: str) -> None:
    """An empty database for the scale: the SQLite file removed, the PostgreSQL database recreated."""
    if database == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(OUT / f"{scale}.db") + suffix).unlink(missing_ok=True)
        return
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = make_url(url).database
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _analyse(url: str, database: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE" if database == "postgresql" else "ANALYZE"))
    engine.dispose()


def _mark(url: str, facts: dict) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {MARKER} (facts TEXT NOT NULL)"))
        conn.execute(text(f"DELETE FROM {MARKER}"))
        conn.execute(text(f"INSERT INTO {MARKER} (facts) VALUES (:facts)"), {"facts": json.dumps(facts)})
    engine.dispose()


def prepare(scale: str, database: str, regenerate: bool = False, raw_sample_hours: int | None = None) -> dict:
    """The scale's database, generated unless it already holds it; returns its marker facts
    (with ``generated_now``: whether this run generated it, and the seconds it took)."""
    url = database_url(scale, database)
    wanted = _wanted(scale, raw_sample_hours)
    found = _marker(url)
    if not regenerate and found and all(found.get(k) == v for k, v in wanted.items()):
        return found | {"generated_now": False}
    _fresh(scale, database, url)
    size = size_of(scale, raw_sample_hours)
    started = time.perf_counter()
    command = [sys.executable, "-m", "data_sources.demo", "--complaints", str(size.complaints), "--days", str(size.days),
               "--cameras", str(size.cameras), "--access-points", str(size.access_points),
               "--device-history-days", str(size.device_history_days), "--raw-sample-hours", str(size.raw_sample_hours),
               "--now", FIXED_NOW.isoformat(), "--database-url", url]
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    generated = time.perf_counter() - started
    _analyse(url, database)
    counts = json.loads(output[output.index("{"):])
    facts = wanted | {"rows": counts, "generate_seconds": round(generated, 1),
                      "analyse_seconds": round(time.perf_counter() - started - generated, 1),
                      "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    _mark(url, facts)
    return facts | {"generated_now": True}
