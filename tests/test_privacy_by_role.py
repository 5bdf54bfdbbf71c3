"""Personal data by role, end to end: the realistic texts of ``test_privacy.REALISTIC`` (and an
address and a reporter for each) are written into red-flagged complaints, then read as each
role reads them: the red-flag list's callback answer (what the page shows), its CSV and Excel
exports, the JSON API, the Open311 feed, the overview's list and the briefing PDF. Admins and
operators see them as written; leadership, evaluators and wall screens never do."""
from __future__ import annotations

import base64
import io
import json
import shutil

import openpyxl
import pytest
from pypdf import PdfReader

from app import create_app
from cities import load_profile
from data_sources.db import make_engine
from data_sources.queries.filters import parse_filter
from data_sources.rules.privacy import MASK
from data_sources.users import create_screen
from tests.helpers import FIXED_NOW, execute, sign_in, test_settings
from tests.sql import rows
from tests.test_privacy import REALISTIC

OPEN = ("received", "assigned", "responded", "in_progress", "reopened")
NAMES = ["Siti Rahmawati", "Agus Prasetyo", "Dewi Lestari", "Bambang Sutrisno", "Rina Marlina", "Joko Susilo"]


def _reporter(index: int) -> dict:
    return {"name": NAMES[index % len(NAMES)], "phone": f"0812-5555-{1000 + index}",
            "email": f"pelapor{index}@contoh.id", "house": f"No. {index + 10}", "rt": f"RT 0{index % 9 + 1}/RW 0{index % 7 + 1}"}


