"""Kiosk mode and the wall in headless Chromium: one screen at 1920x1080 and 3840x2160 with no
scrolling, the rotation with its durations, the jump on a new red flag, a tile turning stale
when its source stops updating."""
from __future__ import annotations

from datetime import timedelta

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from components.theme import MARKER_SIZES
from data_sources import clock
from tests.browser import save_screenshot, scroll_sizes, wait_for_map
from tests.helpers import execute

RECORD_VISITS_JS = """
window.__visits = [[location.pathname, performance.now()]];
setInterval(() => {
  const last = window.__visits[window.__visits.length - 1][0];
  if (location.pathname !== last) { window.__visits.push([location.pathname, performance.now()]); }
}, 50);
"""
POLLS_JS = "return Number(document.documentElement.dataset.kioskPolls || 0)"


@pytest.mark.parametrize("width,height", [(1920, 1080), (3840, 2160)])
def test_the_dark_overview_fits_one_screen(live_app, width, height):
    dash_duo = live_app(theme="dark", width=width, height=height)
    dash_duo.driver.get(dash_duo.server_url + "/?kiosk=1&rotate=overview&seconds=3600")
    dash_duo.wait_for_element("html.kiosk", timeout=10)
    dash_duo.wait_for_element("#overview-red-flags [data-complaint]", timeout=20)
    dash_duo.wait_for_element('[data-kpi="kpis_off_target"]', timeout=20)
    wait_for_map(dash_duo.driver, "#overview-map")
    # the map is fitted to the screen: points grow with the page's type (28 px root on a 4K wall)
    red_flag_size = MARKER_SIZES["red"] * (28 / 16 if width > 3000 else 1)
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.execute_script(
        "return Math.max(...document.querySelector('#overview-map .js-plotly-plot').data[0].marker.size)")
        == pytest.approx(red_flag_size, abs=0.1))
    sizes = scroll_sizes(dash_duo.driver)
    assert (sizes["cw"], sizes["ch"]) == (width, height)
    assert sizes["sw"] <= sizes["cw"] and sizes["sh"] <= sizes["ch"], sizes  # nothing to scroll to
    # every part is on screen, none squeezed to nothing, the navigation is hidden
    for selector in ('[data-kpi-tile="red_flags"]', '[data-kpi-tile="kpis_off_target"]', "#overview-map",
                     "#overview-red-flags-panel", "#overview-devices-down-panel", "#overview-kpis-off-panel"):
        rect = dash_duo.find_element(selector).rect
        assert rect["height"] > 60 and rect["y"] + rect["height"] <= height, (selector, rect)
    assert not dash_duo.find_element("#app-nav").is_displayed()
    hero = dash_duo.find_element('[data-kpi="red_flags"]').value_of_css_property("font-size")
    other = dash_duo.find_element('[data-kpi="complaints_open"]').value_of_css_property("font-size")
    assert float(hero.removesuffix("px")) > 1.2 * float(other.removesuffix("px"))  # red flags stand out
    assert dash_duo.driver.execute_script("return getComputedStyle(document.body).backgroundColor") == "rgb(11, 15, 20)"
    save_screenshot(dash_duo.driver, f"overview-dark-{width}x{height}")
    assert dash_duo.get_logs() == []


