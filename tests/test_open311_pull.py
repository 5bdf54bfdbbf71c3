"""The Open311 pull against GeoReport v2 servers started here on 127.0.0.1: recorded answers
(``tests/data/open311``) in JSON and XML, a server with a page limit, and servers that fail,
hang or answer garbage. The database is checked with plain SQL."""
from __future__ import annotations

import json
import socket
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from cities import SourceSpec, load_profile
from data_sources.db import make_engine
from data_sources.ingest.open311_client import iso
from data_sources.ingest.open311_pull import main, pull_source, windows
from tests.helpers import FIXED_NOW, execute, make_city
from tests.sql import rows, scalar

DATA = Path(__file__).parent / "data" / "open311"
KEY = "laporan"
SECRET = "s3cret-open311-key"
KEY_ENV = "LIVEROOM_TEST_OPEN311_KEY"
START = FIXED_NOW - timedelta(days=2)
WINDOW_1 = ("2026-11-21T07:30:00Z", "2026-11-22T07:30:00Z")
WINDOW_2 = ("2026-11-22T07:30:00Z", "2026-11-23T07:30:00Z")
OPEN_IDS = "LPR-2611-000101,LPR-2611-000105,LPR-2611-000106"
MAPPING = {"PJU-MATI": "pju", "JALAN-RUSAK": "jalan", "POHON-TUMBANG": "pohon", "GENANGAN": "banjir"}
TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


# --- a GeoReport server on 127.0.0.1 -------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        parts = urlsplit(self.path)
        params = dict(parse_qsl(parts.query))
        self.server.hits.append((parts.path.rsplit("/", 1)[-1], params))
        status, content_type, body, pause = self.server.answer(parts.path.rsplit("/", 1)[-1], params)
        try:
            if callable(body):  # a server that trickles: headers now, the body slowly
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.end_headers()
                body(self.wfile)
                return
            time.sleep(pause)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as it should

    def log_message(self, *args):
        pass


@contextmanager
def serve(answer):
    """``answer(name, params) -> (status, content type, body, seconds to wait first)``; the server's
    ``hits`` lists (name, params) of every request, ``url`` is its GeoReport base."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.answer, server.hits = answer, []
    server.url = f"http://127.0.0.1:{server.server_address[1]}/open311/v2"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def dead_url() -> str:
    """A GeoReport base on a port of 127.0.0.1 that nothing listens on."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{unused.getsockname()[1]}/open311/v2"


def recorded(fmt: str, by_id: dict | None = None):
    """The recorded answers: services, the two windows, the open requests by id (``by_id`` says
    which recording, and may be changed later); any other query finds nothing."""
    by_id = by_id if by_id is not None else {OPEN_IDS: "requests_open"}
    windows_ = {WINDOW_1: "requests_window1", WINDOW_2: "requests_window2"}

    def answer(name, params):
        if name == f"services.{fmt}":
            stem = "services"
        elif "service_request_id" in params:
            stem = by_id.get(params["service_request_id"])
        else:
            stem = windows_.get((params.get("start_date"), params.get("end_date")))
        if stem is None:
            return 200, TYPES[fmt], b"[]" if fmt == "json" else b"<service_requests></service_requests>", 0
        return 200, TYPES[fmt], (DATA / f"{stem}.{fmt}").read_bytes(), 0
    return answer


def fixed(status: int, body: bytes, content_type: str = "application/json", pause: float = 0.0, services=True):
    """Every requests call answers ``body``; services too unless ``services`` (then the recording)."""
    services_answer = recorded("json")

    def answer(name, params):
        if services and name.startswith("services"):
            return services_answer(name, params)
        return status, content_type, body, pause
    return answer


# --- the city, the source, the profile ----------------------------------------------------------


def pull_profile(url: str, **changes):
    """The test city's profile with a source ``laporan`` pulled from ``url``."""
    spec = dict(url=url, jurisdiction_id="tangerangkota.go.id", api_key_env=KEY_ENV, service_codes=MAPPING,
                first_since=START, backoff_seconds=0.01, timeout_seconds=2, attempts=3) | changes
    base = load_profile("kota_tangerang")
    source = SourceSpec(key=KEY, name="Laporan Warga (Open311)", kind="open311", feed="complaints",
                        freshness_budget_seconds=900, open311=spec)
    return base.model_copy(update={"sources": [*base.sources, source]})


def add_source(url: str) -> None:
    execute(url, "INSERT INTO sources (city_code, key, name, kind, feed, freshness_budget_seconds, enabled) "
                 "VALUES ('36.71', :key, 'Laporan Warga (Open311)', 'open311', 'complaints', 900, :yes)",
            key=KEY, yes=True)