@pytest.fixture(scope="module")
def city(city_db, tmp_path_factory):
    """A copy of the test city whose oldest red flags carry the realistic texts; returns
    (url, [(text secrets, reporter secrets)] per complaint)."""
    path = tmp_path_factory.mktemp("privacy_by_role") / "city.db"
    shutil.copy(city_db.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    red = rows(url, f"""SELECT id FROM complaints WHERE status IN {OPEN} AND first_response_at IS NULL
                        AND response_due_at < :n ORDER BY received_at, id""", n=FIXED_NOW.replace(tzinfo=None))
    assert len(red) >= len(REALISTIC)
    written = []
    for index, ((text, secrets, _kept), (complaint_id,)) in enumerate(zip(REALISTIC, red)):
        who = _reporter(index)
        execute(url, """UPDATE complaints SET description = :d, address = :a, reporter_name = :n,
                        reporter_phone = :p, reporter_email = :e WHERE id = :i""",
                d=f"{text} Pelapor: {who['name']}.", a=f"Jl. Merdeka {who['house']} {who['rt']}, Kel. Sukarasa",
                n=who["name"], p=who["phone"], e=who["email"], i=complaint_id)
        written.append((list(secrets), [who["name"], who["phone"], who["email"], who["house"], who["rt"]]))
    return url, written


@pytest.fixture(scope="module")
def clients(city):
    url, _ = city
    app = create_app(test_settings(url, frozen_now=FIXED_NOW, browser_path="/nonexistent/chromium"))
    made = {role: sign_in(app.server.test_client(), url, role) for role in ("admin", "operator", "leadership",
                                                                             "evaluator")}
    engine = make_engine(url)
    with engine.begin() as conn:
        token = create_screen(conn, "privacy-wall", ("overview", "complaints"), FIXED_NOW)
    engine.dispose()
    made["wall"] = app.server.test_client()
    assert made["wall"].get(f"/login/wall?token={token}").status_code == 302
    return made


def _all_secrets(written) -> list[str]:
    """Every secret long enough to mean something in a whole document (a bare "0180" or "(021)"
    may well be part of an id or a time elsewhere in it)."""
    return [s for text_secrets, reporter in written for s in text_secrets + reporter if len(s) >= 6]


def _assert_masked(shown: str, written, where: str):
    leaked = [s for s in _all_secrets(written) if s in shown]
    assert not leaked, (where, leaked[:5])
    assert MASK in shown, where


def _assert_revealed(shown: str, written, where: str):
    for text_secrets, reporter in written:
        missing = [s for s in text_secrets + reporter if s not in shown]
        assert not missing, (where, missing)


def _store() -> dict:
    return parse_filter({"period": "custom", "from": "2026-01-01", "to": "2026-11-20"}, load_profile("kota_tangerang"),
                        FIXED_NOW).to_store()


def _call(client, output: str, inputs: list[tuple[str, str, object]], outputs: list[tuple[str, str]],
          state: list[tuple[str, str, object]] = (), changed: str | None = None) -> dict:
    """A callback's answer, asked as the page asks it."""
    spec = [{"id": i, "property": p} for i, p in outputs]
    body = {"output": output, "outputs": spec if output.startswith("..") else spec[0],
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": [changed or f"{inputs[0][0]}.{inputs[0][1]}"]}
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()["response"]


def _red_list(client) -> str:
    response = _call(client, "..complaints-red-grid.rowData...complaints-red-count.children..",
                     [("complaints-filter", "data", _store()), ("complaints-refresh", "n_intervals", 0)],
                     [("complaints-red-grid", "rowData"), ("complaints-red-count", "children")])
    return json.dumps(response["complaints-red-grid"]["rowData"], ensure_ascii=False)


def _export(client, button: str) -> tuple[str, bytes]:
    response = _call(client, "complaints-red-download.data",
                     [(f"complaints-red-{b}", "n_clicks", 1 if b == button else None) for b in ("csv", "xlsx")],
                     [("complaints-red-download", "data")], state=[("complaints-filter", "data", _store())],
                     changed=f"complaints-red-{button}.n_clicks")
    data = response["complaints-red-download"]["data"]
    return data["filename"], base64.b64decode(data["content"])


def _xlsx_text(content: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)


@pytest.mark.parametrize("role", ["admin", "operator"])
def test_admins_and_operators_see_what_people_wrote(clients, city, role):
    _, written = city
    client = clients[role]
    _assert_revealed(_red_list(client), written, "the red-flag list")
    name, csv = _export(client, "csv")
    assert name.endswith(".csv")
    _assert_revealed(csv.decode("utf-8-sig"), written, "the CSV export")
    _assert_revealed(_xlsx_text(_export(client, "xlsx")[1]), written, "the Excel export")
    api = client.get("/api/complaints/red-flags?limit=500&period=custom&from=2026-01-01&to=2026-11-20")
    _assert_revealed(json.dumps(api.get_json(), ensure_ascii=False), written, "the JSON API")


@pytest.mark.parametrize("role", ["leadership", "evaluator", "wall"])
def test_other_roles_never_see_personal_data(clients, city, role):
    _, written = city
    client = clients[role]
    if role in ("leadership", "wall"):  # the roles that may open /complaints
        _assert_masked(_red_list(client), written, "the red-flag list")
    if role == "leadership":  # the one of them that may export
        _assert_masked(_export(client, "csv")[1].decode("utf-8-sig"), written, "the CSV export")
        _assert_masked(_xlsx_text(_export(client, "xlsx")[1]), written, "the Excel export")
    if role != "wall":  # the JSON API is for people
        api = client.get("/api/complaints/red-flags?limit=500&period=custom&from=2026-01-01&to=2026-11-20")
        assert api.status_code == 200
        _assert_masked(json.dumps(api.get_json(), ensure_ascii=False), written, "the JSON API")
        feed = client.get("/api/open311/v2/requests.json?limit=500&period=custom&from=2026-01-01&to=2026-11-20")
        assert feed.status_code == 200
        shown = json.dumps(feed.get_json(), ensure_ascii=False)
        assert not [s for s in _all_secrets(written) if s in shown], "the Open311 feed"
        pdf = client.get("/briefing/export.pdf?period=30d")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
        assert not [s for s in _all_secrets(written) if s in text], "the briefing PDF"
    overview = _call(client, "..overview-red-flags.children...overview-red-flags-count.children...overview-red-flags-age.children..",
                     [("overview-refresh", "n_intervals", 0)],
                     [("overview-red-flags", "children"), ("overview-red-flags-count", "children"),
                      ("overview-red-flags-age", "children")])
    shown = json.dumps(overview, ensure_ascii=False)
    assert not [s for s in _all_secrets(written) if s in shown], "the overview's list"


def test_a_role_that_may_not_export_gets_no_file(clients):
    app_client = clients["wall"]
    body = {"output": "complaints-red-download.data", "outputs": {"id": "complaints-red-download", "property": "data"},
            "inputs": [{"id": "complaints-red-csv", "property": "n_clicks", "value": 1},
                       {"id": "complaints-red-xlsx", "property": "n_clicks", "value": None}],
            "state": [{"id": "complaints-filter", "property": "data", "value": _store()}],
            "changedPropIds": ["complaints-red-csv.n_clicks"]}
    answer = app_client.post("/_dash-update-component", json=body)
    assert answer.status_code == 204 or "content" not in answer.get_data(as_text=True)
