"""Maps without a route to the tile host (a city's closed network; this test machine too) with
the default map style: every map still draws its data over a plain background, says that the
base map is unavailable, carries the kecamatan names, and leaves no unhandled error."""
from __future__ import annotations

from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import save_screenshot, wait_for_page
from tests.helpers import FIXED_NOW

MAPS = {"/": "#overview-map", "/complaints": "#complaints-choropleth", "/cctv": "#cctv-map", "/wifi": "#wifi-map"}
DRAWN_JS = """
const map = document.querySelector(arguments[0] + ' .js-plotly-plot')._fullLayout.map._subplot.map;
return map.queryRenderedFeatures().length;
"""
NOTICE_JS = "return getComputedStyle(document.querySelector(arguments[0]), '::after').content"


def _script_errors(dash_duo) -> list[dict]:
    """Console errors other than the failed fetch of the tile style itself (a network entry)."""
    return [entry for entry in dash_duo.get_logs() if entry.get("source") != "network"]


def test_maps_draw_without_tiles_and_say_so(live_app):
    dash_duo = live_app(frozen_now=FIXED_NOW, map_style="auto")
    driver = dash_duo.driver
    for path, selector in MAPS.items():
        driver.get(dash_duo.server_url + path)
        dash_duo.wait_for_element(selector + " .js-plotly-plot", timeout=20)
        wait_for_page(driver)
        WebDriverWait(driver, 10).until(lambda d: d.execute_script(DRAWN_JS, selector) > 0)  # its data is drawn
        WebDriverWait(driver, 10).until(  # the browser found the tile host unreachable, and the map says so
            lambda d: d.execute_script("return document.documentElement.dataset.basemapState") == "none")
        assert "Peta dasar tidak tersedia" in driver.execute_script(NOTICE_JS, selector), path
        assert _script_errors(dash_duo) == [], path
    driver.get(dash_duo.server_url + "/")
    dash_duo.wait_for_element("#overview-map .map-labels span", timeout=20)
    names = driver.execute_script(  # read in one step: the names are placed again whenever the map moves
        "return Array.from(document.querySelectorAll('#overview-map .map-labels span'), e => e.textContent)")
    assert len(names) == 13 and "Karawaci" in names and "Ciledug" in names
    save_screenshot(driver, "overview-no-tiles-1920x1080")
    assert driver.get_cookie("liveroom_basemap")["value"] == "none"  # the next maps are built without tiles
