"""Open311 GeoReport v2 mapping: service list, statuses, export without personal data, import validation."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from cities import load_profile
from data_sources.models import COMPLAINT_STATUSES, OPEN_STATUSES
from data_sources.ingest.open311 import (
    GEOREPORT_REQUEST_FIELDS, GEOREPORT_SERVICE_FIELDS, OPEN311_TO_STATUS, STATUS_NOTES_EN, STATUS_NOTES_ID,
    STATUS_TO_OPEN311, service_code_for, service_list, status_from_open311, to_open311_status, to_service_request,
)
from data_sources.ingest.open311_in import error_reasons, from_service_request
from data_sources.rules.privacy import MASK

WIB = timezone(timedelta(hours=7))
CITIES = ("kota_tangerang", "kota_tangerang_selatan")
PERSONAL_OUT = {"first_name", "last_name", "email", "phone", "reporter_name", "reporter_phone", "reporter_email",
                "reporter_nik", "nik", "device_id", "account_id"}


@pytest.fixture(scope="module")
def tangerang():
    return load_profile("kota_tangerang")


@pytest.fixture(scope="module")
def tangsel():
    return load_profile("kota_tangerang_selatan")


def complaint_row(**overrides):
    row = {
        "external_id": "LAKSA-2026-000123",
        "category_code": "pju",
        "status": "in_progress",
        "description": "Lampu PJU mati di depan masjid. WA 0812-3456-7890, email budi.s@example.com, "
                       "NIK 3671011201800001.",
        "received_at": datetime(2026, 11, 23, 7, 30),  # naive UTC, as stored
        "updated_at": datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc),
        "resolution_due_at": datetime(2026, 11, 26, 7, 30, tzinfo=timezone.utc),
        "address": "Jl. Daan Mogot No. 12, Sukarasa",
        "lat": -6.1781,
        "lon": 106.6297,
        "media_url": "https://laksa.example.go.id/media/123.jpg",
        "reporter_name": "Budi Santoso",
        "reporter_phone": "081234567890",
        "reporter_email": "budi.s@example.com",
        "reporter_nik": "3671011201800001",
    }
    row.update(overrides)
    return row


# A GET requests.json item from the GeoReport v2 spec, adapted to a Tangerang category and place.
SPEC_SAMPLE = {
    "service_request_id": 638344,
    "status": "closed",
    "status_notes": "Duplicate request.",
    "service_name": "Sidewalk and Curb Issues",
    "service_code": "jalan",
    "description": None,
    "agency_responsible": None,
    "service_notice": None,
    "requested_datetime": "2010-04-14T06:37:38-08:00",
    "updated_datetime": "2010-04-14T06:37:38-08:00",
    "expected_datetime": "2010-04-15T06:37:38-08:00",
    "address": "Jl. Jenderal Sudirman, Cikokol",
    "address_id": 545483,
    "zipcode": 15117,
    "lat": -6.2031,
    "long": 106.6366,
    "media_url": "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg",
}


DROP = object()  # marks a key to remove from the sample


def fields_in(error: ValidationError) -> set[str]:
    return {str(e["loc"][0]) for e in error.errors() if e["loc"]}


# --- service list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", CITIES)
@pytest.mark.parametrize("language", ["id", "en"])
def test_service_list_covers_every_category_with_unique_codes(slug, language):
    profile = load_profile(slug)
    services = service_list(profile, language)
    codes = [s["service_code"] for s in services]
    assert len(codes) == len(set(codes)) == len(profile.complaint_categories)
    assert codes == [service_code_for(c) for c in profile.complaint_categories]
    agencies = {a.code: a.name for a in profile.agencies}
    for service, category in zip(services, profile.complaint_categories):
        assert tuple(service) == GEOREPORT_SERVICE_FIELDS
        assert service["service_name"] == (category.name_id if language == "id" else category.name_en)
        assert service["group"] == agencies[category.agency]
        assert service["metadata"] is False and service["type"] == "realtime"
        assert service["description"] and all(service["keywords"].split(","))


def test_service_list_language_and_explicit_open311_code(tangerang):
    assert service_list(tangerang)[0]["service_name"] == "Penerangan jalan umum mati"
    assert service_list(tangerang, "en")[0]["service_name"] == "Street light out"
    with pytest.raises(ValueError):
        service_list(tangerang, "fr")
    category = tangerang.complaint_categories[0]
    assert service_code_for(category) == category.code

    class Row:  # a complaint_categories row carrying an explicit Open311 code
        code = "pju"
        open311_service_code = "STREETLIGHT-01"

    assert service_code_for(Row()) == "STREETLIGHT-01"


# --- statuses -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", COMPLAINT_STATUSES)
def test_every_live_room_status_maps_to_open311_and_back(status):
    level = to_open311_status(status)
    assert level == ("open" if status in OPEN_STATUSES else "closed")
    assert STATUS_TO_OPEN311[status] == level
    assert STATUS_NOTES_ID[status] and STATUS_NOTES_EN[status]
    # our own notes restore the exact status, in either language
    assert status_from_open311(level, STATUS_NOTES_ID[status]) == status
    assert status_from_open311(level, STATUS_NOTES_EN[status]) == status


def test_open311_statuses_map_to_live_room_defaults_and_hints():
    assert OPEN311_TO_STATUS == {"open": "received", "closed": "resolved"}
    assert status_from_open311("open") == "received"
    assert status_from_open311("closed", None) == "resolved"
    assert status_from_open311("CLOSED", "Fixed, thanks!") == "resolved"
    assert status_from_open311("closed", "Duplicate request.") == "rejected"
    assert status_from_open311("open", "Sedang dikerjakan petugas") == "in_progress"
    # a hint never crosses the open/closed level
    assert status_from_open311("open", "Duplicate request.") == "received"
    with pytest.raises(ValueError):
        status_from_open311("pending")
    with pytest.raises(ValueError):
        to_open311_status("lost")


# --- Live Room -> GeoReport v2 ---------------------------------------------------------------------------


@pytest.mark.parametrize("slug", CITIES)
def test_service_request_has_exactly_georeport_keys_local_times_and_no_personal_data(slug):
    profile = load_profile(slug)
    out = to_service_request(complaint_row(), profile=profile)
    assert tuple(out) == GEOREPORT_REQUEST_FIELDS
    assert not PERSONAL_OUT & set(out)
    assert out["requested_datetime"] == "2026-11-23T14:30:00+07:00"
    assert out["updated_datetime"] == "2026-11-23T16:00:00+07:00"
    assert out["expected_datetime"] == "2026-11-26T14:30:00+07:00"
    assert out["status"] == "open" and out["status_notes"] == STATUS_NOTES_ID["in_progress"]
    assert out["service_code"] == "pju" and out["service_name"] == "Penerangan jalan umum mati"
    assert out["agency_responsible"] == {a.code: a.name for a in profile.agencies}[
        profile.complaint_categories[0].agency]
    assert isinstance(out["lat"], float) and isinstance(out["long"], float)
    assert out["address"] == "Jl. Daan Mogot No. 12, Sukarasa"
    assert out["media_url"].endswith("123.jpg")


def test_description_is_masked_and_personal_values_never_leak(tangerang):
    out = to_service_request(complaint_row(), profile=tangerang)
    assert out["description"].count(MASK) == 3
    text = repr(out)
    for secret in ("0812-3456-7890", "081234567890", "budi.s@example.com", "3671011201800001", "Budi Santoso"):
        assert secret not in text
    notes = to_service_request(complaint_row(status_notes="Petugas menelepon 081234567890"), profile=tangerang)
    assert "081234567890" not in notes["status_notes"]


def test_closed_requests_have_no_expected_time_and_english_names(tangerang):
    out = to_service_request(complaint_row(status="resolved", updated_at=None, lat=None, lon=None),
                             profile=tangerang, language="en")
    assert out["status"] == "closed" and out["status_notes"] == STATUS_NOTES_EN["resolved"]
    assert out["expected_datetime"] is None
    assert out["updated_datetime"] == out["requested_datetime"]
    assert out["service_name"] == "Street light out"
    assert out["lat"] is None and out["long"] is None


def test_row_values_override_profile_names_and_codes(tangerang):
    out = to_service_request(complaint_row(agency_name="UPT PJU", open311_service_code="SL-01",
                                           category_name_id="PJU padam"), profile=tangerang)
    assert (out["agency_responsible"], out["service_code"], out["service_name"]) == ("UPT PJU", "SL-01", "PJU padam")
    with pytest.raises(ValueError):
        to_service_request(complaint_row(category_code="parkir"), profile=tangerang)


# --- GeoReport v2 -> Live Room -------------------------------------------------------------------------


def test_spec_sample_is_accepted(tangerang):
    request = from_service_request(SPEC_SAMPLE, profile=tangerang)
    assert request.external_id == "638344"
    assert request.category_code == "jalan"
    assert request.open311_status == "closed" and request.status == "rejected"  # "Duplicate request."
    assert request.received_at == datetime(2010, 4, 14, 14, 37, 38, tzinfo=timezone.utc)
    assert request.received_at.tzinfo is not None and request.received_at.utcoffset() == timedelta(0)
    assert request.expected_at == datetime(2010, 4, 15, 14, 37, 38, tzinfo=timezone.utc)
    assert (request.lat, request.lon) == (-6.2031, 106.6366)
    assert request.description == "" and request.address_id == "545483" and request.zipcode == "15117"


def test_post_fields_are_accepted_and_kept_out_of_repr(tangerang):
    data = {"service_request_id": "A-1", "service_code": "sampah", "requested_datetime": "2026-11-23T14:30:00Z",
            "first_name": "Siti", "last_name": "Aminah", "email": "siti@example.com", "phone": "081298765432",
            "device_id": "dev-9", "account_id": 42, "address_string": "Jl. Perintis Kemerdekaan",
            "description": "Sampah menumpuk", "attribute[WHISPY]": "yes"}
    request = from_service_request(data, profile=tangerang)
    assert request.reporter_name == "Siti Aminah"
    assert (request.reporter_email, request.reporter_phone) == ("siti@example.com", "081298765432")
    assert request.address == "Jl. Perintis Kemerdekaan" and request.account_id == "42"
    assert request.status == "received" and request.lat is None and request.lon is None
    assert "081298765432" not in repr(request) and "Siti" not in repr(request)


@pytest.mark.parametrize(("change", "field"), [
    ({"service_code": "parkir"}, "service_code"),
    ({"service_request_id": DROP}, "service_request_id"),
    ({"service_request_id": "  "}, "service_request_id"),
    ({"requested_datetime": "14/04/2010 06:37"}, "requested_datetime"),
    ({"requested_datetime": 1271252258}, "requested_datetime"),
    ({"updated_datetime": "2010-13-45T00:00:00Z"}, "updated_datetime"),
    ({"lat": 91.0}, "lat"),
    ({"long": -180.5}, "long"),
    ({"long": None}, "long"),
    ({"long": DROP}, "long"),
    ({"lat": None}, "long"),
    ({"status": "pending"}, "status"),
])
def test_bad_requests_are_rejected_naming_the_field(tangerang, change, field):
    data = {k: v for k, v in {**SPEC_SAMPLE, **change}.items() if v is not DROP}
    with pytest.raises(ValidationError) as caught:
        from_service_request(data, profile=tangerang)
    assert fields_in(caught.value) == {field}
    assert error_reasons(caught.value).startswith(f"{field}: ")


def test_unknown_service_code_message_is_bilingual_and_lists_the_code(tangsel):
    with pytest.raises(ValidationError) as caught:
        from_service_request({**SPEC_SAMPLE, "service_code": "graffiti"}, profile=tangsel)
    reason = error_reasons(caught.value)
    assert "tidak dikenal" in reason and "unknown service_code" in reason and "'graffiti'" in reason
    assert "Kota Tangerang Selatan" in reason and "pju" in reason


def test_several_errors_are_reported_together(tangerang):
    data = {**SPEC_SAMPLE, "service_code": "x", "lat": 100}
    del data["service_request_id"]
    with pytest.raises(ValidationError) as caught:
        from_service_request(data, profile=tangerang)
    assert fields_in(caught.value) == {"service_request_id", "service_code", "lat"}


def test_naive_datetimes_are_taken_as_wib(tangerang):
    data = {**SPEC_SAMPLE, "requested_datetime": "2026-11-23T14:30:00", "updated_datetime": "2026-11-23 16:00",
            "expected_datetime": None}
    request = from_service_request(data, profile=tangerang)
    assert request.received_at == datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)
    assert request.updated_at == datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    assert request.expected_at is None
    zulu = from_service_request({**data, "requested_datetime": "2026-11-23T07:30:00Z"}, profile=tangerang)
    assert zulu.received_at == request.received_at


# --- round trip ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", CITIES)
@pytest.mark.parametrize("status", COMPLAINT_STATUSES)
def test_round_trip_keeps_id_category_status_times_and_place(slug, status):
    profile = load_profile(slug)
    row = complaint_row(status=status, category_code=profile.complaint_categories[-1].code)
    back = from_service_request(to_service_request(row, profile=profile), profile=profile)
    assert back.external_id == row["external_id"]
    assert back.category_code == row["category_code"]
    assert back.open311_status == STATUS_TO_OPEN311[status]
    assert back.status == status  # exact, thanks to our own status notes
    assert back.received_at == row["received_at"].replace(tzinfo=timezone.utc)
    assert back.updated_at == row["updated_at"]
    assert back.expected_at == (row["resolution_due_at"] if status in OPEN_STATUSES else None)
    assert (back.lat, back.lon) == (row["lat"], row["lon"])
    assert back.address == row["address"] and back.media_url == row["media_url"]
    assert back.reporter_name is None and back.reporter_phone is None  # personal data did not travel


def test_round_trip_in_english_and_with_local_aware_times(tangerang):
    row = complaint_row(status="rejected", received_at=datetime(2026, 1, 2, 8, 0, tzinfo=WIB))
    back = from_service_request(to_service_request(row, profile=tangerang, language="en"), profile=tangerang)
    assert back.status == "rejected"
    assert back.received_at == datetime(2026, 1, 2, 1, 0, tzinfo=timezone.utc)
