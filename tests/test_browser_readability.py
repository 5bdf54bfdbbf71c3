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


# Machado, Oliveira and Fernandes (2009): deuteranopia at full severity, on linear RGB
DEUTERANOPIA = [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]


def _lab(rgb):
    """CIE Lab (D65) of sRGB values in 0..255 (an array of shape (..., 3))."""
    import numpy as np

    c = np.asarray(rgb, dtype=float) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = linear @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def _deuteranopia(image):
    """The screenshot as a deuteranope sees it (sRGB in, sRGB out)."""
    import numpy as np

    c = np.asarray(image.convert("RGB"), dtype=float) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    seen = np.clip(linear @ np.array(DEUTERANOPIA).T, 0, 1)
    return np.where(seen <= 0.0031308, seen * 12.92, 1.055 * seen ** (1 / 2.4) - 0.055) * 255


def test_up_and_down_stay_apart_for_a_deuteranope(live_app):
    import numpy as np

    from components.status import COLOURS
    from components.theme import _PALETTE, MARKER_OPACITY, STATE_COLOURS
    from tests.browser import element_image, wait_for_map

    dash_duo = live_app(frozen_now=FIXED_NOW)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/cctv")
    wait_for_map(driver, "#cctv-map")
    dash_duo.wait_for_element("#cctv-by-kecamatan .bars .point", timeout=20)  # the bars, not the placeholder
    wait_for_page(driver)
    separations = {}
    def rgb(hex_colour: str):
        return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)

    background = rgb(_PALETTE["light"]["map_bg"])
    for name, selector in (("map", "#cctv-map"), ("uptime bars", "#cctv-by-kecamatan")):
        element = dash_duo.find_element(selector)
        driver.execute_script("arguments[0].scrollIntoView({behavior: 'instant', block: 'center'})", element)
        image = element_image(driver, element)
        original = np.asarray(image.convert("RGB"), dtype=float)
        seen = _deuteranopia(image)
        means = {}
        states = ("online", "offline") if name == "map" else ("success", "danger")
        for state in states:
            opacity = MARKER_OPACITY[state] if name == "map" else 1.0  # map markers are drawn see-through
            colour = STATE_COLOURS[state] if name == "map" else COLOURS[state]  # bars: the status levels
            target = rgb(colour) * opacity + background * (1 - opacity)
            mask = np.linalg.norm(original - target, axis=-1) < 25  # the state's own pixels, not their edges
            assert mask.sum() > 20, (name, state)  # both states are drawn
            means[state] = seen[mask].mean(axis=0)
        up, down = (means[state] for state in states)
        separations[name] = float(np.linalg.norm(_lab(up) - _lab(down)))
    # CIE76 colour difference as a deuteranope sees them; about 2.3 is just noticeable, 20 unmistakable
    assert all(delta > 20 for delta in separations.values()), separations


WHITE_SHARE_JS = """
return Array.from(document.querySelectorAll('.js-plotly-plot')).map(e => {
  const r = e.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom];
}).filter(r => r[2] - r[0] > 50 && r[3] - r[1] > 50 && r[1] < innerHeight && r[3] > 0);
"""


def test_a_dark_kiosk_rotation_never_flashes_a_white_chart(live_app):
    import io
    import time

    import numpy as np
    from PIL import Image

    dash_duo = live_app(frozen_now=FIXED_NOW, theme="dark")
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/?kiosk=1&rotate=overview,complaints,cctv,wifi&seconds=2")
    dash_duo.wait_for_element("html.kiosk", timeout=15)
    worst, samples, seen_paths, visits = 0.0, 0, set(), []
    deadline = time.monotonic() + 90  # two turns of the rotation, sampled as fast as screenshots allow
    while time.monotonic() < deadline and (len(visits) < 9 or samples <= 15):
        boxes = driver.execute_script(WHITE_SHARE_JS)
        shot = np.asarray(Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB"))
        ratio = shot.shape[1] / driver.execute_script("return innerWidth")
        for left, top, right, bottom in boxes:
            part = shot[max(0, int(top * ratio)):int(bottom * ratio), max(0, int(left * ratio)):int(right * ratio)]
            if part.size:
                worst = max(worst, float((part.min(axis=-1) > 235).mean()))
        path = driver.execute_script("return location.pathname")
        seen_paths.add(path)
        if not visits or visits[-1] != path:
            visits.append(path)
        samples += 1
    assert {"/", "/complaints", "/cctv", "/wifi"} <= seen_paths and samples > 15
    assert worst < 0.2, worst  # a white chart would be almost all white; labels and lines are a few per cent
