"""/briefing in headless Chromium: the sentences and tiles against SQL, choosing a period
(the URL, the figures and the download links follow), a custom range from a link, a bad link
explained, and the links answering with a PDF and a PNG."""
import re

import pytest
import requests

from reports.charts import CHARTS
from tests.browser import browser_session, kpi, save_screenshot, url_query, wait
from tests.helpers import FIXED_NOW, number
from tests.sql import scalar

NOW = "2026-11-23 07:30:00"
WEEK, MONTH30 = "2026-11-16 17:00:00", "2026-10-24 17:00:00"  # local midnights of 17 Nov and 25 Oct (WIB)


@pytest.fixture
def page(live_app):
    return live_app(frozen_now=FIXED_NOW)


def _open(dash_duo, query: str = ""):
    dash_duo.driver.get(dash_duo.server_url + "/briefing" + query)
    dash_duo.wait_for_element('[data-sentence="complaints"]', timeout=30)


def _sentences(dash_duo) -> list[str]:
    return [e.text for e in dash_duo.find_elements("[data-sentence]")]


def _received(city_db, start: str, end: str = NOW) -> int:
    return scalar(city_db, "SELECT count(*) FROM complaints WHERE received_at >= :s AND received_at < :e", s=start, e=end)


def test_briefing_page_periods_sentences_and_downloads(page, city_db):
    dash_duo = page
    _open(dash_duo)
    week = _received(city_db, WEEK)
    wait(dash_duo).until(lambda d: len(_sentences(dash_duo)) >= 7, message="sentences never appeared")
    sentences = _sentences(dash_duo)
    assert re.fullmatch(rf"Aduan (naik|turun) \d+% dibanding minggu lalu: {week:,} aduan, sebelumnya [\d.]+\.".replace(
        ",", "."), sentences[0]), sentences[0]
    assert any(re.match(r".+ memiliki \d+ aduan terlambat \(minggu lalu: \d+\)\.", s) for s in sentences)
    assert any(s.startswith("Uptime CCTV") for s in sentences) and any("KPI layanan" in s for s in sentences)
    assert number(kpi(dash_duo, "briefing_received")) == week
    pdf = dash_duo.find_element("#briefing-pdf").get_attribute("href")
    assert pdf.split("?")[0].removeprefix(dash_duo.server_url) == "/briefing/export.pdf" and url_query(pdf) == {"period": "7d", "lang": "id"}
    pngs = [e.get_attribute("href") for e in dash_duo.find_elements("a[id*='briefing-png']")]
    assert sorted(h.split("?")[0].removeprefix(dash_duo.server_url) for h in pngs) == sorted(f"/briefing/chart/{n}.png" for n in CHARTS)
    dash_duo.wait_for_element("#briefing-agency-grid tbody tr")
    save_screenshot(dash_duo.driver, "briefing-light-1920x1080")

    # the last 30 days: the address, the figures and the links follow
    dash_duo.find_element("label[for='_dbcprivate_radioitems_briefing-period_input_30d']").click()
    wait(dash_duo).until(lambda d: url_query(d.current_url).get("period") == "30d", message="URL never showed 30d")
    month = _received(city_db, MONTH30)
    wait(dash_duo).until(lambda d: number(kpi(dash_duo, "briefing_received")) == month)
    wait(dash_duo).until(lambda d: "dibanding 30 hari sebelumnya" in _sentences(dash_duo)[0])
    pdf = dash_duo.find_element("#briefing-pdf").get_attribute("href")
    assert url_query(pdf) == {"period": "30d", "lang": "id"}
    assert all(url_query(h)["period"] == "30d" for h in
               [e.get_attribute("href") for e in dash_duo.find_elements("a[id*='briefing-png']")])

    # the links answer with the files (to the signed-in browser; to no one else)
    assert requests.get(pdf, timeout=60, allow_redirects=False).status_code == 302
    signed_in = browser_session(dash_duo.driver)
    answer = signed_in.get(pdf, timeout=60)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    png = dash_duo.find_element("a[id*='briefing-png'][id*='late']").get_attribute("href")
    answer = signed_in.get(png, timeout=60)
    assert answer.status_code == 200 and answer.content.startswith(b"\x89PNG")

    # a date range: the date picker appears and the comparison is "the previous period"
    dash_duo.find_element("label[for='_dbcprivate_radioitems_briefing-period_input_custom']").click()
    wait(dash_duo).until(lambda d: url_query(d.current_url) == {"period": "custom", "from": "2026-10-25",
                                                                "to": "2026-11-23"})
    assert dash_duo.find_element("#briefing-dates").is_displayed()
    wait(dash_duo).until(lambda d: "dibanding periode sebelumnya" in _sentences(dash_duo)[0])
    assert dash_duo.get_logs() == []


def test_custom_range_from_a_link_and_a_bad_link_is_explained(page, city_db):
    dash_duo = page
    _open(dash_duo, "?start=2026-11-01&end=2026-11-14&lang=en")  # an older link's names for from and to
    wait(dash_duo).until(lambda d: "compared with the previous period" in _sentences(dash_duo)[0])
    expected = _received(city_db, "2026-10-31 17:00:00", "2026-11-14 17:00:00")
    assert number(kpi(dash_duo, "briefing_received")) == expected
    assert "1 Nov 2026 to 14 Nov 2026" in dash_duo.find_element("#briefing-heading").text
    assert url_query(dash_duo.find_element("#briefing-pdf").get_attribute("href")) == {
        "period": "custom", "from": "2026-11-01", "to": "2026-11-14", "lang": "en"}

    _open(dash_duo, "?period=year&start=2026-11-20&lang=id")
    notice = dash_duo.wait_for_element(".briefing-notice").text
    assert "periode tidak dikenal (period=year)" in notice
    wait(dash_duo).until(lambda d: url_query(d.current_url) == {"period": "custom", "from": "2026-11-20",
                                                                "to": "2026-11-23"},
                          message=f"URL: {dash_duo.driver.current_url}")
    save_screenshot(dash_duo.driver, "briefing-notice-1920x1080")
    assert dash_duo.get_logs() == []
