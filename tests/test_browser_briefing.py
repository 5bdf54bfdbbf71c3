"""/briefing in headless Chromium: the sentences and tiles against SQL, choosing a period
(the URL, the figures and the download links follow), a custom range from a link, a bad link
explained, and the links answering with a PDF and a PNG."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

from app import create_app
from components.briefing_charts import CHARTS
from tests.browser import save_screenshot, set_viewport
from tests.conftest import FIXED_NOW, test_settings
from tests.sql import scalar

NOW = "2026-11-23 07:30:00"
WEEK, MONTH30 = "2026-11-16 17:00:00", "2026-10-24 17:00:00"  # local midnights of 17 Nov and 25 Oct (WIB)


@pytest.fixture
def page(dash_duo, city_db, shared_geo):
    settings = test_settings(city_db, boundaries_dir=shared_geo, frozen_now=FIXED_NOW)
    dash_duo.start_server(create_app(settings, prepare_database=False))
    set_viewport(dash_duo.driver, 1920, 1080)
    return dash_duo


def _wait(dash_duo, timeout: float = 20) -> WebDriverWait:
    return WebDriverWait(dash_duo.driver, timeout,
                         ignored_exceptions=(StaleElementReferenceException, NoSuchElementException))


def _open(dash_duo, query: str = ""):
    dash_duo.driver.get(dash_duo.server_url + "/briefing" + query)
    dash_duo.wait_for_element('[data-sentence="complaints"]', timeout=30)


def _sentences(dash_duo) -> list[str]:
    return [e.text for e in dash_duo.find_elements("[data-sentence]")]


def _number(dash_duo, kpi: str) -> int:
    return int(dash_duo.find_element(f'[data-kpi="{kpi}"]').text.replace(".", ""))


def _received(city_db, start: str, end: str = NOW) -> int:
    return scalar(city_db, "SELECT count(*) FROM complaints WHERE received_at >= :s AND received_at < :e", s=start, e=end)


def _query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_briefing_page_periods_sentences_and_downloads(page, city_db):
    dash_duo = page
    _open(dash_duo)
    week = _received(city_db, WEEK)
    _wait(dash_duo).until(lambda d: len(_sentences(dash_duo)) >= 7, message="sentences never appeared")
    sentences = _sentences(dash_duo)
    assert re.fullmatch(rf"Aduan (naik|turun) \d+% dibanding minggu lalu: {week:,} aduan, sebelumnya [\d.]+\.".replace(
        ",", "."), sentences[0]), sentences[0]
    assert any(re.match(r".+ memiliki \d+ aduan terlambat \(minggu lalu: \d+\)\.", s) for s in sentences)
    assert any(s.startswith("Uptime CCTV") for s in sentences) and any("KPI layanan" in s for s in sentences)
    assert _number(dash_duo, "briefing_received") == week
    pdf = dash_duo.find_element("#briefing-pdf").get_attribute("href")
    assert urlsplit(pdf).path == "/briefing/export.pdf" and _query(pdf) == {"period": "7d", "lang": "id"}
    pngs = [e.get_attribute("href") for e in dash_duo.find_elements("a[id*='briefing-png']")]
    assert sorted(urlsplit(h).path for h in pngs) == sorted(f"/briefing/chart/{n}.png" for n in CHARTS)
    dash_duo.wait_for_element("#briefing-agency-grid tbody tr")
    save_screenshot(dash_duo.driver, "briefing-light-1920x1080")

    # the last 30 days: the address, the figures and the links follow
    dash_duo.find_element("label[for='_dbcprivate_radioitems_briefing-period_input_30d']").click()
    _wait(dash_duo).until(lambda d: _query(d.current_url).get("period") == "30d", message="URL never showed 30d")
    month = _received(city_db, MONTH30)
    _wait(dash_duo).until(lambda d: _number(dash_duo, "briefing_received") == month)
    _wait(dash_duo).until(lambda d: "dibanding 30 hari sebelumnya" in _sentences(dash_duo)[0])
    pdf = dash_duo.find_element("#briefing-pdf").get_attribute("href")
    assert _query(pdf) == {"period": "30d", "lang": "id"}
    assert all(_query(h)["period"] == "30d" for h in
               [e.get_attribute("href") for e in dash_duo.find_elements("a[id*='briefing-png']")])

    # the links answer with the files
    answer = requests.get(pdf, timeout=60)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    png = dash_duo.find_element("a[id*='briefing-png'][id*='late']").get_attribute("href")
    answer = requests.get(png, timeout=60)
    assert answer.status_code == 200 and answer.content.startswith(b"\x89PNG")

    # a date range: the date picker appears and the comparison is "the previous period"
    dash_duo.find_element("label[for='_dbcprivate_radioitems_briefing-period_input_custom']").click()
    _wait(dash_duo).until(lambda d: _query(d.current_url) == {"start": "2026-10-25", "end": "2026-11-23"})
    assert dash_duo.find_element("#briefing-dates").is_displayed()
    _wait(dash_duo).until(lambda d: "dibanding periode sebelumnya" in _sentences(dash_duo)[0])
    assert dash_duo.get_logs() == []


def test_custom_range_from_a_link_and_a_bad_link_is_explained(page, city_db):
    dash_duo = page
    _open(dash_duo, "?start=2026-11-01&end=2026-11-14&lang=en")
    _wait(dash_duo).until(lambda d: "compared with the previous period" in _sentences(dash_duo)[0])
    expected = _received(city_db, "2026-10-31 17:00:00", "2026-11-14 17:00:00")
    assert int(dash_duo.find_element('[data-kpi="briefing_received"]').text.replace(",", "")) == expected
    assert "1 Nov 2026 to 14 Nov 2026" in dash_duo.find_element("#briefing-heading").text
    assert _query(dash_duo.find_element("#briefing-pdf").get_attribute("href")) == {
        "start": "2026-11-01", "end": "2026-11-14", "lang": "en"}

    _open(dash_duo, "?period=year&start=2026-11-20&lang=id")
    notice = dash_duo.wait_for_element(".briefing-notice").text
    assert "periode tidak dikenal (period=year)" in notice
    _wait(dash_duo).until(lambda d: _query(d.current_url) == {"start": "2026-11-20", "end": "2026-11-23"},
                          message=f"URL: {dash_duo.driver.current_url}")
    save_screenshot(dash_duo.driver, "briefing-notice-1920x1080")
    assert dash_duo.get_logs() == []
