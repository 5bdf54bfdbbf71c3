"""The ingest API through Flask's test client: keys, every bad input named in the API's contract,
batches with bad records, idempotent re-sends and newer versions, on SQLite and PostgreSQL;
the database is checked with plain SQL after each step."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app import create_app
from data_sources.db import database
from data_sources.ingest.keys import ensure_source, make_key, revoke
from tests.helpers import FIXED_NOW, test_settings
from tests.sql import rows, scalar

NOW = FIXED_NOW
LOCAL = "+07:00"
IN_CITY = {"lat": -6.1783, "lon": 106.6319}  # Tangerang, in the city
OUTSIDE = {"lat": -7.9, "lon": 110.4}  # Yogyakarta


def complaint(n: int, **extra) -> dict:
    return {"external_id": f"T-{n:05d}", "category": "pju", "description": f"Lampu jalan mati nomor {n}",
            "received_at": f"2026-11-22T{n % 24:02d}:15:00{LOCAL}", **IN_CITY} | extra


@pytest.fixture
def api(writable_city_any):
    """A test client on a fresh copy of the test city (SQLite, then PostgreSQL) with a key for the
    complaints, devices and KPI sources and for a second complaints app; yields (client, url, keys, app)."""
    url = writable_city_any
    app = create_app(test_settings(url, frozen_now=NOW))
    keys = {}
    with app.server.app_context():
        with database.engine.begin() as conn:
            for source, feed in (("complaints", "complaints"), ("cctv_nvr", "devices"), ("kpi_sheet", "kpis"),
                                 ("other_app", "complaints")):
                source_id, _ = ensure_source(conn, "36.71", source, feed)
                keys[source] = make_key(conn, source_id, "test", NOW)
    yield app.server.test_client(), url, keys, app


def post(client, key: str | None, source: str, kind: str, body, **kwargs):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if "data" in kwargs:
        return client.post(f"/api/v1/sources/{source}/{kind}", headers=headers, **kwargs)
    return client.post(f"/api/v1/sources/{source}/{kind}", headers=headers, json=body)


def count(url: str, table: str, where: str = "1=1", **params) -> int:
    return scalar(url, f"SELECT count(*) FROM {table} WHERE {where}", **params)


def test_keys_decide_who_may_write(api):
    client, url, keys, app = api
    body = [complaint(1)]
    assert post(client, None, "complaints", "complaints", body).status_code == 401
    answer = post(client, "lrk_not-a-key", "complaints", "complaints", body)
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    other = post(client, keys["other_app"], "complaints", "complaints", body)  # another source's key
    assert other.status_code == 403 and "other_app" in other.json["message"]
    wrong_feed = post(client, keys["cctv_nvr"], "cctv_nvr", "complaints", body)  # a device source sends complaints
    assert wrong_feed.status_code == 403
    assert count(url, "complaints", "external_id = 'T-00001'") == 0
    assert post(client, keys["complaints"], "complaints", "complaints", body).status_code == 200
    assert count(url, "complaints", "external_id = 'T-00001'") == 1
    with app.server.app_context(), database.engine.begin() as conn:
        assert revoke(conn, "36.71", keys["complaints"][:12], NOW) == 1
    again = post(client, keys["complaints"], "complaints", "complaints", [complaint(2)])
    assert again.status_code == 401  # revoked: refused at once
    assert count(url, "complaints", "external_id = 'T-00002'") == 0
    assert scalar(url, "SELECT count(*) FROM source_keys WHERE last_used_at IS NOT NULL") >= 1
    assert all(len(h) == 64 for (h,) in rows(url, "SELECT key_hash FROM source_keys"))  # hashed, never kept
    assert not any(keys["complaints"] in str(r) for r in rows(url, "SELECT * FROM source_keys"))


@pytest.mark.parametrize("body, content_type, status, error", [
    ('{"external_id": ', "application/json", 400, "invalid_json"),
    ("not json at all", "application/json", 400, "invalid_json"),
    ("\xff\xfe", "application/json", 400, "invalid_json"),
    ('"a string"', "application/json", 400, "invalid_body"),
    ("42", "application/json", 400, "invalid_body"),
    ('{"external_id": "X"}', "text/plain", 415, "unsupported_media_type"),
    ("external_id=X", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
])
def test_unreadable_bodies_get_a_clear_4xx(api, body, content_type, status, error):
    client, url, keys, _ = api
    before = count(url, "complaints")
    answer = post(client, keys["complaints"], "complaints", "complaints", None, data=body.encode("latin-1"),
                  content_type=content_type)
    assert answer.status_code == status and answer.json["error"] == error and answer.json["message"]
    assert count(url, "complaints") == before and count(url, "source_runs", "message LIKE '%via api%'") == 0


def test_a_body_over_the_limit_or_a_batch_too_long_is_refused(api, monkeypatch):
    client, url, keys, app = api
    settings = app.server.config["LIVEROOM_SETTINGS"]
    monkeypatch.setattr(settings, "ingest_max_body_bytes", 2000)
    answer = post(client, keys["complaints"], "complaints", "complaints", [complaint(n) for n in range(40)])
    assert answer.status_code == 413 and answer.json["error"] == "too_large"
    monkeypatch.setattr(settings, "ingest_max_body_bytes", 10**8)
    answer = post(client, keys["complaints"], "complaints", "complaints", [{}] * 5001)
    assert answer.status_code == 413 and answer.json["error"] == "too_many_records"
    assert count(url, "complaints", "external_id LIKE 'T-%'") == 0


@pytest.mark.parametrize("record, reason", [
    (complaint(1, received_at="2026-11-22T10:00:00"), "received_at: Input should have timezone info"),
    (complaint(1, received_at="22/11/2026"), "received_at:"),
    (complaint(1, received_at="2099-01-01T00:00:00Z"), "in the future"),
    (complaint(1, received_at="1999-12-31T00:00:00Z"), "before 2000"),
    (complaint(1, category="ufo"), "category: 'ufo' is not a category of the city"),
    (complaint(1, agency="NASA"), "agency: 'NASA' is not an agency of the city"),
    (complaint(1, **OUTSIDE), "outside the city"),
    (complaint(1, lat="north"), "lat: Input should be a valid number"),
    (complaint(1, lat=-6.17, lon=None), "lat and lon must be given together"),
    (complaint(1, lat=123.0), "lat: Input should be less than or equal to 90"),
    (complaint(1, status="lost"), "status: lost is not one of"),
    (complaint(1, external_id=["a"]), "external_id: Input should be a valid string"),
    (complaint(1, description=7), "description: Input should be a valid string"),
    (complaint(1, kecamatan="Atlantis"), "kecamatan: 'Atlantis' is not a kecamatan of the city"),
    ({"external_id": "T-00001"}, "category: Field required"),
    ("a string", "record 1 is a string, not an object"),
])
def test_each_bad_record_is_refused_with_its_reason_and_kept(api, record, reason):
    client, url, keys, _ = api
    answer = post(client, keys["complaints"], "complaints", "complaints", [record, complaint(2)])
    assert answer.status_code == 200
    first, second = answer.json["results"]
    assert first["result"] == "rejected" and reason in first["reason"], first
    assert second["result"] == "created"
    assert count(url, "complaints", "external_id = 'T-00001'") == 0 and count(url, "complaints", "external_id = 'T-00002'") == 1
    kept = rows(url, "SELECT reason, raw, record_kind FROM rejected_records ORDER BY id DESC LIMIT 1")[0]
    assert reason in kept[0] and kept[2] == "complaints"
    assert json.loads(kept[1]) == record


def test_a_point_outside_the_city_is_kept_when_it_names_a_kecamatan(api):
    client, url, keys, _ = api
    answer = post(client, keys["complaints"], "complaints", "complaints",
                  [complaint(1, kecamatan="Kec. Karang Tengah", **OUTSIDE), complaint(2, lat=None, lon=None,
                                                                                  kecamatan="CIPONDOH")])
    assert [r["result"] for r in answer.json["results"]] == ["created", "created"]
    placed = rows(url, """SELECT c.external_id, r.name, c.located_by FROM complaints c JOIN regions r
                          ON r.id = c.kecamatan_id WHERE c.external_id IN ('T-00001', 'T-00002') ORDER BY 1""")
    assert [tuple(p) for p in placed] == [("T-00001", "Karang Tengah", "name"), ("T-00002", "Cipondoh", "name")]


def test_open311_field_names_are_accepted(api):
    client, url, keys, _ = api
    request = {"service_request_id": "O-1", "service_code": "banjir", "status": "open",
               "requested_datetime": "2026-11-22T09:00:00+07:00", "updated_datetime": "2026-11-22T09:30:00+07:00",
               "lat": IN_CITY["lat"], "long": IN_CITY["lon"], "address_string": "Jl. Daan Mogot",
               "first_name": "Siti", "last_name": "Rahayu", "email": "siti@example.com", "description": "Banjir"}
    assert post(client, keys["complaints"], "complaints", "complaints", request).json["results"][0]["result"] == "created"
    stored = rows(url, """SELECT c.status, cat.code, c.reporter_name, c.address, a.code FROM complaints c
                          JOIN complaint_categories cat ON cat.id = c.category_id JOIN agencies a ON a.id = c.agency_id
                          WHERE c.external_id = 'O-1'""")[0]
    assert tuple(stored) == ("received", "banjir", "Siti Rahayu", "Jl. Daan Mogot", "BPBD")


def test_a_batch_of_1000_with_10_bad_records_stores_990(api):
    client, url, keys, _ = api
    batch = [complaint(n) for n in range(1000)]
    for n in range(0, 1000, 100):
        batch[n] = complaint(n, category="ufo")
    answer = post(client, keys["complaints"], "complaints", "complaints", batch)
    body = answer.json
    assert (body["received"], body["created"], body["rejected"]) == (1000, 990, 10)
    assert [r["index"] for r in body["results"] if r["result"] == "rejected"] == list(range(0, 1000, 100))
    assert count(url, "complaints", "external_id LIKE 'T-%'") == 990
    run = rows(url, "SELECT rows_received, rows_accepted, rows_rejected, status FROM source_runs ORDER BY id DESC LIMIT 1")
    assert tuple(run[0]) == (1000, 990, 10, "ok")
    assert count(url, "rejected_records", "record_kind = 'complaints' AND run_id = :r", r=body["run_id"]) == 10
    events = count(url, "complaint_events e JOIN complaints c ON c.id = e.complaint_id", "c.external_id LIKE 'T-%'")
    assert events == 990  # each arrives with its "received" event
    flags = count(url, "complaint_flags f JOIN complaints c ON c.id = f.complaint_id", "c.external_id LIKE 'T-%'")
    assert flags > 0  # a day-old unanswered street-light complaint is past its deadline


def test_the_same_batch_three_times_changes_nothing_and_a_newer_version_wins(api):
    client, url, keys, _ = api
    batch = [complaint(n) for n in range(50)]
    tables = ("complaints", "complaint_events", "complaint_flags")
    for attempt in range(3):
        body = post(client, keys["complaints"], "complaints", "complaints", batch).json
        if attempt == 0:
            assert body["created"] == 50
            counts = {t: count(url, t) for t in tables}
        else:
            assert body["unchanged"] == 50 and body["created"] == body["updated"] == 0
            assert {t: count(url, t) for t in tables} == counts
    newer = complaint(7, status="resolved", updated_at="2026-11-23T08:00:00+07:00",
                      resolved_at="2026-11-23T08:00:00+07:00", description="Sudah diperbaiki")
    body = post(client, keys["complaints"], "complaints", "complaints", [newer]).json
    assert body["updated"] == 1
    status, text, resolved = rows(url, "SELECT status, description, resolved_at FROM complaints WHERE external_id = 'T-00007'")[0]
    assert (status, text) == ("resolved", "Sudah diperbaiki") and resolved is not None
    assert count(url, "complaint_events e JOIN complaints c ON c.id = e.complaint_id",
                 "c.external_id = 'T-00007' AND e.status = 'resolved'") == 1
    older = complaint(7, status="received", updated_at="2026-11-23T07:00:00+07:00")
    assert post(client, keys["complaints"], "complaints", "complaints", [older]).json["unchanged"] == 1
    assert rows(url, "SELECT status FROM complaints WHERE external_id = 'T-00007'")[0][0] == "resolved"


def test_duplicates_in_one_batch_are_reported_and_the_first_is_kept(api):
    client, url, keys, _ = api
    body = post(client, keys["complaints"], "complaints", "complaints",
                [complaint(1), complaint(1, description="second copy")]).json
    assert [r["result"] for r in body["results"]] == ["created", "duplicate"]
    assert rows(url, "SELECT description FROM complaints WHERE external_id = 'T-00001'")[0][0] == "Lampu jalan mati nomor 1"


def test_status_updates_follow_the_complaint_and_come_once(api):
    client, url, keys, _ = api
    post(client, keys["complaints"], "complaints", "complaints", [complaint(1)])
    updates = [{"external_id": "T-00001", "status": "assigned", "at": "2026-11-22T02:00:00+07:00"},
               {"external_id": "T-00001", "status": "responded", "at": "2026-11-22T03:00:00+07:00",
                "agency": "DPUPR", "note": "Petugas menuju lokasi"},
               {"external_id": "T-99999", "status": "resolved", "at": "2026-11-22T04:00:00+07:00"},
               {"external_id": "T-00001", "status": "gone", "at": "2026-11-22T04:00:00+07:00"}]
    body = post(client, keys["complaints"], "complaints", "complaint-updates", updates).json
    assert [r["result"] for r in body["results"]] == ["updated", "updated", "rejected", "rejected"]
    assert "no complaint 'T-99999'" in body["results"][2]["reason"]
    status, responded = rows(url, "SELECT status, first_response_at FROM complaints WHERE external_id = 'T-00001'")[0]
    assert status == "responded" and str(responded).startswith("2026-11-21 20:00")
    again = post(client, keys["complaints"], "complaints", "complaint-updates", updates[:2]).json
    assert again["unchanged"] == 2
    assert count(url, "complaint_events e JOIN complaints c ON c.id = e.complaint_id", "c.external_id = 'T-00001'") == 3
    reopened = post(client, keys["complaints"], "complaints", "complaint-updates", [
        {"external_id": "T-00001", "status": "resolved", "at": "2026-11-22T05:00:00+07:00"},
        {"external_id": "T-00001", "status": "reopened", "at": "2026-11-22T06:00:00+07:00"}]).json
    assert reopened["updated"] == 2
    status, count_reopened, due = rows(url, "SELECT status, reopen_count, response_due_at FROM complaints "
                                            "WHERE external_id = 'T-00001'")[0]
    assert status == "reopened" and count_reopened == 1 and str(due) > "2026-11-21 23:00"


def test_devices_register_report_and_the_file_importers_see_them(api):
    client, url, keys, app = api
    devices = [{"external_id": "NEW-CAM-1", "name": "Kamera Alun-alun", "kind": "cctv", **IN_CITY},
               {"external_id": "NEW-AP-1", "name": "AP Taman", "kind": "wifi", "site_type": "park", **IN_CITY},
               {"external_id": "NEW-X-1", "name": "Sensor", "kind": "radar", **IN_CITY},
               {"external_id": "NEW-CAM-2", "name": "Jauh", "kind": "cctv", **OUTSIDE},
               {"external_id": "NEW-CAM-3", "name": "HTTP", "kind": "cctv", "check_method": "http"}]
    body = post(client, keys["cctv_nvr"], "cctv_nvr", "devices", devices).json
    assert [r["result"] for r in body["results"]] == ["created", "created", "rejected", "rejected", "rejected"]
    assert "not a kind of device" in body["results"][2]["reason"] and "check_url" in body["results"][4]["reason"]
    assert post(client, keys["cctv_nvr"], "cctv_nvr", "devices", devices[:2]).json["unchanged"] == 2
    renamed = post(client, keys["cctv_nvr"], "cctv_nvr", "devices", [devices[0] | {"name": "Kamera Alun-alun Baru"}])
    assert renamed.json["updated"] == 1
    at = (NOW - timedelta(minutes=1)).isoformat()
    samples = [{"device_id": "NEW-CAM-1", "at": at, "state": "online", "latency_ms": 20},
               {"device_id": "NEW-CAM-1", "at": at, "state": "online"},
               {"device_id": "GHOST", "at": at, "state": "online"},
               {"device_id": "NEW-AP-1", "at": "2026-11-23T07:29:00", "state": "online"}]
    body = post(client, keys["cctv_nvr"], "cctv_nvr", "samples", samples).json
    assert [r["result"] for r in body["results"]] == ["created", "duplicate", "rejected", "rejected"]
    assert "has no time zone" in body["results"][3]["reason"]
    assert post(client, keys["cctv_nvr"], "cctv_nvr", "samples", samples[:1]).json["unchanged"] == 1
    assert rows(url, "SELECT state FROM devices WHERE external_id = 'NEW-CAM-1'")[0][0] == "online"
    # the ZoneMinder importer now knows the registered camera, and a monitor without a status is unknown
    from cities import load_profile
    from data_sources.ingest.device_import import import_device_status

    def monitor(external_id: str, status: dict) -> dict:
        return {"Monitor": {"Id": external_id, "Name": external_id, "Enabled": "1", "Function": "Modect"},
                "Monitor_Status": status}

    monitors = {"monitors": [monitor("NEW-CAM-1", {"MonitorId": "1", "Status": "Connected", "CaptureFPS": "5"}),
                             monitor("NEW-AP-1", {}), monitor("GHOST", {})]}
    with app.server.app_context():
        summary = import_device_status(database.engine, load_profile("kota_tangerang"), "cctv_nvr", "zoneminder",
                                       json.dumps(monitors), now=NOW)
    assert summary["accepted"] == 2 and [r["external_id"] for r in summary["reasons"]] == ["GHOST"]
    assert rows(url, "SELECT state FROM devices WHERE external_id = 'NEW-AP-1'")[0][0] == "unknown"


def test_kpi_values_are_stored_once_and_corrected_by_a_newer_report(api):
    client, url, keys, _ = api
    code = rows(url, "SELECT code FROM kpi_definitions ORDER BY code LIMIT 1")[0][0]
    values = [{"kpi": code, "period": "2026-10", "value": 91.5, "updated_at": "2026-11-20T09:00:00+07:00"},
              {"kpi": "nope", "period": "2026-10", "value": 1},
              {"kpi": code, "period": "2026-10-01", "value": "lots"},
              {"kpi": code, "period": "1990-01", "value": 1}]
    body = post(client, keys["kpi_sheet"], "kpi_sheet", "kpi-values", values).json
    assert [r["result"] for r in body["results"]][1:] == ["rejected"] * 3
    assert body["results"][0]["result"] in ("created", "updated")
    stored = "SELECT value FROM kpi_values v JOIN kpi_definitions d ON d.id = v.kpi_id WHERE d.code = :c AND v.period_start = :p"
    assert rows(url, stored, c=code, p="2026-10-01")[0][0] == 91.5
    assert post(client, keys["kpi_sheet"], "kpi_sheet", "kpi-values", values[:1]).json["unchanged"] == 1
    corrected = values[0] | {"value": 92.0, "updated_at": "2026-11-21T09:00:00+07:00"}
    assert post(client, keys["kpi_sheet"], "kpi_sheet", "kpi-values", [corrected]).json["updated"] == 1
    assert rows(url, stored, c=code, p="2026-10-01")[0][0] == 92.0
    # the replaced value stays in the history, with who reported it and when
    history = rows(url, """SELECT r.value, r.reported_by FROM kpi_value_revisions r JOIN kpi_definitions d
                           ON d.id = r.kpi_id WHERE d.code = :c AND r.period_start = :p""", c=code, p="2026-10-01")
    assert [tuple(h) for h in history if h[0] == 91.5] == [(91.5, "kpi_sheet")]
    assert rows(url, "SELECT reported_by FROM kpi_values v JOIN kpi_definitions d ON d.id = v.kpi_id "
                     "WHERE d.code = :c AND v.period_start = :p", c=code, p="2026-10-01")[0][0] == "kpi_sheet"


def test_the_openapi_document_describes_every_kind_from_the_models(api):
    client, _, keys, _ = api
    assert client.get("/api/v1/openapi.json").status_code == 401  # for key holders and signed-in people only
    assert client.get("/api/v1/openapi.json", headers={"Authorization": "Bearer nope"}).status_code == 401
    document = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {keys['complaints']}"}).json
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {f"/api/v1/sources/{{source}}/{k}" for k in
                                      ("complaints", "complaint-updates", "devices", "samples", "kpi-values")}
    complaint_schema = document["components"]["schemas"]["ComplaintIn"]
    assert {"external_id", "category", "received_at", "lat", "lon"} <= set(complaint_schema["properties"])
    assert document["components"]["securitySchemes"]["sourceKey"]["scheme"] == "bearer"