@pytest.fixture
def city(writable_city, monkeypatch):
    """(url, engine) of a private test city with the source ``laporan`` and its API key set."""
    add_source(writable_city)
    monkeypatch.setenv(KEY_ENV, SECRET)
    engine = make_engine(writable_city)
    yield writable_city, engine
    engine.dispose()


def source_row(url: str):
    return rows(url, "SELECT pull_state, last_success_at, last_failure_at, last_error FROM sources WHERE key = :k",
                k=KEY)[0]


def complaints(url: str) -> dict:
    found = rows(url, """SELECT c.external_id, cc.code, c.status, c.located_by FROM complaints c
                         JOIN complaint_categories cc ON cc.id = c.category_id JOIN sources s ON s.id = c.source_id
                         WHERE s.key = :k ORDER BY c.external_id""", k=KEY)
    return {r[0]: tuple(r[1:]) for r in found}


def runs(url: str) -> list:
    return rows(url, """SELECT r.status, r.rows_received, r.rows_accepted, r.rows_rejected, r.message
                        FROM source_runs r JOIN sources s ON s.id = r.source_id WHERE s.key = :k ORDER BY r.id""",
                k=KEY)


def position(url: str) -> str | None:
    state = source_row(url)[0]
    return json.loads(state)["position"] if state else None


# --- tests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_pull_maps_codes_refuses_with_reasons_and_remembers_the_position(city, fmt):
    url, engine = city
    with serve(recorded(fmt)) as server:
        report = pull_source(engine, pull_profile(server.url, format=fmt), KEY, now=FIXED_NOW)
    assert report.status == "ok", report.message
    assert (report.received, report.accepted, report.rejected) == (6, 4, 2)
    assert complaints(url) == {"LPR-2611-000101": ("pju", "received", "point"),  # PJU-MATI through the mapping
                               "LPR-2611-000102": ("sampah", "resolved", "point"),  # the city's own code
                               "LPR-2611-000105": ("pohon", "received", "point"),
                               "LPR-2611-000106": ("jalan", "received", "point")}
    refused = dict(rows(url, """SELECT external_id, reason FROM rejected_records r JOIN sources s ON s.id = r.source_id
                                WHERE s.key = :k AND r.record_kind = 'complaints'""", k=KEY))
    assert "'PARKIR-LIAR' is not a category of the city" in refused["LPR-2611-000103"]
    assert "outside the city" in refused["LPR-2611-000104"]
    [(status, received, accepted, rejected, message)] = runs(url)
    assert (status, received, accepted, rejected) == ("ok", 6, 4, 2)
    assert "complaints via open311 pull" in message
    assert "does not offer: GENANGAN" in message and "unmapped service codes: PARKIR-LIAR (1)" in message
    state, success, failure, _ = source_row(url)
    assert position(url) == "2026-11-23T07:30:00Z" and success.startswith("2026-11-23 07:30:00") and failure is None
    assert json.loads(state)["refresh_after"] == 0
    assert [name for name, _ in server.hits] == [f"services.{fmt}", f"requests.{fmt}", f"requests.{fmt}"]
    assert [(p["start_date"], p["end_date"]) for _, p in server.hits[1:]] == [WINDOW_1, WINDOW_2]
    assert all(p["api_key"] == SECRET and p["jurisdiction_id"] == "tangerangkota.go.id" for _, p in server.hits)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_second_pull_stores_nothing_new_and_a_closed_request_is_updated_later(city, fmt):
    url, engine = city
    by_id = {OPEN_IDS: "requests_open"}
    with serve(recorded(fmt, by_id)) as server:
        profile = pull_profile(server.url, format=fmt)
        pull_source(engine, profile, KEY, now=FIXED_NOW)
        stored = (complaints(url), scalar(url, "SELECT count(*) FROM complaint_events"),
                  scalar(url, "SELECT count(*) FROM rejected_records"))
        server.hits.clear()
        again = pull_source(engine, profile, KEY, now=FIXED_NOW + timedelta(minutes=10))
        assert (again.status, again.received, again.accepted) == ("ok", 3, 0)  # the open ones, asked for by id
        assert (complaints(url), scalar(url, "SELECT count(*) FROM complaint_events"),
                scalar(url, "SELECT count(*) FROM rejected_records")) == stored
        assert position(url) == "2026-11-23T07:40:00Z"  # moved; the overlap re-read the hour before the old one
        assert [p for _, p in server.hits[1:]] == [
            {"start_date": "2026-11-23T06:30:00Z", "end_date": "2026-11-23T07:40:00Z",
             "jurisdiction_id": "tangerangkota.go.id", "api_key": SECRET},
            {"service_request_id": OPEN_IDS, "jurisdiction_id": "tangerangkota.go.id", "api_key": SECRET}]
        by_id[OPEN_IDS] = "requests_open_later"  # the street light was fixed and closed on the server
        later = pull_source(engine, profile, KEY, now=FIXED_NOW + timedelta(minutes=20))
    assert (later.status, later.accepted) == ("ok", 1)
    assert complaints(url)["LPR-2611-000101"] == ("pju", "resolved", "point")
    events = rows(url, """SELECT e.status, e.at, e.note FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
                          WHERE c.external_id = 'LPR-2611-000101' ORDER BY e.at""")
    assert [(e[0], e[1][:19]) for e in events] == [("received", "2026-11-21 12:05:12"),
                                                   ("resolved", "2026-11-23 03:20:00")]
    assert events[-1][2] == "Lampu sudah diganti petugas Dishub."
    assert position(url) == "2026-11-23T07:50:00Z"


