"""Helpers for the browser tests: waiting on the page's state (text, attributes, grids, maps),
reading figures and pixels, saving screenshots."""
from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import requests
from PIL import Image
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

from tests.helpers import number

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_FLAGS = (
    "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1920,1080",
    "--hide-scrollbars",
)

MAP_LOADED_JS = """
const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
return !!(sub && sub.map && sub.map.loaded() && sub.map.isStyleLoaded());
"""
PAGE_SETTLED_JS = """
const graphs = Array.from(document.querySelectorAll('.page .dash-graph'));
const drawn = graphs.every(g => g.querySelector('.js-plotly-plot') || g.offsetParent === null);
const maps = Array.from(document.querySelectorAll('.page .js-plotly-plot')).filter(gd => gd._fullLayout && gd._fullLayout.map);
return drawn && maps.every(gd => { const sub = gd._fullLayout.map._subplot;
  return !!(sub && sub.map && sub.map.loaded() && sub.map.isStyleLoaded()); });
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
  // circles whose centre is in the view (one at the edge is drawn partly, but its centre is outside)
  drawn: features.filter(f => f.layer.id.includes(gd._fullData[index].uid)
                            && bounds.contains(f.geometry.coordinates)).length,
}));
"""
GRID_ROWS_JS = """
let api = null;
try { api = window.dash_ag_grid && dash_ag_grid.getApi(arguments[0]); } catch (e) { return null; }
if (!api) { return null; }
const out = []; api.forEachNodeAfterFilterAndSort(n => out.push(n.data)); return out;
"""
PROJECT_JS = """
const map = document.querySelector(arguments[0] + ' .js-plotly-plot')._fullLayout.map._subplot.map;
const p = map.project([arguments[2], arguments[1]]);
const box = map.getCanvas().getBoundingClientRect();
return [box.left + p.x, box.top + p.y];
"""
BOUNDARY_FEATURES_JS = """
const map = document.querySelector(arguments[0] + ' .js-plotly-plot')._fullLayout.map._subplot.map;
return map.queryRenderedFeatures().filter(f => f.layer.type === 'line').length;
"""


def wait_for_map(driver, selector: str, timeout: float = 20) -> None:
    """Wait until the MapLibre map inside ``selector`` reports it has loaded its style and data."""
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(MAP_LOADED_JS, selector))


def wait_for_page(driver, timeout: float = 30) -> None:
    """Wait until every chart of the page has been drawn and every map has loaded its style and
    data (leaving a page while its maps still load makes MapLibre log an error)."""
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(PAGE_SETTLED_JS))


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
    rect = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]",
                                 element)  # where it is in the viewport (the screenshot), wherever the page is scrolled
    return shot.crop([int(v * ratio) for v in rect])


def red_pixel_share(image: Image.Image) -> float:
    """Share of strongly red pixels (the red-flag vermillion #d55e00 and its antialiased edges)."""
    rgb = np.asarray(image.convert("RGB"), dtype=int)
    red = (rgb[..., 0] > 170) & (rgb[..., 1] < 120) & (rgb[..., 2] < 60)
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


def wait(dash_duo, timeout: float = 20) -> WebDriverWait:
    """A wait that tolerates elements being replaced while a callback re-renders them."""
    return WebDriverWait(dash_duo.driver, timeout,
                         ignored_exceptions=(StaleElementReferenceException, NoSuchElementException))


def text_of(driver, selector: str) -> str:
    """The visible text of an element, read in one step in the page (a callback may replace the
    element at any moment, which would leave a Selenium reference to it stale)."""
    found = driver.execute_script("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;",
                                  selector)
    if found is None:
        raise NoSuchElementException(selector)
    return found


def kpi(dash_duo, name: str) -> str:
    """The text of the tile value whose ``data-kpi`` is ``name``."""
    return text_of(dash_duo.driver, f'[data-kpi="{name}"]')


def wait_for_kpi(dash_duo, name: str, value: int, timeout: float = 20) -> None:
    wait(dash_duo, timeout).until(lambda d: number(kpi(dash_duo, name)) == value,
                                  message=f"{name} never became {value}")


def url_query(url: str) -> dict[str, str]:
    """A URL's query parameters, one value each."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def wait_for_query(dash_duo, timeout: float = 20, **expected) -> None:
    """Wait until the address bar's query holds ``expected``."""
    wait(dash_duo, timeout).until(
        lambda d: all(url_query(d.current_url).get(k) == v for k, v in expected.items()),
        message=f"URL never showed {expected}")


def grid_rows(dash_duo, grid_id: str, timeout: float = 20) -> list[dict]:
    """The rows of an AG Grid as sorted on screen, once the grid exists and has rows."""
    wait(dash_duo, timeout).until(lambda d: d.execute_script(GRID_ROWS_JS, grid_id))
    return dash_duo.driver.execute_script(GRID_ROWS_JS, grid_id)


def map_point_on_screen(driver, selector: str, lat: float, lon: float) -> tuple[float, float]:
    """Where a point (WGS 84) of the map inside ``selector`` is drawn, in page pixels."""
    return tuple(driver.execute_script(PROJECT_JS, selector, lat, lon))


def sign_in_browser(dash_duo, server_url: str, database_url: str, role: str = "admin") -> None:
    """Sign the browser in through the sign-in form as the test account of ``role``."""
    from tests.helpers import TEST_PASSWORD, ensure_user

    name = ensure_user(database_url, role)
    dash_duo.driver.get(server_url + "/login")
    dash_duo.wait_for_element("#username", timeout=10).send_keys(name)
    dash_duo.find_element("#password").send_keys(TEST_PASSWORD)
    dash_duo.find_element("form button[type=submit]").click()
    wait(dash_duo, 10).until(lambda d: "/login" not in d.current_url)


def browser_session(driver) -> requests.Session:
    """A requests session carrying the browser's cookies (its sign-in), for the files a page links to."""
    session = requests.Session()
    for cookie in driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    return session