def test_kiosk_rotates_through_the_pages_with_their_durations(live_app):
    dash_duo = live_app(boundaries_dir=None)
    durations = {"/": 4, "/complaints": 3, "/cctv": 3, "/wifi": 3}
    dash_duo.driver.get(dash_duo.server_url + "/?kiosk=1&rotate=overview,complaints,cctv,wifi,nope&seconds=4,3,3,3")
    dash_duo.wait_for_element("html.kiosk", timeout=10)
    dash_duo.driver.execute_script(RECORD_VISITS_JS)
    WebDriverWait(dash_duo.driver, 30, poll_frequency=0.5).until(
        lambda d: len(d.execute_script("return window.__visits")) >= 6)
    visits = dash_duo.driver.execute_script("return window.__visits")
    assert [path for path, _ in visits[:6]] == ["/", "/complaints", "/cctv", "/wifi", "/", "/complaints"]
    for (path, started), (_, ended) in zip(visits[1:5], visits[2:6]):
        assert abs((ended - started) / 1000 - durations[path]) < 1.3, (path, ended - started)
    assert "kiosk=1" in dash_duo.driver.current_url  # a reload resumes kiosk mode
    assert "nope" in dash_duo.find_element("#kiosk-notice").text  # the unknown page is reported, not fatal
    assert not dash_duo.find_element("#app-nav").is_displayed()
    dash_duo.wait_for_element(".page-complaints", timeout=15)  # each stop really renders its page
    # plotly.js may still be resizing a chart of the page that was just replaced (a race inside
    # plotly/dcc.Graph on unmount, harmless); anything else in the console is a failure
    assert [e for e in dash_duo.get_logs() if "_rangeSliderData" not in e["message"]] == []
    dash_duo.driver.get("about:blank")  # stop the wall before the test server stops under its requests


def test_kiosk_jumps_to_complaints_on_a_new_red_flag(live_app, writable_city):
    # the lists read the clock in 1 s steps (pages share results within a cache timeout; the watch
    # reads it exactly), so the list holds the new flag as soon as the watch has seen it
    dash_duo = live_app(writable_city, boundaries_dir=None, kiosk_watch_seconds=1, cache_timeout_seconds=1)
    dash_duo.driver.get(dash_duo.server_url + "/?kiosk=1&rotate=overview,wifi&seconds=120")
    dash_duo.wait_for_element('[data-kpi="red_flags"]', timeout=20)
    WebDriverWait(dash_duo.driver, 10).until(  # the watch has its baseline
        lambda d: d.execute_script("return document.querySelector('#overview-map') && window.location.pathname") == "/")
    dash_duo.wait_for_element("html.kiosk", timeout=10)
    wait_for_map(dash_duo.driver, "#overview-map")
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.execute_script(POLLS_JS) >= 3)  # a baseline, then two checks
    assert dash_duo.driver.execute_script("return location.pathname") == "/"  # no jump without a new flag
    now = clock.utcnow().replace(tzinfo=None)
    execute(writable_city, """
        INSERT INTO complaints (city_code, source_id, external_id, category_id, agency_id, kecamatan_id, lat, lon,
                                description, channel, status, received_at, response_amber_at, response_due_at,
                                resolution_due_at, updated_at, reopen_count)
        SELECT city_code, source_id, 'KIOSK-RED-1', category_id, agency_id, kecamatan_id, lat, lon, 'Lampu mati',
               channel, 'received', :received, :amber, :due, :resolve, :received, 0
        FROM complaints ORDER BY id LIMIT 1""",
             received=now - timedelta(hours=3), amber=now - timedelta(minutes=30), due=now - timedelta(seconds=5),
             resolve=now + timedelta(days=1))
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.execute_script("return location.pathname") == "/complaints")
    dash_duo.wait_for_element(".page-complaints", timeout=15)
    # the wall layout of /complaints: the new flag is highlighted and on the screen, no controls
    WebDriverWait(dash_duo.driver, 40).until(
        lambda d: d.execute_script("return document.documentElement.dataset.kioskHighlight") == "KIOSK-RED-1")
    row = dash_duo.find_element("#complaints-red-grid .ag-row.kiosk-new-flag")
    assert "KIOSK-RED-1" in row.text
    on_screen = dash_duo.driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight", row)
    assert on_screen
    assert not dash_duo.find_element(".filter-bar").is_displayed()
    save_screenshot(dash_duo.driver, "kiosk-red-flag-jump-1920x1080")
    assert dash_duo.get_logs() == []


