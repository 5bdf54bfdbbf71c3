"""SQLAlchemy models for everything the live room stores.

Times are UTC (see ``UTCDateTime``). Every table that a city owns carries ``city_code`` so
one database can hold more than one profile. Complaints and devices are unique by
``(source_id, external_id)``, so any importer can upsert.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from data_sources.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

COMPLAINT_STATUSES = ("received", "assigned", "responded", "in_progress", "resolved", "rejected", "reopened")
OPEN_STATUSES = ("received", "assigned", "responded", "in_progress", "reopened")
# the same as SQL text with literals, so a partial index on open complaints matches the queries
OPEN_STATUS_SQL = "status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"
DEVICE_STATES = ("online", "degraded", "offline", "unknown", "pending")  # pending: not reported since watching began


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class CityOwned:
    """A row that belongs to one city and is named by a key unique within it (``city_key``: the
    column; agencies, categories, sources, KPIs and indicators)."""

    city_key = "code"
    id: Mapped[int] = mapped_column(primary_key=True)
    city_code: Mapped[str] = mapped_column(String(8))

    @declared_attr.directive
    def __table_args__(cls):
        return (UniqueConstraint("city_code", cls.city_key),)


class Measure:
    """What a KPI and an indicator both are: a named figure with a unit and a target, better
    when ``higher`` or ``lower``."""

    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(32))
    target: Mapped[float] = mapped_column(Float)
    direction: Mapped[str] = mapped_column(String(8))  # higher | lower


class ReportedValue:
    """A figure a source reported: its value, which source and when it last changed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- reference data -------------------------------------------------------------------


class Region(Base):
    """A kecamatan or kelurahan, keyed by its official Kemendagri code."""

    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(primary_key=True)
    city_code: Mapped[str] = mapped_column(String(8), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(12))  # kecamatan | kelurahan
    parent_code: Mapped[str] = mapped_column(String(16), index=True)
    population: Mapped[int | None] = mapped_column(Integer)
    area_km2: Mapped[float | None] = mapped_column(Float)
    centroid_lat: Mapped[float] = mapped_column(Float)
    centroid_lon: Mapped[float] = mapped_column(Float)
    geometry: Mapped[str | None] = mapped_column(Text)  # GeoJSON geometry, WGS 84
    geometry_approximate: Mapped[bool] = mapped_column(Boolean, default=True)


class Agency(CityOwned, Base):
    """A city agency (OPD) that answers complaints and owns KPIs."""

    __tablename__ = "agencies"
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))


class ComplaintCategory(CityOwned, Base):
    __tablename__ = "complaint_categories"
    code: Mapped[str] = mapped_column(String(32))
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    response_hours: Mapped[float] = mapped_column(Float)
    resolution_hours: Mapped[float] = mapped_column(Float)
    working_hours_only: Mapped[bool] = mapped_column(Boolean, default=False)
    open311_service_code: Mapped[str | None] = mapped_column(String(64))


# --- sources and ingest bookkeeping ------------------------------------------------------


class Source(CityOwned, Base):
    """A feed the live room reads: an Open311 API, an NVR export, a probe, a spreadsheet."""

    __tablename__ = "sources"
    city_key = "key"
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    feed: Mapped[str] = mapped_column(String(16), server_default="complaints")  # complaints | devices | kpis | indicators
    freshness_budget_seconds: Mapped[int] = mapped_column(Integer)
    config: Mapped[str | None] = mapped_column(Text)  # JSON
    pull_state: Mapped[str | None] = mapped_column(Text)  # JSON: how far a pulling connector got
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class SourceKey(Base):
    """An API key of one source, stored as its SHA-256 (the key itself is shown once, when made)."""

    __tablename__ = "source_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))  # the key's first characters, to tell keys apart
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SourceRun(Base):
    """One run of one source: when, how it ended, how many rows came, were kept, were refused."""

    __tablename__ = "source_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))  # running | ok | failed
    rows_received: Mapped[int] = mapped_column(Integer, default=0)
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)


class RejectedRecord(Base):
    """A record a source sent that failed validation, kept raw with the reason."""

    __tablename__ = "rejected_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("source_runs.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(128))
    record_kind: Mapped[str | None] = mapped_column(String(24))  # complaints, devices, ...: how to send it again
    raw: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resubmitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # corrected and sent again from /sources


# --- complaints --------------------------------------------------------------------------


