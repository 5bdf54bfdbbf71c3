"""Every page under the Content-Security-Policy in headless Chromium: a listener installed before
any of the page's scripts collects each ``securitypolicyviolation``; there must be none, the
console must have no error, and the maps must draw (MapLibre's worker comes from a blob, its
style and glyphs from this site)."""
from __future__ import annotations

import dash
import pytest

from tests.helpers import FIXED_NOW
from tests.browser import browser_session, save_screenshot, sign_in_browser, wait_for_page

COLLECT_VIOLATIONS_JS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '')));
"""
DRAWN_JS = """
const map = document.querySelector(arguments[0] + ' .js-plotly-plot')._fullLayout.map._subplot.map;
return map.queryRenderedFeatures().filter(f => f.layer.type === 'circle').length;
"""
MAP_PAGES = {"overview": "#overview-map", "complaints": "#complaints-locations", "cctv": "#cctv-map",
             "wifi": "#wifi-map"}


@pytest.fixture
def csp_duo(live_app):
    dash_duo = live_app(role=None, frozen_now=FIXED_NOW)
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COLLECT_VIOLATIONS_JS})
    return dash_duo


def _violations(driver) -> list[str]:
    return driver.execute_script("return window.__cspViolations || []")


def test_every_page_runs_under_the_policy_and_its_maps_draw(csp_duo, city_db):
    dash_duo, driver = csp_duo, csp_duo.driver
    driver.get(dash_duo.server.url + "/login")  # the sign-in form is under the policy too
    dash_duo.wait_for_element("#username", timeout=10)
    assert _violations(driver) == []
    sign_in_browser(dash_duo, dash_duo.server.url, city_db, "admin")
    policy = browser_session(driver).get(dash_duo.server.url + "/").headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    pages = [p for p in dash.page_registry.values() if "<" not in p["path"]]
    assert len(pages) >= 10
    for page in pages:
        slug = page["module"].rsplit(".", 1)[-1]
        driver.get(dash_duo.server.url + page["relative_path"])
        dash_duo.wait_for_element(".page", timeout=20)
        wait_for_page(driver)
        if slug in MAP_PAGES:
            assert driver.execute_script(DRAWN_JS, MAP_PAGES[slug]) > 0, slug  # the map really drew its points
        assert _violations(driver) == [], (slug, _violations(driver))
        assert dash_duo.get_logs() == [], slug
        if slug in ("admin", "sources", "upload"):
            save_screenshot(driver, f"{slug}-light-1920x1080")
