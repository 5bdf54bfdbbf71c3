"""The wall's pure parts and queries: kiosk URLs, the freshness strip, the layered map and its
in-place patch, the lists, and the queries the overview and the red-flag watch use."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from components.freshness import freshness_strip, source_problems
from components.kiosk import parse_kiosk
from components.theme import FLAG_COLOURS, RING_COLOURS, RING_WIDTH
from components.wall import (complaint_layer, device_layer, down_device_list, layered_map,
                             layered_map_update, off_target_list, red_flag_list)
from cities import load_profile
from data_sources.queries import complaints
from data_sources.queries.filters import parse_filter
from tests.helpers import FIXED_NOW
from tests.sql import frame as sql_frame

PATHS = {"overview": "/", "complaints": "/complaints", "cctv": "/cctv", "wifi": "/wifi"}
NOW = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)


# --- kiosk URLs -------------------------------------------------------------------------------


def test_kiosk_url_gives_the_rotation_with_a_duration_per_page():
    config = parse_kiosk({"kiosk": "1", "rotate": "overview,complaints,cctv,wifi", "seconds": "60,30,30,30"}, PATHS)
    assert [(s["path"], s["ms"]) for s in config["stops"]] == [("/", 60_000), ("/complaints", 30_000),
                                                               ("/cctv", 30_000), ("/wifi", 30_000)]
    assert config["jump"] == {"path": "/complaints", "ms": 30_000}
    assert config["reload_ms"] == 6 * 3600 * 1000 and config["problems"] == []
    assert config["start_url"] == "/?kiosk=1&rotate=overview,complaints,cctv,wifi&seconds=60,30,30,30"


def test_no_kiosk_parameter_means_no_kiosk():
    assert parse_kiosk({}, PATHS) is None
    assert parse_kiosk({"kiosk": "0", "rotate": "wifi"}, PATHS) is None


def test_short_duration_lists_repeat_their_last_value_and_defaults_fill_in():
    config = parse_kiosk({"kiosk": "true", "rotate": "wifi,cctv,overview", "seconds": "20"}, PATHS, reload_hours=1)
    assert [s["ms"] for s in config["stops"]] == [20_000] * 3
    assert config["reload_ms"] == 3600 * 1000
    default = parse_kiosk({"kiosk": "1"}, PATHS, default_seconds=45)
    assert [s["slug"] for s in default["stops"]] == ["overview", "complaints", "cctv", "wifi"]
    assert {s["ms"] for s in default["stops"]} == {45_000}


def test_bad_kiosk_values_are_reported_and_replaced_not_fatal():
    config = parse_kiosk({"kiosk": "1", "rotate": "overview,nope,wifi", "seconds": "10,abc,1,5", "reload": "-2"},
                         PATHS, default_seconds=30, reload_hours=6)
    assert [s["slug"] for s in config["stops"]] == ["overview", "wifi"]
    # 'abc' (for the unknown page) and 1 s (below the minimum) are replaced by the default
    assert [s["ms"] for s in config["stops"]] == [10_000, 30_000]
    assert sorted(config["problems"]) == [["kiosk.problem.page", "nope"], ["kiosk.problem.reload", "-2"],
                                          ["kiosk.problem.seconds", "1"], ["kiosk.problem.seconds", "abc"]]
    assert config["reload_ms"] == 6 * 3600 * 1000
    nothing_known = parse_kiosk({"kiosk": "1", "rotate": "nope"}, PATHS)
    assert [s["path"] for s in nothing_known["stops"]] == ["/"]
    assert parse_kiosk({"kiosk": "1", "reload": "0"}, PATHS)["reload_ms"] == 0


# --- freshness strip --------------------------------------------------------------------------


def _status(rows):
    return pd.DataFrame(rows, columns=["key", "name", "kind", "freshness_budget_seconds", "last_success_at",
                                       "last_failure_at", "last_error"])


def test_the_strip_lists_stale_and_failing_sources_worst_first():
    status = _status([
        ("complaints", "LAKSA", "open311", 900, NOW - timedelta(minutes=5), None, None),  # fresh
        ("cctv_nvr", "NVR CCTV", "nvr_json", 300, NOW - timedelta(minutes=7), None, None),  # amber
        ("wifi_probe", "Probe WiFi", "probe", 300, NOW - timedelta(minutes=30), None, None),  # red
        ("kpi_sheet", "KPI", "spreadsheet", 86400, NOW - timedelta(hours=1), NOW - timedelta(minutes=1),
         "ValueError: bad sheet\nTraceback"),  # fresh data, but its latest run failed
        ("never", "Baru", "probe", 300, None, None, None),
    ])
    problems = source_problems(status, NOW)
    assert [(p["key"], p["level"], p["failing"]) for p in problems] == [
        ("never", "red", False), ("kpi_sheet", "red", True), ("wifi_probe", "red", False), ("cctv_nvr", "amber", False)]
    strip = freshness_strip(problems, NOW, lang="id", tz="Asia/Jakarta", tz_label="WIB")
    assert len(strip) == 1 and strip[0].className == "freshness-banner"  # a failing source: a banner across the page
    texts = [item.children for item in strip[0].children]
    assert texts[0] == "4 sumber bermasalah:"
    assert "KPI: gagal (ValueError: bad sheet)" in texts
    assert "Probe WiFi: basi sejak 23 Nov 2026 14.00 WIB (30 menit lalu)" in texts
    assert "Baru: belum pernah diperbarui" in texts
    stale_only = freshness_strip([p for p in problems if not p["failing"]], NOW, lang="id", tz="Asia/Jakarta",
                                 tz_label="WIB")
    assert stale_only[0].children == "3 sumber bermasalah:"  # stale but not failing: badges, no banner
    ok = freshness_strip([], NOW, lang="en", tz="Asia/Jakarta", tz_label="WIB")
    assert ok[0].children == "All data sources are current"


# --- the layered map and lists ----------------------------------------------------------------


def _points():
    complaints_frame = pd.DataFrame({"id": [11, 12, 13], "lat": [-6.1, -6.2, -6.3], "lon": [106.6, 106.7, 106.65],
                                     "level": ["red", "open", "amber"], "category_id": ["Banjir", "Sampah", "Jalan"],
                                     "category_en": ["Flood", "Garbage", "Road"]})
    cameras = pd.DataFrame({"id": [1, 2], "name": ["Cam A", "Cam B"], "lat": [-6.15, -6.16], "lon": [106.6, 106.61],
                            "state": ["offline", "online"]})
    return complaints_frame, cameras


def test_map_layers_draw_red_flags_and_offline_devices_on_top_and_do_not_change_their_input():
    complaints_frame, cameras = _points()
    before = complaints_frame.copy(), cameras.copy()
    layer = complaint_layer(complaints_frame, "id")
    assert layer["color"] == [FLAG_COLOURS["open"], FLAG_COLOURS["amber"], FLAG_COLOURS["red"]]  # red drawn last
    assert layer["text"][-1] == "Banjir · bendera merah"
    cams = device_layer(cameras, "cctv", "en")
    assert cams["text"] == ["Cam B · Online", "Cam A · Offline"]
    figure = layered_map({"complaints": layer, "cctv": cams, "wifi": device_layer(cameras.iloc[:0], "wifi", "id")},
                         ["complaints", "wifi"],
                         theme="dark", style="carto-darkmatter", center=(-6.17, 106.63), zoom=11,
                         boundaries={"type": "FeatureCollection", "features": []})
    # complaints as dots; each device kind as rings (in the ring colour, no hover) under its dots
    assert [t["visible"] for t in figure["data"]] == [True, False, False, True, True]
    ring, dots = figure["data"][1], figure["data"][2]
    assert ring["marker"]["color"] == RING_COLOURS["dark"] and ring["hoverinfo"] == "skip"
    assert [r - d for r, d in zip(ring["marker"]["size"], dots["marker"]["size"])] == [2 * RING_WIDTH] * 2
    assert max(dots["marker"]["size"]) > max(figure["data"][0]["marker"]["size"])  # a device down outsizes any complaint
    assert figure["layout"]["map"]["layers"][0]["type"] == "line"
    pd.testing.assert_frame_equal(complaints_frame, before[0])
    pd.testing.assert_frame_equal(cameras, before[1])


def test_the_map_patch_replaces_points_in_place_and_leaves_visibility_alone():
    complaints_frame, cameras = _points()
    layers = {"complaints": complaint_layer(complaints_frame, "id"), "cctv": device_layer(cameras, "cctv", "id"),
              "wifi": device_layer(cameras, "wifi", "id")}
    patch, snapshot, how = layered_map_update(layers, None)
    operations = patch.to_plotly_json()["operations"]
    touched = {tuple(op["location"]) for op in operations}
    assert ("data", 0, "lat") in touched and ("data", 2, "marker", "color") in touched  # cctv's dots
    assert ("data", 1, "marker", "size") in touched and ("data", 4, "lat") in touched  # its rings; wifi's dots
    assert not any("visible" in location for location in touched)
    assert all(op["operation"] == "Assign" for op in operations) and how == ["full"] * 5
    assert snapshot[2]["ids"] == [2, 1]  # cctv's dots by id, the offline camera last (on top)
    # the next refresh, with nothing changed, sends nothing; a camera that comes back moves, and only it
    unchanged, _, how = layered_map_update(layers, snapshot)
    assert unchanged.to_plotly_json()["operations"] == [] and how == ["same"] * 5
    back = device_layer(cameras.assign(state="online"), "cctv", "id")
    _, later, how = layered_map_update(layers | {"cctv": back}, snapshot)
    assert how[0] == how[3] == how[4] == "same" and later[2]["ids"] == [1, 2]
    # among a hundred cameras, one going down travels as a move of that one point
    many = pd.DataFrame({"id": range(1, 101), "name": [f"Cam {i}" for i in range(1, 101)],
                         "lat": [-6.1 - i / 1000 for i in range(100)], "lon": [106.6] * 100, "state": "online"})
    before = {"complaints": layers["complaints"], "cctv": device_layer(many, "cctv", "id"), "wifi": layers["wifi"]}
    _, snapshot, _ = layered_map_update(before, None)
    down = many.assign(state=["offline" if i == 40 else "online" for i in range(1, 101)])
    patch, after, how = layered_map_update(before | {"cctv": device_layer(down, "cctv", "id")}, snapshot)
    assert how == ["same", "diff", "diff", "same", "same"] and after[2]["ids"][-1] == 40
    moved = [op for op in patch.to_plotly_json()["operations"] if op["location"][:2] == ["data", 2]]
    assert {op["operation"] for op in moved} == {"Delete", "Insert"} and len(moved) == 2 * 5  # each field: out, in


def test_lists_show_what_a_wall_needs():
    red = pd.DataFrame([{"external_id": "LAKSA-1", "category": "flood", "name_id": "Banjir", "name_en": "Flood",
                         "kecamatan": "Benda", "agency": "BPBD", "status": "received", "received_at": NOW,
                         "response_due_at": NOW, "overdue_seconds": 3 * 3600 + 12 * 60, "description": ""}])
    listed = red_flag_list(red, 40, "id")
    assert listed.to_plotly_json()["props"]["data-total"] == 40
    row = listed.children[0]
    assert row.children[1].children == "telat 3 jam 12 mnt" and row.children[0].children[1].children == "Benda · BPBD"
    down = pd.DataFrame([{"id": 7, "external_id": "c7", "name": "Cam 7", "site_type": None, "kecamatan": None,
                          "state": "offline", "state_since": NOW - timedelta(hours=2), "last_seen_at": None,
                          "flapping": False, "in_maintenance": False}])
    rows = down_device_list({"cctv": down, "wifi": down.iloc[:0]}, NOW, "id").children
    assert rows[0].children[1].children == "2 jam" and rows[0].children[0].children[1].children == "CCTV · Mati"
    assert down_device_list({"cctv": down.iloc[:0]}, NOW, "en").children == "All devices online"
    off = pd.DataFrame([  # as queries.kpis.status gives them: off target, furthest first
        {"code": "a", "name_id": "A", "name_en": "A", "unit": "%", "target": 90.0, "direction": "higher",
         "agency": "DPUPR", "value": 80.0, "on_target": False},
        {"code": "b", "name_id": "B", "name_en": "B", "unit": "menit", "target": 30.0, "direction": "lower",
         "agency": None, "value": 31.0, "on_target": False}])
    listed = off_target_list(off, "id").children
    assert [r.to_plotly_json()["props"]["data-kpi-code"] for r in listed] == ["a", "b"]
    assert listed[0].children[1].children == "80,0 / target 90,0%"  # one percent style everywhere
    assert off_target_list(off.iloc[:0], "en").children == "All KPIs on target"


# --- queries ----------------------------------------------------------------------------------


@pytest.fixture
def bound(city_any, query_context):
    query_context(city_any)


def test_open_points_put_red_flags_first_and_match_sql(city_any, bound):
    now = FIXED_NOW
    points = complaints.open_points("36.71", now, limit=100_000)
    raw = sql_frame(city_any, """SELECT response_due_at, response_amber_at, first_response_at FROM complaints
                                 WHERE status NOT IN ('resolved', 'rejected') AND lat IS NOT NULL""")
    for column in raw.columns:
        raw[column] = pd.to_datetime(raw[column])
    naive = now.replace(tzinfo=None)
    unanswered = raw["first_response_at"].isna()
    red = int((unanswered & (raw["response_due_at"] < naive)).sum())
    amber = int((unanswered & (raw["response_amber_at"] <= naive) & (raw["response_due_at"] >= naive)).sum())
    assert len(points) == len(raw)
    assert points["level"].value_counts().to_dict() == {"red": red, "amber": amber, "open": len(raw) - red - amber}
    assert list(points["level"].iloc[:red]) == ["red"] * red
    assert len(complaints.open_points("36.71", now, limit=10)) == 10


def test_the_red_flag_signature_moves_when_a_complaint_turns_red(city_any, bound):
    before = complaints.red_flag_signature("36.71", FIXED_NOW)
    later = complaints.red_flag_signature("36.71", FIXED_NOW + timedelta(hours=6))
    assert before["count"] > 0
    assert later["newest"] > before["newest"] or later["count"] > before["count"]
    raw = sql_frame(city_any, """SELECT count(*) AS n FROM complaints WHERE status NOT IN ('resolved', 'rejected')
                                 AND first_response_at IS NULL AND response_due_at < :now""",
                    now=FIXED_NOW.replace(tzinfo=None))
    assert before["count"] == int(raw["n"].iloc[0])


def test_a_refresh_patches_the_maps_in_place_instead_of_rebuilding_them(city_db):
    import sys

    import dash
    from dash import Patch

    from app import create_app
    from tests.helpers import test_settings

    app = create_app(test_settings(city_db))
    overview = sys.modules[next(p["module"] for p in dash.page_registry.values() if p["path"] == "/")]
    with app.server.test_request_context("/"):
        first, built, message, _age, token, outlined = overview.update_map(0, None, ["complaints", "cctv", "wifi"])
        assert isinstance(first, dict) and len(first["data"]) == 5 and built["zoom"] > 0 and message is None
        assert built["traces"] == {"complaints": [0], "cctv": [1, 2], "wifi": [3, 4]}
        assert outlined == ""  # no burst running: no kecamatan outlined
        again, built_again, _, _, same_token, _ = overview.update_map(1, built, ["complaints"], 1.0, token, outlined)
        assert isinstance(again, Patch) and built_again is dash.no_update
        # the screen holds these very points (the token is their content's signature): nothing to send
        assert again.to_plotly_json()["operations"] == [] and same_token == token
        # a copy the server does not know (NullCache keeps nothing): the arrays whole, in place
        unknown, _, _, _, _, _ = overview.update_map(2, built, ["complaints"], 1.0, "0" * 24, outlined)
        assert {tuple(op["location"]) for op in unknown.to_plotly_json()["operations"]} >= {("data", 0, "lat")}


def _callback_response(client, output_prefix: str, values: dict, changed: str) -> dict:
    """Call the callback whose outputs start with ``output_prefix`` as the browser would:
    ``values`` maps "id.prop" to the value of each input and state, ``changed`` is what fired."""
    import json

    dependency = next(d for d in client.get("/_dash-dependencies").json if d["output"].lstrip(".").startswith(output_prefix))
    outputs = [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in dependency["output"].strip(".").split("...")]

    def items(specs):
        return [{"id": s["id"], "property": s["property"], "value": values.get(f"{s['id']}.{s['property']}")}
                for s in specs]

    body = {"output": dependency["output"], "outputs": outputs, "inputs": items(dependency["inputs"]),
            "state": items(dependency.get("state", [])), "changedPropIds": [changed]}
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.data[:500]
    return response.json["response"]


WEEK_FILTER = parse_filter({"period": "7d"}, load_profile("kota_tangerang"), FIXED_NOW).to_store()  # as the page stores it


@pytest.mark.parametrize("graph,built_id,inputs", [
    ("complaints-choropleth", "complaints-choropleth-built",
     {"complaints-filter.data": WEEK_FILTER, "complaints-metric.value": "received"}),
    ("complaints-locations", "complaints-locations-built", {"complaints-filter.data": WEEK_FILTER}),
    ("cctv-map", "cctv-map-built", {}),
    ("overview-map", "overview-map-state", {"overview-layers.value": ["complaints", "cctv", "wifi"]}),
])
def test_pages_send_a_full_map_first_and_patches_on_refresh(city_db, graph, built_id, inputs):
    from app import create_app
    from tests.helpers import sign_in, test_settings

    client = sign_in(create_app(test_settings(city_db)).server.test_client(), city_db)
    client.get("/")
    refresh = graph.split("-")[0] + "-refresh.n_intervals"
    first = _callback_response(client, f"{graph}.figure", inputs | {refresh: 0}, refresh)
    assert first[graph]["figure"]["data"] and "__dash_patch_update" not in first[graph]["figure"]
    built = first[built_id]["data"]
    assert built
    later = _callback_response(client, f"{graph}.figure", inputs | {refresh: 1, f"{built_id}.data": built}, refresh)
    assert later[graph]["figure"]["__dash_patch_update"] == "__dash_patch_update"
    assert built_id not in later  # the flag stays as it is
