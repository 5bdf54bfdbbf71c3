"""Helpers for the browser tests: waiting for maps, reading pixels, saving screenshots."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image
from selenium.webdriver.support.ui import WebDriverWait

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

MAP_LOADED_JS = """
const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
return !!(sub && sub.map && sub.map.loaded() && sub.map.isStyleLoaded());
"""
RENDERED_FILLS_JS = """
const map = document.querySelector(arguments[0] + ' .js-plotly-plot')._fullLayout.map._subplot.map;
const fills = map.queryRenderedFeatures().filter(f => f.layer.id.endsWith('-fill'));
const seen = {};
for (const f of fills) { seen[JSON.stringify(f.properties.ct)] = f.properties.fc; }
return seen;
"""

POINTS_IN_VIEW_JS = """
const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
const map = gd._fullLayout.map._subplot.map;
const bounds = map.getBounds();
const features = map.queryRenderedFeatures().filter(f => f.layer.type === 'circle');
return gd.data.map((trace, index) => ({
  sent: trace.lat.length,
  in_view: trace.visible === false ? 0 : trace.lat.filter((lat, i) => bounds.contains([trace.lon[i], lat])).length,
  drawn: features.filter(f => f.layer.id.includes(gd._fullData[index].uid)).length,
}));
"""
BOUNDARY_FEATURES_JS = """
const map = document.querySelector(arguments[0] + ' .js-plotly-plot')._fullLayout.map._subplot.map;
return map.queryRenderedFeatures().filter(f => f.layer.type === 'line').length;
"""


def wait_for_map(driver, selector: str, timeout: float = 20) -> None:
    """Wait until the MapLibre map inside ``selector`` reports it has loaded its style and data."""
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(MAP_LOADED_JS, selector))


def rendered_polygons(driver, selector: str) -> dict[str, str]:
    """The filled polygons MapLibre actually drew: {centroid: fill colour}, one per region."""
    return driver.execute_script(RENDERED_FILLS_JS, selector)


def points_in_view(driver, selector: str) -> list[dict]:
    """Per trace of a map: points sent, points inside the map's current view, points MapLibre drew."""
    return driver.execute_script(POINTS_IN_VIEW_JS, selector)


def boundary_features(driver, selector: str) -> int:
    """How many line features (region outlines) MapLibre drew."""
    return driver.execute_script(BOUNDARY_FEATURES_JS, selector)


def element_image(driver, element) -> Image.Image:
    """The pixels of one element, cut from a screenshot of the viewport."""
    shot = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    ratio = shot.width / driver.execute_script("return window.innerWidth")
    rect = element.rect
    box = [int(v * ratio) for v in (rect["x"], rect["y"], rect["x"] + rect["width"], rect["y"] + rect["height"])]
    return shot.crop(box)


def red_pixel_share(image: Image.Image) -> float:
    """Share of strongly red pixels (the red-flag colour #e03131 and its antialiased edges)."""
    rgb = np.asarray(image.convert("RGB"), dtype=int)
    red = (rgb[..., 0] > 170) & (rgb[..., 1] < 90) & (rgb[..., 2] < 90)
    return float(red.mean())


def set_viewport(driver, width: int, height: int) -> None:
    """Resize the window so that the page itself (the viewport) is ``width`` x ``height``."""
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(width + (width - inner[0]), height + (height - inner[1]))


def save_screenshot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def scroll_sizes(driver) -> dict:
    return driver.execute_script(
        "const e = document.scrollingElement; return {sw: e.scrollWidth, cw: e.clientWidth, sh: e.scrollHeight, ch: e.clientHeight};")
