"""Device-status importers: ZoneMinder's /api/monitors.json and the generic heartbeat format
(JSON and CSV). Pure parser tests, then imports into SQLite and PostgreSQL: samples stored
through the state module, refused records kept with their reasons, run bookkeeping, and the
command line."""
from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from cities import load_profile
from data_sources.ingest import device_import
from data_sources import models as m
from data_sources.db import make_engine
from data_sources.ingest.device_import import import_device_status, main
from data_sources.ingest.heartbeats import parse_heartbeats_csv, parse_heartbeats_json
from data_sources.ingest.records import Heartbeat, UnreadablePayload
from data_sources.ingest.zoneminder import ZONEMINDER_DISABLED_DETAIL, ZONEMINDER_NO_STATUS_DETAIL, parse_zoneminder
from data_sources.migrate import upgrade
from settings import PROJECT_ROOT
from tests.helpers import FIXED_NOW

PROFILE = load_profile("kota_tangerang")
NOW = FIXED_NOW  # 2026-11-23 07:30 UTC, 14.30 WIB
WIB = ZoneInfo(PROFILE.timezone)
STATES = "online, degraded, offline, unknown"
ZM_STATUSES = "Unknown, NotRunning, Running, Connected, Signal"


# --- payloads, built as the systems write them ------------------------------------------------------


def zm_monitor(monitor_id, name: str, status: str | None = "Connected", fps: str | None = "10.00", *,
               function: str = "Modect", enabled: str = "1", with_status: bool = True) -> dict:
    """One entry of ZoneMinder's monitors.json (1.36): every value a string, as the API sends them."""
    entry = {
        "Monitor": {
            "Id": monitor_id, "Name": name, "Notes": "", "ServerId": "0", "StorageId": "0", "Type": "Ffmpeg",
            "Function": function, "Enabled": enabled, "DecodingEnabled": "1", "LinkedMonitors": None,
            "Triggers": "", "Device": "", "Channel": "0", "Format": "0", "Protocol": None, "Method": "rtpRtsp",
            "Host": None, "Port": "", "Path": f"rtsp://10.21.4.{monitor_id}:554/Streaming/Channels/102",
            "Width": "1280", "Height": "720", "Colours": "4", "Palette": "0", "MaxFPS": None,
            "AlarmMaxFPS": None, "ImageBufferCount": "3", "WarmupCount": "0", "SectionLength": "600",
            "Sequence": monitor_id, "ZoneCount": "1", "Refresh": None, "Latitude": "-6.178306",
            "Longitude": "106.631889",
        },
        "Event_Summary": {"MonitorId": monitor_id, "TotalEvents": "1287", "TotalEventDiskSpace": "9871234567",
                          "HourEvents": "4", "DayEvents": "61"},
    }
    if with_status:
        entry["Monitor_Status"] = {"MonitorId": monitor_id, "Status": status, "CaptureFPS": fps,
                                   "AnalysisFPS": "5.00" if fps not in (None, "0.00") else "0.00",
                                   "CaptureBandwidth": "481213"}
    return entry


def zm_payload(*monitors: dict) -> bytes:
    return json.dumps({"monitors": list(monitors)}).encode()


def csv_payload(*lines: str, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode()


def t(minutes_before_now: float) -> str:
    return (NOW - timedelta(minutes=minutes_before_now)).isoformat().replace("+00:00", "Z")


def wib(minutes_before_now: float) -> str:
    return (NOW - timedelta(minutes=minutes_before_now)).astimezone(WIB).isoformat()


# --- ZoneMinder parser ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "fps", "state", "detail"), [
    ("Connected", "10.00", "online", "ZoneMinder: Connected, 10.00 fps"),
    ("Connected", "0.00", "degraded", "ZoneMinder: Connected but capturing 0.00 fps"),
    ("Connected", None, "online", "ZoneMinder: Connected"),
    ("Running", "0.00", "degraded", "ZoneMinder: Running (capture daemon up, no video from the camera)"),
    ("Signal", "0.00", "degraded", "ZoneMinder: Signal (capture daemon up, camera not delivering video)"),
    ("NotRunning", "0.00", "offline", "ZoneMinder: NotRunning (capture daemon not running)"),
    ("Unknown", "0.00", "unknown", "ZoneMinder: status Unknown"),
])
def test_zoneminder_status_mapping(status, fps, state, detail):
    result = parse_zoneminder(zm_payload(zm_monitor("3", "Simpang-Cikokol", status, fps)), observed_at=NOW)
    assert result.rejected == []
    assert result.records == [Heartbeat("3", NOW, state, None, detail)]


@pytest.mark.parametrize("monitor", [
    zm_monitor("4", "Taman-Potret", "NotRunning", "0.00", enabled="0"),
    zm_monitor("4", "Taman-Potret", "NotRunning", "0.00", function="None"),
    zm_monitor("4", "Taman-Potret", with_status=False, function="None"),  # no status row: disabled wins
])
def test_a_disabled_monitor_is_unknown(monitor):
    result = parse_zoneminder(zm_payload(monitor), observed_at=NOW)
    assert result.records == [Heartbeat("4", NOW, "unknown", None, ZONEMINDER_DISABLED_DETAIL)]


