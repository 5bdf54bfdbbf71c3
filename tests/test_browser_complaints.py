"""/complaints in headless Chromium: tiles and tables against SQL, every filter, a click on
the map, the URL following the filters, a pasted URL giving the same view, maps that draw,
and no personal data anywhere on the page."""
import json

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.browser import (grid_rows, kpi, map_point_on_screen, rendered_polygons, save_screenshot, wait_for_kpi,
                           wait_for_map, wait_for_query)
from tests.helpers import FIXED_NOW, number
from tests.sql import rows, scalar

NOW = FIXED_NOW.replace(tzinfo=None)
OPEN = "('received', 'assigned', 'responded', 'in_progress', 'reopened')"


def _received(city_db, start: str, end: str, where: str = "1=1", **params) -> int:
    """Complaints received in [start, end) given as naive UTC ISO strings, with an extra condition."""
    return scalar(city_db, f"""SELECT count(*) FROM complaints c JOIN complaint_categories cat ON cat.id = c.category_id
                             JOIN agencies a ON a.id = c.agency_id JOIN regions k ON k.id = c.kecamatan_id
                             WHERE c.received_at >= :s AND c.received_at < :e AND {where}""",
                  s=start, e=end, **params)


WEEK = ("2026-11-16 17:00:00", "2026-11-23 17:00:00")  # 17-23 Nov 2026 in WIB
MONTH30 = ("2026-10-24 17:00:00", "2026-11-23 17:00:00")


@pytest.fixture
def page(live_app):
    return live_app(frozen_now=FIXED_NOW)


def _open(dash_duo, query: str = ""):
    dash_duo.driver.get(dash_duo.server_url + "/complaints" + query)
    dash_duo.wait_for_element('[data-kpi="complaints_period"]', timeout=20)


def test_default_view_matches_sql_and_writes_the_url(page, city_db):
    dash_duo = page
    _open(dash_duo)
    wait_for_query(dash_duo, period="7d")
    assert number(kpi(dash_duo, "complaints_period")) == _received(city_db, *WEEK)
    red = scalar(city_db, f"""SELECT count(*) FROM complaints WHERE status IN {OPEN}
                             AND first_response_at IS NULL AND response_due_at < :n""", n=NOW)
    assert red > 0 and number(kpi(dash_duo, "complaints_red")) == red
    assert number(kpi(dash_duo, "complaints_open")) == scalar(
        city_db, f"SELECT count(*) FROM complaints WHERE status IN {OPEN}")
    agencies = grid_rows(dash_duo, "complaints-agency-grid")
    assert sum(r["received"] for r in agencies) == _received(city_db, *WEEK)
    assert sum(r["red"] for r in agencies) == red
    flags = grid_rows(dash_duo, "complaints-red-grid")
    assert len(flags) == min(red, 500)
    oldest = rows(city_db, f"""SELECT external_id FROM complaints WHERE status IN {OPEN} AND first_response_at IS NULL
                               AND response_due_at < :n ORDER BY received_at, id LIMIT 3""", n=NOW)
    assert [r["external_id"] for r in flags[:3]] == [r[0] for r in oldest]
    # both maps draw: 13 kecamatan polygons, and the complaint locations layer
    wait_for_map(dash_duo.driver, "#complaints-choropleth")
    assert len(rendered_polygons(dash_duo.driver, "#complaints-choropleth")) == 13
    wait_for_map(dash_duo.driver, "#complaints-locations")
    save_screenshot(dash_duo.driver, "complaints-light-1920x1080")
    assert dash_duo.get_logs() == []


