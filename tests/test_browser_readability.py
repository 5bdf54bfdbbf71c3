"""Readable from five metres and on a phone, in headless Chromium: a stale tile wears a badge
large enough to read across the room, and a failing source turns the strip into a banner."""
from __future__ import annotations

from tests.browser import save_screenshot, wait_for_page
from tests.helpers import FIXED_NOW, execute


def test_stale_tiles_wear_a_large_badge_and_a_failing_source_a_banner(live_app, writable_city):
    # the test city's data stopped at its fixed time; the app's clock is now: every feed is stale
    dash_duo = live_app(writable_city, theme="dark")
    dash_duo.wait_for_element('#tile-complaints_open .stale-badge', timeout=20)
    badge = dash_duo.find_element('#tile-complaints_open .stale-badge')
    assert badge.text.startswith("DATA BASI")
    assert badge.size["height"] >= 24  # readable across the room at 1920x1080
    colour = dash_duo.driver.execute_script(
        "return getComputedStyle(document.querySelector('[data-kpi=\"complaints_open\"]')).color")
    assert colour in ("rgb(140, 140, 140)",), colour  # the stale number is greyed, not shown as current
    assert not dash_duo.find_elements(".freshness-banner")  # stale, but nothing failing yet
    execute(writable_city, "UPDATE sources SET last_failure_at = :t, last_error = 'ConnectionError: NVR tidak menjawab' "
                           "WHERE key = 'cctv_nvr'", t="2030-01-01 00:00:00")
    dash_duo.driver.refresh()
    dash_duo.wait_for_element(".freshness-banner[data-banner='failing']", timeout=20)
    banner = dash_duo.find_element(".freshness-banner")
    assert "NVR tidak menjawab" in banner.text
    assert banner.size["width"] >= 0.9 * dash_duo.driver.execute_script("return document.documentElement.clientWidth")
    save_screenshot(dash_duo.driver, "overview-stale-failing-dark-1920x1080")


PAGES = ["/", "/complaints", "/cctv", "/wifi", "/services", "/evaluation", "/briefing", "/sources", "/upload", "/admin"]
WIDEST_JS = """
return [Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), document.documentElement.clientWidth,
        getComputedStyle(document.documentElement).overflowX + '/' + getComputedStyle(document.body).overflowX];
"""


def test_no_page_is_wider_than_a_phone_and_the_overview_scrolls(live_app):
    dash_duo = live_app(frozen_now=FIXED_NOW, width=390, height=844)
    driver = dash_duo.driver
    for path in PAGES:
        driver.get(dash_duo.server_url + path)
        dash_duo.wait_for_element(".page", timeout=20)
        wait_for_page(driver)
        scroll_width, width, overflow = driver.execute_script(WIDEST_JS)
        assert scroll_width <= width and overflow == "visible/visible", (path, scroll_width, width)  # nothing hidden
    driver.get(dash_duo.server_url + "/")
    dash_duo.wait_for_element("#overview-red-flags [data-complaint]", timeout=20)
    assert driver.execute_script("return document.documentElement.scrollHeight > window.innerHeight")  # it scrolls
    driver.execute_script("document.querySelector('#overview-kpis-off').scrollIntoView({behavior: 'instant'})")
    assert driver.execute_script(
        "const r = document.querySelector('#overview-kpis-off').getBoundingClientRect(); return r.top < innerHeight")
    driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'})")
    assert not dash_duo.find_element("#header-menu").is_displayed()  # the menu is folded behind its button
    dash_duo.find_element("#header-menu-toggle").click()
    dash_duo.wait_for_element("#header-menu #nav-complaints", timeout=5)
    save_screenshot(driver, "overview-menu-open-390x844")
