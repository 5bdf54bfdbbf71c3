"""Evaluation and sources pages in headless Chromium, checked against SQL."""
import pytest

from tests.browser import grid_rows, save_screenshot
from tests.sql import rows


@pytest.fixture
def app_duo(live_app):
    return live_app(boundaries_dir=None)


def test_evaluation_page_scores_the_six_dimensions(app_duo, city_db):
    dash_duo = app_duo
    dash_duo.driver.get(dash_duo.server_url + "/evaluation")
    dash_duo.wait_for_element('[data-kpi="dimension_governance"]', timeout=20)
    year = rows(city_db, "SELECT max(year) FROM indicator_values")[0][0]
    values = rows(city_db, """SELECT i.target, v.value FROM indicators i JOIN indicator_values v ON v.indicator_id = i.id
                             WHERE i.dimension = 'economy' AND v.year = :y""", y=year)
    expected = sum(min(value / target, 1.2) for target, value in values) / len(values)
    assert dash_duo.find_element('[data-kpi="dimension_economy"]').text == f"{round(expected * 100)}%"
    for dimension in ("governance", "branding", "economy", "living", "society", "environment"):
        assert dash_duo.find_element(f'[data-kpi="dimension_{dimension}"]').text.endswith("%")
    assert len(dash_duo.find_elements("#evaluation-indicator-table tbody tr")) == 45
    save_screenshot(dash_duo.driver, "evaluation-light-1920x1080")
    # another year: the table follows
    dash_duo.select_dcc_dropdown("#evaluation-year", value="2018")
    dash_duo.wait_for_contains_text("#evaluation-radar", "2017", timeout=10)  # 2018 against the year before
    assert dash_duo.get_logs() == []


def test_sources_page_shows_freshness_runs_and_refusedrows(app_duo):
    dash_duo = app_duo
    dash_duo.driver.get(dash_duo.server_url + "/sources")
    dash_duo.wait_for_element("#sources-table", timeout=20)
    states = {e.get_attribute("data-source"): e.get_attribute("data-freshness")
              for e in dash_duo.find_elements("#sources-table [data-source]")}
    assert set(states) == {"complaints", "cctv_nvr", "wifi_probe", "kpi_sheet", "indicator_sheet"}
    assert states["complaints"] == "red"  # the fixture city's feed stopped long ago
    rejected = " ".join(row["reason"] for row in grid_rows(dash_duo, "sources-rejected-grid"))
    assert "Koordinat di luar wilayah kota" in rejected and "tidak ada dalam profil kota" in rejected
    assert len(dash_duo.find_elements("#sources-runs-table tbody tr")) == 5
    assert dash_duo.get_logs() == []
