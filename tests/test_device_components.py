"""Builders of the device pages: tiles against the target, the down list's durations and
notes, the map's drawing order, uptime bars, the history and the state timeline."""
from datetime import date, datetime, timedelta, timezone

import pandas as pd

from components.devices import (
    MAP_ORDER,
    device_map,
    down_columns,
    down_rows,
    state_timeline,
    uptime_bars,
    uptime_history,
)
from components.status import COLOURS
from pages._devices import tile_values

NOW = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)


def _summary(**values) -> dict:
    base = {"total": 100, "online": 90, "degraded": 3, "offline": 5, "unknown": 2, "pending": 4, "maintenance": 1,
            "flapping": 2,
            "share_online": 0.93, "uptime_24h": 0.991, "uptime_7d": 0.975, "uptime_30d": None, "target": 0.98}
    return base | values


def test_tiles_compare_uptime_with_the_target():
    values = tile_values(_summary(), "id")
    assert values["online"][0] == "93" and values["online"][1] == "termasuk 3 menurun"
    assert values["offline"] == ("5", "1 dalam pemeliharaan", "danger")
    assert values["unknown"][1] == "2 tidak stabil · 4 belum melapor (tidak dihitung mati)"
    assert values["uptime_24h"][0] == "99,10%" and values["uptime_24h"][2] == "success"
    assert values["uptime_7d"][2] == "danger"  # 97.5% < 98%
    assert values["uptime_30d"] == ("–", "target 98,0%", None)  # no roll-ups yet: no verdict
    english = tile_values(_summary(offline=0), "en")
    assert english["offline"] == ("0", "1 in maintenance", None)


def test_down_rows_show_durations_and_notes():
    frame = pd.DataFrame([
        {"id": 7, "external_id": "CAM-7", "name": "CCTV Pasar", "site_type": None, "kecamatan": "Cibodas",
         "state": "offline", "state_since": NOW - timedelta(hours=3, minutes=12), "last_seen_at": NOW - timedelta(hours=3),
         "flapping": True, "in_maintenance": True},
        {"id": 9, "external_id": "AP-9", "name": "Taman Kota", "site_type": "park", "kecamatan": None,
         "state": "unknown", "state_since": NOW - timedelta(minutes=4), "last_seen_at": None, "flapping": False,
         "in_maintenance": False},
    ])
    rows = down_rows(frame, NOW, lang="id", tz="Asia/Jakarta", tz_label="WIB")
    assert [r["down_for"] for r in rows] == ["3 jam 12 mnt", "4 mnt"]
    assert rows[0]["down_seconds"] == 3 * 3600 + 12 * 60
    assert rows[0]["notes"] == "pemeliharaan, tidak stabil" and rows[1]["notes"] == "Taman"
    assert rows[0]["last_seen"] == "23 Nov 2026 11.30 WIB" and rows[1]["last_seen"] == "–"
    assert rows[1]["kecamatan"] == "–" and rows[1]["state_label"] == "Tanpa kabar"
    assert {c["field"] for c in down_columns("id")} >= {"name", "state_label", "down_for", "last_seen"}


def test_map_draws_offline_devices_last_with_ids_as_plain_lists():
    points = pd.DataFrame({"id": [1, 2, 3, 4], "name": list("abcd"), "lat": [-6.1, -6.2, -6.3, -6.15],
                           "lon": [106.6, 106.7, 106.65, 106.62], "state": ["offline", "online", "unknown", "online"]})
    figure = device_map(points, lang="en", theme="dark", style="carto-darkmatter", center=(-6.2, 106.6), zoom=11)
    assert [trace["name"] for trace in figure["data"]] == ["Not reported yet (0)", "Online (2)", "Degraded (0)",
                                                              "Unknown (1)", "Offline (1)"]
    assert MAP_ORDER[-1] == "offline" and figure["data"][-1]["customdata"] == [1]
    assert figure["data"][-1]["marker"]["size"] > figure["data"][0]["marker"]["size"]
    assert all(isinstance(trace["customdata"], list) for trace in figure["data"])


