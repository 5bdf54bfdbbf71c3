"""The data steward's sources page in headless Chromium (the other pages have their own files)."""
import pytest

from tests.browser import grid_rows


@pytest.fixture
def app_duo(live_app):
    return live_app(boundaries_dir=None)


def test_sources_page_shows_freshness_runs_and_refusedrows(app_duo):
    dash_duo = app_duo
    dash_duo.driver.get(dash_duo.server_url + "/sources")
    dash_duo.wait_for_element("#sources-table", timeout=20)
    states = {e.get_attribute("data-source"): e.get_attribute("data-freshness")
              for e in dash_duo.find_elements("#sources-table [data-source]")}
    assert set(states) == {"complaints", "cctv_nvr", "wifi_probe", "app_monitor", "kpi_sheet", "indicator_sheet"}
    assert states["complaints"] == "red"  # the fixture city's feed stopped long ago
    rejected = " ".join(row["reason"] for row in grid_rows(dash_duo, "sources-rejected-grid"))
    assert "Koordinat di luar wilayah kota" in rejected and "tidak ada dalam profil kota" in rejected
    assert len(dash_duo.find_elements("#sources-runs-table tbody tr")) == 6  # one initial run per source
    assert dash_duo.get_logs() == []
