"""Open311 GeoReport v2 compatibility: complaints to and from GeoReport service requests.

What GeoReport v2 is
--------------------
GeoReport v2 (https://wiki.open311.org/GeoReport_v2) is the frozen, widely implemented Open311
API for location-based, non-emergency citizen reports ("service requests": broken street
lights, potholes, uncollected garbage). A server publishes a *service list* (the request types
it accepts, each with a ``service_code``), lets clients POST new requests and lets anyone GET
requests, each with an open/closed status, times and a location. Dates are ISO 8601 (W3C note
subset) with a UTC offset or ``Z``.

What maps to what
-----------------
========================  ==============================================================
GeoReport v2              Live Room
========================  ==============================================================
service (service list)    a complaint category of the city profile
service_code              the category's ``open311_service_code`` if it has one, else
                          its ``code`` (see :func:`service_code_for`)
service_name              category ``name_id`` (``language="id"``) or ``name_en``
group                     name of the category's responsible agency (OPD)
service_request_id        ``complaints.external_id``
status / status_notes     ``complaints.status`` via :data:`STATUS_TO_OPEN311` and
                          :data:`STATUS_NOTES_ID`; back via :func:`status_from_open311`
agency_responsible        the agency name (row's ``agency_name`` or the category's agency)
service_notice            the category's response/resolution targets, as text
requested_datetime        ``received_at``
updated_datetime          ``updated_at``
expected_datetime         ``resolution_due_at`` while the complaint is open, else null
address, lat, long        ``address``, ``lat``, ``lon``
media_url                 ``media_url``
description               ``description``, always through :func:`privacy.mask_text`
first_name + last_name    ``reporter_name`` (input only)
email, phone              ``reporter_email``, ``reporter_phone`` (input only)
========================  ==============================================================

Open311 has two statuses, Live Room seven. Going out, every Live Room status maps to
``open``/``closed`` and its exact meaning is written into ``status_notes`` (Bahasa Indonesia by
default). Coming in, ``open`` is ``received`` and ``closed`` is ``resolved`` unless the notes say
more: our own notes map back exactly, and a few common phrases ("duplicate", "ditolak",
"in progress", ...) refine the status within the same open/closed level.

What is left out, and why
-------------------------
* Personal data never goes out: :func:`to_service_request` has no ``first_name``,
  ``last_name``, ``email``, ``phone`` (nor NIK) and masks phone numbers, e-mail addresses and
  NIK inside the description. GeoReport v2 does not publish them either. On input they are
  accepted (an import needs them for follow-up) and kept out of ``repr``.
* Service definitions (``metadata=true``, ``attribute[...]`` values): Live Room categories
  have no per-category questions, so every service has ``metadata: false`` and incoming
  attributes are ignored.
* Tokens (``GET tokens/{token}``, ``type="batch"``): Live Room answers in real time with a
  ``service_request_id``; an import only reads requests that already have an id.
* ``jurisdiction_id``, ``api_key``, ``device_id``/``account_id`` semantics, ``address_id`` and
  ``zipcode`` (no address registry here): transport or server concerns. ``address_id`` and
  ``zipcode`` are kept on input for the raw record but not emitted (always null).
* The service-discovery document and the XML format: transport, for the API layer.

Everything here is pure: no database, no HTTP. Incoming requests are validated by
``open311_in.from_service_request``.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Literal
from zoneinfo import ZoneInfo

from cities import CityProfile, ComplaintCategory
from data_sources.models import COMPLAINT_STATUSES
from data_sources.rules.privacy import mask_text

__all__ = [
    "GEOREPORT_REQUEST_FIELDS", "GEOREPORT_SERVICE_FIELDS", "OPEN311_STATUSES", "OPEN311_TO_STATUS",
    "STATUS_NOTES_EN", "STATUS_NOTES_ID", "STATUS_TO_OPEN311", "service_code_for", "service_codes", "service_list",
    "status_from_open311", "to_open311_status", "to_service_request",
]

Language = Literal["id", "en"]

# --- the GeoReport v2 field sets this module emits ------------------------------------------

GEOREPORT_SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")
GEOREPORT_REQUEST_FIELDS = (
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
)

# --- status mapping ------------------------------------------------------------------------------

OPEN311_STATUSES = ("open", "closed")

STATUS_TO_OPEN311: dict[str, str] = {
    "received": "open",
    "assigned": "open",
    "responded": "open",
    "in_progress": "open",
    "reopened": "open",
    "resolved": "closed",
    "rejected": "closed",
}

STATUS_NOTES_ID: dict[str, str] = {
    "received": "Laporan diterima dan menunggu verifikasi.",
    "assigned": "Laporan diteruskan ke perangkat daerah yang berwenang.",
    "responded": "Laporan sudah ditanggapi oleh perangkat daerah.",
    "in_progress": "Laporan sedang ditindaklanjuti di lapangan.",
    "reopened": "Laporan dibuka kembali.",
    "resolved": "Laporan sudah diselesaikan.",
    "rejected": "Laporan ditolak (tidak valid, duplikat atau bukan kewenangan).",
}

STATUS_NOTES_EN: dict[str, str] = {
    "received": "Report received, awaiting verification.",
    "assigned": "Report assigned to the responsible agency.",
    "responded": "The agency has responded to the report.",
    "in_progress": "Work on the report is in progress.",
    "reopened": "Report reopened.",
    "resolved": "Report resolved.",
    "rejected": "Report rejected (invalid, duplicate or outside the city's remit).",
}

OPEN311_TO_STATUS: dict[str, str] = {"open": "received", "closed": "resolved"}

# Phrases in incoming status_notes that refine the default, checked in order after our own notes.
# A hint only applies when its status is on the same open/closed level as the incoming status.
STATUS_NOTE_HINTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("ditolak", "tolak", "duplikat", "duplicate", "rejected", "invalid", "tidak valid", "bukan kewenangan",
      "not a city", "no action"), "rejected"),
    (("dibuka kembali", "reopen", "re-open"), "reopened"),
    (("sedang dikerjakan", "dalam pengerjaan", "ditindaklanjuti", "dalam proses", "in progress", "work started",
      "scheduled", "dijadwalkan"), "in_progress"),
    (("ditanggapi", "responded", "acknowledged"), "responded"),
    (("diteruskan", "didisposisikan", "disposisi", "assigned", "forwarded", "dispatched"), "assigned"),
)

if set(STATUS_TO_OPEN311) != set(COMPLAINT_STATUSES):  # pragma: no cover - guards future statuses
    raise RuntimeError("STATUS_TO_OPEN311 must map every data_sources.models.COMPLAINT_STATUSES entry")


def to_open311_status(status: str) -> str:
    """``open`` or ``closed`` for a Live Room complaint status."""
    try:
        return STATUS_TO_OPEN311[status]
    except KeyError:
        raise ValueError(f"unknown complaint status {status!r}; known: {', '.join(COMPLAINT_STATUSES)}") from None


def status_from_open311(status: str, status_notes: str | None = None) -> str:
    """The Live Room status for an incoming Open311 ``status`` (``open``/``closed``) and notes."""
    level = status.strip().lower()
    if level not in OPEN311_TO_STATUS:
        raise ValueError(f"unknown Open311 status {status!r}; expected one of {', '.join(OPEN311_STATUSES)}")
    notes = (status_notes or "").strip().lower()
    if notes:
        for table in (STATUS_NOTES_ID, STATUS_NOTES_EN):
            for live, note in table.items():
                if notes == note.lower() and STATUS_TO_OPEN311[live] == level:
                    return live
        for phrases, live in STATUS_NOTE_HINTS:
            if STATUS_TO_OPEN311[live] == level and any(p in notes for p in phrases):
                return live
    return OPEN311_TO_STATUS[level]


# --- service list ------------------------------------------------------------------------------------


def service_code_for(category: Any) -> str:
    """The Open311 service code of a category: its ``open311_service_code`` if set, else its ``code``.

    Works for profile categories (``cities.ComplaintCategory``, which may gain the field later) and
    for ``data_sources.models.ComplaintCategory`` rows alike.
    """
    explicit = getattr(category, "open311_service_code", None)
    return str(explicit).strip() if explicit not in (None, "") else category.code


def service_codes(profile: CityProfile) -> dict[str, ComplaintCategory]:
    """Open311 service code -> profile category. Raises ``ValueError`` on duplicate codes."""
    codes: dict[str, ComplaintCategory] = {}
    for category in profile.complaint_categories:
        code = service_code_for(category)
        if code in codes:
            raise ValueError(f"{profile.slug}: Open311 service code '{code}' is used by "
                             f"{codes[code].code!r} and {category.code!r}")
        codes[code] = category
    return codes


def _hours_text(hours: float, language: Language) -> str:
    if hours < 1:
        minutes = round(hours * 60)
        return f"{minutes} menit" if language == "id" else f"{minutes} min"
    value = f"{hours:g}"
    return f"{value} jam" if language == "id" else f"{value} h"


def _service_notice(category: ComplaintCategory, language: Language) -> str:
    response, resolution = _hours_text(category.response_hours, language), _hours_text(category.resolution_hours,
                                                                                        language)
    if language == "id":
        text = f"Target tanggapan {response}, target penyelesaian {resolution}"
        return text + (" (jam kerja)." if category.working_hours_only else ".")
    text = f"Response target {response}, resolution target {resolution}"
    return text + (" (working hours)." if category.working_hours_only else ".")


def _agency_names(profile: CityProfile) -> dict[str, str]:
    return {a.code: a.name for a in profile.agencies}


def _check_language(language: str) -> None:
    if language not in ("id", "en"):
        raise ValueError(f"language must be 'id' or 'en', not {language!r}")


def service_list(profile: CityProfile, language: Language = "id") -> list[dict]:
    """GeoReport v2 ``GET services`` items for the city's complaint categories, in profile order."""
    _check_language(language)
    agencies = _agency_names(profile)
    services = []
    for code, category in service_codes(profile).items():
        name, other = (category.name_id, category.name_en) if language == "id" else (category.name_en,
                                                                                      category.name_id)
        agency = agencies[category.agency]
        handled = "Ditangani oleh" if language == "id" else "Handled by"
        services.append({
            "service_code": code,
            "service_name": name,
            "description": f"{name}. {handled} {agency}. {_service_notice(category, language)}",
            "metadata": False,
            "type": "realtime",
            "keywords": ",".join(dict.fromkeys((category.code, category.agency.lower(), other.lower().replace(",", "")))),
            "group": agency,
        })
    return services


