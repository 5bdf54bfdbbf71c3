"""Who may open what, checked on the server for every role: every page (its layout), every
callback of every page and every endpoint. The tables below are the contract; a page, a
callback or an endpoint added without an entry here makes these tests fail."""
from __future__ import annotations

import json

import pytest

from app import create_app
from data_sources.db import make_engine
from data_sources.users import create_screen
from tests.helpers import FIXED_NOW, empty_callback_body, sign_in, test_settings

EVERYONE = {"admin", "operator", "leadership", "evaluator", "wall"}
PEOPLE = {"admin", "operator", "leadership", "evaluator"}
STAFF = {"admin", "operator", "leadership"}
WALL_PAGES = ("overview", "complaints")  # the test's wall screen was given these

# page slug -> the roles that may open it (the wall only if its screen was given the page)
PAGES = {
    "overview": EVERYONE,
    "complaints": STAFF | {"wall"},
    "cctv": STAFF | {"wall"},
    "wifi": STAFF | {"wall"},
    "services": EVERYONE,
    "evaluation": STAFF | {"evaluator", "wall"},
    "briefing": STAFF | {"evaluator", "wall"},
    "sources": STAFF,
    "upload": {"admin", "operator"},
    "evidence": {"admin", "operator"},
    "admin": {"admin"},
    "not_found_404": EVERYONE,
}

# endpoint rule -> (a path to ask, the roles that get it; "open": anyone, signed in or not;
# "key": a source key, not a session)
ENDPOINTS = {
    "/api/health": ("/api/health", "open"),
    "/login": ("/login", "open"),
    "/login/wall": ("/login/wall?token=nope", "open"),
    "/login/oidc": ("/login/oidc", "open"),  # 404 here: no single sign-on configured
    "/login/oidc/callback": ("/login/oidc/callback", "open"),
    "/logout": ("/logout", "open"),  # asked last, with its own client: it ends the session
    "/set-language/<code>": ("/set-language/en", "open"),
    "/set-theme/<name>": ("/set-theme/dark", "open"),
    "/assets/<path:filename>": ("/assets/02-liveroom.css", "open"),
    "/_favicon.ico": ("/_favicon.ico", "open"),
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": (None, "open"),
    "/": ("/", PEOPLE | {"wall"}),
    "/<path:path>": ("/complaints", PEOPLE | {"wall"}),
    "/_dash-layout": ("/_dash-layout", PEOPLE | {"wall"}),
    "/_dash-dependencies": ("/_dash-dependencies", PEOPLE | {"wall"}),
    "/_reload-hash": ("/_reload-hash", PEOPLE | {"wall"}),
    "/_dash-update-component": (None, None),  # every callback, below
    "/api/complaints/summary": ("/api/complaints/summary", PEOPLE),
    "/api/complaints/<any('by-kecamatan', 'by-category', 'by-agency'):name>": ("/api/complaints/by-agency", PEOPLE),
    "/api/complaints/red-flags": ("/api/complaints/red-flags?limit=3", PEOPLE),
    "/api/complaints/alerts": ("/api/complaints/alerts?period=7d", PEOPLE),
    "/api/open311/v2/services.json": ("/api/open311/v2/services.json", PEOPLE),
    "/api/open311/v2/requests.json": ("/api/open311/v2/requests.json", PEOPLE),
    "/api/devices/states": ("/api/devices/states", PEOPLE),
    "/api/devices/<kind>/states": ("/api/devices/cctv/states", PEOPLE),
    "/api/devices/<kind>/down": ("/api/devices/wifi/down", PEOPLE),
    "/briefing/chart/<name>.png": ("/briefing/chart/complaints.png", PEOPLE),
    "/briefing/export.pdf": ("/briefing/export.pdf", PEOPLE),
    "/evaluation/deck.pdf": ("/evaluation/deck.pdf", PEOPLE),
    "/services/template/<agency>.xlsx": ("/services/template/DLH.xlsx", {"admin", "operator"}),
    "/evidence/file/<int:item_id>": ("/evidence/file/1", PEOPLE),  # 404 for people: item 1 is a demo link
    "/evidence/file/<path:anything>": ("/evidence/file/x.pdf", PEOPLE),  # 404 for people
    "/api/v1/sources/<source>/<kind>": ("/api/v1/sources/complaints/complaints", "key"),
    "/api/v1/openapi.json": ("/api/v1/openapi.json", PEOPLE | {"wall"}),
}
ROLES = ["anonymous", "admin", "operator", "leadership", "evaluator", "wall"]


