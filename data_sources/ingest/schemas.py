"""The records the ingest API, the uploads and the Open311 pull accept, as pydantic models: they
validate each record's shape (types, time zones, ranges) and their JSON Schema is the ingest
API's OpenAPI document (``api.openapi``), so the two cannot drift apart. What depends on the
city (a category, an agency, a kecamatan, a point inside the city) is checked when a record is
stored (``ingest.complaints``, ``ingest.registry``, ``ingest.kpis``).

Complaints take the project's own field names and Open311 GeoReport v2's alike
(``service_request_id`` for ``external_id``, ``service_code`` for ``category``,
``requested_datetime`` for ``received_at``, ``long`` for ``lon``, ...). Every time needs a
UTC offset (``Z`` or ``+07:00``): a time without one is refused, not guessed.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Literal

from pydantic import (AfterValidator, AliasChoices, BaseModel, ConfigDict, Field, ValidationInfo, field_validator,
                      model_validator)
from pydantic import AwareDatetime as _Aware
from pydantic_core import PydanticCustomError

from data_sources.ingest.open311 import OPEN311_TO_STATUS, status_from_open311
from data_sources.models import COMPLAINT_STATUSES

EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
FUTURE_TOLERANCE = timedelta(minutes=5)
SITE_TYPES = ("park", "puskesmas", "school", "office", "public_space", "other")
CHECK_METHODS = ("push", "tcp", "http")
UPDATE_STATUSES = ("assigned", "responded", "in_progress", "resolved", "rejected", "reopened")


def _sane(moment: datetime, info: ValidationInfo) -> datetime:
    """A time a record can hold: from 2000 on, and not more than a few minutes after now."""
    now = (info.context or {}).get("now") or datetime.now(timezone.utc)
    if moment < EARLIEST:
        raise PydanticCustomError("too_early", "{value} is before 2000", {"value": moment.isoformat()})
    if moment > now + FUTURE_TOLERANCE:
        raise PydanticCustomError("in_future", "{value} is in the future", {"value": moment.isoformat()})
    return moment.astimezone(timezone.utc)


Moment = Annotated[_Aware, AfterValidator(_sane)]
Text = Annotated[str, Field(max_length=300)]


def _aliases(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Record(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class ComplaintIn(Record):
    """A citizen complaint (create or update; the newer ``updated_at`` wins)."""

    external_id: str = Field(min_length=1, max_length=128, validation_alias=_aliases("external_id", "service_request_id"),
                             description="the complaint's id in the sending system")
    category: str = Field(min_length=1, max_length=200, validation_alias=_aliases("category", "service_code"),
                          description="a category of the city: its code, its Open311 service code or its name")
    status_notes: str | None = Field(None, max_length=2000)  # before status: Open311 notes refine open/closed
    status: str = Field("received", description="received, assigned, responded, in_progress, resolved, rejected, "
                                                "reopened; or Open311's open/closed (refined by status_notes)")
    description: str = Field("", max_length=5000)
    received_at: Moment = Field(validation_alias=_aliases("received_at", "requested_datetime"))
    updated_at: Moment | None = Field(None, validation_alias=_aliases("updated_at", "updated_datetime"),
                                      description="when the sending system last changed it (default: received_at)")
    assigned_at: Moment | None = None
    responded_at: Moment | None = Field(None, validation_alias=_aliases("responded_at", "first_response_at"))
    resolved_at: Moment | None = None
    agency: str | None = Field(None, max_length=64, description="the agency's code (default: the category's agency)")
    address: Text | None = Field(None, validation_alias=_aliases("address", "address_string"))
    kecamatan: str | None = Field(None, max_length=120, description="name or code; places a record without a point")
    kelurahan: str | None = Field(None, max_length=120)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180, validation_alias=_aliases("lon", "long"))
    channel: str | None = Field(None, max_length=32)
    media_url: str | None = Field(None, max_length=500)
    reporter_name: str | None = Field(None, max_length=200, repr=False)
    first_name: str | None = Field(None, max_length=100, repr=False)
    last_name: str | None = Field(None, max_length=100, repr=False)
    reporter_phone: str | None = Field(None, max_length=32, repr=False, validation_alias=_aliases("reporter_phone", "phone"))
    reporter_email: str | None = Field(None, max_length=200, repr=False, validation_alias=_aliases("reporter_email", "email"))
    reporter_nik: str | None = Field(None, max_length=16, repr=False, validation_alias=_aliases("reporter_nik", "nik"))

    @field_validator("external_id", "category", mode="before")
    @classmethod
    def _ids_as_text(cls, value):
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("status", mode="after")
    @classmethod
    def _known_status(cls, value: str, info: ValidationInfo) -> str:
        word = value.lower()
        if word in COMPLAINT_STATUSES:
            return word
        if word in OPEN311_TO_STATUS:
            return status_from_open311(word, info.data.get("status_notes"))
        raise PydanticCustomError("unknown_status", "{value} is not one of {known}",
                                  {"value": value, "known": ", ".join(COMPLAINT_STATUSES + ("open", "closed"))})

    @field_validator("lon", mode="after")
    @classmethod
    def _whole_point(cls, value, info: ValidationInfo):
        if "lat" in info.data and (info.data["lat"] is None) != (value is None):
            raise PydanticCustomError("incomplete_point", "lat and lon must be given together")
        return value

    @property
    def reporter(self) -> str | None:
        return self.reporter_name or " ".join(p for p in (self.first_name, self.last_name) if p) or None


class ComplaintUpdateIn(Record):
    """A change of a complaint's status: assigned, responded, resolved, reopened, ..."""

    external_id: str = Field(min_length=1, max_length=128, validation_alias=_aliases("external_id", "service_request_id"))
    status: Literal[UPDATE_STATUSES]  # type: ignore[valid-type]
    at: Moment = Field(description="when it happened")
    agency: str | None = Field(None, max_length=64, description="the agency that made the change (its code)")
    note: str | None = Field(None, max_length=2000)


