"""Sessions and what is kept about them: cookie flags, the idle timeout (people) and its absence
(wall screens), revoking a wall screen, rate-limited sign-in, the sign-in form's redirects,
the headers every answer carries, and the audit log as an admin reads it."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest

from app import create_app
from data_sources.db import make_engine
from data_sources.users import create_screen, revoke_screen
from settings import PROJECT_ROOT
from tests.helpers import FIXED_NOW, TEST_PASSWORD, ensure_user, sign_in, test_settings


def _app(url: str, **settings):
    return create_app(test_settings(url, frozen_now=FIXED_NOW, **settings))


def _move_clock(app, hours: float = 0, minutes: float = 0) -> None:
    """Move the app's frozen clock (a simulated night, an idle hour)."""
    settings = app.server.config["LIVEROOM_SETTINGS"]
    app.server.config["LIVEROOM_SETTINGS"] = settings.model_copy(
        update={"frozen_now": settings.frozen_now + timedelta(hours=hours, minutes=minutes)})


def _cookie_header(answer) -> str:
    return next(v for k, v in answer.headers.items() if k == "Set-Cookie" and v.startswith("liveroom_session="))


@pytest.mark.parametrize("https", [False, True])
def test_the_session_cookie_is_httponly_samesite_and_secure_over_https(writable_city, https):
    app = _app(writable_city, https=https, proxy_hops=1)
    forwarded = {"X-Forwarded-Proto": "https"} if https else {}  # TLS ends at the city's proxy
    answer = app.server.test_client().post("/login", data={"username": ensure_user(writable_city, "operator"),
                                                           "password": TEST_PASSWORD}, headers=forwarded)
    cookie = _cookie_header(answer).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert ("secure" in cookie.split("; ")) is https
    assert ("Strict-Transport-Security" in answer.headers) is https


def test_a_person_is_signed_out_after_the_idle_time_a_wall_screen_is_not(writable_city):
    app = _app(writable_city, session_idle_minutes=30)
    person = sign_in(app.server.test_client(), writable_city, "operator")
    wall = app.server.test_client()
    engine = make_engine(writable_city)
    with engine.begin() as conn:
        token = create_screen(conn, "lobby-wall", ("overview", "complaints"), FIXED_NOW)
    assert wall.get(f"/login/wall?token={token}").status_code == 302
    _move_clock(app, minutes=20)
    assert person.get("/complaints").status_code == 200  # active: each request restarts the idle time
    assert wall.get("/complaints").status_code == 200
    _move_clock(app, hours=14)  # a night without requests
    assert person.get("/complaints").headers["Location"].startswith("/login?next=/complaints")
    assert wall.get("/complaints").status_code == 200  # a wall screen never expires at night
    callback = wall.post("/_dash-update-component", json={
        "output": "overview-complaint-tiles.children", "outputs": {"id": "overview-complaint-tiles", "property": "children"},
        "inputs": [{"id": "overview-refresh", "property": "n_intervals", "value": 1}],
        "changedPropIds": ["overview-refresh.n_intervals"]})
    assert callback.status_code == 200

    with engine.begin() as conn:  # revoked: the next request of the screen is refused
        assert revoke_screen(conn, "lobby-wall", FIXED_NOW)
    engine.dispose()
    refused = wall.post("/_dash-update-component", json={
        "output": "overview-complaint-tiles.children", "outputs": {"id": "overview-complaint-tiles", "property": "children"},
        "inputs": [{"id": "overview-refresh", "property": "n_intervals", "value": 2}],
        "changedPropIds": ["overview-refresh.n_intervals"]})
    assert refused.status_code == 401  # assets/session.js shows the sign-in notice over the screen
    assert wall.get(f"/login/wall?token={token}").status_code == 401  # and the token no longer signs in


def test_sign_in_is_rate_limited_per_account_and_per_address(writable_city):
    app = _app(writable_city, rate_limits=True, login_rate_per_account="3 per minute",
               login_rate_per_address="6 per minute")

    def attempt(address: str, username: str, password: str = "wrong password"):
        return app.server.test_client().post("/login", data={"username": username, "password": password},
                                             environ_base={"REMOTE_ADDR": address})

    name = ensure_user(writable_city, "leadership")
    assert [attempt("10.0.0.1", name).status_code for _ in range(4)] == [401, 401, 401, 429]
    limited = attempt("10.0.0.1", name, TEST_PASSWORD)
    assert limited.status_code == 429 and "Terlalu banyak percobaan" in limited.get_data(as_text=True)
    assert 'name="username"' in limited.get_data(as_text=True)  # the form again, not an error page
    # the account stays held from any address; another account from another address is not
    assert attempt("10.0.0.2", name, TEST_PASSWORD).status_code == 429
    names = [attempt("10.0.0.3", f"guess{i}").status_code for i in range(7)]
    assert names == [401] * 6 + [429]  # one address trying many accounts
    assert attempt("10.0.0.4", "guess9").status_code == 401


