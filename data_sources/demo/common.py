"""What every part of the demo city shares: its size presets, time units and placement.

``place_in_kelurahan`` spreads points over the kelurahan, weighted by population (and by
random hotspots when asked), inside their boundaries.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cities import CityProfile
from data_sources.geo import random_points_in

HOUR = 3600
DAY = 86400


@dataclass(frozen=True)
class DemoSize:
    complaints: int = 60_000
    days: int = 365
    cameras: int = 400
    access_points: int = 300
    device_history_days: int = 30
    raw_sample_hours: int = 3
    kpi_months: int = 36
    indicator_first_year: int = 2017


SIZES = {
    "test": DemoSize(complaints=3_000, days=60, cameras=40, access_points=30, device_history_days=7, raw_sample_hours=1,
                     kpi_months=24),
    "default": DemoSize(),
}

# Relative complaints per local hour of day, by category code; unknown codes use "default".

def floor_hour(ts: int) -> int:
    return ts - ts % HOUR


def to_datetime64(seconds: np.ndarray) -> pd.Series:
    """Unix seconds (NaN for missing) to naive UTC datetime64 for bulk_insert."""
    return pd.Series(pd.to_datetime(seconds, unit="s"))


def place_in_kelurahan(rng, n: int, profile: CityProfile, shapes, *, hotspots: bool = False):
    """``n`` points inside the kelurahan, weighted by population: (index into
    ``profile.kelurahan`` per point, lat, lon). ``hotspots`` makes some kelurahan busier."""
    kels = profile.kelurahan
    weights = np.array([kec.population / len(kec.kelurahan) for kec, _ in kels], dtype=float)
    if hotspots:
        weights *= rng.lognormal(0.0, 0.6, len(kels))
    choice = rng.choice(len(kels), size=n, p=weights / weights.sum())
    lat, lon = np.empty(n), np.empty(n)
    geoms = dict(zip(shapes.kelurahan["code"], shapes.kelurahan.geometry))
    for i in np.unique(choice):
        idx = np.flatnonzero(choice == i)
        lat[idx], lon[idx] = random_points_in(geoms[kels[i][1].code], len(idx), rng)
    return choice, lat, lon
