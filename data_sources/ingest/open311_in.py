"""Incoming Open311 GeoReport v2 service requests, validated for the city profile (pydantic):
what an importer or the ingest API calls before storing a complaint. The field mapping is
described in ``open311``. Pure: no database, no HTTP. An importer validates each item with
:func:`from_service_request`, writes a rejected record with :func:`error_reasons` on
``pydantic.ValidationError`` and upserts by ``(source, external_id)`` otherwise.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (AliasChoices, BaseModel, ConfigDict, Field, ValidationInfo, computed_field,
                      field_validator, model_validator)
from pydantic_core import PydanticCustomError

from cities import CityProfile
from data_sources.ingest.open311 import service_codes, status_from_open311
from data_sources.ingest.records import error_reasons  # noqa: F401 - where importers found it

def _context_profile(info: ValidationInfo) -> CityProfile:
    profile = (info.context or {}).get("profile")
    if profile is None:
        raise PydanticCustomError("no_profile", "Profil kota tidak diberikan / no city profile given "
                                                "(use from_service_request(data, profile=...))")
    return profile


def _parse_datetime(value: Any, info: ValidationInfo) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError(
                "datetime_format", "Format tanggal tidak valid / invalid ISO 8601 datetime: '{value}'",
                {"value": value}) from None
    else:
        raise PydanticCustomError("datetime_type", "Tanggal harus teks ISO 8601 / datetime must be ISO 8601 text, "
                                                   "got {kind}", {"kind": type(value).__name__})
    if moment.tzinfo is None:  # GeoReport requires an offset; naive times are taken as the city's local time
        moment = moment.replace(tzinfo=ZoneInfo(_context_profile(info).timezone))
    return moment.astimezone(timezone.utc)


_ID_LIKE = ("service_request_id", "service_code", "address_id", "zipcode", "device_id", "account_id")


class ServiceRequestIn(BaseModel):
    """One incoming GeoReport v2 service request, validated, with Complaint-style field names.

    Accepts ``GET requests`` items and POST fields (``first_name``, ``last_name``, ``email``,
    ``phone``, ``device_id``, ``account_id``, ``address_string``). Unknown keys (``attribute[..]``,
    extensions) are ignored. Validate with :func:`from_service_request`, which passes the city
    profile as validation context; error locations use the GeoReport field names.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)

    external_id: str = Field(validation_alias="service_request_id", min_length=1, max_length=128)
    category_code: str = Field(validation_alias="service_code", min_length=1)
    open311_status: Literal["open", "closed"] = Field("open", validation_alias="status")
    status_notes: str | None = None
    service_name: str | None = None  # informational; the category comes from service_code
    agency_responsible: str | None = None  # informational; the agency comes from the category
    description: str = ""
    address: str | None = Field(None, validation_alias=AliasChoices("address", "address_string"), max_length=300)
    address_id: str | None = None
    zipcode: str | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180, validation_alias="long")
    media_url: str | None = Field(None, max_length=500)
    received_at: datetime = Field(validation_alias="requested_datetime")
    updated_at: datetime | None = Field(None, validation_alias="updated_datetime")
    expected_at: datetime | None = Field(None, validation_alias="expected_datetime")
    first_name: str | None = Field(None, repr=False)
    last_name: str | None = Field(None, repr=False)
    reporter_email: str | None = Field(None, validation_alias="email", max_length=200, repr=False)
    reporter_phone: str | None = Field(None, validation_alias="phone", max_length=32, repr=False)
    device_id: str | None = None
    account_id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _long_always_present(cls, data: Any) -> Any:
        # so the lat/long pairing check runs (and reports under "long") when "long" is absent
        if isinstance(data, Mapping) and "long" not in data:
            data = {**data, "long": None}
        return data

    @field_validator("external_id", "category_code", "address_id", "zipcode", "device_id", "account_id",
                     mode="before")
    @classmethod
    def _ids_as_text(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("status_notes", "service_name", "agency_responsible", "address", "media_url", "first_name",
                     "last_name", "reporter_email", "reporter_phone", "address_id", "zipcode", "device_id",
                     "account_id", "lat", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and value.strip() == "" else value

    @field_validator("description", mode="before")
    @classmethod
    def _description_text(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("open311_status", mode="before")
    @classmethod
    def _status_lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("category_code")
    @classmethod
    def _known_service_code(cls, value: str, info: ValidationInfo) -> str:
        profile = _context_profile(info)
        codes = service_codes(profile)
        if value not in codes:
            raise PydanticCustomError(
                "unknown_service_code",
                "Kode layanan '{code}' tidak dikenal di {city} / unknown service_code '{code}' for {city}; "
                "dikenal/known: {known}",
                {"code": value, "city": profile.name, "known": ", ".join(codes)})
        return codes[value].code

    @field_validator("received_at", "updated_at", "expected_at", mode="before")
    @classmethod
    def _datetimes(cls, value: Any, info: ValidationInfo) -> Any:
        return _parse_datetime(value, info)

    @field_validator("lon", mode="before")
    @classmethod
    def _point_complete(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and value.strip() == "":
            value = None
        if "lat" not in info.data:  # lat itself failed; its own error says why
            return value
        if (info.data["lat"] is None) != (value is None):
            raise PydanticCustomError(
                "incomplete_point",
                "lat dan long harus diisi bersama / lat and long must be given together ({given} without {missing})",
                {"given": "long" if info.data["lat"] is None else "lat",
                 "missing": "lat" if info.data["lat"] is None else "long"})
        return value

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status(self) -> str:
        """The Live Room complaint status (``received`` ... ``rejected``)."""
        return status_from_open311(self.open311_status, self.status_notes)

    @computed_field(repr=False)  # type: ignore[prop-decorator]
    @property
    def reporter_name(self) -> str | None:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or None


def from_service_request(data: Mapping[str, Any], *, profile: CityProfile) -> ServiceRequestIn:
    """Validate one incoming GeoReport v2 service request for ``profile``.

    Raises ``pydantic.ValidationError`` naming each bad field (GeoReport names: ``service_code``,
    ``requested_datetime``, ``lat``, ``long``, ...); :func:`error_reasons` turns it into one line.
    Times become aware UTC; naive times are read in the profile's time zone (WIB for Tangerang).
    """
    return ServiceRequestIn.model_validate(dict(data), context={"profile": profile})
