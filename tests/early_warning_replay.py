"""Test helper for the early-warning detector: the demo generator's complaint traffic without a
database, kecamatan adjacency from the boundary files, and burst injection.

Traffic: the generator's own arrival model (``_received_times``: category weights, hour-of-day
profiles per category, weekends at 0.75 and office categories at 0.2 on weekends, the yearly
trend and the rainy season) and placement (``place_in_kelurahan`` with hotspots), at the
default demo size (60,000 complaints a year, about 165 a day), of which the last weeks are
kept. Ids: kecamatan and categories are numbered 1.. in profile order.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from cities import load_profile
from data_sources.demo.common import SIZES, place_in_kelurahan
from data_sources.demo.complaints import _received_times
from data_sources.geo import METRIC_CRS, BoundaryError, approximate_regions, load_boundaries
from tests.helpers import SHARED_GEO

CITY = "kota_tangerang"
TZ = "Asia/Jakarta"
# The generated year ends on Sunday 26 October 2025 (dry season since April: no jump in the
# flood categories); the four replayed weeks start on Monday 29 September.
GENERATED_UNTIL = datetime(2025, 10, 26, 23, 59, 59, tzinfo=ZoneInfo(TZ))
REPLAY_START = datetime(2025, 9, 29, tzinfo=ZoneInfo(TZ))
REPLAY_END = datetime(2025, 10, 27, tzinfo=ZoneInfo(TZ))


def profile():
    return load_profile(CITY)


def kecamatan_id(name: str) -> int:
    return 1 + [k.name for k in profile().kecamatan].index(name)


def category_id(code: str) -> int:
    return 1 + [c.code for c in profile().complaint_categories].index(code)


@lru_cache(maxsize=4)
def demo_traffic(weeks: int = 12, seed: int = 17) -> pd.DataFrame:
    """The last ``weeks`` whole weeks before GENERATED_UNTIL's end of the default demo year:
    columns received_at (UTC), kecamatan_id, category_id; sorted by received_at."""
    prof = profile()
    size = SIZES["default"]
    rng = np.random.default_rng(seed)
    now_s = int(GENERATED_UNTIL.timestamp())
    offset_s = int(GENERATED_UNTIL.utcoffset().total_seconds())
    cats = prof.complaint_categories
    weights = np.array([c.demo_weight for c in cats], dtype=float)
    cat_idx = rng.choice(len(cats), size=size.complaints, p=weights / weights.sum())
    codes = np.array([c.code for c in cats], dtype=object)[cat_idx]
    received = _received_times(rng, codes, size, now_s, offset_s)
    first_s = int((GENERATED_UNTIL + timedelta(seconds=1) - timedelta(weeks=weeks)).timestamp())
    keep = received >= first_s
    received, cat_idx = received[keep], cat_idx[keep]
    choice, _, _ = place_in_kelurahan(rng, len(received), prof, approximate_regions(prof), hotspots=True)
    kec_index = {kec.code: i for i, kec in enumerate(prof.kecamatan)}
    kec_of_kel = np.array([kec_index[kec.code] for kec, _ in prof.kelurahan])
    frame = pd.DataFrame({
        "received_at": pd.to_datetime(received, unit="s", utc=True),
        "kecamatan_id": kec_of_kel[choice] + 1,
        "category_id": cat_idx + 1,
    })
    return frame.sort_values("received_at", kind="stable").reset_index(drop=True)


@lru_cache(maxsize=1)
def neighbours() -> dict[int, set[int]]:
    """Kecamatan adjacency from the real boundaries in ../shared/geo (polygons within 30 m of
    each other), or from the approximate Voronoi areas when the files are absent."""
    prof = profile()
    try:
        shapes = load_boundaries(prof, SHARED_GEO, "kecamatan")
    except BoundaryError:
        shapes = approximate_regions(prof).kecamatan
    ids = {kec.code: i + 1 for i, kec in enumerate(prof.kecamatan)}
    metric = shapes.to_crs(METRIC_CRS)
    grown = metric.geometry.buffer(15)
    out = {ids[c]: set() for c in metric["code"]}
    codes = list(metric["code"])
    for i, a in enumerate(grown):
        for j in range(i + 1, len(codes)):
            if a.intersects(grown.iloc[j]):
                out[ids[codes[i]]].add(ids[codes[j]])
                out[ids[codes[j]]].add(ids[codes[i]])
    return out


def burst(kecamatan: int, category: int, count: int, start: datetime, minutes: float) -> pd.DataFrame:
    """``count`` complaints received evenly over [start, start + minutes)."""
    offsets = (np.arange(count) + 0.5) * minutes * 60 / count
    times = pd.Timestamp(start.astimezone(timezone.utc)) + pd.to_timedelta(offsets, unit="s")
    return pd.DataFrame({"received_at": times, "kecamatan_id": kecamatan, "category_id": category})


def with_bursts(traffic: pd.DataFrame, *bursts: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([traffic, *bursts], ignore_index=True).sort_values("received_at", kind="stable")