def test_uptime_bars_mark_groups_below_their_target():
    frame = pd.DataFrame({"name": ["Cibodas", "Benda"], "uptime": [0.95, 0.99], "target": [0.98, 0.98],
                          "devices": [4, 6]})
    figure = uptime_bars(frame, "name", lang="id", theme="light", empty_text="kosong")
    bars = figure.data[0]
    assert list(bars.marker.color) == [COLOURS["danger"], COLOURS["success"]]
    assert list(bars.text) == ["95,0% ✗", "99,0% ✓"]  # the status in a sign too, not colour alone
    assert figure.layout.xaxis.title.text == "sumbu mulai dari 90%"  # the axis says it does not start at zero
    shown_equal = pd.DataFrame({"name": ["Taman", "Sekolah"], "uptime": [0.96996, 0.9702], "target": [0.97, 0.97],
                                "devices": [3, 3]})
    same = uptime_bars(shown_equal, "name", lang="id", theme="light", empty_text="kosong").data[0]
    assert list(same.text) == ["97,0% ✓", "97,0% ✓"] and len(set(same.marker.color)) == 1  # as shown, as judged
    empty = uptime_bars(frame.iloc[0:0], "name", lang="id", theme="light", empty_text="kosong")
    assert empty.layout.annotations[0].text == "kosong"


def test_history_and_timeline():
    days = [date(2026, 11, 20) + timedelta(days=i) for i in range(4)]
    frame = pd.DataFrame({"day": days, "uptime": [0.99, None, 0.97, 0.985], "devices_down": [0, 0, 3, 1],
                          "maintenance_hours": [0, 0, 2, 0]})
    figure = uptime_history(frame, target=0.98, lang="en", theme="dark", empty_text="none")
    line = figure.data[1]
    assert list(line.x) == ["20 Nov", "21 Nov", "22 Nov", "23 Nov"] and line.y[2] == 97.0
    assert figure.layout.shapes[0].y0 == 98.0  # the target line
    assert figure.layout.yaxis.range[0] == 95 and "axis starts at 95%" in figure.layout.yaxis.title.text
    without_today = uptime_history(frame, target=0.98, lang="id", theme="dark", empty_text="none", today=days[-1])
    assert list(without_today.data[1].x) == ["20 Nov", "21 Nov", "22 Nov"]  # a day not over yet is left out
    segments = pd.DataFrame({"start": [NOW - timedelta(days=7), NOW - timedelta(days=2)],
                             "end": [NOW - timedelta(days=2), NOW], "state": ["online", "offline"]})
    timeline = state_timeline(segments, lang="id", theme="dark", tz="Asia/Jakarta")
    assert [trace.name for trace in timeline.data] == ["Aktif", "Mati"]
    assert timeline.data[1].x[0] == 2 * 86400 * 1000  # milliseconds on a date axis
    assert timeline.data[1].base[0].startswith("2026-11-21 14:30")  # shown in WIB


def test_the_device_callbacks_are_plain_functions_of_the_kind(city_db):
    """/cctv and /wifi share one set of callbacks, called here directly, forged input included."""
    import dash

    from app import create_app
    from pages import _devices
    from tests.helpers import FIXED_NOW, test_settings

    app = create_app(test_settings(city_db, frozen_now=FIXED_NOW))
    with app.server.test_request_context("/wifi"):
        tiles = _devices.update_tiles("wifi", 0)
        assert "wifi_total" in str(tiles) and "Data tidak dapat dimuat" not in str(tiles)
        by_kecamatan, by_site, message = _devices.update_breakdowns("wifi", 0)
        assert message is None and by_kecamatan.data and by_site.data
        assert len(_devices.update_breakdowns("cctv", 0)) == 2  # cameras have no site types
        rows, count = _devices.update_down_list("cctv", 0)
        assert rows and all(row["state"] in ("offline", "unknown") for row in rows)
        ids = _devices.ids("cctv")
        chosen, cleared = _devices.select_device("cctv", ids["map"], {"points": [{"customdata": rows[0]["id"]}]}, None,
                                                 None)
        assert chosen == {"id": rows[0]["id"], "clicks": 1} and cleared is None
        is_open, body = _devices.show_detail("cctv", chosen)
        assert is_open and rows[0]["name"] in str(body)
        for forged in ({"points": [{"customdata": "1; DROP TABLE devices"}]}, {"points": []}, None):
            assert _devices.select_device("cctv", ids["map"], forged, None, None) == (dash.no_update, dash.no_update)
        for forged in ({"id": "7"}, {"id": True}, "x", None):
            assert _devices.show_detail("cctv", forged) == (False, None)
        is_open, body = _devices.show_detail("wifi", chosen)  # a camera is not an access point
        assert is_open and "Alert" in str(type(body))