def by_date(items: list[dict], limit: int = 1000, honest: bool = True):
    """A JSON server over ``items`` that answers a date range with the requests received in it (or,
    with ``honest=False``, ignoring the dates), at most ``limit`` per answer, or by ``page``; and
    requests by id."""
    services = recorded("json")

    def answer(name, params):
        if name.startswith("services"):
            return services(name, params)
        if "service_request_id" in params:
            wanted = params["service_request_id"].split(",")
            return 200, TYPES["json"], json.dumps([i for i in items if i["service_request_id"] in wanted]).encode(), 0
        low, high = (datetime.fromisoformat(params[k]) for k in ("start_date", "end_date"))
        found = [i for i in items if not honest or low <= datetime.fromisoformat(i["requested_datetime"]) <= high]
        page = int(params.get("page", 1))
        return 200, TYPES["json"], json.dumps(found[(page - 1) * limit:page * limit]).encode(), 0
    return answer


def _many(count: int) -> list[dict]:
    """``count`` requests, one every two hours before FIXED_NOW."""
    template = json.loads((DATA / "requests_window1.json").read_text())[1]
    return [dict(template, service_request_id=f"LPR-2611-9{i:05d}",
                 requested_datetime=iso(FIXED_NOW - timedelta(hours=2 * i + 1)),
                 updated_datetime=iso(FIXED_NOW - timedelta(hours=2 * i + 1))) for i in range(count)]


@pytest.mark.parametrize("paging", ["split", "page"])
def test_a_full_answer_halves_the_window_or_asks_for_the_next_page(city, paging):
    url, engine = city
    with serve(by_date(_many(10), limit=4)) as server:
        profile = pull_profile(server.url, paging=paging, page_size=4, first_since=FIXED_NOW - timedelta(days=1),
                               refresh_open_days=0)
        report = pull_source(engine, profile, KEY, now=FIXED_NOW)
    assert (report.status, report.received, report.accepted) == ("ok", 10, 10), report.message
    assert len(complaints(url)) == 10 and position(url) == "2026-11-23T07:30:00Z"
    if paging == "page":
        assert [p.get("page") for _, p in server.hits[1:]] == [None, "2", "3"]
    else:  # 24 h (full) -> two 12 h halves (4 and 6: both full) -> four 6 h quarters (1, 3, 3 and 3)
        assert len(server.hits) == 1 + 7 and all("page" not in p for _, p in server.hits)


def test_a_server_that_ignores_the_dates_fails_instead_of_splitting_for_ever(city):
    url, engine = city
    with serve(by_date(_many(10), limit=4, honest=False)) as server:
        report = pull_source(engine, pull_profile(server.url, page_size=4, max_pages=8), KEY, now=FIXED_NOW)
    assert report.status == "failed" and "may ignore start_date/end_date" in report.message
    assert len(server.hits) == 1 + 8 and complaints(url) == {} and position(url) is None


def test_a_server_error_is_retried_then_a_failed_run_and_nothing_moves(city):
    url, engine = city
    body = json.dumps([{"code": 503, "description": "Database laporan tidak tersedia"}]).encode()
    with serve(fixed(503, body, services=False)) as server:
        started = time.perf_counter()
        report = pull_source(engine, pull_profile(server.url), KEY, now=FIXED_NOW)
        seconds = time.perf_counter() - started
    assert report.status == "failed" and seconds < 1
    assert len(server.hits) == 3  # three attempts at services.json
    state, success, failure, error = source_row(url)
    assert error.startswith("open311 pull: services.json: HTTP 503 Service Unavailable: 503 Database laporan")
    assert "tried 3 times" in error and SECRET not in error
    assert state is None and success is None and failure.startswith("2026-11-23 07:30:00")
    assert [r[0] for r in runs(url)] == ["failed"] and complaints(url) == {}