class DeviceIn(Record):
    """A camera, an access point or another kind of device of the city profile (create or update)."""

    external_id: str = Field(min_length=1, max_length=128, validation_alias=_aliases("external_id", "device_id"))
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(min_length=1, max_length=8, description="a device kind of the city profile: cctv, wifi, ...")
    site_type: Literal[SITE_TYPES] | None = None  # type: ignore[valid-type]
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180, validation_alias=_aliases("lon", "long"))
    kecamatan: str | None = Field(None, max_length=120)
    kelurahan: str | None = Field(None, max_length=120)
    check_method: Literal[CHECK_METHODS] = "push"  # type: ignore[valid-type]
    host: str | None = Field(None, max_length=200)
    port: int | None = Field(None, ge=1, le=65535)
    check_url: str | None = Field(None, max_length=500)
    uptime_target: float | None = Field(None, gt=0, le=100, description="per cent (default: the kind's in the profile)")
    installed_at: Moment | None = None
    active: bool = True

    @field_validator("external_id", mode="before")
    @classmethod
    def _id_as_text(cls, value):
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _how_to_check(self) -> "DeviceIn":
        if self.check_method == "http" and not self.check_url:
            raise PydanticCustomError("check_url", "check_method http needs check_url")
        if self.check_method == "tcp" and not (self.host and self.port):
            raise PydanticCustomError("check_tcp", "check_method tcp needs host and port")
        return self


class KpiValueIn(Record):
    """A service KPI's value for one period (the newer ``updated_at`` wins)."""

    kpi: str = Field(min_length=1, max_length=64, description="the KPI's code in the city profile")
    period_start: date = Field(validation_alias=_aliases("period_start", "period"),
                               description="the first day of the period (YYYY-MM-DD; YYYY-MM for a month)")
    value: float = Field(allow_inf_nan=False)
    updated_at: Moment | None = Field(None, description="when it was reported (default: the time of the request)")

    @field_validator("period_start", mode="before")
    @classmethod
    def _month(cls, value):
        if isinstance(value, str) and len(value.strip()) == 7:
            return f"{value.strip()}-01"
        return value

    @field_validator("period_start", mode="after")
    @classmethod
    def _sane_period(cls, value: date, info: ValidationInfo) -> date:
        now = (info.context or {}).get("now") or datetime.now(timezone.utc)
        if not EARLIEST.date() <= value <= (now + timedelta(days=366)).date():
            raise PydanticCustomError("period", "{value} is not a period the city can report",
                                      {"value": value.isoformat()})
        return value


# --- answers (for the OpenAPI document) -------------------------------------------------------------


class RecordResult(BaseModel):
    index: int = Field(description="the record's position in the request, from 0")
    external_id: str | None
    result: Literal["created", "updated", "unchanged", "rejected", "duplicate"]
    reason: str | None = Field(description="why it was refused or left unchanged")


class BatchResult(BaseModel):
    source: str
    run_id: int | None
    status: str
    received: int
    accepted: int = Field(description="created + updated")
    created: int
    updated: int
    unchanged: int
    rejected: int
    duplicate: int
    results: list[RecordResult]


class Problem(BaseModel):
    error: str = Field(description="a short code: unauthorized, forbidden, invalid_json, ...")
    message: str
