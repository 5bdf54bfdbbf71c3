"""The application portfolio: the CSV import (good, partly bad, wrong columns, not a CSV) through
its command; each app's availability from real HTTP probes against small servers on 127.0.0.1
(200, 500, a closed port) through the worker's probe job, ending in the summary the evaluation
shows; the apps' silence rules and roll-ups; and apps kept off the map and the device pages."""
from __future__ import annotations

import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cities import APP_KIND, load_profile
from data_sources import portfolio
from data_sources.db import make_engine
from data_sources.queries import evidence as queries
from data_sources.worker import Worker
from tests.helpers import FIXED_NOW, execute
from tests.sql import rows, scalar

CITY = "36.71"
PROFILE = load_profile("kota_tangerang")
HEADER = "code,name,group,agency,url,health_url,sso_ready,users_last_month\n"


def run_import(monkeypatch, capsys, url: str, path) -> tuple[int, list[str], str]:
    """``python -m data_sources.portfolio import FILE`` against ``url``: (exit status, the lines it
    printed, what it said on stderr)."""
    monkeypatch.setenv("LIVEROOM_DATABASE_URL", url)
    monkeypatch.setenv("LIVEROOM_CITY", "kota_tangerang")
    status = portfolio.main(["import", str(path), "--actor", "test-steward"])
    captured = capsys.readouterr()
    return status, captured.out.strip().splitlines(), captured.err


@pytest.fixture
def city(writable_city_any):
    """A copy of the test city without the demo's applications (their push-checked devices stay)."""
    execute(writable_city_any, "DELETE FROM applications")
    return writable_city_any


# --- the import --------------------------------------------------------------------------------------


def test_a_good_file_creates_then_updates_and_watches_each_app(city, tmp_path, monkeypatch, capsys):
    path = tmp_path / "aplikasi.csv"
    path.write_text(HEADER +
                    "SIPD,Sistem Informasi Pemerintahan Daerah,e-Government,DISKOMINFO,https://sipd.example.go.id,"
                    "https://sipd.example.go.id/health,ya,\"12,345\"\n"
                    "SIMRS,SIMRS RSUD,E-Health,Dinas Kesehatan,https://simrs.example.go.id,,tidak,880\n"
                    "LPSE,LPSE,e_procurement,,https://lpse.example.go.id,,yes,\n"
                    "ARSIP,Arsip Digital,e-government,DISKOMINFO,,,no,10\n", encoding="utf-8")
    status, lines, errors = run_import(monkeypatch, capsys, city, path)
    assert status == 0 and lines[-1] == "received 4, created 4, updated 0, rejected 0"
    apps = {r[0]: r[1:] for r in rows(city, """SELECT a.code, a.app_group, g.code, a.sso_ready, a.users_last_month,
        d.kind, d.check_method, d.check_url, d.active, d.lat FROM applications a LEFT JOIN agencies g ON g.id = a.agency_id
        LEFT JOIN devices d ON d.id = a.device_id""")}
    assert apps["SIPD"][:4] == ("e_government", "DISKOMINFO", True, 12345)
    assert apps["SIPD"][4:] == (APP_KIND, "http", "https://sipd.example.go.id/health", True, None)  # no place on a map
    assert apps["SIMRS"][1] == "DINKES" and apps["SIMRS"][6] == "https://simrs.example.go.id"  # health_url: its url
    assert apps["LPSE"][1] is None and apps["LPSE"][3] is None
    assert apps["ARSIP"][4] is None  # no address: not watched
    entry = rows(city, "SELECT actor, action, detail FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert entry[:2] == ("test-steward", "admin_change") and "received 4, created 4" in entry[2]
    # the same file again, one app renamed and no longer on an address: updated, its device switched off
    path.write_text(HEADER + "SIPD,SIPD RI,e-Government,DISKOMINFO,,,ya,1\n", encoding="utf-8")
    status, lines, errors = run_import(monkeypatch, capsys, city, path)
    assert status == 0 and lines[-1] == "received 1, created 0, updated 1, rejected 0"
    assert rows(city, "SELECT name, device_id FROM applications WHERE code = 'SIPD'")[0] == ("SIPD RI", None)
    assert scalar(city, "SELECT active FROM devices WHERE external_id = 'app-SIPD'") in (False, 0)


def test_a_partly_bad_file_keeps_the_good_rows_and_names_each_bad_one(city, tmp_path, monkeypatch, capsys):
    path = tmp_path / "aplikasi.csv"
    path.write_text(
        "kode;nama;kelompok;opd;alamat;siap_sso;pengguna_bulan_lalu\n"  # Indonesian headers, semicolons
        "EKIN;e-Kinerja;e-Government;DISKOMINFO;https://ekinerja.example.go.id;ya;1.250\n"
        "X1;Aplikasi Game;e-Gaming;DISKOMINFO;https://game.example.go.id;ya;1\n"
        "X2;Tanpa OPD;e-Health;Dinas Pariwisata;https://x2.example.go.id;ya;1\n"
        "X3;Alamat salah;e-Health;DINKES;ftp://x3.example.go.id;ya;1\n"
        "X4;SSO aneh;e-Health;DINKES;https://x4.example.go.id;mungkin;1\n"
        "X5;Pengguna minus;e-Health;DINKES;https://x5.example.go.id;ya;-4\n"
        ";Tanpa kode;e-Health;DINKES;https://x6.example.go.id;ya;1\n"
        "EKIN;e-Kinerja lagi;e-Government;DISKOMINFO;https://ekinerja.example.go.id;ya;1\n"
        "X7;;e-Health;DINKES;;ya;1\n", encoding="utf-8")
    status, lines, errors = run_import(monkeypatch, capsys, city, path)
    assert status == 0 and lines[-1] == "received 9, created 1, updated 0, rejected 8"
    problems = "\n".join(lines[:-1])
    for row, says in ((3, "group 'e-Gaming'"), (4, "agency 'Dinas Pariwisata'"), (5, "url 'ftp://"), (6, "sso_ready"),
                      (7, "users_last_month"), (8, "code ''"), (9, "appears again (first in row 2)"), (10, "name is empty")):
        assert f"row {row}: " in problems and says in problems, (row, says, problems)
    assert rows(city, "SELECT code, users_last_month FROM applications") == [("EKIN", 1250)]


def test_a_file_without_the_required_columns_is_refused_whole(city, tmp_path, monkeypatch, capsys):
    path = tmp_path / "salah.csv"
    path.write_text("aplikasi,pemilik\nSIPD,DISKOMINFO\nLPSE,DISKOMINFO\n", encoding="utf-8")
    status, lines, errors = run_import(monkeypatch, capsys, city, path)
    assert status == 2 and lines[-1] == "received 2, created 0, updated 0, rejected 2"
    assert "no column for code, group" in errors
    assert scalar(city, "SELECT count(*) FROM applications") == 0


@pytest.mark.parametrize("content, says", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG image"),
    (bytes(range(256)) * 8, "binary data"),
    (b"", "empty"),
])
def test_a_file_that_is_not_a_csv_is_refused(city, tmp_path, monkeypatch, capsys, content, says):
    path = tmp_path / "aplikasi.csv"
    path.write_bytes(content)
    status, lines, errors = run_import(monkeypatch, capsys, city, path)
    assert status == 1 and lines[-1] == "received 0, created 0, updated 0, rejected 0"
    assert says in errors
    assert scalar(city, "SELECT count(*) FROM applications") == 0


