"""The overview in headless Chromium: live numbers, a map that really draws, both languages
and both themes, and no console errors."""

import time
from datetime import timedelta

import dash
import pytest
from selenium.webdriver.support.ui import WebDriverWait

from data_sources import clock
from data_sources.rules.periods import local_day_start
from tests.browser import (boundary_features, element_image, kpi, points_in_view, red_pixel_share, save_screenshot,
                           wait_for_map, wait_for_page)
from tests.helpers import make_city, number
from tests.sql import scalar


@pytest.fixture
def overview(live_app):
    dash_duo = live_app()
    dash_duo.wait_for_element('[data-kpi="complaints_open"]', timeout=20)
    return dash_duo


def test_tiles_show_the_database_numbers(overview, city_db):
    dash_duo = overview
    open_sql = "status NOT IN ('resolved', 'rejected')"
    assert number(kpi(dash_duo, "complaints_open")) == scalar(city_db, f"SELECT count(*) FROM complaints WHERE {open_sql}")
    now = clock.bucket(clock.utcnow(), 15)
    day_start = local_day_start(now, "Asia/Jakarta")
    assert number(kpi(dash_duo, "complaints_today")) == scalar(
        city_db, "SELECT count(*) FROM complaints WHERE received_at >= :s AND received_at <= :n",
        s=day_start.replace(tzinfo=None), n=now.replace(tzinfo=None))
    red = scalar(city_db, f"""SELECT count(*) FROM complaints WHERE {open_sql}
                              AND first_response_at IS NULL AND response_due_at < :n""", n=now.replace(tzinfo=None))
    assert red > 0 and number(kpi(dash_duo, "red_flags")) == red
    assert "kpi-alarm" in dash_duo.find_element('[data-kpi-tile="red_flags"] .kpi-tile').get_attribute("class")
    for name, kind in (("cameras_down", "cctv"), ("access_points_down", "wifi")):
        assert number(kpi(dash_duo, name)) == scalar(
            city_db, "SELECT count(*) FROM devices WHERE kind = :k AND active AND state IN ('offline', 'unknown')", k=kind)
    # the red-flag list says how many there are in all and lists the oldest
    dash_duo.wait_for_contains_text("#overview-red-flags-count", f"dari {red}", timeout=10)
    assert len(dash_duo.find_elements("#overview-red-flags [data-complaint]")) == min(red, 12)
    # the fixture city's feeds stopped at a fixed moment: tiles must say their data is stale, not pretend
    tile = dash_duo.find_element('[data-kpi-tile="complaints_open"]')
    assert tile.get_attribute("data-freshness") == "red"
    assert "Data basi sejak 23 Nov 2026 14.30 WIB" in tile.text
    strip = dash_duo.find_element('#freshness-strip [data-source="complaints"]')
    assert strip.get_attribute("data-freshness") == "red" and "LAKSA" in strip.text
    assert dash_duo.get_logs() == []


def test_map_layers_draw_and_switch(overview, city_db):
    dash_duo = overview
    wait_for_map(dash_duo.driver, "#overview-map")
    dash_duo.wait_for_element("#overview-red-flags [data-complaint]", timeout=10)
    cameras = scalar(city_db, "SELECT count(*) FROM devices WHERE kind = 'cctv' AND active AND lat IS NOT NULL")
    access_points = scalar(city_db, "SELECT count(*) FROM devices WHERE kind = 'wifi' AND active AND lat IS NOT NULL")
    expected = [  # complaints as dots; each device kind as rings, then dots
        scalar(city_db, "SELECT count(*) FROM complaints WHERE status NOT IN ('resolved', 'rejected') AND lat IS NOT NULL"),
        cameras, cameras, access_points, access_points,
    ]
    # every point is sent, and every point inside the (screen-fitted) view is really drawn
    WebDriverWait(dash_duo.driver, 15).until(lambda d: all(
        layer["drawn"] == layer["in_view"] > 0 for layer in points_in_view(d, "#overview-map")))
    layers = points_in_view(dash_duo.driver, "#overview-map")
    assert [layer["sent"] for layer in layers] == expected
    assert all(layer["in_view"] >= 0.9 * layer["sent"] for layer in layers)  # the view shows the city
    assert boundary_features(dash_duo.driver, "#overview-map") >= 13  # kecamatan outlines
    image = element_image(dash_duo.driver, dash_duo.find_element("#overview-map"))
    assert red_pixel_share(image) > 0.002  # red-flag points really drawn
    # switching the complaints layer off hides its points in place; the devices stay
    dash_duo.find_element("#overview-layers input[value='complaints']").click()
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: [layer["drawn"] for layer in points_in_view(d, "#overview-map")] == [0, *[x["drawn"] for x in layers[1:]]])
    save_screenshot(dash_duo.driver, "overview-light-1920x1080")
    assert dash_duo.get_logs() == []


