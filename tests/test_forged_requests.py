"""What a hostile or broken client sends: forged callback bodies and odd query strings. Every
answer is a clear refusal (400/401/403/404/413) or an ordinary answer, never a 500 and never a
traceback. The bodies are made by a seeded generator, so a failure repeats."""
from __future__ import annotations

import copy
import json
import random

import pytest

from app import create_app
from tests.helpers import FIXED_NOW, empty_callback_body, sign_in, test_settings

SEED = 20261201
ODD_VALUES = [
    None, True, 0, -1, 10**30, 2**63, "99999999999999999999", "12", "-7", 1.5e308, float("-1e308"), "", " ", "x" * 20_000, "<script>alert(1)</script>",
    "'; DROP TABLE complaints; --", "../../etc/passwd", "\u0000", "🙂", "9999-12-31", "0001-01-01", "2026-02-30",
    "1970-01-01T00:00:00Z", "NaN", "Infinity", "-0", [], [None], [[[[]]]], {}, {"a": {"b": {"c": None}}},
    {"period": "custom", "from": "9999-12-31", "to": "0001-01-01"}, {"key": None}, list(range(200)),
    {"props": {"children": "x"}, "type": "Script", "namespace": "dash_html_components"},
]
ODD_QUERIES = [
    "?period=custom&from=9999-12-31&to=0001-01-01", "?period=custom&from=0001-01-01&to=9999-12-31",
    "?from=2026-13-45", "?to=-1", "?period=<script>", "?period=%00", "?lang=xx", "?lang=", "?lang=en&lang=id",
    "?map=1%27%20OR%201=1", "?map=" + "9" * 5000, "?kecamatan=%E2%80%AE", "?category=..%2F..%2F", "?agency=-99999",
    "?status=' OR '1'='1", "?year=0", "?year=99999", "?year=abc", "?year=2026.5", "?kpi=nope", "?kpi=%25",
    "?device=../../x", "?device=" + "a" * 3000, "?q=" + "%ff" * 50, "?page=-1", "?limit=-5", "?limit=10000000",
    "?limit=abc", "?since=yesterday", "?since=9999-12-31T99:99", "?start_date=2026-02-29", "?end_date=nope",
    "?service_code=%0d%0aSet-Cookie:x=1", "?period=year&period=week", "?&&&==&=", "?%",
]
PATHS = ["/", "/complaints", "/cctv", "/wifi", "/services", "/evaluation", "/briefing", "/sources", "/upload",
         "/admin", "/cctv/CCTV-001", "/nope"]
API_PATHS = ["/api/complaints/summary", "/api/complaints/by-kecamatan", "/api/complaints/red-flags",
             "/api/open311/v2/requests.json", "/api/devices/cctv/states", "/api/devices/wifi/down",
             "/api/devices/states", "/briefing/export.pdf"]


@pytest.fixture(scope="module")
def client(city_db):
    app = create_app(test_settings(city_db, frozen_now=FIXED_NOW, browser_path="/nonexistent/chromium"))
    return sign_in(app.server.test_client(), city_db, "admin")


def _answered_cleanly(answer) -> str | None:
    text = answer.get_data().decode("utf-8", "replace")  # a PDF among them
    if answer.status_code >= 500 and answer.status_code != 503:
        return f"status {answer.status_code}: {text[:300]}"
    if "Traceback" in text or 'File "/' in text:
        return "a traceback in the answer"
    return None


def _mutations(body: dict, rng: random.Random):
    """Ways to spoil a well-formed body: odd values in inputs/state, items dropped or added,
    ids and properties changed, the envelope's types changed."""
    def odd():
        return copy.deepcopy(rng.choice(ODD_VALUES))

    def on_items(change):
        def mutate(b):
            items = [i for i in b["inputs"] + b["state"] if isinstance(i, dict)]
            if items:
                change(rng.choice(items))
            return b
        return mutate

    def set_value(item):
        item["value"] = odd()

    def set_id(item):
        item["id"] = rng.choice(["", "x" * 500, {"type": "x", "index": ["ALL"]}, 5, None, {"": []}])

    def set_property(item):
        item["property"] = rng.choice(["", "__proto__", "children", 1, None])

    def drop_input(b):
        b["inputs"] = b["inputs"][:-1]
        return b

    def extra_input(b):
        b["inputs"] = b["inputs"] + [{"id": "x", "property": "value", "value": odd()}]
        return b

    def forge_outputs(b):
        b["outputs"] = odd()
        return b

    def forge_output_name(b):
        b["output"] = rng.choice(["", "..", "....", "x.y", b["output"] + "x", "..a.b...c.d.."])
        return b

    def forge_envelope(b):
        key = rng.choice(["inputs", "state", "changedPropIds", "outputs"])
        b[key] = odd()
        return b

    def all_odd(b):
        for item in b["inputs"] + b["state"]:
            if isinstance(item, dict):
                item["value"] = odd()
        return b

    return [on_items(set_value), on_items(set_value), on_items(set_value), all_odd, all_odd, on_items(set_id),
            on_items(set_property), drop_input, extra_input, forge_outputs, forge_output_name, forge_envelope]


def test_forged_callback_bodies_never_break_the_server(client):
    rng = random.Random(SEED)
    dependencies = [d for d in client.get("/_dash-dependencies").get_json()
                    if not d.get("clientside_function") and '"MATCH"' not in d["output"]]
    sent, failures = 0, []
    while sent < 600:
        dependency = rng.choice(dependencies)
        body = empty_callback_body(dependency)
        mutate = rng.choice(_mutations(body, rng))
        forged = mutate(copy.deepcopy(body))
        answer = client.post("/_dash-update-component", data=json.dumps(forged), content_type="application/json")
        sent += 1
        if problem := _answered_cleanly(answer):
            failures.append((dependency["output"], json.dumps(forged)[:300], problem))
    for raw in (b"", b"null", b"[]", b"{", b"\xff\xfe", b'{"output": 1}', b"x" * 1000):
        answer = client.post("/_dash-update-component", data=raw, content_type="application/json")
        sent += 1
        assert answer.status_code == 400, raw
    assert sent >= 500 and not failures, failures[:5]


def _router_body(path: str, search: str) -> dict:
    return {"output": "..\u005fpages_content.children...\u005fpages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"]}


def test_odd_query_strings_never_break_a_page_or_an_endpoint(client):
    asked, failures = 0, []
    for query in ODD_QUERIES:
        for path in PATHS:  # the page itself and its layout, as the pages router asks for it
            for answer in (client.get(path + query),
                           client.post("/_dash-update-component", json=_router_body(path, query))):
                asked += 1
                if problem := _answered_cleanly(answer):
                    failures.append((path + query[:80], problem))
        for path in API_PATHS:
            asked += 1
            if problem := _answered_cleanly(client.get(path + query)):
                failures.append((path + query[:80], problem))
    assert asked >= 200 and not failures, failures[:5]