def test_a_missing_file_is_a_usage_error(city, tmp_path, monkeypatch, capsys):
    status, lines, errors = run_import(monkeypatch, capsys, city, tmp_path / "nope.csv")
    assert status == 2 and lines[-1] == "received 0, created 0, updated 0, rejected 0" and "cannot read" in errors


# --- availability from real HTTP probes ---------------------------------------------------------------------


class _Health(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        code = 500 if self.server.server_address[1] == getattr(self.server, "broken_port", None) else 200
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def health_servers():
    """Two small HTTP servers on 127.0.0.1 (one answers 200, one 500) and a port nothing listens on."""
    servers = []
    for broken in (False, True):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
        server.daemon_threads = True
        if broken:
            server.broken_port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        closed_port = closed.getsockname()[1]
    yield {"ok": f"http://127.0.0.1:{servers[0].server_address[1]}/health",
           "broken": f"http://127.0.0.1:{servers[1].server_address[1]}/health",
           "closed": f"http://127.0.0.1:{closed_port}/health"}
    for server in servers:
        server.shutdown()
        server.server_close()


def test_the_probe_job_tells_which_apps_are_up(city, health_servers, tmp_path, monkeypatch, capsys, query_context):
    path = tmp_path / "aplikasi.csv"
    path.write_text(HEADER + "".join(
        f"{code},{name},e-Government,DISKOMINFO,https://{code.lower()}.example.go.id,{health_servers[key]},{sso},100\n"
        for code, name, key, sso in (("UP", "Aplikasi sehat", "ok", "ya"), ("ERR", "Aplikasi galat", "broken", "ya"),
                                     ("DOWN", "Aplikasi mati", "closed", "tidak"))), encoding="utf-8")
    assert run_import(monkeypatch, capsys, city, path)[1][-1] == "received 3, created 3, updated 0, rejected 0"
    engine = make_engine(city)
    clock = {"now": FIXED_NOW + timedelta(minutes=1)}
    worker = Worker(engine, PROFILE, retention_days=7, probe_timeout=2.0, now=lambda: clock["now"])
    try:
        result = worker.probe_round()  # the demo's cameras, access points and apps push: only these three are probed
        assert (result["checked"], result["online"], result["degraded"], result["offline"]) == (3, 1, 1, 1)
        states = dict(rows(city, """SELECT a.code, d.state FROM applications a JOIN devices d ON d.id = a.device_id"""))
        assert states == {"UP": "online", "ERR": "degraded", "DOWN": "offline"}
        details = dict(rows(city, """SELECT a.code, s.detail FROM device_samples s JOIN applications a
                                     ON a.device_id = s.device_id"""))
        assert details["UP"] == "HTTP 200" and details["ERR"] == "HTTP 500" and "refused" in details["DOWN"]
        # the round is a run of the apps' source: its freshness says when they were last checked
        run = rows(city, """SELECT r.status, r.rows_received, r.message, s.last_success_at FROM source_runs r
                            JOIN sources s ON s.id = r.source_id WHERE s.key = 'app_monitor' ORDER BY r.id DESC""")[0]
        assert run[:3] == ("ok", 3, "probe: 1 online, 1 degraded, 1 offline")
        assert str(run[3]).startswith((FIXED_NOW + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"))
        query_context(city)
        summary = queries.portfolio_summary(CITY)
        assert (summary["up"], summary["total"], summary["watched"], summary["sso_ready"]) == (2, 3, 3, 2)  # "2 of 3 up"
        assert summary["groups"] == {"e_government": 3}
        table = queries.portfolio(CITY).set_index("code")
        assert table.loc["DOWN", "state"] == "offline" and table.loc["UP", "agency"] == "Dinas Komunikasi dan Informatika"
        # the probes stop: the apps' own silence rules turn the silent ones offline (offline_after 600 s)
        clock["now"] = FIXED_NOW + timedelta(minutes=20)
        worker.refresh_states()
        states = dict(rows(city, """SELECT a.code, d.state FROM applications a JOIN devices d ON d.id = a.device_id"""))
        assert states == {"UP": "offline", "ERR": "offline", "DOWN": "offline"}
        # and the roll-ups count the apps' time (the profile's device_rules include them)
        worker.roll_up()
        assert scalar(city, """SELECT count(DISTINCT h.device_id) FROM device_uptime_hourly h JOIN applications a
                               ON a.device_id = h.device_id""") == 3
    finally:
        engine.dispose()


# --- apps stay off the map and the device pages ---------------------------------------------------------------


def test_apps_are_not_a_kind_of_the_map_or_the_device_pages(city_db, query_context):
    from data_sources.queries import devices
    from reports.briefing import Scope

    assert set(PROFILE.devices) == {"cctv", "wifi"} and set(PROFILE.device_rules) == {"cctv", "wifi", APP_KIND}
    assert scalar(city_db, "SELECT count(*) FROM devices WHERE kind = 'app'") == 122
    assert scalar(city_db, "SELECT count(*) FROM devices WHERE kind = 'app' AND (lat IS NOT NULL OR lon IS NOT NULL)") == 0
    query_context(city_db)
    cameras = devices.map_points(CITY, "cctv")
    access_points = devices.map_points(CITY, "wifi")
    app_ids = {r[0] for r in rows(city_db, "SELECT id FROM devices WHERE kind = 'app'")}
    assert not app_ids & (set(cameras["id"]) | set(access_points["id"]))
    assert devices.summary(CITY, "cctv", FIXED_NOW, PROFILE.timezone)["total"] == 40  # the cameras alone
    assert Scope(PROFILE, None, "id", FIXED_NOW).kinds == ("cctv", "wifi")  # the briefing's uptime lines


def test_the_device_api_and_pages_know_only_cameras_and_access_points(city_db):
    from app import create_app
    from tests.helpers import sign_in, test_settings

    app = create_app(test_settings(city_db, frozen_now=FIXED_NOW))
    client = sign_in(app.server.test_client(), city_db, "operator")
    assert client.get("/api/devices/app/states").status_code == 404
    assert set(client.get("/api/devices/states").get_json()["data"]) == {"cctv", "wifi"}
    with app.server.test_request_context("/"):
        from pages import _shared

        assert _shared.device_kinds() == ("cctv", "wifi")  # the overview's map layers and tiles, /cctv and /wifi


def test_the_demo_portfolio_says_118_of_122_up_71_on_sso(city_db, query_context):
    query_context(city_db)
    summary = queries.portfolio_summary(CITY)
    assert (summary["up"], summary["total"], summary["watched"], summary["sso_ready"]) == (118, 122, 122, 71)
    assert set(summary["groups"]) == {"e_government", "e_health", "e_education", "e_logistics", "e_procurement"}
    frame = queries.portfolio(CITY)
    assert frame["name"].is_unique and frame["agency"].notna().all() and frame["demo"].all()
    assert frame["url"].str.match(r"^https://[a-z0-9-]+\.kota-tangerang\.demo\.example/$").all()  # never a real host
    assert rows(city_db, "SELECT DISTINCT check_method FROM devices WHERE kind = 'app'") == [("push",)]  # never probed
