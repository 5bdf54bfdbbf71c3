"""/evaluation in headless Chromium: the six dimensions checked against SQL, the drill-down from a
dimension to an indicator's history and evidence, another year, presentation mode stepped
through with the keyboard at 1280x720 (the address follows the slide, type at least 24 px, no
chrome, no tool bars), English, the dark kiosk and a phone."""
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import save_screenshot, scroll_sizes, url_query, wait, wait_for_page
from tests.evaluation_data import INDICATOR, evaluation_db  # noqa: F401 - a fixture
from tests.helpers import FIXED_NOW
from tests.sql import rows

SLIDES = 10
# every text on the active slide and the bar: its computed size, and whether it is visible
FONT_SIZES_JS = """
const root = document.getElementById('evaluation-present');
const active = root.querySelector('.present-slide.active');
const nodes = [...active.querySelectorAll('*'), ...root.querySelectorAll('.present-bar *')];
return nodes.filter(e => {
  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const box = e.getBoundingClientRect();
  return own && box.width > 0 && box.height > 0 && getComputedStyle(e).visibility !== 'hidden';
}).map(e => [e.tagName, e.textContent.trim().slice(0, 40), parseFloat(getComputedStyle(e).fontSize)]);
"""
OVERFLOW_JS = """
const slide = document.querySelector('#evaluation-present .present-slide.active');
return [...slide.querySelectorAll('*')].filter(e => {
  const r = e.getBoundingClientRect();
  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const box = (own && e.closest('.present-tile') || slide).getBoundingClientRect();  // a tile clips its text
  return r.width > 0 && (r.bottom > box.bottom + 1 || r.right > box.right + 1);
}).map(e => (e.className || e.tagName) + ': ' + e.textContent.trim().slice(0, 40));
"""

def _economy_score(url: str, year: int, profile) -> float:
    """The economy score computed here from SQL: capped achievements, weighted within each
    sub-dimension, sub-dimensions weighted by the profile."""
    values = rows(url, """SELECT i.sub_dimension, i.target, i.direction, i.weight, v.value FROM indicators i
                         JOIN indicator_values v ON v.indicator_id = i.id WHERE i.dimension = 'economy' AND v.year = :y""",
                  y=year)
    subs = {s.code: s.weight for d in profile.dimensions if d.code == "economy" for s in d.sub_dimensions}
    total = weights = 0.0
    for sub, weight in subs.items():
        mine = [(min(v / t if d == "higher" else t / v, 1.0), w) for s, t, d, w, v in values if s == sub]
        total += weight * sum(a * w for a, w in mine) / sum(w for _, w in mine)
        weights += weight
    return total / weights


def _click(dash_duo, selector: str) -> None:
    element = dash_duo.wait_for_element(selector, timeout=15)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()


def _choose(dash_duo, selector: str, label: str) -> None:
    """Choose ``label`` in a dcc.Dropdown (its option scrolled into view first)."""
    _click(dash_duo, selector)
    option = next(o for o in dash_duo.wait_for_element(".dash-dropdown-options").find_elements(
        By.CSS_SELECTOR, ".dash-dropdown-option") if o.text == label)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'nearest', behavior: 'instant'});", option)
    option.click()


