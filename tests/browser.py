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

RENDERED_POINTS_JS = """
const map = document.querySelector(arguments[0] + ' .js-plotly-plot')._fullLayout.map._subplot.map;
const seen = {};
for (const f of map.queryRenderedFeatures()) {
  if (f.layer.type === 'circle') { seen[f.layer.id] = (seen[f.layer.id] || 0) + 1; }
}
return seen;
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


def rendered_points(driver, selector: str) -> dict[str, int]:
    """Points MapLibre actually drew, counted per circle layer (one layer per visible trace)."""
    return driver.execute_script(RENDERED_POINTS_JS, selector)


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


def warm_pixel_share(image: Image.Image) -> float:
    """Share of pixels in warm choropleth colours (yellow to red: red well above blue)."""
    rgb = np.asarray(image.convert("RGB"), dtype=int)
    warm = (rgb[..., 0] > 150) & (rgb[..., 0] - rgb[..., 2] > 60)
    return float(warm.mean())


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