def test_the_form_redirects_only_within_the_site(writable_city):
    client = _app(writable_city).server.test_client()
    name = ensure_user(writable_city, "operator")
    for target, expected in (("/complaints?period=30d", "/complaints?period=30d"), ("https://evil.example/x", "/"),
                             ("//evil.example/x", "/"), ("javascript:alert(1)", "/")):
        answer = client.post("/login", data={"username": name, "password": TEST_PASSWORD, "next": target})
        assert answer.status_code == 302 and answer.headers["Location"] == expected, target
    assert "evil" not in client.get("/login?next=https://evil.example").get_data(as_text=True)
    # the language switch on the form goes back to the form, in that language; never off the site
    back = client.get("/set-language/en", headers={"Referer": "http://localhost/login?next=/complaints"})
    assert back.headers["Location"] == "/login?next=/complaints"
    assert "Sign in to Live Room" in client.get("/login").get_data(as_text=True)
    assert client.get("/set-language/id", headers={"Referer": "https://evil.example/x"}).headers["Location"] == "/"


def test_every_answer_carries_the_security_headers(writable_city):
    app = _app(writable_city, frame_ancestors=["https://portal.tangerangkota.go.id"])
    client = sign_in(app.server.test_client(), writable_city, "admin")
    for path in ("/", "/login", "/api/health", "/api/complaints/summary", "/assets/02-liveroom.css"):
        headers = client.get(path).headers
        policy = headers.get("Content-Security-Policy", "")
        assert "script-src 'self' 'sha256-" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors https://portal.tangerangkota.go.id" in policy and "worker-src 'self' blob:" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["Server"] == "Live Room", path
    too_big = client.post("/_dash-update-component", data=b"x" * (26 * 1024 * 1024), content_type="application/json")
    assert too_big.status_code == 413


def test_gunicorn_does_not_name_its_version():
    code = "import gunicorn.http.wsgi as w, runpy; runpy.run_path('gunicorn.conf.py'); print(w.SERVER)"
    shown = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "Live Room"


def _admin_call(client, output: str, outputs, inputs, state=(), changed=None):
    spec = [{"id": i, "property": p} for i, p in outputs]
    body = {"output": output, "outputs": spec if output.startswith("..") else spec[0],
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": [changed or f"{inputs[0][0]}.{inputs[0][1]}"]}
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return json.dumps(answer.get_json()["response"], ensure_ascii=False)


def test_the_audit_log_records_sign_ins_exports_and_admin_changes_and_an_admin_filters_it(writable_city):
    app = _app(writable_city)
    failed = app.server.test_client().post("/login", data={"username": "nobody-here", "password": "wrong password"})
    assert failed.status_code == 401
    admin = sign_in(app.server.test_client(), writable_city, "admin")
    made = _admin_call(admin, "admin-user-result.children", [("admin-user-result", "children")],
                       [("admin-user-create", "n_clicks", 1), ("admin-user-toggle", "n_clicks", None)],
                       [("admin-user-name", "value", "petugas.baru"), ("admin-user-role", "value", "operator"),
                        ("admin-user-toggle-name", "value", None)], changed="admin-user-create.n_clicks")
    assert "petugas.baru" in made
    leadership = sign_in(app.server.test_client(), writable_city, "leadership")
    assert leadership.get("/briefing/export.pdf?period=7d").status_code in (200, 503)

    def log(actor=None, action=None) -> str:
        return _admin_call(admin, "admin-audit.children", [("admin-audit", "children")],
                           [("admin-refresh", "n_intervals", 0), ("admin-audit-actor", "value", actor),
                            ("admin-audit-action", "value", action)])

    everything = log()
    for expected in ("nobody-here", "gagal masuk", "test-admin", "user petugas.baru (operator) created",
                     "test-leadership", "unduhan", "127.0.0.1"):  # actions in the reader's language
        assert expected in everything, expected
    only_changes = log(action="admin_change")
    assert "petugas.baru" in only_changes and "gagal masuk" not in only_changes
    only_leadership = log(actor="leadership")
    assert "test-leadership" in only_leadership and "test-admin" not in only_leadership
    assert log(action="<script>") == log()  # an unknown action is no filter, and no error