def test_scorecard_drill_down_and_another_year(live_app, evaluation_db, profile):  # noqa: F811
    dash_duo = live_app(evaluation_db, frozen_now=FIXED_NOW, boundaries_dir=None)
    dash_duo.driver.get(dash_duo.server_url + "/evaluation")
    dash_duo.wait_for_element('[data-kpi="dimension_economy"]', timeout=20)
    wait_for_page(dash_duo.driver)
    year = rows(evaluation_db, "SELECT max(year) FROM indicator_values")[0][0]
    shown = dash_duo.find_element('[data-kpi="dimension_economy"]').text
    expected = _economy_score(evaluation_db, year, profile)
    assert shown == f"{min(99, int(expected * 100)) if expected < 1 else 100}%"
    for dimension in ("governance", "branding", "economy", "living", "society", "environment"):
        tile = dash_duo.find_element(f'[data-dimension="{dimension}"].dimension-tile')
        badge = tile.find_element(By.CSS_SELECTOR, ".status-badge")
        word = {"met": "Tercapai", "close": "Hampir tercapai", "missed": "Belum tercapai", "no_data": "Tanpa data"}
        assert badge.text.endswith(word[badge.get_attribute("data-status")])  # a word, not colour alone
        change = tile.find_element(By.CSS_SELECTOR, ".dimension-change").text
        assert change.endswith(f"poin persen dari {year - 1}"), change
    assert "naik setiap tahun sejak" in dash_duo.find_element('[data-sentence="economy"]').text
    assert "4 dari 5 aplikasi aktif, 3 terhubung SSO" in dash_duo.find_element("#evaluation-portfolio").text
    assert "dibatasi 100%" in dash_duo.find_element("#evaluation-method").text
    assert len(dash_duo.find_elements(".trend-cell .js-plotly-plot")) == 6
    save_screenshot(dash_duo.driver, "evaluation-light-1920x1080")

    # drill down: the dimension, the indicator's sub-dimension, the indicator, its evidence
    sub = next(i.sub_dimension for i in profile.indicators if i.code == INDICATOR)
    _click(dash_duo, '[data-dimension="economy"].dimension-tile')
    dash_duo.wait_for_element(f'.dimension-detail[data-dimension="economy"] [data-sub-dimension="{sub}"]', timeout=10)
    assert len(dash_duo.find_elements(".dimension-detail .accordion-item")) == 3
    _click(dash_duo, f'[data-sub-dimension="{sub}"]')
    # the accordion opens with a transition: click the link once it is on screen, not while it slides
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.execute_script(
        "const l = document.querySelector(arguments[0]); const c = l && l.closest('.accordion-collapse');"
        "return !!c && c.classList.contains('show') && !c.classList.contains('collapsing') && l.offsetHeight > 0",
        f'[data-indicator="{INDICATOR}"] .indicator-link'))
    _click(dash_duo, f'[data-indicator="{INDICATOR}"] .indicator-link')
    detail = dash_duo.wait_for_element(f'[data-indicator-detail="{INDICATOR}"]', timeout=10)
    link = detail.find_element(By.CSS_SELECTOR, ".evidence-list a")
    assert link.text == "Laporan UMKM go digital" and link.get_attribute("href") == "https://example.go.id/umkm"
    wait(dash_duo).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#evaluation-history-{INDICATOR} .js-plotly-plot"))
    graph = dash_duo.driver.execute_script(
        f"return document.querySelector('#evaluation-history-{INDICATOR} .js-plotly-plot').layout.shapes.length")
    assert graph == 1  # the target line
    value = dash_duo.find_element(f'[data-kpi="indicator_{INDICATOR}"]').text
    assert value.endswith("%")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", detail)
    save_screenshot(dash_duo.driver, "evaluation-drill-down")

    # another year: tiles, the open dimension and the changes follow
    _choose(dash_duo, "#evaluation-year", "2020")
    dash_duo.wait_for_contains_text('[data-change="economy"]', "dari 2019", timeout=10)
    dash_duo.wait_for_contains_text(".dimension-detail", "Nilai 2020", timeout=10)
    assert dash_duo.find_element('[data-kpi="dimension_economy"]').text == \
        f"{int(_economy_score(evaluation_db, 2020, profile) * 100)}%"
    assert "year=2020" in dash_duo.find_element("#evaluation-present-link").get_attribute("href")
    assert "year=2020" in dash_duo.find_element("#evaluation-pdf-link").get_attribute("href")
    assert dash_duo.get_logs() == []


def _counter(dash_duo) -> str:
    return dash_duo.find_element("#evaluation-present .present-counter").text


def test_presentation_mode_with_the_keyboard_at_1280x720(live_app, evaluation_db):  # noqa: F811
    dash_duo = live_app(evaluation_db, frozen_now=FIXED_NOW, boundaries_dir=None, width=1280, height=720,
                        role="evaluator")
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/evaluation?present=1")
    dash_duo.wait_for_element("#evaluation-present .present-slide.active", timeout=20)
    wait_for_page(driver)
    assert _counter(dash_duo) == f"1 / {SLIDES}"
    assert not driver.find_element(By.CSS_SELECTOR, ".app-header").is_displayed()  # no navigation chrome
    assert not driver.find_element(By.CSS_SELECTOR, ".freshness-strip").is_displayed()
    keys = ["title", "policy", "technology", "governance", "services", "scorecard", "consistency", "budget", "awards",
            "security"]
    for number, key in enumerate(keys, start=1):
        if number > 1:
            driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        wait(dash_duo, 10).until(lambda d: _counter(dash_duo) == f"{number} / {SLIDES}")
        active = driver.find_element(By.CSS_SELECTOR, "#evaluation-present .present-slide.active")
        save_screenshot(driver, f"evaluation-present-{number:02d}-{key}")
        assert active.get_attribute("data-key") == key
        assert url_query(driver.current_url).get("slide") == str(number)  # the address follows the slide
        small = [(tag, text, size) for tag, text, size in driver.execute_script(FONT_SIZES_JS) if size < 24]
        assert small == [], small
        svg = driver.execute_script("""return [...document.querySelectorAll(
            '#evaluation-present .present-slide.active svg text')].map(e => parseFloat(getComputedStyle(e).fontSize))""")
        assert all(size >= 24 for size in svg), svg  # the charts' texts too
        assert driver.execute_script(OVERFLOW_JS) == []  # everything fits on the screen
        assert driver.find_elements(By.CSS_SELECTOR, "#evaluation-present .modebar") == []  # no chart tool bars
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)  # past the end: stays on the last
    assert _counter(dash_duo) == f"{SLIDES} / {SLIDES}"
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
    wait(dash_duo, 10).until(lambda d: _counter(dash_duo) == f"{SLIDES - 1} / {SLIDES}")
    assert url_query(driver.current_url)["slide"] == str(SLIDES - 1)
    driver.find_element(By.CSS_SELECTOR, "#evaluation-present .present-slide.active .present-title").click()
    wait(dash_duo, 10).until(lambda d: _counter(dash_duo) == f"{SLIDES} / {SLIDES}")  # a click moves on
    driver.find_element(By.CSS_SELECTOR, "#evaluation-present .present-prev").click()
    wait(dash_duo, 10).until(lambda d: _counter(dash_duo) == f"{SLIDES - 1} / {SLIDES}")

    # a copied address opens its slide; Esc leaves for the scorecard
    driver.get(dash_duo.server_url + "/evaluation?present=1&slide=6&year=2024")
    dash_duo.wait_for_element("#evaluation-present .present-slide.active", timeout=20)
    assert _counter(dash_duo) == f"6 / {SLIDES}"
    active = driver.find_element(By.CSS_SELECTOR, "#evaluation-present .present-slide.active")
    assert active.get_attribute("data-key") == "scorecard" and "2024" in active.text
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    dash_duo.wait_for_element('[data-kpi="dimension_economy"]', timeout=20)
    assert url_query(driver.current_url) == {"year": "2024"}
    assert driver.find_element(By.CSS_SELECTOR, ".app-header").is_displayed()
    assert dash_duo.get_logs() == []


