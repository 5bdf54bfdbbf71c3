"""Inject a burst of complaints into a running demo city, to show the early warning live.

    make burst KECAMATAN=Periuk CATEGORY=banjir COUNT=40 MINUTES=60

adds COUNT complaints of that category (code or name) in that kecamatan (name or code),
received at random over the last MINUTES minutes at random places inside it, through the
ingest path (so flags and roll-ups follow). The running app raises the alert at its next
detector run.
"""
from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta, timezone

import numpy as np
from shapely.geometry import shape
from sqlalchemy import Engine, select

from cities import CityProfile
from data_sources import models as m
from data_sources.demo import texts as words
from data_sources.geo import random_points_in
from data_sources.ingest.batch import find_source
from data_sources.ingest.complaints import store_complaints


class BurstError(ValueError):
    """A kecamatan or category the city does not have, or counts out of range."""


def _pick(options: dict[str, str], wanted: str, what: str) -> str:
    """The code whose code or name matches ``wanted`` (case-insensitive)."""
    key = wanted.strip().casefold()
    for code, name in options.items():
        if key in (code.casefold(), name.casefold()):
            return code
    raise BurstError(f"{what} {wanted!r} is not one of the city's: {', '.join(sorted(options.values()))}")


def inject(engine: Engine, profile: CityProfile, kecamatan: str, category: str, count: int, minutes: int,
           now: datetime | None = None, seed: int | None = None) -> dict:
    """Store ``count`` complaints received over the last ``minutes``; returns what was stored."""
    if not 1 <= count <= 10_000 or not 1 <= minutes <= 7 * 24 * 60:
        raise BurstError("COUNT must be 1-10000 and MINUTES 1-10080")
    kecamatan_code = _pick({k.code: k.name for k in profile.kecamatan}, kecamatan, "kecamatan")
    category_code = _pick({c.code: c.name_id for c in profile.complaint_categories}, category, "category")
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    rng = np.random.default_rng(seed)
    with engine.begin() as conn:
        geometry = conn.execute(select(m.Region.geometry).where(m.Region.code == kecamatan_code)).scalar_one()
        lats, lons = random_points_in(shape(json.loads(geometry)), count, rng)
        offsets = np.sort(rng.uniform(0, minutes * 60, count))[::-1]
        templates = words.TEMPLATES.get(category_code, words.GENERIC_TEMPLATE)
        stamp = int(now.timestamp())
        records = [{
            "external_id": f"BURST-{stamp}-{i:04d}", "category": category_code,
            "received_at": (now - timedelta(seconds=float(offset))).isoformat(),
            "lat": float(lat), "lon": float(lon), "channel": "demo",
            "description": templates[int(rng.integers(len(templates)))].format(place=f"sekitar titik {i + 1}"),
        } for i, (offset, lat, lon) in enumerate(zip(offsets, lats, lons))]
        source = find_source(conn, profile.code, "complaints")
        outcomes = store_complaints(conn, profile, source, records, now)
    refused = [o.reason for o in outcomes if o.result == "rejected"]
    return {"kecamatan": kecamatan_code, "category": category_code, "stored": count - len(refused),
            "refused": refused, "first": records[0]["received_at"], "last": records[-1]["received_at"]}


def main(argv: list[str] | None = None) -> int:
    from cities import load_profile
    from data_sources.db import make_engine
    from settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m data_sources.demo.burst", description=__doc__.splitlines()[0])
    parser.add_argument("--kecamatan", required=True, help="name or code, e.g. Periuk or 36.71.10")
    parser.add_argument("--category", required=True, help="code or name, e.g. banjir")
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--minutes", type=int, default=60)
    args = parser.parse_args(argv)
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        result = inject(engine, load_profile(settings.city), args.kecamatan, args.category, args.count, args.minutes,
                        now=settings.frozen_now)
    except BurstError as exc:
        parser.error(str(exc))
    finally:
        engine.dispose()
    print(f"{result['stored']} aduan {result['category']} di {result['kecamatan']} "
          f"diterima {result['first']} .. {result['last']}")
    for reason in result["refused"]:
        print("refused:", reason)
    return 0 if not result["refused"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