def test_a_failed_window_is_fetched_again_next_time(city):
    url, engine = city
    good = by_date([r for n in (1, 2) for r in json.loads((DATA / f"requests_window{n}.json").read_text())])
    broken = {"on": True}

    def answer(name, params):
        if broken["on"] and params.get("start_date") == WINDOW_2[0]:
            return 502, "text/html", b"<html><body>Bad Gateway</body></html>", 0
        return good(name, params)

    with serve(answer) as server:
        profile = pull_profile(server.url)
        first = pull_source(engine, profile, KEY, now=FIXED_NOW)
        assert first.status == "failed" and "HTTP 502" in first.message
        assert position(url) == WINDOW_1[1]  # the first window is stored, the second is not
        assert [r[:3] for r in runs(url)] == [("ok", 4, 2), ("failed", 0, 0)]
        assert sorted(complaints(url)) == ["LPR-2611-000101", "LPR-2611-000102"]
        assert source_row(url)[2] is not None  # last_failure_at: the wall shows the source failing
        broken["on"] = False
        server.hits.clear()
        second = pull_source(engine, profile, KEY, now=FIXED_NOW + timedelta(minutes=5))
    assert second.status == "ok" and len(complaints(url)) == 4
    assert server.hits[1][1]["start_date"] == "2026-11-22T06:30:00Z"  # the position less the overlap
    assert position(url) == "2026-11-23T07:35:00Z"


def _trickle(out):
    for _ in range(30):
        out.write(b" ")
        out.flush()
        time.sleep(0.1)


@pytest.mark.parametrize("body", [b"[]", _trickle], ids=["silent", "trickle"])
def test_a_server_that_does_not_answer_in_time_ends_the_pull_in_bounded_time(city, body):
    url, engine = city
    with serve(fixed(200, body, pause=3.0)) as server:
        started = time.perf_counter()
        report = pull_source(engine, pull_profile(server.url, timeout_seconds=0.3, attempts=2), KEY, now=FIXED_NOW)
        seconds = time.perf_counter() - started
    assert report.status == "failed" and seconds < 2.0, (seconds, report.message)
    assert "within 0.3 s (tried 2 times)" in report.message
    assert len(server.hits) == 1 + 2 and complaints(url) == {} and position(url) is None


GARBAGE = {
    "html": ("json", b"<!DOCTYPE html><html><body><h1>Maintenance</h1></body></html>", "the answer is not JSON"),
    "truncated-json": ("json", (DATA / "requests_window1.json").read_bytes()[:700], "the answer is not JSON"),
    "an-object": ("json", b'{"status": "ok"}', "a JSON dict, not a list of requests"),
    "truncated-xml": ("xml", (DATA / "requests_window1.xml").read_bytes()[:900], "the answer is not XML"),
    "entities": ("xml", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaa">]><service_requests>&a;'
                        b'</service_requests>', "refused XML with a DTD"),
    "other-xml": ("xml", b"<html><body>Maintenance</body></html>", "is <html>, not <service_requests>"),
}


@pytest.mark.parametrize("case", GARBAGE)
def test_garbage_is_a_failed_run_with_a_clear_message_and_not_retried(city, case):
    url, engine = city
    fmt, body, expected = GARBAGE[case]
    services = recorded(fmt)

    def answer(name, params):
        return services(name, params) if name.startswith("services") else (200, TYPES[fmt], body, 0)

    with serve(answer) as server:
        report = pull_source(engine, pull_profile(server.url, format=fmt), KEY, now=FIXED_NOW)
    assert report.status == "failed" and expected in report.message, report.message
    assert len(server.hits) == 2  # services, then one requests call: not retried
    assert source_row(url)[3].startswith(f"open311 pull: requests.{fmt} (start_date=2026-11-21T07:30:00Z")
    assert complaints(url) == {} and position(url) is None


def test_a_refusal_is_not_retried_and_a_missing_key_asks_nothing(city, monkeypatch):
    url, engine = city
    body = json.dumps([{"code": 403, "description": "Invalid api_key"}]).encode()
    with serve(fixed(403, body, services=False)) as server:
        report = pull_source(engine, pull_profile(server.url), KEY, now=FIXED_NOW)
        assert report.status == "failed" and len(server.hits) == 1
        assert report.message == "open311 pull: services.json: HTTP 403 Forbidden: 403 Invalid api_key"
        monkeypatch.delenv(KEY_ENV)
        server.hits.clear()
        report = pull_source(engine, pull_profile(server.url), KEY, now=FIXED_NOW)
    assert report.status == "failed" and server.hits == []
    assert f"environment variable {KEY_ENV} (api_key_env) holding the API key is not set" in source_row(url)[3]
    assert [r[0] for r in runs(url)] == ["failed", "failed"]


