"""Pure builders and formatting: right output, inputs left untouched."""
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from components import formatting
from components.charts import horizontal_bars
from components.i18n import CATALOGUE, LANGUAGES, t
from components.maps import region_choropleth
from components.theme import map_style
from components.tiles import error_panel, error_tile, freshness_level, kpi_tile

NOW = datetime(2026, 11, 23, 7, 5, tzinfo=timezone.utc)


def test_every_text_exists_in_both_languages():
    for key, entry in CATALOGUE.items():
        for lang in LANGUAGES:
            assert entry.get(lang), f"{key} has no {lang} text"
    assert t("tile.complaints_today") == "Aduan hari ini"
    assert t("tile.complaints_today", "en") == "Complaints today"
    with pytest.raises(KeyError):
        t("no.such.key")


def test_indonesian_formatting():
    assert formatting.number(1234.5, "id", 1) == "1.234,5"
    assert formatting.number(1234.5, "en", 1) == "1,234.5"
    assert formatting.percent(0.975) == "97,5%"
    assert formatting.local_datetime(NOW, "Asia/Jakarta", "WIB") == "23 Nov 2026 14.05 WIB"
    assert formatting.local_datetime(NOW, "Asia/Jakarta", "WIB", "en") == "23 Nov 2026 14:05 WIB"
    assert formatting.age(NOW - timedelta(seconds=130), NOW) == "2 menit lalu"
    assert formatting.age(NOW - timedelta(hours=3), NOW, "en") == "3 h ago"
    assert formatting.age(None, NOW) == "Belum pernah"


def test_freshness_levels():
    assert freshness_level(NOW - timedelta(seconds=100), NOW, 300) == "fresh"
    assert freshness_level(NOW - timedelta(seconds=400), NOW, 300) == "amber"
    assert freshness_level(NOW - timedelta(seconds=700), NOW, 300) == "red"
    assert freshness_level(None, NOW, 300) == "red"


def _props(component) -> dict:
    return component.to_plotly_json()["props"]


def _find(component, predicate):
    if predicate(component):
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found = _find(child, predicate)
            if found is not None:
                return found
    return None


def test_kpi_tile_names_its_kpi_and_turns_amber_when_stale():
    tile = kpi_tile("complaints_today", "Aduan hari ini", "1.234", updated_at=NOW - timedelta(minutes=20),
                    budget_seconds=900, now=NOW)
    value = _find(tile, lambda c: "data-kpi" in _props(c))
    assert _props(value)["data-kpi"] == "complaints_today" and value.children == "1.234"
    assert _props(tile)["data-freshness"] == "amber"
    age = _find(tile, lambda c: getattr(c, "className", "") == "kpi-age")
    assert age.children == "Data basi sejak 23 Nov 2026 13.45 WIB"


def test_error_tile_says_what_failed():
    tile = error_tile("cameras_online", "CCTV aktif", "ProgrammingError", "en")
    alert = _find(tile, lambda c: getattr(c, "className", "") == "kpi-error")
    assert alert.children == "Could not load data: ProgrammingError"


def test_a_database_that_is_away_is_named_as_such():
    tile = error_tile("cameras_online", "CCTV aktif", "OperationalError", "id")
    alert = _find(tile, lambda c: getattr(c, "className", "") == "kpi-error")
    assert alert.children.startswith("Basis data tidak dapat dihubungi") and "(OperationalError)" in alert.children
    panel = error_panel("InterfaceError", "en")
    assert panel.children.children.startswith("The database cannot be reached")


def test_builders_do_not_change_their_input():
    frame = pd.DataFrame({"code": ["36.71.01", "36.71.02"], "name": ["Tangerang", "Jatiuwung"], "open": [5, 0]})
    before = frame.copy()
    shapes = {"type": "FeatureCollection", "features": []}
    figure = region_choropleth(frame, shapes, "open", value_label="Aduan", theme="dark", style=map_style("offline", "dark"),
                               center=(-6.18, 106.63), zoom=11, note="perkiraan")
    pd.testing.assert_frame_equal(frame, before)
    assert list(figure.data[0].locations) == ["36.71.01", "36.71.02"]
    assert figure.layout.map.style["layers"][0]["type"] == "background"
    bars = horizontal_bars(frame, "name", "open", value_label="Aduan", theme="light", empty_text="kosong")
    pd.testing.assert_frame_equal(frame, before)
    assert list(bars.data[0].y) == ["Tangerang", "Jatiuwung"]
    empty = horizontal_bars(frame.iloc[0:0], "name", "open", value_label="Aduan", theme="light", empty_text="kosong")
    assert empty.layout.annotations[0].text == "kosong"


def test_map_styles():
    assert map_style("auto", "dark") == "carto-darkmatter"
    assert map_style("auto", "light") == "carto-positron"
    assert map_style("open-street-map", "light") == "open-street-map"


def test_a_tile_whose_source_never_updated_is_red_not_current():
    tile = kpi_tile("complaints_open", "Aduan terbuka", "0", updated_at=None, budget_seconds=900, now=NOW)
    assert _props(tile)["data-freshness"] == "red"
    age = _find(tile, lambda c: getattr(c, "className", None) == "kpi-age")
    assert age.children == "Belum ada data"
    no_source = kpi_tile("complaints_open", "Aduan terbuka", "0", now=NOW)
    assert _props(no_source)["data-freshness"] == "fresh"  # no source to age: no age line


def test_a_stale_tile_wears_a_badge_in_words_with_the_age():
    from datetime import datetime, timedelta, timezone

    now = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)
    stale = kpi_tile("cameras_down", "CCTV mati", "2", updated_at=now - timedelta(hours=3), budget_seconds=900, now=now)
    badge = _find(stale, lambda c: getattr(c, "className", "") == "stale-badge")
    assert badge.children[0].children == "DATA BASI" and badge.children[1].children == "3 jam lalu"
    fresh = kpi_tile("cameras_down", "CCTV mati", "2", updated_at=now - timedelta(minutes=3), budget_seconds=900, now=now)
    assert _find(fresh, lambda c: getattr(c, "className", "") == "stale-badge") is None


def test_a_choropleth_of_zeros_starts_its_scale_at_zero_and_the_page_says_there_is_nothing():
    from components.maps import choropleth_patch, empty_notice

    zeros = pd.DataFrame({"code": ["36.71.01", "36.71.02"], "name": ["Tangerang", "Jatiuwung"], "received": [0, 0]})
    shapes = {"type": "FeatureCollection", "features": []}
    figure = region_choropleth(zeros, shapes, "received", value_label="Aduan", theme="light",
                               style=map_style("offline", "light"), center=(-6.18, 106.63), zoom=11)
    assert (figure.data[0].zmin, figure.data[0].zmax) == (0, 1)  # not a band from -0.4 to 0.4
    assert empty_notice(zeros["received"], "Tidak ada aduan untuk filter ini").children == "Tidak ada aduan untuk filter ini"
    some = zeros.assign(received=[7, 0])
    assert empty_notice(some["received"], "kosong") is None
    operations = choropleth_patch(some, "received").to_plotly_json()["operations"]
    assert {"operation": "Assign", "location": ["data", 0, "zmax"], "params": {"value": 7.0}} in operations
    assert region_choropleth(some, shapes, "received", value_label="Aduan", theme="light", style=map_style("offline", "light"),
                             center=(-6.18, 106.63), zoom=11).data[0].zmax == 7