def test_english_dark_kiosk_and_a_phone(live_app, evaluation_db, profile):  # noqa: F811
    dash_duo = live_app(evaluation_db, frozen_now=FIXED_NOW, boundaries_dir=None)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/evaluation?lang=en&theme=dark&kiosk=1&rotate=evaluation&seconds=3600")
    dash_duo.wait_for_element('[data-kpi="dimension_economy"]', timeout=20)
    wait_for_page(driver)
    text = driver.find_element(By.TAG_NAME, "body").text
    assert "Overall achievement in" in text and "has risen every year since" in text
    assert "poin persen" not in text and "Tercapai" not in text
    _click(dash_duo, '[data-dimension="living"].dimension-tile')
    dash_duo.wait_for_element('.dimension-detail[data-dimension="living"]', timeout=10)
    names = driver.find_element(By.CSS_SELECTOR, ".dimension-detail").text
    for sub in next(d for d in profile.dimensions if d.code == "living").sub_dimensions:
        assert sub.name_en in names and sub.name_id not in names
    save_screenshot(driver, "evaluation-dark-en-1920x1080")
    driver.get(dash_duo.server_url + "/evaluation?present=1&slide=7")
    dash_duo.wait_for_element("#evaluation-present .present-slide.active", timeout=20)
    wait_for_page(driver)
    assert "has risen every year since" in driver.find_element(By.CSS_SELECTOR, ".present-slide.active").text
    save_screenshot(driver, "evaluation-present-dark-en-consistency")
    for slide in ("6-scorecard", "8-budget"):
        driver.get(dash_duo.server_url + f"/evaluation?present=1&slide={slide[0]}")
        dash_duo.wait_for_element("#evaluation-present .present-slide.active", timeout=20)
        wait_for_page(driver)
        save_screenshot(driver, f"evaluation-present-dark-en-{slide}")

    # a phone, in Indonesian and the light theme: nothing wider than the screen
    driver.get(dash_duo.server_url + "/evaluation?lang=id&theme=light")
    from tests.browser import set_viewport

    set_viewport(driver, 390, 844)
    dash_duo.wait_for_element('[data-kpi="dimension_economy"]', timeout=20)
    wait_for_page(driver)
    sizes = scroll_sizes(driver)
    assert sizes["sw"] <= sizes["cw"], sizes
    save_screenshot(driver, "evaluation-phone-390")
    _click(dash_duo, '[data-dimension="economy"].dimension-tile')
    dash_duo.wait_for_element('.dimension-detail[data-dimension="economy"]', timeout=10)
    sub = next(i.sub_dimension for i in profile.indicators if i.code == INDICATOR)
    _click(dash_duo, f'[data-sub-dimension="{sub}"]')
    # the accordion opens with a transition: click the link once it is on screen, not while it slides
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.execute_script(
        "const l = document.querySelector(arguments[0]); const c = l && l.closest('.accordion-collapse');"
        "return !!c && c.classList.contains('show') && !c.classList.contains('collapsing') && l.offsetHeight > 0",
        f'[data-indicator="{INDICATOR}"] .indicator-link'))
    _click(dash_duo, f'[data-indicator="{INDICATOR}"] .indicator-link')
    detail = dash_duo.wait_for_element(f'[data-indicator-detail="{INDICATOR}"]', timeout=10)
    wait(dash_duo).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#evaluation-history-{INDICATOR} .js-plotly-plot"))
    sizes = scroll_sizes(driver)
    assert sizes["sw"] <= sizes["cw"], sizes  # the indicator table scrolls inside its own box
    driver.execute_script("arguments[0].scrollIntoView({block: 'start', behavior: 'instant'});", detail)
    save_screenshot(driver, "evaluation-phone-390-indicator")
    assert dash_duo.get_logs() == []