@pytest.fixture(scope="module")
def app(city_db):
    # no browser for chart images: exports answer quickly (a PNG 503 with the reason, a PDF without charts)
    return create_app(test_settings(city_db, frozen_now=FIXED_NOW, browser_path="/nonexistent/chromium"))


@pytest.fixture(scope="module")
def clients(app, city_db):
    """One test client per role, signed in (the wall through its screen's token)."""
    made = {"anonymous": app.server.test_client()}
    for role in PEOPLE:
        made[role] = sign_in(app.server.test_client(), city_db, role)
    engine = make_engine(city_db)
    with engine.begin() as conn:
        token = create_screen(conn, f"test-wall-{id(app)}", WALL_PAGES, FIXED_NOW)
    engine.dispose()
    wall = app.server.test_client()
    assert wall.get(f"/login/wall?token={token}").status_code == 302
    made["wall"] = wall
    return made


def _allowed(expected, role: str) -> bool:
    return expected == "open" or (isinstance(expected, set) and role in expected)


def test_every_page_and_endpoint_has_an_entry(app):
    import dash

    assert {p["module"].rsplit(".", 1)[-1] for p in dash.page_registry.values()} == set(PAGES)
    assert {rule.rule for rule in app.server.url_map.iter_rules()} == set(ENDPOINTS)


@pytest.mark.parametrize("role", ROLES)
def test_endpoints(clients, role):
    client = clients[role]
    for rule, (path, expected) in ENDPOINTS.items():
        if path is None or rule == "/logout":
            continue
        answer = client.post(path, json=[]) if rule.startswith("/api/v1/sources") else client.get(path)
        refused = answer.status_code in (401, 403) or (answer.status_code == 302 and "/login?" in
                                                       answer.headers.get("Location", ""))
        if expected == "key":
            assert answer.status_code == 401, (rule, role)  # a session is not a source key
        elif expected == "open":  # not behind the gate (it may still refuse what it is given: a bad wall token)
            assert answer.status_code < 500 and "/login?" not in answer.headers.get("Location", ""), (rule, role)
        elif _allowed(expected, role):
            assert not refused and answer.status_code != 500, (rule, role, answer.status_code)  # 503: no browser here
        else:
            assert refused, (rule, role, answer.status_code)


def test_logout_ends_the_session(app, city_db):
    client = sign_in(app.server.test_client(), city_db, "operator")
    assert client.get("/complaints").status_code == 200
    assert client.get("/logout").status_code == 302
    after = client.get("/complaints")
    assert after.status_code == 302 and "/login?" in after.headers["Location"]


def _router(client, path: str) -> str:
    body = {"output": "..\u005fpages_content.children...\u005fpages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "changedPropIds": ["_pages_location.pathname"]}
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES[1:])
def test_page_layouts(clients, role):
    import dash

    for page in dash.page_registry.values():
        slug = page["module"].rsplit(".", 1)[-1]
        shown = _router(clients[role], page["relative_path"] if "<" not in page["path"] else "/nope")
        allowed = role in PAGES[slug] and (role != "wall" or slug in WALL_PAGES or slug == "not_found_404")
        assert ('"data-access":"forbidden"' not in shown) == allowed, (slug, role)


def _owner(output: str) -> str:
    """The page that owns a callback (by its outputs' id prefix), or "shell"."""
    first = output.strip(".").split("...")[0].rsplit(".", 1)[0]
    if first.startswith("{"):
        first = json.loads(first)["type"]
    if first.startswith(("header-", "app-", "freshness-", "kiosk-", "_pages_")):
        return "shell"
    return next(slug for slug in sorted(PAGES, key=len, reverse=True) if first.startswith(slug.replace("_", "-") + "-"))


@pytest.mark.parametrize("role", ROLES)
def test_every_callback_is_checked_by_the_page_that_owns_it(clients, role):
    dependencies = clients["admin"].get("/_dash-dependencies").get_json()
    assert len(dependencies) > 40
    for dependency in dependencies:
        if dependency.get("clientside_function") or "{" in dependency["output"] and '"MATCH"' in dependency["output"]:
            continue  # clientside callbacks never reach the server; MATCH ids need a concrete index
        owner = _owner(dependency["output"])
        answer = clients[role].post("/_dash-update-component", json=empty_callback_body(dependency))
        if role == "anonymous":
            allowed = False
        elif owner == "shell":
            allowed = True
        else:
            allowed = role in PAGES[owner] and (role != "wall" or owner in WALL_PAGES)
        if allowed:
            assert answer.status_code in (200, 204), (dependency["output"], role, answer.get_data(as_text=True)[:300])
        else:
            assert answer.status_code in (401, 403), (dependency["output"], role, answer.status_code)