def test_zoneminder_refuses_bad_monitors_and_keeps_the_good_ones():
    no_id = zm_monitor("", "Tanpa-Id")
    null_status = zm_monitor("7", "Pasar-Anyar")
    null_status["Monitor_Status"] = {"MonitorId": None, "Status": None, "CaptureFPS": None, "AnalysisFPS": None,
                                     "CaptureBandwidth": None}  # how CakePHP returns a missing status row
    payload = zm_payload(zm_monitor("1", "Gerbang-Puspemkot"), no_id, zm_monitor("6", "Jl-Daan-Mogot", with_status=False),
                         null_status, zm_monitor("8", "Cikokol", "Idle"), zm_monitor("9", "Karawaci", fps="fast"),
                         zm_monitor("2", "Alun-Alun", "running", "0.00"), "junk")
    result = parse_zoneminder(payload, observed_at=NOW)
    assert [(r.external_id, r.state) for r in result.records] == [("1", "online"), ("6", "unknown"), ("7", "unknown"),
                                                                  ("2", "degraded")]
    assert result.records[1].detail == ZONEMINDER_NO_STATUS_DETAIL  # a monitor with no status is not known, not refused
    assert [(r.external_id, r.reason) for r in result.rejected] == [
        (None, "Monitor.Id: missing"),
        ("8", f"Monitor_Status.Status: 'Idle' is not one of {ZM_STATUSES}"),
        ("9", "Monitor_Status.CaptureFPS: 'fast' is not a number"),
        (None, "monitor 8 is a string, not an object"),
    ]
    assert json.loads(result.rejected[1].raw)["Monitor"]["Name"] == "Cikokol"  # the raw record, as sent


def test_zoneminder_can_use_the_monitor_name_as_the_external_id():
    payload = zm_payload(zm_monitor("1", "Gerbang-Puspemkot"), zm_monitor("2", " "))
    result = parse_zoneminder(payload, observed_at=NOW, id_field="Name")
    assert [r.external_id for r in result.records] == ["Gerbang-Puspemkot"]
    assert [r.reason for r in result.rejected] == ["Monitor.Name: missing"]


