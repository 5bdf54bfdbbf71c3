"""/services in headless Chromium: tiles, cards and late reports against independent SQL, the
filters and the group switch, a KPI's detail by a click and by the URL, the template link, in
Indonesian and English, light and the dark kiosk, at 1920 px and at 390 px."""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from selenium.webdriver.common.by import By

from tests.browser import browser_session, save_screenshot, scroll_sizes, set_viewport, text_of, wait, wait_for_query
from tests.helpers import FIXED_NOW
from tests.sql import frame, rows

NEWEST_SQL = """SELECT d.code, d.target, d.direction, d.amber, v.value FROM kpi_definitions d
                JOIN kpi_values v ON v.kpi_id = d.id
                WHERE v.period_start = (SELECT max(period_start) FROM kpi_values w WHERE w.kpi_id = d.id)"""
# each KPI's last closed period on 23 Nov 2026 (FIXED_NOW), late since the 11th of the month after it ended
MISSING_SQL = """SELECT d.code, a.code AS agency FROM kpi_definitions d JOIN agencies a ON a.id = d.agency_id
                 WHERE NOT EXISTS (SELECT 1 FROM kpi_values v WHERE v.kpi_id = d.id AND v.period_start =
                                   CASE d.period WHEN 'monthly' THEN '2026-10-01' ELSE '2026-07-01' END)"""
CHART_TITLE = "#services-detail-chart .gtitle"
TITLE_JS = "const e = document.querySelector(arguments[0]); return e ? e.textContent : null"


def _status(row) -> str:
    """Met at or beyond the target, close up to the amber threshold, else missed (independent of rules.scoring)."""
    sign = 1 if row.direction == "higher" else -1
    if sign * (row.value - row.target) >= 0:
        return "met"
    return "close" if row.amber == row.amber and sign * (row.value - row.amber) >= 0 else "missed"


@pytest.fixture
def services(live_app):
    return live_app(boundaries_dir=None, frozen_now=FIXED_NOW)


def _open(dash_duo, query: str = "") -> None:
    dash_duo.driver.get(dash_duo.server_url + "/services" + query)
    dash_duo.wait_for_element('[data-kpi="kpis_met"]', timeout=20)
    dash_duo.wait_for_element("[data-kpi-card]", timeout=20)
    dash_duo.wait_for_element(f"{CHART_TITLE}", timeout=20)


def _title(driver) -> str | None:
    """The detail chart's title as drawn (an SVG text)."""
    return driver.execute_script(TITLE_JS, CHART_TITLE)


def _cards(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('[data-kpi-card]')).map(e => e.dataset.kpiCard)")


def _click_label(dash_duo, selector: str, text: str) -> None:
    label = next(e for e in dash_duo.find_elements(f"{selector} label") if e.text == text)
    label.click()


def test_services_in_indonesian(services, city_db):
    dash_duo = services
    _open(dash_duo)
    newest = frame(city_db, NEWEST_SQL)
    statuses = {row.code: _status(row) for row in newest.itertuples()}
    for status in ("met", "close", "missed"):
        assert int(text_of(dash_duo.driver, f'[data-kpi="kpis_{status}"]')) == list(statuses.values()).count(status)
    assert text_of(dash_duo.driver, '[data-kpi="kpis_no_data"]') == "0"
    missing = frame(city_db, MISSING_SQL)
    assert int(text_of(dash_duo.driver, '[data-kpi="kpi_reports_late"]')) == len(missing) > 0
    late_rows = dash_duo.find_elements("#services-late-table tbody tr")
    assert sorted(r.get_attribute("data-late-kpi") for r in late_rows) == sorted(missing["code"])
    assert all("terlambat sejak 11 Nov 2026" in r.text and "Okt 2026" in r.text for r in late_rows)
    assert sorted(_cards(dash_duo)) == sorted(statuses)
    for code, status in statuses.items():
        assert dash_duo.find_element(f'[data-kpi-card="{code}"]').get_attribute("data-status") == status
    fire = newest.set_index("code").loc["waktu_tanggap_damkar", "value"]
    assert text_of(dash_duo.driver, '[data-kpi="kpi_waktu_tanggap_damkar"]') == f"{fire:.1f}".replace(".", ",") + " menit"
    save_screenshot(dash_duo.driver, "services-id-light-1920x1080")

    # the status filter keeps the KPIs of that status and goes into the URL
    dash_duo.select_dcc_dropdown("#services-status", value="≈ Hampir tercapai")
    wait(dash_duo).until(lambda d: sorted(_cards(dash_duo)) == sorted(c for c, s in statuses.items() if s == "close"))
    wait_for_query(dash_duo, status="close")
    dash_duo.find_element("#services-status .dash-dropdown-clear").click()
    wait(dash_duo).until(lambda d: len(_cards(dash_duo)) == len(statuses))
    # grouped by dimension, headed by the dimensions' names
    _click_label(dash_duo, "#services-group", "Dimensi")
    wait(dash_duo).until(lambda d: "Lingkungan (Smart Environment)" in text_of(d, "#services-cards"))
    wait_for_query(dash_duo, group="dimension")
    # a click on a card opens its detail; the span changes the chart and its title with it
    dash_duo.find_element('[data-kpi-card="jalan_mantap"]').click()
    wait(dash_duo).until(lambda d: text_of(d, "#services-detail-name") == "Jalan kondisi mantap")
    wait_for_query(dash_duo, kpi="jalan_mantap", group="dimension")
    wait(dash_duo).until(lambda d: _title(d) == "12 triwulan terakhir (T4 2023 – T3 2026)")
    _click_label(dash_duo, "#services-span", "36")
    wait(dash_duo).until(lambda d: _title(d) == "36 triwulan terakhir (T4 2017 – T3 2026)")
    ticks = dash_duo.driver.execute_script(
        "return document.querySelector('#services-detail-chart .js-plotly-plot').data[0].x.length")
    assert ticks == 36
    assert "dari 36 periode dilaporkan" in text_of(dash_duo.driver, "#services-detail-note")
    save_screenshot(dash_duo.driver, "services-id-light-detail-1920x1080")
    # an agency's template, as the admin may have it
    link = dash_duo.find_element('[data-template="DPUPR"]').get_attribute("href")
    answer = browser_session(dash_duo.driver).get(link)
    assert answer.status_code == 200
    assert load_workbook(BytesIO(answer.content))["KPI"]["A1"].value == "kode_kpi"
    assert dash_duo.get_logs() == []


