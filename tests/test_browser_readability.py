"""Readable from five metres and on a phone, in headless Chromium: a stale tile wears a badge
large enough to read across the room, and a failing source turns the strip into a banner."""
from __future__ import annotations

from tests.browser import save_screenshot
from tests.helpers import execute


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