@pytest.mark.parametrize(("payload", "message"), [
    (b"<html><body><h1>502 Bad Gateway</h1></body></html>", "not JSON: Expecting value at line 1 column 1"),
    (b"", "empty file"),
    (b'{"success": false, "data": {"name": "Not Authenticated"}}', 'no "monitors" list'),
    (b'[{"Monitor": {"Id": "1"}}]', 'no "monitors" list'),
    (b'{"monitors": {"Monitor": {"Id": "1"}}}', '"monitors" is an object, not a list'),
    (b'\xff\xfe{"monitors": []}', "not UTF-8 text"),
])
def test_an_unreadable_zoneminder_file_raises(payload, message):
    with pytest.raises(UnreadablePayload, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_zoneminder(payload, observed_at=NOW)


# --- generic heartbeat parsers -----------------------------------------------------------------------------


def test_times_need_a_zone_and_must_not_be_in_the_future():
    rows = [
        {"device_id": "CAM-1", "at": "2026-11-23T07:29:00Z", "state": "online"},
        {"device_id": "CAM-2", "at": "2026-11-23T14:29:00+07:00", "state": "online"},  # WIB
        {"device_id": "CAM-3", "at": "2026-11-23T07:35:00+00:00", "state": "online"},  # exactly 5 minutes ahead
        {"device_id": "CAM-4", "at": "2026-11-23T07:29:00", "state": "online"},
        {"device_id": "CAM-5", "at": "2026-11-23T07:35:01Z", "state": "online"},
        {"device_id": "CAM-6", "at": "2026-11-23T15:00:00+07:00", "state": "online"},  # 08.00 UTC
        {"device_id": "CAM-7", "at": "23/11/2026 14:29", "state": "online"},
        {"device_id": "CAM-8", "at": 1795419000, "state": "online"},
        {"device_id": "CAM-9", "state": "online"},
    ]
    result = parse_heartbeats_json(json.dumps(rows).encode(), now=NOW)
    assert [(r.external_id, r.at) for r in result.records] == [
        ("CAM-1", NOW - timedelta(minutes=1)), ("CAM-2", NOW - timedelta(minutes=1)),
        ("CAM-3", NOW + timedelta(minutes=5))]
    assert all(r.at.utcoffset() == timedelta(0) for r in result.records)
    assert [(r.external_id, r.reason) for r in result.rejected] == [
        ("CAM-4", "at: '2026-11-23T07:29:00' has no time zone (end it with Z for UTC or an offset such as +07:00)"),
        ("CAM-5", "at: '2026-11-23T07:35:01Z' is in the future (more than 5 minutes after the import time "
                  "2026-11-23T07:30:00Z)"),
        ("CAM-6", "at: '2026-11-23T15:00:00+07:00' is in the future (more than 5 minutes after the import time "
                  "2026-11-23T07:30:00Z)"),
        ("CAM-7", "at: '23/11/2026 14:29' is not an ISO 8601 date and time (e.g. 2026-11-23T14:29:00+07:00)"),
        ("CAM-8", "at: 1795419000 is not an ISO 8601 date and time (e.g. 2026-11-23T14:29:00+07:00)"),
        ("CAM-9", "at: missing"),
    ]


def test_states_synonyms_latency_and_detail():
    long_detail = "packet loss " * 40
    rows = [
        {"device_id": "AP-1", "at": t(1), "state": "UP", "latency_ms": 12},
        {"device_id": "AP-2", "at": t(1), "state": " ok ", "latency_ms": "0"},
        {"device_id": "AP-3", "at": t(1), "state": "Down", "latency_ms": None, "detail": ""},
        {"device_id": 104, "at": t(1), "state": "Degraded", "latency_ms": 950.5, "detail": long_detail},
        {"device_id": "AP-5", "at": t(1), "state": "unknown", "vendor": "Ruckus"},
        {"device_id": "AP-6", "at": t(1), "state": "brokn"},
        {"device_id": "AP-7", "at": t(1), "state": "online", "latency_ms": -3},
        {"device_id": "AP-8", "at": t(1), "state": "online", "latency_ms": "fast"},
        {"device_id": "AP-9", "at": t(1), "state": "online", "latency_ms": True},
        {"device_id": "", "at": "yesterday", "state": None},
        ["AP-11", t(1), "online"],
    ]
    result = parse_heartbeats_json(json.dumps({"heartbeats": rows}).encode(), now=NOW)
    assert [(r.external_id, r.state, r.latency_ms, r.detail) for r in result.records] == [
        ("AP-1", "online", 12.0, None), ("AP-2", "online", 0.0, None), ("AP-3", "offline", None, None),
        ("104", "degraded", 950.5, long_detail.strip()[:300]), ("AP-5", "unknown", None, None)]
    assert len(result.records[3].detail) == 300
    assert [(r.external_id, r.reason) for r in result.rejected] == [
        ("AP-6", f"state: 'brokn' is not one of {STATES}"),
        ("AP-7", "latency_ms: -3 is negative (must be 0 or more)"),
        ("AP-8", "latency_ms: 'fast' is not a number"),
        ("AP-9", "latency_ms: true is not a number"),
        (None, "device_id: missing; at: 'yesterday' is not an ISO 8601 date and time "
               "(e.g. 2026-11-23T14:29:00+07:00); state: missing"),
        (None, "record 11 is a list, not an object"),
    ]
    assert json.loads(result.rejected[0].raw) == rows[5]


@pytest.mark.parametrize(("payload", "message"), [
    (b"device_id,at,state\nCAM-1,2026-11-23T07:29:00Z,online\n", "not JSON"),
    (b'{"data": []}', 'the JSON object has no "heartbeats" list'),
    (b'{"heartbeats": "CAM-1 online"}', '"heartbeats" is a string, not a list'),
    (b'"CAM-1 online"', "the JSON is a string, not a list of heartbeats"),
])
def test_an_unreadable_heartbeat_json_file_raises(payload, message):
    with pytest.raises(UnreadablePayload, match=message):
        parse_heartbeats_json(payload, now=NOW)


def test_csv_rows_are_refused_with_their_line_numbers():
    payload = csv_payload(
        "device_id,at,state,latency_ms,detail",                      # line 1
        f"CAM-0012,{wib(1)},online,38,",                            # line 2
        "",                                                          # line 3: blank, skipped
        f"CAM-0013,{t(1)},offline,,\"no RTSP answer, port 554\"",  # line 4
        f"CAM-0014,{t(1)},online",                                  # line 5: too few fields
        f"CAM-0015,{t(1)},online,12,ok,extra",                      # line 6: too many fields
        f"CAM-0016,{t(2)},online,,\"two",                           # lines 7-8: a quoted line break
        "lines\"",
        f"CAM-0017,{t(1)},brokn,,",                                 # line 9
        ",,,,",                                                      # line 10: an empty spreadsheet row
        "CAM-0018,2026-11-23 14:29:00,UP,,",                        # line 11
        bom=True)
    result = parse_heartbeats_csv(payload, now=NOW)
    assert [(r.external_id, r.state, r.latency_ms, r.detail, r.ref) for r in result.records] == [
        ("CAM-0012", "online", 38.0, None, "line 2"),
        ("CAM-0013", "offline", None, "no RTSP answer, port 554", "line 4"),
        ("CAM-0016", "online", None, "two\r\nlines", "line 7")]
    assert [(r.external_id, r.reason) for r in result.rejected] == [
        ("CAM-0014", "line 5: 3 fields, expected 5 as in the header"),
        ("CAM-0015", "line 6: 6 fields, expected 5 as in the header"),
        ("CAM-0017", f"line 9: state: 'brokn' is not one of {STATES}"),
        ("CAM-0018", "line 11: at: '2026-11-23 14:29:00' has no time zone (end it with Z for UTC or an offset "
                     "such as +07:00)"),
    ]
    assert result.rejected[0].raw == f"CAM-0014,{t(1)},online"
    assert result.records[2].raw == f"CAM-0016,{t(2)},online,,\"two\r\nlines\""


def test_csv_header_in_any_order_with_extra_columns():
    payload = csv_payload("State, Device_ID ,site,At", f"up,AP-0101,Taman Potret,{t(3)}")
    result = parse_heartbeats_csv(payload, now=NOW)
    assert result.records == [Heartbeat("AP-0101", NOW - timedelta(minutes=3), "online")]


@pytest.mark.parametrize(("payload", "message"), [
    (b"", "empty CSV file: no header row"),
    (b"\r\n\r\n", "empty CSV file: no header row"),
    (b"device_id;at;state\r\nCAM-1;2026-11-23T07:29:00Z;online\r\n",
     "the CSV header has no column\\(s\\) device_id, at, state;.*not semicolon-separated"),
    (b"CAM-1,2026-11-23T07:29:00Z,online\r\n", "the CSV header has no column\\(s\\) device_id, at, state"),
    (b"device_id,at,state,state\r\n", "names column\\(s\\) state more than once"),
    ("device_id,at,state\r\nKAMERA-\u00c9,2026-11-23T07:29:00Z,online\r\n".encode("latin-1"), "not UTF-8 text"),
])
def test_an_unreadable_csv_file_raises(payload, message):
    with pytest.raises(UnreadablePayload, match=message):
        parse_heartbeats_csv(payload, now=NOW)


def test_the_documented_examples_parse_cleanly():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    doc = readme.split("### Generic heartbeat format")[1].split("\n## ")[0]
    json_example = doc.split("```json\n")[1].split("```")[0]
    csv_example = doc.split("```csv\n")[1].split("```")[0]
    from_json = parse_heartbeats_json(json_example.encode(), now=NOW)
    from_csv = parse_heartbeats_csv(csv_example.encode(), now=NOW)
    assert from_json.rejected == [] and from_csv.rejected == []
    assert [(r.external_id, r.state) for r in from_csv.records] == [
        ("CAM-0012", "online"), ("CAM-0013", "offline"), ("AP-0101", "degraded")]
    assert [(r.external_id, r.at, r.state, r.latency_ms) for r in from_json.records] == [
        (r.external_id, r.at, r.state, r.latency_ms) for r in from_csv.records]


def test_an_unknown_format_is_refused_before_touching_the_database():
    with pytest.raises(ValueError, match="format 'xml' is not one of zoneminder, json, csv"):
        import_device_status(None, PROFILE, "cctv_nvr", "xml", b"<x/>", now=NOW)
    with pytest.raises(ValueError, match="zoneminder_id must be one of"):
        import_device_status(None, PROFILE, "cctv_nvr", "zoneminder", b"{}", now=NOW, zoneminder_id="Path")


# --- imports into the database ---------------------------------------------------------------------------------


@pytest.fixture
def db(any_url):
    """A migrated database with the city's NVR source (cameras 1-4 / CAM-0012..14) and a WiFi source."""
    upgrade(any_url)
    engine = make_engine(any_url)
    ids = {}
    with engine.begin() as conn:
        for key, name, kind in (("cctv_nvr", "NVR CCTV", "nvr_json"), ("wifi_probe", "Probe WiFi", "probe")):
            ids[key] = conn.execute(insert(m.Source).values(
                city_code=PROFILE.code, key=key, name=name, kind=kind, freshness_budget_seconds=300)
                .returning(m.Source.id)).scalar()
        devices = [("cctv_nvr", "cctv", ext) for ext in ("1", "2", "3", "4", "CAM-0012", "CAM-0013", "CAM-0014")]
        devices += [("wifi_probe", "wifi", ext) for ext in ("5", "AP-0101")]
        for key, kind, ext in devices:
            ids[ext] = conn.execute(insert(m.Device).values(
                city_code=PROFILE.code, kind=kind, source_id=ids[key], external_id=ext, name=f"Device {ext}",
                installed_at=NOW - timedelta(days=90), state="unknown").returning(m.Device.id)).scalar()
    engine.ids = ids
    yield engine
    engine.dispose()


def run_import(db, fmt: str, payload: bytes, now=NOW, **options) -> dict:
    return import_device_status(db, PROFILE, "cctv_nvr", fmt, payload, now=now, **options)


def samples(db, since=None) -> list[tuple]:
    query = select(m.DeviceSample.device_id, m.DeviceSample.at, m.DeviceSample.state, m.DeviceSample.latency_ms,
                   m.DeviceSample.detail).order_by(m.DeviceSample.device_id, m.DeviceSample.at)
    if since is not None:
        query = query.where(m.DeviceSample.at >= since)
    with db.connect() as conn:
        return [tuple(r) for r in conn.execute(query)]


def device_state(db, ext: str) -> tuple:
    with Session(db) as session:
        device = session.get(m.Device, db.ids[ext])
        return device.state, device.state_since, device.last_sample_at


def run_row(db, run_id: int) -> tuple:
    with db.connect() as conn:
        row = conn.execute(select(m.SourceRun.status, m.SourceRun.rows_received, m.SourceRun.rows_accepted,
                                  m.SourceRun.rows_rejected, m.SourceRun.message, m.SourceRun.started_at,
                                  m.SourceRun.finished_at, m.SourceRun.source_id)
                           .where(m.SourceRun.id == run_id)).one()
    assert row.source_id == db.ids["cctv_nvr"]
    assert row.finished_at is not None and row.finished_at >= row.started_at
    return row.status, row.rows_received, row.rows_accepted, row.rows_rejected, row.message


def rejected_rows(db, run_id: int) -> list[tuple]:
    with db.connect() as conn:
        rows = conn.execute(select(m.RejectedRecord.external_id, m.RejectedRecord.reason, m.RejectedRecord.raw,
                                   m.RejectedRecord.source_id, m.RejectedRecord.created_at)
                            .where(m.RejectedRecord.run_id == run_id).order_by(m.RejectedRecord.id)).all()
    assert all(r.source_id == db.ids["cctv_nvr"] and r.created_at is not None for r in rows)
    return [(r.external_id, r.reason, r.raw) for r in rows]


def source_row(db) -> tuple:
    with db.connect() as conn:
        return tuple(conn.execute(select(m.Source.last_success_at, m.Source.last_failure_at, m.Source.last_error)
                                  .where(m.Source.id == db.ids["cctv_nvr"])).one())


def count(db, model) -> int:
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar()


def assert_unreadable(db, fmt: str, payload: bytes, message: str, now) -> None:
    """An unreadable file: a failed run with its message on the run and the source, nothing else."""
    before = (count(db, m.DeviceSample), count(db, m.RejectedRecord), count(db, m.DeviceStateChange))
    last_success = source_row(db)[0]
    summary = run_import(db, fmt, payload, now=now)
    assert (summary["status"], summary["received"], summary["accepted"], summary["rejected"]) == ("failed", 0, 0, 0)
    assert summary["message"] == message
    assert run_row(db, summary["run_id"]) == ("failed", 0, 0, 0, message)
    assert source_row(db) == (last_success, now, message)
    assert (count(db, m.DeviceSample), count(db, m.RejectedRecord), count(db, m.DeviceStateChange)) == before


def test_zoneminder_import(db):
    valid = zm_payload(zm_monitor("1", "Gerbang-Puspemkot"), zm_monitor("2", "Simpang-Cikokol", fps="0.00"),
                       zm_monitor("3", "Jl-Daan-Mogot", "NotRunning", "0.00"),
                       zm_monitor("4", "Taman-Potret", "Connected", "8.00", function="None"))
    summary = run_import(db, "zoneminder", valid)
    assert {k: summary[k] for k in ("status", "received", "accepted", "rejected", "reasons")} == {
        "status": "ok", "received": 4, "accepted": 4, "rejected": 0, "reasons": []}
    assert samples(db) == [
        (db.ids["1"], NOW, "online", None, "ZoneMinder: Connected, 10.00 fps"),
        (db.ids["2"], NOW, "degraded", None, "ZoneMinder: Connected but capturing 0.00 fps"),
        (db.ids["3"], NOW, "offline", None, "ZoneMinder: NotRunning (capture daemon not running)"),
        (db.ids["4"], NOW, "unknown", None, ZONEMINDER_DISABLED_DETAIL)]
    assert [device_state(db, ext) for ext in "1234"] == [
        ("online", NOW, NOW), ("degraded", NOW, NOW), ("offline", NOW, NOW), ("unknown", None, NOW)]
    message = "ZoneMinder monitors.json: 4 received, 4 accepted, 0 rejected"
    assert run_row(db, summary["run_id"]) == ("ok", 4, 4, 0, message)
    assert source_row(db) == (NOW, None, None)
    assert count(db, m.RejectedRecord) == 0

    later = NOW + timedelta(minutes=1)
    partly_bad = zm_payload(zm_monitor("1", "Gerbang-Puspemkot", "Signal", "0.00"),
                            zm_monitor("2", "Simpang-Cikokol", "Idle", "0.00"),
                            zm_monitor("", "Kamera-Baru"),
                            zm_monitor("3", "Jl-Daan-Mogot"),
                            zm_monitor("5", "Kamera-Lain"),  # a WiFi device's id: not in this source
                            zm_monitor("99", "Belum-Terdaftar"),
                            zm_monitor("4", "Taman-Potret", with_status=False))
    summary = run_import(db, "zoneminder", partly_bad, now=later)
    assert (summary["status"], summary["received"], summary["accepted"], summary["rejected"]) == ("ok", 7, 3, 4)
    reasons = [
        ("2", f"Monitor_Status.Status: 'Idle' is not one of {ZM_STATUSES}"),
        (None, "Monitor.Id: missing"),
        ("5", "unknown device: Monitor.Id '5' is not a device of source cctv_nvr"),
        ("99", "unknown device: Monitor.Id '99' is not a device of source cctv_nvr"),
    ]
    assert [(r["external_id"], r["reason"]) for r in summary["reasons"]] == reasons
    stored = rejected_rows(db, summary["run_id"])
    assert [(ext, reason) for ext, reason, _ in stored] == reasons
    assert json.loads(stored[3][2])["Monitor"]["Name"] == "Belum-Terdaftar"
    assert samples(db, since=later) == [
        (db.ids["1"], later, "degraded", None, "ZoneMinder: Signal (capture daemon up, camera not delivering video)"),
        (db.ids["3"], later, "online", None, "ZoneMinder: Connected, 10.00 fps"),
        (db.ids["4"], later, "unknown", None, ZONEMINDER_NO_STATUS_DETAIL)]
    assert device_state(db, "1") == ("degraded", later, later)
    assert device_state(db, "3") == ("online", later, later)
    assert device_state(db, "2") == ("degraded", NOW, NOW)  # its bad record left it alone
    assert run_row(db, summary["run_id"]) == ("ok", 7, 3, 4, "ZoneMinder monitors.json: 7 received, 3 accepted, "
                                                             "4 rejected")
    assert source_row(db) == (later, None, None)

    latest = NOW + timedelta(minutes=2)
    wholly_bad = zm_payload(zm_monitor("77", "Hilang"), zm_monitor("1", "Gerbang-Puspemkot", "Offline"))
    summary = run_import(db, "zoneminder", wholly_bad, now=latest)
    assert (summary["status"], summary["received"], summary["accepted"], summary["rejected"]) == ("ok", 2, 0, 2)
    assert [r for r, _, _ in rejected_rows(db, summary["run_id"])] == ["77", "1"]
    assert samples(db, since=latest) == []
    assert device_state(db, "1") == ("degraded", later, later)

    assert_unreadable(db, "zoneminder", b"<html><head><title>502 Bad Gateway</title></head></html>",
                      "unreadable ZoneMinder monitors.json file: not JSON: Expecting value at line 1 column 1",
                      NOW + timedelta(minutes=3))
    assert_unreadable(db, "zoneminder", b'{"success": false, "data": {"name": "Not Authenticated"}}',
                      "unreadable ZoneMinder monitors.json file: no \"monitors\" list: this is not the answer of "
                      "ZoneMinder's /api/monitors.json", NOW + timedelta(minutes=4))


def test_heartbeat_json_import(db):
    valid = json.dumps({"heartbeats": [
        {"device_id": "CAM-0012", "at": wib(2), "state": "online", "latency_ms": 38},
        {"device_id": "CAM-0013", "at": t(2), "state": "down", "detail": "no RTSP answer"},
        {"device_id": "CAM-0012", "at": t(1), "state": "degraded", "latency_ms": 1450.0, "detail": "slow"},
    ]}).encode()
    summary = run_import(db, "json", valid)
    assert (summary["status"], summary["received"], summary["accepted"], summary["rejected"]) == ("ok", 3, 3, 0)
    assert summary["state_changes"] == 3
    one, two = NOW - timedelta(minutes=1), NOW - timedelta(minutes=2)
    assert samples(db) == [(db.ids["CAM-0012"], two, "online", 38.0, None),
                           (db.ids["CAM-0012"], one, "degraded", 1450.0, "slow"),
                           (db.ids["CAM-0013"], two, "offline", None, "no RTSP answer")]
    assert device_state(db, "CAM-0012") == ("degraded", one, one)
    assert device_state(db, "CAM-0013") == ("offline", two, two)
    assert run_row(db, summary["run_id"]) == ("ok", 3, 3, 0, "heartbeat JSON: 3 received, 3 accepted, 0 rejected")
    assert source_row(db) == (NOW, None, None)

    later = NOW + timedelta(minutes=1)
    partly_bad = [
        {"device_id": "CAM-0013", "at": t(0), "state": "up", "latency_ms": "41.5"},
        {"device_id": "CAM-0014", "at": t(0), "state": "brokn"},
        {"device_id": "CAM-0014", "at": "2026-11-23T07:30:00", "state": "online"},
        {"device_id": "CAM-0099", "at": t(0), "state": "online"},
        {"device_id": "AP-0101", "at": t(0), "state": "online"},
        {"device_id": "CAM-0014", "at": t(-10), "state": "online"},  # 10 minutes ahead of NOW, 9 of `later`
        {"device_id": "CAM-0013", "at": t(0), "state": "offline"},  # the same device and time again
        {"device_id": "CAM-0012", "at": t(1), "state": "degraded"},  # already imported above
    ]
    summary = run_import(db, "json", json.dumps(partly_bad).encode(), now=later)
    assert (summary["status"], summary["received"], summary["accepted"], summary["rejected"]) == ("ok", 8, 1, 7)
    reasons = [
        ("CAM-0014", f"state: 'brokn' is not one of {STATES}"),
        ("CAM-0014", "at: '2026-11-23T07:30:00' has no time zone (end it with Z for UTC or an offset such as +07:00)"),
        ("CAM-0099", "unknown device: device_id 'CAM-0099' is not a device of source cctv_nvr"),
        ("AP-0101", "unknown device: device_id 'AP-0101' is not a device of source cctv_nvr"),
        ("CAM-0014", "at: '2026-11-23T07:40:00Z' is in the future (more than 5 minutes after the import time "
                     "2026-11-23T07:31:00Z)"),
        ("CAM-0013", "duplicate: device_id 'CAM-0013' already has a heartbeat at 2026-11-23T07:30:00Z earlier in "
                     "this file"),
        ("CAM-0012", "already imported: device_id 'CAM-0012' has a sample at 2026-11-23T07:29:00Z already"),
    ]
    stored = rejected_rows(db, summary["run_id"])
    assert [(ext, reason) for ext, reason, _ in stored] == reasons
    assert [json.loads(raw) for _, _, raw in stored] == [partly_bad[i] for i in (1, 2, 3, 4, 5, 6, 7)]
    assert samples(db, since=NOW) == [(db.ids["CAM-0013"], NOW, "online", 41.5, None)]
    assert device_state(db, "CAM-0013") == ("online", NOW, NOW)
    assert device_state(db, "CAM-0014") == ("unknown", None, None)
    assert run_row(db, summary["run_id"])[:4] == ("ok", 8, 1, 7)
    assert source_row(db) == (later, None, None)

    wholly_bad = [{"device_id": "CAM-0012", "state": "online"}, {"device_id": "CAM-0404", "at": t(0), "state": "ok"}]
    before = count(db, m.DeviceSample)
    summary = run_import(db, "json", json.dumps(wholly_bad).encode(), now=later)
    assert (summary["status"], summary["received"], summary["accepted"], summary["rejected"]) == ("ok", 2, 0, 2)
    assert [reason for _, reason, _ in rejected_rows(db, summary["run_id"])] == [
        "at: missing", "unknown device: device_id 'CAM-0404' is not a device of source cctv_nvr"]
    assert count(db, m.DeviceSample) == before

    assert_unreadable(db, "json", b'{"heartbeats": [{"device_id": "CAM-0012", "at": ',
                      "unreadable heartbeat JSON file: not JSON: Expecting value at line 1 column 49",
                      NOW + timedelta(minutes=2))


def test_heartbeat_csv_import(db):
    valid = csv_payload("device_id,at,state,latency_ms,detail",
                        f"CAM-0012,{wib(3)},online,35,",
                        f"CAM-0013,{t(3)},ONLINE,41.2,",
                        f"CAM-0014,{t(3)},degraded,880,\"jitter, frame drops\"", bom=True)
    summary = run_import(db, "csv", valid)
    assert (summary["status"], summary["received"], summary["accepted"], summary["rejected"]) == ("ok", 3, 3, 0)
    three = NOW - timedelta(minutes=3)
    assert samples(db) == [(db.ids["CAM-0012"], three, "online", 35.0, None),
                           (db.ids["CAM-0013"], three, "online", 41.2, None),
                           (db.ids["CAM-0014"], three, "degraded", 880.0, "jitter, frame drops")]
    assert [device_state(db, ext)[0] for ext in ("CAM-0012", "CAM-0013", "CAM-0014")] == [
        "online", "online", "degraded"]
    assert run_row(db, summary["run_id"]) == ("ok", 3, 3, 0, "heartbeat CSV: 3 received, 3 accepted, 0 rejected")

    partly_bad = csv_payload("device_id,at,state,latency_ms,detail",   # line 1
                             f"CAM-0012,{t(2)},down,,link down",        # line 2
                             f"CAM-0013,{t(2)},online,12",              # line 3: 4 fields
                             f"CAM-0014,{t(2)},online,-5,",             # line 4
                             f"CAM-0077,{t(2)},online,,",               # line 5
                             f"CAM-0012,{t(2)},online,,",               # line 6: duplicate of line 2
                             f"CAM-0014,{t(2)},up,20,\x00",             # line 7: PostgreSQL text holds no NUL
                             f"CAM-00\x0013,{t(2)},online,,")           # line 8
    summary = run_import(db, "csv", partly_bad)
    assert (summary["status"], summary["received"], summary["accepted"], summary["rejected"]) == ("ok", 7, 2, 5)
    two = NOW - timedelta(minutes=2)
    assert rejected_rows(db, summary["run_id"]) == [
        ("CAM-0013", "line 3: 4 fields, expected 5 as in the header", f"CAM-0013,{t(2)},online,12"),
        ("CAM-0014", "line 4: latency_ms: '-5' is negative (must be 0 or more)", f"CAM-0014,{t(2)},online,-5,"),
        ("CAM-0077", "line 5: unknown device: device_id 'CAM-0077' is not a device of source cctv_nvr",
         f"CAM-0077,{t(2)},online,,"),
        ("CAM-0012", "line 6: duplicate: device_id 'CAM-0012' already has a heartbeat at 2026-11-23T07:28:00Z "
                     "earlier in this file", f"CAM-0012,{t(2)},online,,"),
        (None, "line 8: device_id: 'CAM-00\\x0013' contains control characters", f"CAM-00\ufffd13,{t(2)},online,,")]
    assert samples(db, since=two) == [(db.ids["CAM-0012"], two, "offline", None, "link down"),
                                      (db.ids["CAM-0014"], two, "online", 20.0, "\ufffd")]
    assert device_state(db, "CAM-0012") == ("offline", two, two)
    assert device_state(db, "CAM-0014") == ("online", two, two)
    assert device_state(db, "CAM-0013") == ("online", three, three)
    assert run_row(db, summary["run_id"])[:4] == ("ok", 7, 2, 5)

    wholly_bad = csv_payload("device_id,at,state", f"CAM-0012,{t(1)}", f"CAM-0013,{t(1)},sleeping",
                             f"CAM-0014,{t(1)}Z,online")
    before = count(db, m.DeviceSample)
    summary = run_import(db, "csv", wholly_bad)
    assert (summary["status"], summary["received"], summary["accepted"], summary["rejected"]) == ("ok", 3, 0, 3)
    assert [reason for _, reason, _ in rejected_rows(db, summary["run_id"])] == [
        "line 2: 2 fields, expected 3 as in the header",
        f"line 3: state: 'sleeping' is not one of {STATES}",
        f"line 4: at: '{t(1)}Z' is not an ISO 8601 date and time (e.g. 2026-11-23T14:29:00+07:00)"]
    assert count(db, m.DeviceSample) == before
    assert source_row(db)[0] == NOW

    assert_unreadable(db, "csv", b"device_id;at;state\r\nCAM-0012;2026-11-23T07:29:00Z;online\r\n",
                      "unreadable heartbeat CSV file: the CSV header has no column(s) device_id, at, state; expected "
                      "device_id,at,state,latency_ms,detail in the first row (the file must be comma-separated, "
                      "not semicolon-separated)", NOW + timedelta(minutes=1))


def test_an_unexpected_error_rolls_back_and_leaves_a_failed_run(db, monkeypatch):
    def broken(conn, samples):
        raise RuntimeError("disk full")

    monkeypatch.setattr(device_import, "record_samples", broken)
    payload = json.dumps([{"device_id": "CAM-0012", "at": t(1), "state": "online"},
                          {"device_id": "CAM-0404", "at": t(1), "state": "online"}]).encode()
    with pytest.raises(RuntimeError, match="disk full"):
        run_import(db, "json", payload)
    assert (count(db, m.DeviceSample), count(db, m.RejectedRecord)) == (0, 0)
    with db.connect() as conn:
        runs = conn.execute(select(m.SourceRun.status, m.SourceRun.message)).all()
    assert [tuple(r) for r in runs] == [("failed", "import failed: RuntimeError: disk full")]
    assert source_row(db) == (None, NOW, "import failed: RuntimeError: disk full")


def test_command_line(db, any_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LIVEROOM_DATABASE_URL", any_url)
    monkeypatch.setenv("LIVEROOM_CITY", "kota_tangerang")
    monkeypatch.setenv("LIVEROOM_FROZEN_NOW", NOW.isoformat())
    monitors = tmp_path / "monitors.json"
    monitors.write_bytes(zm_payload(zm_monitor("1", "Gerbang-Puspemkot"), zm_monitor("42", "Baru")))
    assert main(["--source", "cctv_nvr", "--format", "zoneminder", str(monitors)]) == 0
    out = capsys.readouterr().out
    assert "run 1 ok - ZoneMinder monitors.json: 2 received, 1 accepted, 1 rejected" in out
    assert "rejected [42] unknown device: Monitor.Id '42' is not a device of source cctv_nvr" in out
    assert device_state(db, "1") == ("online", NOW, NOW)

    by_name = tmp_path / "by_name.json"
    by_name.write_bytes(zm_payload(zm_monitor("9", "CAM-0012", "NotRunning", "0.00")))
    assert main(["--source", "cctv_nvr", "--format", "zoneminder", "--zoneminder-id", "Name",
                 "--observed-at", "2026-11-23T14:29:30+07:00", str(by_name)]) == 0
    at = NOW - timedelta(seconds=30)
    assert device_state(db, "CAM-0012") == ("offline", at, at)

    broken = tmp_path / "heartbeats.csv"
    broken.write_bytes(b"")
    assert main(["--source", "cctv_nvr", "--format", "csv", str(broken)]) == 1
    assert "failed - unreadable heartbeat CSV file: empty CSV file: no header row" in capsys.readouterr().out

    runs = count(db, m.SourceRun)
    with pytest.raises(LookupError, match=r"has no source 'nvr_lama' \(its sources: cctv_nvr, wifi_probe\)"):
        import_device_status(db, PROFILE, "nvr_lama", "csv", b"", now=NOW)
    assert main(["--source", "nvr_lama", "--format", "csv", str(broken)]) == 2
    assert "has no source 'nvr_lama'" in capsys.readouterr().err
    assert count(db, m.SourceRun) == runs  # no run for a source that does not exist
    assert main(["--source", "cctv_nvr", "--format", "csv", str(tmp_path / "missing.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err
