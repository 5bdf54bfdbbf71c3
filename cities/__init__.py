"""City profiles: a city is data, not code.

Each ``cities/<slug>.json`` holds one city: its regions with official Kemendagri codes,
agencies (OPD), complaint categories with deadlines, device rules, sources, the KPI
catalogue and the smart-city indicator catalogue. ``load_profile`` validates it.
"""
from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator

CITIES_DIR = Path(__file__).resolve().parent

DIMENSIONS = ("governance", "branding", "economy", "living", "society", "environment")
SITE_TYPES = ("park", "puskesmas", "school", "office", "public_space")


class Kelurahan(BaseModel):
    code: str = Field(pattern=r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
    name: str
    centroid: tuple[float, float]  # lat, lon


class Kecamatan(BaseModel):
    code: str = Field(pattern=r"^\d{2}\.\d{2}\.\d{2}$")
    name: str
    centroid: tuple[float, float]  # lat, lon
    area_km2: float
    population: int
    kelurahan: list[Kelurahan]


class Agency(BaseModel):
    code: str
    name: str


class ComplaintCategory(BaseModel):
    code: str
    name_id: str
    name_en: str
    agency: str
    response_hours: float = Field(gt=0)
    resolution_hours: float = Field(gt=0)
    working_hours_only: bool = False
    demo_weight: float = 1.0


class DeviceRules(BaseModel):
    expected_interval_seconds: int = 60
    unknown_after_seconds: int = 180
    offline_after_seconds: int = 600
    uptime_target: float = 98.0
    site_types: list[str] = []
    flap_window_seconds: int = Field(3600, gt=0)  # a device is flapping when it changed state
    flap_changes: int = Field(4, gt=1)  # at least this many times within the window

    @model_validator(mode="after")
    def _check_order(self) -> "DeviceRules":
        if not 0 < self.expected_interval_seconds <= self.unknown_after_seconds < self.offline_after_seconds:
            raise ValueError("device rules need 0 < expected_interval <= unknown_after < offline_after")
        return self


FEEDS = ("complaints", "devices", "kpis", "indicators")  # what a source carries


class SourceSpec(BaseModel):
    key: str
    name: str
    kind: str  # how it arrives: open311, nvr_json, probe, spreadsheet, api, ...
    feed: Literal[FEEDS]  # type: ignore[valid-type]  # what it carries: which ingest endpoints its keys may use
    freshness_budget_seconds: int = Field(gt=0)


class KpiSpec(BaseModel):
    code: str
    name_id: str
    name_en: str
    unit: str
    target: float
    direction: Literal["higher", "lower"]
    period: Literal["monthly", "quarterly", "yearly"] = "monthly"
    agency: str


class IndicatorSpec(BaseModel):
    code: str
    dimension: Literal[DIMENSIONS]  # type: ignore[valid-type]
    sub_dimension: str
    name_id: str
    name_en: str
    unit: str
    target: float
    direction: Literal["higher", "lower"]


class MapView(BaseModel):
    center: tuple[float, float]  # lat, lon
    zoom: float


class WorkingHours(BaseModel):
    weekdays: list[int]
    start: str
    end: str
    holidays_country: str = "ID"


class CityProfile(BaseModel):
    code: str = Field(pattern=r"^\d{2}\.\d{2}$")
    slug: str
    name: str
    province: str
    timezone: str
    timezone_label: str
    map: MapView
    boundary_files: dict[str, str]
    population: dict
    complaint_system: dict[str, str]
    working_hours: WorkingHours
    red_flag: dict[str, float]
    agencies: list[Agency]
    complaint_categories: list[ComplaintCategory]
    devices: dict[str, DeviceRules]
    sources: list[SourceSpec]
    kpis: list[KpiSpec]
    indicators: list[IndicatorSpec]
    kecamatan: list[Kecamatan]

    @model_validator(mode="after")
    def _check_references(self) -> "CityProfile":
        agencies = {a.code for a in self.agencies}
        for item in [*self.complaint_categories, *self.kpis]:
            if item.agency not in agencies:
                raise ValueError(f"{item.code}: unknown agency {item.agency!r}")
        for kec in self.kecamatan:
            if not kec.code.startswith(self.code + "."):
                raise ValueError(f"kecamatan {kec.code} is not in city {self.code}")
            for kel in kec.kelurahan:
                if not kel.code.startswith(kec.code + "."):
                    raise ValueError(f"kelurahan {kel.code} is not in kecamatan {kec.code}")
        return self

    @cached_property
    def kelurahan(self) -> list[tuple[Kecamatan, Kelurahan]]:
        return [(kec, kel) for kec in self.kecamatan for kel in kec.kelurahan]


def available_profiles() -> list[str]:
    return sorted(p.stem for p in CITIES_DIR.glob("*.json"))


def load_profile(name: str) -> CityProfile:
    """Load a profile by slug (``kota_tangerang``) or Kemendagri code (``36.71``)."""
    for slug in available_profiles():
        path = CITIES_DIR / f"{slug}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        if name in (slug, data.get("code")):
            return CityProfile.model_validate(data)
    raise LookupError(f"Unknown city profile {name!r}; available: {', '.join(available_profiles())}")