def test_language_and_theme_switch(overview):
    dash_duo = overview
    assert dash_duo.find_element('[data-kpi-tile="complaints_today"] .kpi-label').text == "Aduan hari ini"
    dash_duo.find_element("#set-language-en").click()
    dash_duo.wait_for_text_to_equal('[data-kpi-tile="complaints_today"] .kpi-label', "Complaints today", timeout=10)
    dash_duo.find_element("#set-theme-dark").click()
    dash_duo.wait_for_element('#app-root[data-bs-theme="dark"]', timeout=10)
    assert dash_duo.driver.execute_script("return document.documentElement.getAttribute('data-bs-theme')") == "dark"
    background = dash_duo.driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(11, 15, 20)"
    dash_duo.wait_for_element('[data-kpi="complaints_open"]', timeout=10)
    wait_for_map(dash_duo.driver, "#overview-map")
    save_screenshot(dash_duo.driver, "overview-dark-en-1920x1080")
    # the header clock runs in WIB
    dash_duo.wait_for_contains_text("#header-clock", "WIB", timeout=5)
    dash_duo.driver.get(dash_duo.server_url + "/?lang=id&theme=light")
    dash_duo.wait_for_text_to_equal('[data-kpi-tile="complaints_today"] .kpi-label', "Aduan hari ini", timeout=10)
    assert dash_duo.get_logs() == []


def test_approximate_areas_are_labelled(live_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'approx.db'}"
    make_city(url, None)
    dash_duo = live_app(url, boundaries_dir=None)
    dash_duo.wait_for_contains_text("#overview-map", "perkiraan", timeout=20)
    wait_for_map(dash_duo.driver, "#overview-map")
    assert boundary_features(dash_duo.driver, "#overview-map") >= 13
    assert dash_duo.get_logs() == []


def test_every_page_renders_without_console_errors(live_app):
    dash_duo = live_app()
    pages = [p for p in dash.page_registry.values() if not p.get("hidden")] + [{"relative_path": "/no-such-page"}]
    for page in pages:
        dash_duo.driver.get(dash_duo.server_url + page["relative_path"])
        dash_duo.wait_for_element(".page", timeout=20)
        wait_for_page(dash_duo.driver)
        assert dash_duo.get_logs() == [], page["relative_path"]
    assert "Halaman tidak ditemukan" in dash_duo.find_element(".page").text


_MAP_DATA_JS = """
const gd = document.querySelector('#overview-map .js-plotly-plot');
if (!gd || !gd.data) { return null; }
return gd.data.map((t) => ({lat: t.lat, lon: t.lon, text: t.text || null,
                            color: t.marker && t.marker.color, size: t.marker && t.marker.size}));
"""


_RESPONSES_JS = """
return performance.getEntriesByType('resource').filter((e) => e.name.includes('/_dash-update-component'))
  .map((e) => e.encodedBodySize);
"""


def test_a_refresh_sends_only_what_changed_and_the_map_ends_as_if_built_anew(live_app, writable_city):
    """With a cache to keep the browser's copy by, the refresh is a diff (points deleted, inserted
    and changed in dash-renderer), and the map it leaves equals the map a reload builds."""
    from tests.helpers import execute

    dash_duo = live_app(writable_city, boundaries_dir=None, cache_type="SimpleCache", cache_timeout_seconds=1,
                        refresh_interval_seconds=2)
    dash_duo.driver.get(dash_duo.server_url + "/")
    wait_for_map(dash_duo.driver, "#overview-map")
    before = dash_duo.driver.execute_script(_MAP_DATA_JS)
    WebDriverWait(dash_duo.driver, 10).until(lambda d: max(d.execute_script(_RESPONSES_JS)[1:] or [0]) > 0)  # refreshed
    built = max(dash_duo.driver.execute_script(_RESPONSES_JS))  # the largest answer: the map built whole
    seen = len(dash_duo.driver.execute_script(_RESPONSES_JS))
    now = clock.utcnow().replace(tzinfo=None)
    execute(writable_city, "UPDATE devices SET state = 'offline', state_since = :now WHERE id IN "
                           "(SELECT id FROM devices WHERE kind = 'cctv' AND state = 'online' ORDER BY id LIMIT 3)", now=now)
    execute(writable_city, """
        INSERT INTO complaints (city_code, source_id, external_id, category_id, agency_id, kecamatan_id, lat, lon,
                                description, channel, status, received_at, response_amber_at, response_due_at,
                                resolution_due_at, updated_at, reopen_count)
        SELECT city_code, source_id, 'MAP-NEW-1', category_id, agency_id, kecamatan_id, lat + 0.001, lon, 'Baru',
               channel, 'received', :now, :later, :later, :later, :now, 0 FROM complaints ORDER BY id LIMIT 1""",
            now=now, later=now + timedelta(days=1))
    WebDriverWait(dash_duo.driver, 20).until(lambda d: d.execute_script(_MAP_DATA_JS) != before)
    time.sleep(4)  # two more refreshes with nothing new: nothing may drift
    patched = dash_duo.driver.execute_script(_MAP_DATA_JS)
    assert patched != before
    refreshes = dash_duo.driver.execute_script(_RESPONSES_JS)[seen:]
    assert len(refreshes) >= 4 and max(refreshes) < built / 10  # a diff of a few points, never the points again
    dash_duo.driver.refresh()
    wait_for_map(dash_duo.driver, "#overview-map")
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.execute_script(_MAP_DATA_JS) is not None)
    assert dash_duo.driver.execute_script(_MAP_DATA_JS) == patched
    assert dash_duo.get_logs() == []