# --- Live Room -> GeoReport v2 --------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    """None, NaN or NaT (pandas cells) count as missing."""
    return value is None or (not isinstance(value, str) and value != value)


def _as_utc(value: Any) -> datetime | None:
    """A stored timestamp (naive UTC, aware, or ISO text) as an aware UTC datetime."""
    if _missing(value):
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _iso_local(value: Any, tz: ZoneInfo) -> str | None:
    moment = _as_utc(value)
    return None if moment is None else moment.astimezone(tz).isoformat(timespec="seconds")


def _text(value: Any) -> str | None:
    return None if _missing(value) or str(value).strip() == "" else str(value)


def _float(value: Any) -> float | None:
    return None if _missing(value) or value == "" else float(value)


def to_service_request(row: Mapping[str, Any], *, profile: CityProfile, language: Language = "id") -> dict:
    """A GeoReport v2 service request (``GET requests`` item) for one complaint row.

    ``row`` is any mapping (a dict, ``Row._mapping``, a pandas Series) with these keys:

    required
        ``external_id``, ``category_code`` (the profile category code), ``status`` (one of
        ``COMPLAINT_STATUSES``), ``description``, ``received_at``
    optional (missing, None or NaN/NaT are fine)
        ``updated_at``, ``resolution_due_at``, ``address``, ``lat``, ``lon``, ``media_url``,
        ``open311_service_code`` (from the ``complaint_categories`` table; overrides the profile),
        ``category_name_id``/``category_name_en`` and ``agency_name`` (default: from the profile),
        ``status_notes`` (free text replacing the standard note; it is masked too)

    Reporter columns (``reporter_name/phone/email/nik``) may be present; they are never read.
    Datetimes may be naive UTC, aware, or ISO text; they come out in the city's time zone
    (``+07:00`` for Asia/Jakarta), to the second. ``updated_datetime`` falls back to
    ``requested_datetime``; ``expected_datetime`` is ``resolution_due_at`` for open requests only.
    """
    _check_language(language)
    tz = ZoneInfo(profile.timezone)
    categories = {c.code: c for c in profile.complaint_categories}
    code = row["category_code"]
    category = categories.get(code)
    if category is None:
        raise ValueError(f"{profile.slug}: unknown complaint category '{code}'")
    status = row["status"]
    level = to_open311_status(status)
    agency = _text(row.get("agency_name")) or _agency_names(profile)[category.agency]
    name_key = "category_name_id" if language == "id" else "category_name_en"
    name = _text(row.get(name_key)) or (category.name_id if language == "id" else category.name_en)
    notes = _text(row.get("status_notes"))
    notes = mask_text(notes) if notes else (STATUS_NOTES_ID if language == "id" else STATUS_NOTES_EN)[status]
    received = _iso_local(row["received_at"], tz)
    if received is None:
        raise ValueError("received_at is required")
    lat, lon = _float(row.get("lat")), _float(row.get("lon"))
    if (lat is None) != (lon is None):
        lat = lon = None  # half a point is no point
    description = row["description"]
    return {
        "service_request_id": str(row["external_id"]),
        "status": level,
        "status_notes": notes,
        "service_name": name,
        "service_code": _text(row.get("open311_service_code")) or service_code_for(category),
        "description": mask_text(description) if not _missing(description) else "",
        "agency_responsible": agency,
        "service_notice": _service_notice(category, language),
        "requested_datetime": received,
        "updated_datetime": _iso_local(row.get("updated_at"), tz) or received,
        "expected_datetime": _iso_local(row.get("resolution_due_at"), tz) if level == "open" else None,
        "address": _text(row.get("address")),
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": _text(row.get("media_url")),
    }