def test_a_tile_turns_stale_when_its_source_stops(live_app, writable_city):
    budget = 4

    def source_updates() -> None:
        execute(writable_city, "UPDATE sources SET last_success_at = :now, freshness_budget_seconds = :b "
                                "WHERE key = 'complaints'", now=clock.utcnow().replace(tzinfo=None), b=budget)

    source_updates()
    dash_duo = live_app(writable_city, boundaries_dir=None, refresh_interval_seconds=1, freshness_check_seconds=1)
    dash_duo.driver.get(dash_duo.server_url + "/?kiosk=1&rotate=overview&seconds=3600")
    tile = '[data-kpi-tile="complaints_open"]'

    def fresh_text_while_updating(driver) -> str | None:  # the source keeps reporting until the tile shows it fresh
        source_updates()
        return driver.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;",
            f'{tile}[data-freshness="fresh"]')

    assert "Diperbarui baru saja" in WebDriverWait(dash_duo.driver, 30, poll_frequency=0.5).until(fresh_text_while_updating)
    def strip_clear_while_updating(driver) -> bool:  # the strip has its own refresh: wait for its next one
        source_updates()
        return not driver.find_elements("css selector", '#freshness-strip [data-source="complaints"]')

    assert WebDriverWait(dash_duo.driver, 10, poll_frequency=0.5).until(strip_clear_while_updating)
    # the source stops: no update for longer than its budget, then twice the budget
    dash_duo.wait_for_element(f'{tile}[data-freshness="amber"]', timeout=budget + 5)
    dash_duo.wait_for_element(f'{tile}[data-freshness="red"]', timeout=budget + 5)
    # read in one call: the tiles are rendered again every second, and three separate WebDriver
    # calls on the same element (find, text, value) can keep falling across a re-render
    WebDriverWait(dash_duo.driver, 5, poll_frequency=0.25).until(lambda d: "Data basi sejak" in (d.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.innerText : ''", f'{tile}[data-freshness="red"]')))
    dash_duo.wait_for_element('#freshness-strip [data-source="complaints"][data-freshness="red"]', timeout=5)
    save_screenshot(dash_duo.driver, "overview-stale-tile")
    assert dash_duo.get_logs() == []


def test_kiosk_jumps_to_the_wall_on_a_burst_with_its_banner_and_outline(live_app, writable_city):
    """A burst injected as ``make burst`` does and found by the detector's next run: the kiosk
    leaves the page it shows for the wall, whose banner names the burst and whose map outlines
    the kecamatan."""
    from tests.helpers import raise_burst

    dash_duo = live_app(writable_city, boundaries_dir=None, kiosk_watch_seconds=1, cache_timeout_seconds=1)
    dash_duo.driver.get(dash_duo.server_url + "/wifi?kiosk=1&rotate=wifi,overview&seconds=120")
    dash_duo.wait_for_element("html.kiosk", timeout=10)
    WebDriverWait(dash_duo.driver, 20).until(lambda d: d.execute_script(POLLS_JS) >= 3)
    assert dash_duo.driver.execute_script("return location.pathname") == "/wifi"  # no jump without a burst
    assert raise_burst(writable_city, clock.utcnow())["raised"] == 1
    WebDriverWait(dash_duo.driver, 15).until(lambda d: d.execute_script("return location.pathname") == "/")
    banner = dash_duo.wait_for_element(".burst-banner", timeout=20)
    assert "Lonjakan aduan Banjir dan genangan di Periuk: 30 dalam" in banner.text and "biasanya" in banner.text
    assert dash_duo.driver.execute_script("return document.documentElement.dataset.kioskJump") == "burst"
    wait_for_map(dash_duo.driver, "#overview-map")
    outlined = dash_duo.driver.execute_script(
        "return document.querySelector('#overview-map .js-plotly-plot').layout.map.layers[1].source.features"
        ".map(f => f.properties.name)")
    assert "Periuk" in outlined
    sizes = scroll_sizes(dash_duo.driver)
    assert sizes["sh"] <= sizes["ch"]  # the banner does not push the wall off the screen
    save_screenshot(dash_duo.driver, "kiosk-burst-jump-1920x1080")
    assert dash_duo.get_logs() == []