class Complaint(Base):
    """A citizen report. Status timestamps are denormalised here for fast SQL aggregates;
    the full history is in ``complaint_events``. Reporter fields are personal data."""

    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id"),
        # the period queries read only this index (no table lookups): complaints received in a
        # window, with every column their filters and figures need
        Index("ix_complaints_period", "city_code", "received_at", "kecamatan_id", "category_id", "agency_id",
              "status", "first_response_at", "response_due_at", "reopened_at", "lat", "lon"),
        # the open backlog (red and amber flags) is a small part of a large history
        Index("ix_complaints_open_state", "city_code", "kecamatan_id", "category_id", "agency_id",
              "first_response_at", "response_due_at", "response_amber_at", "status",
              sqlite_where=text(OPEN_STATUS_SQL), postgresql_where=text(OPEN_STATUS_SQL)),
        Index("ix_complaints_city_status_due", "city_code", "status", "response_due_at"),
        Index("ix_complaints_city_updated", "city_code", "updated_at"),
        # the red-flag lists: open, unanswered complaints in order of receipt (the oldest waiting first)
        Index("ix_complaints_open_unanswered", "city_code", "received_at",
              sqlite_where=text(OPEN_STATUS_SQL + " AND first_response_at IS NULL"),
              postgresql_where=text(OPEN_STATUS_SQL + " AND first_response_at IS NULL")),
        # unanswered complaints whose deadline is still ahead: what the daily roll-ups cannot know
        Index("ix_complaints_unanswered_due", "city_code", "response_due_at",
              sqlite_where=text("first_response_at IS NULL"), postgresql_where=text("first_response_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    city_code: Mapped[str] = mapped_column(String(8))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    external_id: Mapped[str] = mapped_column(String(128))
    category_id: Mapped[int] = mapped_column(ForeignKey("complaint_categories.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    kecamatan_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    kelurahan_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    located_by: Mapped[str | None] = mapped_column(String(8))  # point | name (placed by its kecamatan's name)
    address: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(32))
    media_url: Mapped[str | None] = mapped_column(String(500))
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    reporter_email: Mapped[str | None] = mapped_column(String(200))
    reporter_nik: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_amber_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # amber from here, red after due
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # start of the current cycle if reopened
    reopen_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ComplaintEvent(Base):
    """One status change of a complaint, with the agency that made it."""

    __tablename__ = "complaint_events"
    __table_args__ = (Index("ix_complaint_events_complaint_at", "complaint_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    note: Mapped[str | None] = mapped_column(Text)


class ComplaintFigures:
    """What a day of complaints adds up to for the period figures: received, answered (a first
    response in the current cycle), answered on time, unanswered with a deadline (``judged``
    at a given now is answered plus these minus those whose deadline is still ahead) and resolved."""

    received: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    answered_on_time: Mapped[int] = mapped_column(Integer, default=0)
    unanswered_due: Mapped[int] = mapped_column(Integer, default=0)
    resolved: Mapped[int] = mapped_column(Integer, default=0)


class ComplaintCell:
    """The key of a complaint roll-up row: the city and the kecamatan, category, agency and status."""

    id: Mapped[int] = mapped_column(primary_key=True)
    city_code: Mapped[str] = mapped_column(String(8))
    kecamatan_id: Mapped[int | None] = mapped_column(Integer)
    category_id: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))


class ComplaintDaily(ComplaintCell, ComplaintFigures, Base):
    """The complaints received on one local day, per kecamatan, category, agency and status
    (``rules.complaint_rollups`` keeps them in step with the complaints)."""

    __tablename__ = "complaint_daily"
    __table_args__ = (Index("ix_complaint_daily_city_day", "city_code", "day"),)
    day: Mapped[date] = mapped_column(Date)


class ComplaintMonthly(ComplaintCell, ComplaintFigures, Base):
    """``complaint_daily`` summed over one local calendar month (``month``: its first day)."""

    __tablename__ = "complaint_monthly"
    __table_args__ = (Index("ix_complaint_monthly_city_month", "city_code", "month"),)
    month: Mapped[date] = mapped_column(Date)


class ResponseBins:
    """A response-time histogram row (``rules.complaint_rollups.RESPONSE_SEGMENTS``) of one agency."""

    id: Mapped[int] = mapped_column(primary_key=True)
    city_code: Mapped[str] = mapped_column(String(8))
    agency_id: Mapped[int | None] = mapped_column(Integer)
    bin: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)


class ComplaintDailyResponse(ResponseBins, Base):
    """How long the answered complaints received on one local day waited for their first
    response, per agency: a histogram."""

    __tablename__ = "complaint_daily_response"
    __table_args__ = (Index("ix_complaint_daily_response_city_day", "city_code", "day"),)
    day: Mapped[date] = mapped_column(Date)


class ComplaintMonthlyResponse(ResponseBins, Base):
    """``complaint_daily_response`` summed over one local month (``month``: its first day)."""

    __tablename__ = "complaint_monthly_response"
    __table_args__ = (Index("ix_complaint_monthly_response_city_month", "city_code", "month"),)
    month: Mapped[date] = mapped_column(Date)


class HourCounts:
    """Complaints received per category and local hour of day (0-23)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    city_code: Mapped[str] = mapped_column(String(8))
    category_id: Mapped[int] = mapped_column(Integer)
    hour: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)


class ComplaintDailyHour(HourCounts, Base):
    """The complaints of one local day per category and hour: the trend by hour and by day
    without a place filter, and the early warning's city-wide rhythm."""

    __tablename__ = "complaint_daily_hour"
    __table_args__ = (Index("ix_complaint_daily_hour_city_day", "city_code", "day"),)
    day: Mapped[date] = mapped_column(Date)


class ComplaintMonthlyHour(HourCounts, Base):
    """``complaint_daily_hour`` summed over one local month (``month``: its first day)."""

    __tablename__ = "complaint_monthly_hour"
    __table_args__ = (Index("ix_complaint_monthly_hour_city_month", "city_code", "month"),)
    month: Mapped[date] = mapped_column(Date)


class ComplaintAlert(Base):
    """A burst of complaints of one category in one kecamatan, a cluster of neighbouring
    kecamatan, or the whole city (``rules.early_warning``): the strongest window seen, what was
    observed and expected there, its score (-log10 p), when it was raised, last updated, last
    seen significant and cleared (None while it lasts). ``region_ids`` is the sorted kecamatan
    ids joined by commas ("" for the whole city); ``key`` is category and regions."""

    __tablename__ = "complaint_alerts"
    __table_args__ = (Index("ix_complaint_alerts_city_cleared", "city_code", "cleared_at"),
                      Index("ix_complaint_alerts_city_raised", "city_code", "raised_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    city_code: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[int] = mapped_column(ForeignKey("complaint_categories.id"))
    region_ids: Mapped[str] = mapped_column(String(200))
    window_hours: Mapped[float] = mapped_column(Float)
    observed: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)  # the highest seen
    last_score: Mapped[float] = mapped_column(Float, default=0)  # of the latest significant signal
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CellCounts:
    """Located complaints per map cell (``rules.complaint_rollups.CELL_DEGREES`` square: row and
    column of the grid counted from 90 S and 180 W)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    city_code: Mapped[str] = mapped_column(String(8))
    row: Mapped[int] = mapped_column(Integer)
    col: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)


class ComplaintDailyCell(CellCounts, Base):
    """The located complaints of one local day per map cell: the /complaints map of a long period."""

    __tablename__ = "complaint_daily_cell"
    __table_args__ = (Index("ix_complaint_daily_cell_city_day", "city_code", "day"),)
    day: Mapped[date] = mapped_column(Date)


class ComplaintMonthlyCell(CellCounts, Base):
    """``complaint_daily_cell`` summed over one local month (``month``: its first day)."""

    __tablename__ = "complaint_monthly_cell"
    __table_args__ = (Index("ix_complaint_monthly_cell_city_month", "city_code", "month"),)
    month: Mapped[date] = mapped_column(Date)


class ComplaintRollupMark(Base):
    """A city's complaint roll-ups are complete since ``built_at`` (a rebuild); the queries read
    them only then, and every write path keeps them current in its own transaction."""

    __tablename__ = "complaint_rollup_marks"
    city_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ComplaintFlag(Base):
    """An amber or red flag on a complaint: when it was raised and when it was cleared."""

    __tablename__ = "complaint_flags"
    __table_args__ = (Index("ix_complaint_flags_open", "level", "cleared_at"),
                      Index("ix_complaint_flags_level_flagged", "level", "flagged_at"),
                      Index("ix_complaint_flags_complaint_level_flagged", "complaint_id", "level", "flagged_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(8))  # amber | red
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# --- devices: CCTV cameras and WiFi access points ------------------------------------------


class Device(Base):
    """A CCTV camera (kind ``cctv``) or a public-WiFi access point (kind ``wifi``).

    One table for both: they share state rules, samples, roll-ups and pages' mechanics.
    """

    __tablename__ = "devices"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id"),
        Index("ix_devices_city_kind_state", "city_code", "kind", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    city_code: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(8))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    external_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200))
    site_type: Mapped[str | None] = mapped_column(String(32))  # wifi: park, puskesmas, school, office, public_space
    kecamatan_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    kelurahan_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    located_by: Mapped[str | None] = mapped_column(String(8))  # point | name
    host: Mapped[str | None] = mapped_column(String(200))
    port: Mapped[int | None] = mapped_column(Integer)
    check_url: Mapped[str | None] = mapped_column(String(500))
    check_method: Mapped[str] = mapped_column(String(8), default="push")  # push | tcp | http
    expected_interval_seconds: Mapped[int] = mapped_column(Integer, default=60)
    uptime_target: Mapped[float] = mapped_column(Float, default=98.0)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    state_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # newest sample that answered
    last_sample_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # newest sample of any state
    flapping: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    installed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DeviceSample(Base):
    """One raw observation of a device (heartbeat or probe). Kept for a limited time."""

    __tablename__ = "device_samples"
    __table_args__ = (Index("ix_device_samples_device_at", "device_id", "at"), Index("ix_device_samples_at", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(12))
    latency_ms: Mapped[float | None] = mapped_column(Float)
    detail: Mapped[str | None] = mapped_column(String(300))


class DeviceStateChange(Base):
    """A change of a device's state; the timeline and flapping detection read these."""

    __tablename__ = "device_state_changes"
    __table_args__ = (Index("ix_device_state_changes_device_at", "device_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    from_state: Mapped[str | None] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))


class MaintenanceWindow(Base):
    """Planned downtime that does not count against a device's uptime."""

    __tablename__ = "maintenance_windows"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(300))


class DeviceRollupMark(Base):
    """How far a city's hourly uptime roll-ups are up to date, and the oldest late sample
    (one that arrived for an hour already rolled up) still to be folded in."""

    __tablename__ = "device_rollup_marks"
    city_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    rolled_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dirty_from: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UptimeTotals:
    """What a roll-up adds up: samples seen, and seconds up (degraded included), degraded,
    known (covered by samples) and in maintenance."""

    samples: Mapped[int] = mapped_column(Integer, default=0)
    up_seconds: Mapped[float] = mapped_column(Float, default=0)
    degraded_seconds: Mapped[float] = mapped_column(Float, default=0)
    known_seconds: Mapped[float] = mapped_column(Float, default=0)
    maintenance_seconds: Mapped[float] = mapped_column(Float, default=0)


class DeviceUptimeHourly(UptimeTotals, Base):
    """One device's totals for one UTC hour."""

    __tablename__ = "device_uptime_hourly"
    __table_args__ = (Index("ix_device_uptime_hourly_hour", "hour"),)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)


class DeviceUptimeDaily(UptimeTotals, Base):
    """The hourly totals summed over one local (city time zone) day."""

    __tablename__ = "device_uptime_daily"
    __table_args__ = (Index("ix_device_uptime_daily_day", "day"),)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class UptimeGroupTotals(UptimeTotals):
    """The totals of one group of devices: a kind, a kecamatan and a site type, as the pages
    slice them, so a 30-day view of 20,000 devices reads a few thousand rows."""

    city_code: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(8))
    kecamatan_id: Mapped[int | None] = mapped_column(Integer)
    site_type: Mapped[str | None] = mapped_column(String(32))
    devices: Mapped[int] = mapped_column(Integer, default=0)  # devices with a row in the period


class DeviceUptimeGroupHourly(UptimeGroupTotals, Base):
    """``device_uptime_hourly`` summed per group and hour."""

    __tablename__ = "device_uptime_group_hourly"
    __table_args__ = (Index("ix_device_uptime_group_hourly_city_hour", "city_code", "hour", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime)


class DeviceUptimeGroupDaily(UptimeGroupTotals, Base):
    """``device_uptime_daily`` summed per group and local day; ``devices_mostly_down`` counts
    the devices up less than half of their known time that day."""

    __tablename__ = "device_uptime_group_daily"
    __table_args__ = (Index("ix_device_uptime_group_daily_city_day", "city_code", "day", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    devices_mostly_down: Mapped[int] = mapped_column(Integer, default=0)


# --- KPIs and smart-city indicators ---------------------------------------------------------


class KpiDefinition(CityOwned, Measure, Base):
    """A service KPI of the catalogue: its owner agency, period, target and amber threshold, and
    where it sits in the smart-city programme (dimension, sub-dimension, stage)."""

    __tablename__ = "kpi_definitions"
    code: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(12))  # monthly | quarterly | yearly
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    unit_en: Mapped[str | None] = mapped_column(String(32))
    amber: Mapped[float | None] = mapped_column(Float)  # amber up to here, red beyond (None: no amber band)
    dimension: Mapped[str | None] = mapped_column(String(16))
    sub_dimension: Mapped[str | None] = mapped_column(String(32))
    stage: Mapped[str | None] = mapped_column(String(12))  # baseline | output | outcome | impact | quick_win


class KpiValue(ReportedValue, Base):
    """A KPI's value for one period; ``updated_at`` is when it was reported, ``reported_by`` who
    (a person's name, or the source's key). A correction replaces it and keeps the old one in
    ``kpi_value_revisions``."""

    __tablename__ = "kpi_values"
    __table_args__ = (UniqueConstraint("kpi_id", "period_start"),)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi_definitions.id", ondelete="CASCADE"))
    period_start: Mapped[date] = mapped_column(Date)
    reported_by: Mapped[str | None] = mapped_column(String(120))


class KpiValueRevision(Base):
    """A KPI value as it was before a correction replaced it."""

    __tablename__ = "kpi_value_revisions"
    __table_args__ = (Index("ix_kpi_value_revisions_kpi_period", "kpi_id", "period_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi_definitions.id", ondelete="CASCADE"))
    period_start: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reported_by: Mapped[str | None] = mapped_column(String(120))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Indicator(CityOwned, Measure, Base):
    """A smart-city indicator, grouped by dimension (Governance ... Environment)."""

    __tablename__ = "indicators"
    code: Mapped[str] = mapped_column(String(64))
    dimension: Mapped[str] = mapped_column(String(16))
    sub_dimension: Mapped[str] = mapped_column(String(120))  # the code of one of the dimension's sub-dimensions
    unit_en: Mapped[str | None] = mapped_column(String(32))
    weight: Mapped[float] = mapped_column(Float, default=1.0, server_default="1")


class IndicatorValue(ReportedValue, Base):
    __tablename__ = "indicator_values"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str | None] = mapped_column(Text)  # link or document reference


# --- the evaluation: evidence and the application portfolio ------------------------------------


class EvidenceItem(Base):
    """A document or link that backs the evaluation: per section of the evaluators' outline
    (policy, technology, governance, services, budget, awards, security) and, optionally, per
    indicator. ``kind`` says what it is (regulation, plan, report, budget, award, assessment,
    link); ``details`` holds what that kind adds, as JSON (a budget line's amount, an award's
    giver, an information-security assessment's scores per area and its maturity level). A file
    is stored by the app under ``stored_name``; ``demo`` marks the demo city's entries."""

    __tablename__ = "evidence_items"
    __table_args__ = (Index("ix_evidence_items_city_section", "city_code", "section"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    city_code: Mapped[str] = mapped_column(String(8))
    section: Mapped[str] = mapped_column(String(16))
    indicator_code: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    title_id: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    year: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(String(500))
    file_name: Mapped[str | None] = mapped_column(String(200))  # as uploaded
    stored_name: Mapped[str | None] = mapped_column(String(80))  # under the evidence directory
    mime_type: Mapped[str | None] = mapped_column(String(80))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[str | None] = mapped_column(Text)  # JSON
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by: Mapped[str | None] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Application(Base):
    """One of the city's applications (the technology-support portfolio): its group, owner
    agency, address, whether it is on the city's single sign-on and how many used it last month.
    Its availability is watched as a device of kind ``app`` (``device_id``), probed over HTTP."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("city_code", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    city_code: Mapped[str] = mapped_column(String(8))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    app_group: Mapped[str] = mapped_column(String(16))  # e_government | e_health | e_education | e_logistics | e_procurement
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    url: Mapped[str | None] = mapped_column(String(500))
    sso_ready: Mapped[bool] = mapped_column(Boolean, default=False)
    users_last_month: Mapped[int | None] = mapped_column(Integer)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


# --- people and their access ---------------------------------------------------------------------


class User(Base):
    """A person who signs in: a local account (password hashed with argon2) or one that came
    through the city's single sign-on (``oidc_subject``); ``role`` decides what they see."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # admin | operator | leadership | evaluator
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    oidc_subject: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WallScreen(Base):
    """A wall screen's device login: a long-lived token (stored as SHA-256) bound to one screen
    name and the kiosk pages it may show; revoking it stops the screen at its next refresh."""

    __tablename__ = "wall_screens"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    pages: Mapped[str] = mapped_column(String(300))  # comma-separated page slugs
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Who did what, when and from where: sign-ins, exports, unmasked views, admin changes."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(120))  # a username, "wall:<screen>" or "key:<source>"
    role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(64))