def test_each_filter_and_a_map_click_drive_tiles_table_and_url(page, city_db):
    dash_duo = page
    _open(dash_duo)
    # period
    dash_duo.find_element("label[for='_dbcprivate_radioitems_complaints-period_input_30d']").click()
    wait_for_query(dash_duo, period="30d")
    wait_for_kpi(dash_duo, "complaints_period", _received(city_db, *MONTH30))
    # category
    dash_duo.select_dcc_dropdown("#complaints-category", value="Penerangan jalan umum mati")
    wait_for_query(dash_duo, period="30d", category="pju")
    expected = _received(city_db, *MONTH30, where="cat.code = 'pju'")
    wait_for_kpi(dash_duo, "complaints_period", expected)
    assert sum(r["received"] for r in grid_rows(dash_duo, "complaints-agency-grid")) == expected
    # agency: the one that handles street lighting, so the view stays non-empty
    agency, agency_name = rows(city_db, """SELECT a.code, a.name FROM agencies a JOIN complaint_categories c
                                           ON c.agency_id = a.id WHERE c.code = 'pju'""")[0]
    dash_duo.select_dcc_dropdown("#complaints-agency", value=agency_name)
    wait_for_query(dash_duo, agency=agency)
    wait_for_kpi(dash_duo, "complaints_period",
                  _received(city_db, *MONTH30, where="cat.code = 'pju' AND a.code = :a", a=agency))
    # status
    dash_duo.select_dcc_dropdown("#complaints-status", value="Selesai")
    wait_for_query(dash_duo, status="resolved")
    expected = _received(city_db, *MONTH30, where="cat.code = 'pju' AND a.code = :a AND c.status = 'resolved'",
                         a=agency)
    wait_for_kpi(dash_duo, "complaints_period", expected)
    assert expected > 0
    # a click on a kecamatan in the map filters by it
    wait_for_map(dash_duo.driver, "#complaints-choropleth")
    code, lat, lon = rows(city_db, """SELECT code, centroid_lat, centroid_lon FROM regions
                                      WHERE level = 'kecamatan' ORDER BY area_km2 DESC LIMIT 1""")[0]
    x, y = map_point_on_screen(dash_duo.driver, "#complaints-choropleth", lat, lon)
    ActionChains(dash_duo.driver).send_keys(Keys.ESCAPE).perform()  # close the open dropdown first
    ActionChains(dash_duo.driver).move_to_location(int(x), int(y)).click().perform()
    wait_for_query(dash_duo, kecamatan=code)
    expected = _received(city_db, *MONTH30, where="cat.code = 'pju' AND a.code = :a AND c.status = 'resolved' "
                                                  "AND k.code = :k", a=agency, k=code)
    wait_for_kpi(dash_duo, "complaints_period", expected)
    assert sum(r["received"] for r in grid_rows(dash_duo, "complaints-agency-grid")) == expected
    copied = dash_duo.driver.current_url
    tiles = {k: kpi(dash_duo, f"complaints_{k}") for k in ("period", "open", "red", "on_time", "resolved")}

    # the copied URL opens the same view: same controls, same numbers
    dash_duo.driver.get("about:blank")
    dash_duo.driver.get(copied)
    dash_duo.wait_for_element('[data-kpi="complaints_period"]', timeout=20)
    wait_for_kpi(dash_duo, "complaints_period", expected)
    assert {k: kpi(dash_duo, f"complaints_{k}") for k in tiles} == tiles
    assert dash_duo.driver.current_url == copied
    chosen = dash_duo.find_element("#complaints-kecamatan").text
    name = rows(city_db, "SELECT name FROM regions WHERE code = :c", c=code)[0][0]
    assert name in chosen
    assert dash_duo.get_logs() == []


def test_custom_period_from_a_link_and_unknown_values_are_reported(page, city_db):
    dash_duo = page
    _open(dash_duo, "?period=custom&from=2026-11-01&to=2026-11-10&category=pju,ufo&theme=dark")
    expected = _received(city_db, "2026-10-31 17:00:00", "2026-11-10 17:00:00", where="cat.code = 'pju'")
    wait_for_kpi(dash_duo, "complaints_period", expected)
    assert "category=ufo" in dash_duo.find_element("#complaints-notice").text
    assert "pju" not in dash_duo.find_element("#complaints-notice").text
    assert dash_duo.find_element("#complaints-dates").is_displayed()
    wait_for_map(dash_duo.driver, "#complaints-choropleth")
    save_screenshot(dash_duo.driver, "complaints-dark-1920x1080")
    grid_rows(dash_duo, "complaints-red-grid")
    dash_duo.driver.execute_script("document.getElementById('complaints-agency-grid').scrollIntoView({behavior: 'instant'})")
    save_screenshot(dash_duo.driver, "complaints-dark-tables")
    assert dash_duo.get_logs() == []