def test_services_in_english_on_the_dark_wall(services):
    dash_duo = services
    _open(dash_duo, "?lang=en&theme=dark&kiosk=1&rotate=services&seconds=3600&kpi=uptime_wifi&span=24")
    dash_duo.wait_for_element("html.kiosk", timeout=10)
    wait(dash_duo).until(lambda d: text_of(d, "#services-detail-name") == "Public WiFi availability")
    wait(dash_duo).until(lambda d: _title(d) == "Last 24 months (Nov 2024 – Oct 2026)")
    page = text_of(dash_duo.driver, ".page-services")
    for expected in ("KPIs met", "KPIs close", "Late reports", "Service KPI catalogue", "late since 11 Nov 2026",
                     "Target ≥ 97%", "Against Sep 2026"):
        assert expected in page, expected
    assert not dash_duo.find_element(".services-controls").is_displayed()  # nothing to operate on the wall
    assert not any(e.is_displayed() for e in dash_duo.find_elements(".services-template"))
    assert dash_duo.driver.execute_script("return document.documentElement.getAttribute('data-bs-theme')") == "dark"
    save_screenshot(dash_duo.driver, "services-en-dark-kiosk-1920x1080")
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("lang", ["id", "en"])
def test_services_on_a_phone(services, lang):
    dash_duo = services
    set_viewport(dash_duo.driver, 390, 844)
    _open(dash_duo, f"?lang={lang}&theme=light")
    sizes = scroll_sizes(dash_duo.driver)
    assert sizes["sw"] <= sizes["cw"]  # nothing wider than the phone
    widths = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('[data-kpi-card], .kpi-tile-wrap'))"
        ".map(e => e.getBoundingClientRect().right)")
    assert max(widths) <= 390
    save_screenshot(dash_duo.driver, f"services-{lang}-390")
    card = dash_duo.find_element('[data-kpi-card="sampah_terangkut"]')
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", card)
    card.click()  # the detail is far below on a phone: it is brought into view
    name = "Sampah terangkut ke TPA" if lang == "id" else "Garbage hauled to landfill"
    wait(dash_duo).until(lambda d: text_of(d, "#services-detail-name") == name)
    wait(dash_duo).until(lambda d: d.execute_script(
        "const r = document.getElementById('services-detail').getBoundingClientRect();"
        "return r.top >= -1 && r.top < window.innerHeight / 2"))
    save_screenshot(dash_duo.driver, f"services-{lang}-390-detail")
    assert dash_duo.get_logs() == []


def test_an_agency_template_from_services_filled_and_uploaded(live_app, writable_city, tmp_path):
    dash_duo = live_app(writable_city, frozen_now=FIXED_NOW, role="operator")
    _open(dash_duo, "?agency=DLH")
    link = dash_duo.find_element('.services-group-title [data-template="DLH"]').get_attribute("href")
    book = load_workbook(BytesIO(browser_session(dash_duo.driver).get(link).content))
    sheet = book["KPI"]
    assert [r[4].value for r in sheet.iter_rows(min_row=2)] == ["2026-08-01", "2026-09-01", "2026-10-01"]
    sheet["F4"] = 91.25  # a correction of October
    path = tmp_path / "templat_DLH.xlsx"
    book.save(path)
    # the page's link leads to the upload with the KPI source chosen
    upload = dash_duo.find_element(".services-templates a[href^='/upload']")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", upload)
    upload.click()
    dash_duo.wait_for_element("#upload-file input[type=file]", timeout=20).send_keys(str(path))
    dash_duo.wait_for_element('#upload-template-notice[data-template="recognised"]', timeout=20)
    wait(dash_duo).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#upload-preview-table tbody tr")) == 3)
    button = dash_duo.find_element("#upload-import")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
    button.click()
    dash_duo.wait_for_element("#upload-template-rows", timeout=20)
    results = {r.get_attribute("data-row"): r.get_attribute("data-result")
               for r in dash_duo.find_elements("#upload-template-rows tbody tr")}
    assert results == {"2": "unchanged", "3": "unchanged", "4": "updated"}
    assert rows(writable_city, """SELECT v.value, v.reported_by FROM kpi_values v JOIN kpi_definitions d
                                  ON d.id = v.kpi_id WHERE d.code = 'sampah_terangkut' AND v.period_start = '2026-10-01'"""
                ) == [(91.25, "test-operator")]
    save_screenshot(dash_duo.driver, "services-template-uploaded-1920x1080")
    assert dash_duo.get_logs() == []
