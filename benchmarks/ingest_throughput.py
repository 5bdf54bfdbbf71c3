"""Ingest throughput through the HTTP API, in batches of 1,000 records, on SQLite or PostgreSQL.

The real app runs under gunicorn (2 workers, 4 threads) in its own process on a fresh database
(a SQLite file in benchmarks/out/, or a new PostgreSQL database dropped afterwards) holding the
test-size demo city. One sender (httpx, in this process) posts one batch after the other on one
keep-alive connection: ``--batches`` batches of new complaints (the city's categories, points
inside the city, received in the last three days, a few sentences of description, a reporter);
the first of them again (all unchanged), 5 times; 5 batches with 10 bad records each; one batch
registering 1,000 cameras; ``--batches`` batches of heartbeats (one per camera per batch, a
minute apart). Plain SQL counts then check that all was stored.

    .venv/bin/python -m benchmarks.ingest_throughput --database sqlite|postgresql [--batches 20] [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import create_engine, select

from benchmarks.dash_timing import emit, facts
from cities import load_profile
from data_sources.db import make_engine
from data_sources.demo import SIZES, generate
from data_sources.demo.texts import CHANNELS, FIRST_NAMES, GENERIC_TEMPLATE, LAST_NAMES, STREETS, TEMPLATES
from data_sources.ingest.geocode import gazetteer
from data_sources.ingest.keys import ensure_source, make_key
from data_sources.migrate import upgrade
from data_sources.models import Region
from settings import PROJECT_ROOT
from tests.helpers import PG_ADMIN_URL, SHARED_GEO, TEST_SEED, fresh_postgres_database

OUT = PROJECT_ROOT / "benchmarks" / "out"
BATCH = 1000
EXTRA = 5  # batches of the re-send and of the batch with bad records
WIB = timezone(timedelta(hours=7))
TARGETS = {"complaints": 5000, "samples": 20000}  # records per second
REFUSED = "complaints, 10 bad in each batch"
BAD = ({"category": "ufo"}, {"lat": -7.9, "lon": 110.4}, {"received_at": "2099-01-01T00:00:00Z"},
       {"received_at": "22/11/2026"}, {"status": "lost"}, {"agency": "NASA"}, {"lon": None},
       {"received_at": "2026-11-22T10:00:00"}, {"external_id": ""}, {"lat": "north"})


@contextmanager
def fresh_database(kind: str):
    """The URL of an empty database: a new SQLite file, or a PostgreSQL database dropped on exit."""
    if kind == "sqlite":
        path = OUT / "ingest-throughput.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    server = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with fresh_postgres_database(server) as url:
            yield url
    finally:
        server.dispose()


def prepare(url: str, now: datetime, rng) -> tuple[dict, list]:
    """Migrate, generate the test city at ``now``, make the two keys; returns them and points in the city."""
    profile = load_profile("kota_tangerang")
    upgrade(url)
    engine = make_engine(url)
    try:
        generate(engine, profile, size=SIZES["test"], seed=TEST_SEED, now=now,
                 boundaries_dir=SHARED_GEO if SHARED_GEO.is_dir() else None)
        with engine.begin() as conn:
            keys = {source: make_key(conn, ensure_source(conn, profile.code, source, feed)[0], "benchmark", now)
                    for source, feed in (("complaints", "complaints"), ("cctv_nvr", "devices"))}
            centroids = np.array(conn.execute(select(Region.centroid_lat, Region.centroid_lon).where(
                Region.city_code == profile.code, Region.level == "kelurahan")).all())
            # kelurahan centroids with ~300 m of jitter, kept where the city's own gazetteer finds them
            points = np.repeat(centroids, 100, axis=0) + rng.normal(0, 0.003, (len(centroids) * 100, 2))
            inside = gazetteer(conn, profile.code).kelurahan_at(points[:, 0], points[:, 1]) > 0
    finally:
        engine.dispose()
    return keys, [(round(lat, 6), round(lon, 6)) for lat, lon in points[inside]]


def local(moment: datetime) -> str:
    return moment.astimezone(WIB).isoformat(timespec="seconds")


def complaint(rng, external_id: str, now: datetime, point: tuple, codes: list[str]) -> dict:
    code = codes[rng.integers(len(codes))]
    street, name = STREETS[rng.integers(len(STREETS))], (f"{FIRST_NAMES[rng.integers(len(FIRST_NAMES))]} "
                                                        f"{LAST_NAMES[rng.integers(len(LAST_NAMES))]}")
    templates = TEMPLATES.get(code, GENERIC_TEMPLATE)
    received = now - timedelta(seconds=int(rng.integers(600, 3 * 86400)))
    description = (templates[rng.integers(len(templates))].format(place=f"{street} RT {rng.integers(1, 15):02d}")
                   + f" Sudah {rng.integers(1, 8)} hari seperti ini dan warga sekitar terganggu. Mohon petugas "
                   f"segera datang ke lokasi dan menindaklanjuti laporan ini. Terima kasih.")
    record = {"external_id": external_id, "category": code, "received_at": local(received), "description": description,
              "lat": point[0], "lon": point[1], "address": f"{street} No. {rng.integers(1, 200)}",
              "channel": CHANNELS[rng.integers(len(CHANNELS))], "reporter_name": name,
              "reporter_phone": f"08{rng.integers(10**9, 10**10)}"}
    if rng.random() < 0.3:
        record |= {"status": "assigned", "assigned_at": local(received + timedelta(minutes=5))}
    return record


@contextmanager
def served(url: str, name: str):
    """The app under gunicorn on a free port, as production serves it; yields its base URL."""
    env = os.environ | {"LIVEROOM_DATABASE_URL": url, "LIVEROOM_DEMO": "false", "LIVEROOM_SIMULATE": "false",
                        "LIVEROOM_CACHE_TYPE": "NullCache", "LIVEROOM_SECRET_KEY": "benchmark"}
    log = OUT / f"ingest-throughput-{name}.log"
    with open(log, "w") as handle:
        process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "app:server", "--bind",
                                    "127.0.0.1:0", "--workers", "2", "--threads", "4"],
                                   cwd=PROJECT_ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            listening = re.search(r"Listening at: (http://\S+)", log.read_text())
            try:
                if listening and httpx.get(f"{listening[1]}/api/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        else:
            raise SystemExit(f"gunicorn did not start; see {log}")
        time.sleep(2)  # let the second worker finish building the app too
        yield listening[1]
    finally:
        process.terminate()
        process.wait(timeout=30)


def post_all(client: httpx.Client, keys: dict, source: str, kind: str, batches: list[list]) -> dict:
    """Post each batch (the JSON encoded beforehand) and time it; returns the timings and the answers."""
    bodies = [json.dumps(batch).encode() for batch in batches]
    seconds, answers, started = [], [], time.perf_counter()
    for body in bodies:
        before = time.perf_counter()
        response = client.post(f"/api/v1/sources/{source}/{kind}", content=body, headers={
            "Authorization": f"Bearer {keys[source]}", "Content-Type": "application/json"})
        seconds.append(time.perf_counter() - before)
        if response.status_code != 200:
            raise SystemExit(f"{kind} answered {response.status_code}: {response.text[:300]}")
        answers.append(response.json())
    return {"seconds": seconds, "answers": answers, "wall": time.perf_counter() - started,
            "records": sum(len(b) for b in batches)}


def run(kind: str, batches: int) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(TEST_SEED)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    codes = [c.code for c in load_profile("kota_tangerang").complaint_categories]
    with fresh_database(kind) as url:
        print(f"preparing the test city in {url.rsplit('/', 1)[-1]} ...", flush=True)
        keys, points = prepare(url, now, rng)
        city = facts(url, {"complaints": "SELECT count(*) FROM complaints", "devices": "SELECT count(*) FROM devices"})
        city["load"] = os.getloadavg()[0]

        def complaints(prefix: str, count: int) -> list[list]:
            picks = rng.integers(len(points), size=count * BATCH)
            return [[complaint(rng, f"BENCH-{prefix}-{b:03d}-{i:04d}", now, points[picks[b * BATCH + i]], codes)
                     for i in range(BATCH)] for b in range(count)]

        main, bad = complaints("C", batches), complaints("B", EXTRA)
        for batch in bad:
            for position, change in enumerate(BAD):
                batch[position * (BATCH // len(BAD))] |= change
        installed = now - timedelta(minutes=batches + 60)
        cameras = [{"external_id": f"BENCH-CAM-{i:04d}", "name": f"CCTV Simpang {i}", "kind": "cctv",
                    "lat": points[i][0], "lon": points[i][1], "installed_at": local(installed)} for i in range(BATCH)]
        states = rng.choice(["online", "degraded", "offline"], p=[0.95, 0.02, 0.03], size=(batches, BATCH))
        samples = [[{"device_id": camera["external_id"], "at": local(now - timedelta(minutes=batches - b)),
                     "state": str(states[b, i]), "latency_ms": round(float(rng.gamma(2, 15)), 1)}
                    for i, camera in enumerate(cameras)] for b in range(batches)]
        with served(url, kind) as base, httpx.Client(base_url=base, timeout=120) as client:
            print(f"serving on {base}; posting ...", flush=True)
            measured = {"complaints (new)": post_all(client, keys, "complaints", "complaints", main),
                        "complaints re-sent (all unchanged)": post_all(client, keys, "complaints", "complaints",
                                                                       [main[0]] * EXTRA),
                        REFUSED: post_all(client, keys, "complaints", "complaints", bad),
                        "devices registered": post_all(client, keys, "cctv_nvr", "devices", [cameras]),
                        "device samples (heartbeats)": post_all(client, keys, "cctv_nvr", "samples", samples)}
        bad_runs = ",".join(str(a["run_id"]) for a in measured[REFUSED]["answers"])
        stored = facts(url, {
            "complaints (new)": "SELECT count(*) FROM complaints WHERE external_id LIKE 'BENCH-C-%'",
            REFUSED: "SELECT count(*) FROM complaints WHERE external_id LIKE 'BENCH-B-%'",
            "refused kept": f"SELECT count(*) FROM rejected_records WHERE run_id IN ({bad_runs})",
            "devices registered": "SELECT count(*) FROM devices WHERE external_id LIKE 'BENCH-CAM-%'",
            "device samples (heartbeats)": "SELECT count(*) FROM device_samples s JOIN devices d ON d.id = "
                                           "s.device_id WHERE d.external_id LIKE 'BENCH-CAM-%'",
            "version": "SELECT sqlite_version()" if kind == "sqlite" else "SHOW server_version"})
    return table(kind, batches, city, measured, stored)


def table(kind: str, batches: int, city: dict, measured: dict, stored: dict) -> str:
    lines = [f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {kind} {stored['version'].split()[0]}, load "
             f"{city['load']:.1f} before the run; gunicorn `app:server --workers 2 --threads 4`; test city "
             f"({city['complaints']:,} complaints, {city['devices']:,} devices); one sender; {batches} batches "
             f"of {BATCH:,} (new complaints, samples)",
             "", "| kind | batches | records | results | stored (SQL count) | records/s median | records/s overall "
                 "| batch ms median | batch ms p95 |", "|---|---:|---:|---|---|---:|---:|---:|---:|"]
    for label, m in measured.items():
        results = Counter()
        for answer in m["answers"]:
            results.update({r: answer[r] for r in ("created", "updated", "unchanged", "rejected", "duplicate")})
        accepted, seconds = results["created"] + results["updated"], sorted(m["seconds"])
        check = "no new rows" if label not in stored else f"{stored[label]:,}" + (
            "" if stored[label] == accepted else f" (expected {accepted:,})")
        if label == REFUSED:
            check += f"; {stored['refused kept']:,} refused records kept"
        ms = [statistics.median(seconds) * 1000, 1000 * (statistics.quantiles(seconds, n=20, method="inclusive")[18]
                                                        if len(seconds) > 1 else seconds[0])]  # median, p95
        shown = ", ".join(f"{r} {n:,}" for r, n in results.items() if n)
        lines.append(f"| {label} | {len(seconds)} | {m['records']:,} | {shown} ({accepted / m['records']:.0%} "
                     f"accepted) | {check} | {statistics.median(BATCH / s for s in seconds):,.0f} | "
                     f"{m['records'] / m['wall']:,.0f} | {ms[0]:,.0f} | {ms[1]:,.0f} |")
    overall = {what: measured[label]["records"] / measured[label]["wall"] for what, label in
               (("complaints", "complaints (new)"), ("samples", "device samples (heartbeats)"))}
    lines += ["", "Targets (records/s overall): " + "; ".join(
        f"{what} {rate:,.0f} of {TARGETS[what]:,} ("
        + ("met" if rate >= TARGETS[what] else f"{rate / TARGETS[what]:.0%} of it, not met") + ")"
        for what, rate in overall.items()) + "."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--batches", type=int, default=20, help="batches of new complaints and of samples")
    parser.add_argument("--out", help="also write the table to this file")
    args = parser.parse_args(argv)
    emit(run(args.database, args.batches), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
