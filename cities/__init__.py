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

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

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
    name_en: str


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


APP_KIND = "app"  # the device kind that watches the city's applications (never in ``devices``)


class ApplicationRules(DeviceRules):
    """How the availability of the city's applications (the portfolio) is watched: each one is a
    device of kind ``app`` checked over HTTP, with these state rules, its samples counted for
    ``source``. Apps are kept out of ``devices``: those kinds are places on the city map, with
    their own pages, tiles and briefing lines; an application is none of those."""

    uptime_target: float = 99.0
    source: str  # the key of the profile's source their samples are counted for


FEEDS = ("complaints", "devices", "kpis", "indicators")  # what a source carries


class Open311PullSpec(BaseModel):
    """Where and how ``data_sources.ingest.open311_pull`` reads an Open311 GeoReport v2 server."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(pattern=r"^https?://\S+$")  # the endpoint base: {url}/services.json, {url}/requests.json
    format: Literal["json", "xml"] = "json"
    jurisdiction_id: str | None = None
    api_key_env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")  # the NAME of the variable holding it
    service_codes: dict[str, str] = {}  # the server's service_code -> a category code of the profile
    window_hours: float = Field(24, gt=0, le=90 * 24)  # GeoReport: a date range may not span more than 90 days
    first_since: AwareDatetime | None = None  # where the first pull starts (default: 7 days before it)
    interval_seconds: float = Field(300, ge=10)
    timeout_seconds: float = Field(10, gt=0, le=120)  # per HTTP request, the whole answer included
    attempts: int = Field(3, ge=1, le=6)  # per HTTP request: connection errors, timeouts, 429 and 5xx are retried
    backoff_seconds: float = Field(1.0, ge=0, le=30)  # the first retry's delay; doubled each time, with jitter
    page_size: int = Field(1000, ge=1)  # the most requests the server returns in one answer
    paging: Literal["split", "page"] = "split"  # a full answer: halve the window, or ask for page=2, 3, ...
    max_pages: int = Field(32, ge=1, le=1000)  # answers per window at most (pages or halves)
    max_windows: int = Field(48, ge=1)  # windows per pull at most; the rest follows on the next pull
    overlap_minutes: float = Field(60, ge=0)  # each pull re-reads this much before its position (late arrivals)
    refresh_open_days: float = Field(30, ge=0)  # re-read open requests received this recently, by id (0: never)
    refresh_max: int = Field(200, ge=0)  # open requests re-read per pull at most (in turn)


class SourceSpec(BaseModel):
    key: str
    name: str
    name_en: str = ""  # the English name; a proper name (an app's, a vendor's) may leave it out to keep `name`
    kind: str  # how it arrives: open311, nvr_json, probe, spreadsheet, api, ...
    feed: Literal[FEEDS]  # type: ignore[valid-type]  # what it carries: which ingest endpoints its keys may use
    freshness_budget_seconds: int = Field(gt=0)
    open311: Open311PullSpec | None = None  # set: the worker pulls it from a GeoReport v2 server

    @model_validator(mode="after")
    def _pull_carries_complaints(self) -> "SourceSpec":
        self.name_en = self.name_en or self.name
        if self.open311 is not None and self.feed != "complaints":
            raise ValueError(f"source {self.key}: an open311 pull carries complaints, not {self.feed}")
        return self


STAGES = ("baseline", "output", "outcome", "impact", "quick_win")  # a KPI's place in the programme's logic


class Thresholds(BaseModel):
    """Where a KPI's value turns from amber to red (green from the target on). For a KPI where
    higher is better, ``amber`` is below the target; where lower is better, above it."""

    amber: float


class KpiSpec(BaseModel):
    code: str
    name_id: str
    name_en: str
    unit: str
    unit_en: str
    target: float
    direction: Literal["higher", "lower"]
    period: Literal["monthly", "quarterly", "yearly"] = "monthly"
    agency: str
    dimension: Literal[DIMENSIONS]  # type: ignore[valid-type]
    sub_dimension: str
    stage: Literal[STAGES]  # type: ignore[valid-type]
    thresholds: Thresholds | None = None

    @model_validator(mode="after")
    def _amber_beyond_target(self) -> "KpiSpec":
        amber = self.thresholds.amber if self.thresholds else None
        if amber is not None and (amber > self.target if self.direction == "higher" else amber < self.target):
            raise ValueError(f"{self.code}: the amber threshold must lie on the far side of the target")
        return self


class IndicatorSpec(BaseModel):
    code: str
    dimension: Literal[DIMENSIONS]  # type: ignore[valid-type]
    sub_dimension: str  # a code of one of the dimension's sub-dimensions
    name_id: str
    name_en: str
    unit: str
    unit_en: str
    target: float = Field(gt=0)
    direction: Literal["higher", "lower"]
    weight: float = Field(1.0, gt=0)


class SubDimensionSpec(BaseModel):
    code: str
    name_id: str
    name_en: str
    weight: float = Field(1.0, gt=0)


class DimensionSpec(BaseModel):
    """A smart-city dimension with its official sub-dimensions and their weights in the score."""

    code: Literal[DIMENSIONS]  # type: ignore[valid-type]
    weight: float = Field(1.0, gt=0)
    sub_dimensions: list[SubDimensionSpec] = Field(min_length=1)


class Scoring(BaseModel):
    """How indicators are judged: met at or beyond the target, close from ``close_share`` of it."""

    close_share: float = Field(0.9, gt=0, lt=1)


class MapView(BaseModel):
    center: tuple[float, float]  # lat, lon
    zoom: float


class WorkingHours(BaseModel):
    weekdays: list[int]
    start: str
    end: str
    holidays_country: str = "ID"


class EarlyWarning(BaseModel):
    """How a burst of complaints is found (``data_sources.rules.early_warning``): the sliding
    windows, the weeks of history behind the expected counts, the false alarms a live room
    accepts per week city-wide, the fewest complaints that can make an alert, and how long an
    alert stays after its burst has passed."""

    windows_hours: list[int] = Field(default=[1, 3, 6], min_length=1)
    baseline_weeks: int = Field(default=8, ge=2, le=52)
    false_alarms_per_week: float = Field(default=1.0, gt=0, le=50)
    min_observed: int = Field(default=3, ge=1)
    clear_after_minutes: int = Field(default=60, ge=5)


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
    early_warning: EarlyWarning = EarlyWarning()
    agencies: list[Agency]
    complaint_categories: list[ComplaintCategory]
    devices: dict[str, DeviceRules]  # the kinds on the map (and their pages): cctv, wifi
    applications: ApplicationRules | None = None  # the application portfolio's checks; None: not watched
    sources: list[SourceSpec]
    kpis: list[KpiSpec]
    dimensions: list[DimensionSpec]
    scoring: Scoring = Scoring()
    indicators: list[IndicatorSpec]
    kecamatan: list[Kecamatan]
    emblem: str | None = None  # the city's emblem image (PNG/JPEG), relative to cities/, on the briefing's letterhead

    @model_validator(mode="after")
    def _check_references(self) -> "CityProfile":
        agencies = {a.code for a in self.agencies}
        for item in [*self.complaint_categories, *self.kpis]:
            if item.agency not in agencies:
                raise ValueError(f"{item.code}: unknown agency {item.agency!r}")
        if [d.code for d in self.dimensions] != list(DIMENSIONS):
            raise ValueError(f"dimensions must be the six, in order: {', '.join(DIMENSIONS)}")
        subs = {d.code: {s.code for s in d.sub_dimensions} for d in self.dimensions}
        for item in [*self.kpis, *self.indicators]:
            if item.sub_dimension not in subs[item.dimension]:
                raise ValueError(f"{item.code}: {item.sub_dimension!r} is not a sub-dimension of {item.dimension}")
        for kec in self.kecamatan:
            if not kec.code.startswith(self.code + "."):
                raise ValueError(f"kecamatan {kec.code} is not in city {self.code}")
            for kel in kec.kelurahan:
                if not kel.code.startswith(kec.code + "."):
                    raise ValueError(f"kelurahan {kel.code} is not in kecamatan {kec.code}")
        if APP_KIND in self.devices:
            raise ValueError(f"devices: {APP_KIND!r} is reserved for the applications (see 'applications')")
        if self.applications is not None and self.applications.source not in {
                s.key for s in self.sources if s.feed == "devices"}:
            raise ValueError(f"applications: {self.applications.source!r} is not a source carrying devices")
        return self

    @property
    def device_rules(self) -> dict[str, DeviceRules]:
        """The state rules of every kind of device the city watches: the kinds on the map
        (``devices``) and, when the city watches its applications, ``app``. The state rules,
        roll-ups and retention cover all of these; pages, map layers and tiles only ``devices``."""
        if self.applications is None:
            return dict(self.devices)
        return {**self.devices, APP_KIND: self.applications}

    @cached_property
    def sub_dimensions(self) -> dict[str, SubDimensionSpec]:
        """Sub-dimension code -> its spec (codes are unique across the dimensions)."""
        return {s.code: s for d in self.dimensions for s in d.sub_dimensions}

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