def test_a_closed_port_is_a_failed_run_after_quick_retries(city):
    url, engine = city
    started = time.perf_counter()
    report = pull_source(engine, pull_profile(dead_url()), KEY, now=FIXED_NOW)
    assert report.status == "failed" and time.perf_counter() - started < 1
    assert report.message.startswith("open311 pull: services.json: cannot read the server: ConnectError")
    assert report.calls == 3 and source_row(url)[2] is not None


def test_windows_run_from_the_start_up_to_now():
    assert windows(START, FIXED_NOW, 24, 48) == [(START, START + timedelta(days=1)),
                                                 (START + timedelta(days=1), FIXED_NOW)]
    assert windows(START, FIXED_NOW, 36, 48) == [(START, START + timedelta(hours=36)),
                                                 (START + timedelta(hours=36), FIXED_NOW)]
    assert windows(START, FIXED_NOW, 24, 1) == [(START, START + timedelta(days=1))]
    assert windows(FIXED_NOW, FIXED_NOW, 24, 48) == []


def test_command_line_prints_one_line_per_source(city, monkeypatch, capsys):
    url, _ = city
    with serve(recorded("json")) as server:
        monkeypatch.setattr("cities.load_profile", lambda name: pull_profile(server.url))
        monkeypatch.setenv("LIVEROOM_DATABASE_URL", url)
        assert main(["--source", KEY, "--once"]) == 0
        assert main(["--source", "complaints", "--once"]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{KEY}: ok in ") and "received 6, accepted 4, rejected 2" in lines[0]
    assert lines[1] == "kota_tangerang: no source named 'complaints' with an open311 block (with one: laporan)"
    assert datetime.fromisoformat(position(url)) > FIXED_NOW  # the command pulls up to the real now


def test_a_long_catch_up_is_spread_over_pulls_and_a_disabled_source_is_skipped(city):
    url, engine = city
    with serve(by_date([r for n in (1, 2) for r in json.loads((DATA / f"requests_window{n}.json").read_text())])
               ) as server:
        profile = pull_profile(server.url, max_windows=1, overlap_minutes=0)
        first = pull_source(engine, profile, KEY, now=FIXED_NOW)
        assert first.status == "ok" and "caught up to 2026-11-22T07:30:00Z; the next pull carries on" in first.message
        assert position(url) == WINDOW_1[1] and len(complaints(url)) == 2
        second = pull_source(engine, profile, KEY, now=FIXED_NOW)
        assert second.status == "ok" and len(complaints(url)) == 4 and position(url) == WINDOW_2[1]
        execute(url, "UPDATE sources SET enabled = :no WHERE key = :k", no=False, k=KEY)
        server.hits.clear()
        skipped = pull_source(engine, profile, KEY, now=FIXED_NOW + timedelta(hours=1))
    assert (skipped.status, server.hits, position(url)) == ("skipped", [], WINDOW_2[1])


@pytest.fixture
def pg_city(postgres_url, monkeypatch):
    """(url, engine) of the test city (approximate areas) on PostgreSQL, with the source ``laporan``."""
    make_city(postgres_url, None)
    add_source(postgres_url)
    monkeypatch.setenv(KEY_ENV, SECRET)
    engine = make_engine(postgres_url)
    yield postgres_url, engine
    engine.dispose()


def test_pull_update_and_position_on_postgresql(pg_city):
    url, engine = pg_city
    by_id = {OPEN_IDS: "requests_open"}
    with serve(recorded("xml", by_id)) as server:
        profile = pull_profile(server.url, format="xml")
        first = pull_source(engine, profile, KEY, now=FIXED_NOW)
        assert (first.status, first.received, first.accepted, first.rejected) == ("ok", 6, 4, 2), first.message
        by_id[OPEN_IDS] = "requests_open_later"
        later = pull_source(engine, profile, KEY, now=FIXED_NOW + timedelta(minutes=10))
    assert (later.status, later.accepted) == ("ok", 1)
    assert complaints(url)["LPR-2611-000101"] == ("pju", "resolved", "point")
    assert position(url) == "2026-11-23T07:40:00Z"
    assert [r[0] for r in runs(url)] == ["ok", "ok"]
