"""The complaints JSON API: the same figures as the page, on SQLite and PostgreSQL; clear 400s
for bad parameters; no personal data in any answer; Open311 GeoReport v2 lists."""
import json

import pytest

from app import create_app
from tests.helpers import FIXED_NOW, sign_in, test_settings
from tests.sql import rows, scalar

NOW = FIXED_NOW.replace(tzinfo=None)
OPEN = "('received', 'assigned', 'responded', 'in_progress', 'reopened')"
RED_SQL = f"status IN {OPEN} AND first_response_at IS NULL AND response_due_at < :n"


@pytest.fixture
def client(city_any):
    app = create_app(test_settings(city_any, frozen_now=FIXED_NOW))
    return sign_in(app.server.test_client(), city_any, "leadership")  # a role that sees personal data masked


def test_summary_and_breakdowns_agree_with_sql(client, city_any):
    body = client.get("/api/complaints/summary?period=30d").get_json()
    assert body["filter"] == {"period": "30d"} and body["city"] == "36.71"
    assert body["period"]["start"] == "2026-10-24T17:00:00+00:00"
    received = scalar(city_any, "SELECT count(*) FROM complaints WHERE received_at >= :s AND received_at < :e",
                      s="2026-10-24 17:00:00", e="2026-11-23 17:00:00")
    assert body["data"]["received"] == received > 0
    assert body["data"]["red"] == scalar(city_any, f"SELECT count(*) FROM complaints WHERE {RED_SQL}", n=NOW)
    kecamatan = client.get("/api/complaints/by-kecamatan?period=30d").get_json()["data"]
    assert len(kecamatan) == 13 and sum(k["received"] for k in kecamatan) == received
    categories = client.get("/api/complaints/by-category?period=30d&category=pju,banjir").get_json()["data"]
    assert {c["code"] for c in categories} <= {"pju", "banjir"}
    expected = dict(rows(city_any, """SELECT cat.code, count(*) FROM complaints c JOIN complaint_categories cat
                                      ON cat.id = c.category_id WHERE c.received_at >= :s AND c.received_at < :e
                                      AND cat.code IN ('pju', 'banjir') GROUP BY cat.code""",
                         s="2026-10-24 17:00:00", e="2026-11-23 17:00:00"))
    assert {c["code"]: c["received"] for c in categories} == expected
    agencies = client.get("/api/complaints/by-agency?period=30d").get_json()["data"]
    assert sum(a["received"] for a in agencies) == received
    assert all(set(a) >= {"code", "name", "share_on_time", "median_response_hours", "red"} for a in agencies)


def test_bad_parameters_get_a_clear_400(client):
    response = client.get("/api/complaints/summary?period=fortnight&agency=NASA&limit=x")
    assert response.status_code == 400
    problems = {p["parameter"]: p["message"] for p in response.get_json()["problems"]}
    assert set(problems) == {"period", "agency"} and "NASA" in problems["agency"]
    limit = client.get("/api/complaints/red-flags?limit=lots")
    assert limit.status_code == 400 and limit.get_json()["problems"][0]["parameter"] == "limit"


def test_no_personal_data_in_any_answer(client, city_any):
    secrets = [v for row in rows(city_any, """SELECT reporter_name, reporter_phone, reporter_email, reporter_nik
                                              FROM complaints""") for v in row if v]
    red = client.get("/api/complaints/red-flags?period=30d&limit=1000").get_json()
    assert red["total"] == scalar(city_any, f"SELECT count(*) FROM complaints WHERE {RED_SQL}", n=NOW)
    assert len(red["data"]) == min(red["total"], 1000)
    answers = [red, client.get("/api/open311/v2/requests.json?period=30d&limit=1000").get_json()]
    for path in ("summary", "by-kecamatan", "by-category", "by-agency"):
        answers.append(client.get(f"/api/complaints/{path}?period=30d").get_json())
    text = json.dumps(answers, ensure_ascii=False)
    texts = " ".join(r[0] for r in rows(city_any, "SELECT description FROM complaints"))
    assert [s for s in secrets if s in texts], "the generated city should carry personal data in some texts"
    assert [s for s in secrets if s in text] == []
    assert "[disamarkan]" in text
    for forbidden in ("reporter_", "first_name", "last_name", '"email"', '"phone"'):
        assert forbidden not in text


def test_open311_service_list_and_requests(client, city_any):
    services = client.get("/api/open311/v2/services.json").get_json()
    assert len(services) == 14 and {s["service_code"] for s in services} >= {"pju", "banjir"}
    english = client.get("/api/open311/v2/services.json?locale=en").get_json()
    assert {s["service_name"] for s in english} != {s["service_name"] for s in services}
    requests = client.get("/api/open311/v2/requests.json?period=today&limit=5").get_json()
    assert 0 < len(requests) <= 5
    assert requests[0]["requested_datetime"].endswith("+07:00")
    assert requests[0]["status"] in ("open", "closed")
    newest = rows(city_any, "SELECT external_id FROM complaints ORDER BY received_at DESC, id DESC LIMIT 1")[0][0]
    assert requests[0]["service_request_id"] == newest