def test_no_personal_data_reaches_a_leadership_page(live_app, city_db):
    dash_duo = live_app(frozen_now=FIXED_NOW, role="leadership")  # operators and admins see it: tests/test_privacy_by_role.py
    _open(dash_duo, "?period=30d")
    flags = grid_rows(dash_duo, "complaints-red-grid")
    assert flags
    secrets = [v for row in rows(city_db, f"""SELECT reporter_name, reporter_phone, reporter_email, reporter_nik
                                              FROM complaints WHERE status IN {OPEN} AND first_response_at IS NULL
                                              AND response_due_at < :n""", n=NOW) for v in row if v]
    texts = rows(city_db, f"""SELECT description FROM complaints WHERE status IN {OPEN} AND first_response_at IS NULL
                              AND response_due_at < :n""", n=NOW)
    leaked_in_source = [s for s in secrets if any(s in t for (t,) in texts)]
    assert leaked_in_source, "the generated red flags should include texts that carry personal data"
    shown = json.dumps(flags, ensure_ascii=False) + dash_duo.driver.find_element("tag name", "body").text
    assert [s for s in secrets if s in shown] == []
    assert "[disamarkan]" in shown


def test_a_burst_is_listed_on_complaints_filters_with_one_click_and_named_in_the_briefing(live_app, writable_city):
    """The early warning on /complaints: the running burst with its sentence and the rule in one
    sentence; its link filters the page to its category and kecamatan; the briefing names it;
    in English too, and on a phone."""
    from selenium.webdriver.support.ui import WebDriverWait

    from cities import load_profile
    from data_sources import clock
    from tests.browser import save_screenshot, scroll_sizes, set_viewport, wait_for_page
    from tests.helpers import raise_burst

    profile = load_profile("kota_tangerang")
    assert raise_burst(writable_city, clock.utcnow())["raised"] == 1
    dash_duo = live_app(writable_city, boundaries_dir=None)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/complaints?period=today")
    item = dash_duo.wait_for_element(".complaints-alerts-card .alert-item-running", timeout=20)
    assert "Lonjakan aduan Banjir dan genangan di Periuk: 30 dalam" in item.text and "berlangsung" in item.text
    assert "uji Poisson" in dash_duo.find_element(".complaints-alerts-card .hint").text
    save_screenshot(driver, "complaints-alerts-1920x1080")
    item.find_element("css selector", "a.alert-link").click()
    periuk = next(k.code for k in profile.kecamatan if k.name == "Periuk")
    WebDriverWait(driver, 15).until(lambda d: "category=banjir" in d.current_url and f"kecamatan={periuk}" in d.current_url)
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "const v = document.querySelector('[data-kpi=\"complaints_period\"]'); return v && v.textContent.trim()") not in
        (None, ""))
    assert "period=custom" in driver.current_url
    assert dash_duo.find_element('[data-kpi="complaints_period"]').text == "30"  # the burst's own complaints
    driver.get(dash_duo.server_url + "/briefing?period=7d")
    sentences = dash_duo.wait_for_element("#briefing-sentences-complaints li", timeout=20)
    WebDriverWait(driver, 20).until(lambda d: "Lonjakan aduan dalam periode ini: Banjir dan genangan di Periuk" in
                                    d.find_element("css selector", "#briefing-sentences-complaints").text)
    assert sentences.is_displayed()
    driver.get(dash_duo.server_url + "/set-language/en")
    driver.get(dash_duo.server_url + "/complaints?period=today")
    english = dash_duo.wait_for_element(".complaints-alerts-card .alert-item-running", timeout=20)
    assert "Spike in Flooding" in english.text or "Spike in Flood" in english.text
    assert "running" in english.text and "Poisson test" in dash_duo.find_element(".complaints-alerts-card .hint").text
    set_viewport(driver, 390, 844)
    driver.get(dash_duo.server_url + "/complaints?period=today")
    narrow = dash_duo.wait_for_element(".complaints-alerts-card .alert-item-running", timeout=20)
    wait_for_page(driver)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", narrow)
    save_screenshot(driver, "complaints-alerts-en-390")
    sizes = scroll_sizes(driver)
    assert sizes["sw"] <= sizes["cw"], sizes  # nothing wider than the phone
    assert dash_duo.get_logs() == []
