"""/cctv and /wifi in headless Chromium: tiles against SQL counts and roll-ups, the map draws
every device with the offline ones on top, the down list is longest first, and a click on
the list or on the map opens that device's detail with its state timeline."""
from datetime import timedelta

import pytest
from selenium.webdriver.common.action_chains import ActionChains

from components.theme import STATE_COLOURS
from tests.browser import grid_rows, kpi, map_point_on_screen, save_screenshot, wait, wait_for_map
from tests.helpers import FIXED_NOW, number
from tests.sql import rows, scalar

NOW = FIXED_NOW.replace(tzinfo=None)
RENDERED_POINTS_JS = """
const map = document.querySelector(arguments[0] + ' .js-plotly-plot')._fullLayout.map._subplot.map;
const feats = map.queryRenderedFeatures().filter(f => f.layer.type === 'circle');
return feats.map(f => f.layer.paint ? map.getPaintProperty(f.layer.id, 'circle-color') : null);
"""
LAYER_ORDER_JS = """
const map = document.querySelector(arguments[0] + ' .js-plotly-plot')._fullLayout.map._subplot.map;
return map.getStyle().layers.filter(l => l.type === 'circle').map(l => map.getPaintProperty(l.id, 'circle-color'));
"""
SQL_COUNTS = "SELECT count(*) FROM devices WHERE kind = :k AND active"


def _percent(text: str) -> float:
    return float(text.rstrip("%").replace(".", "").replace(",", ".")) / 100


@pytest.fixture
def app_duo(live_app):
    return live_app(frozen_now=FIXED_NOW)


def _open(dash_duo, kind: str, query: str = ""):
    dash_duo.driver.get(f"{dash_duo.server_url}/{kind}{query}")
    dash_duo.wait_for_element(f'[data-kpi="{kind}_total"]', timeout=20)


def _detail_device(dash_duo) -> str:
    wait(dash_duo).until(lambda d: d.find_element("css selector", ".device-detail [data-device-id]").is_displayed())
    return dash_duo.find_element(".device-detail [data-device-id]").get_attribute("data-device-id")


@pytest.mark.parametrize("kind", ["cctv", "wifi"])
def test_tiles_map_and_down_list_match_sql(app_duo, city_db, kind):
    dash_duo = app_duo
    _open(dash_duo, kind)
    counts = dict(rows(city_db, "SELECT state, count(*) FROM devices WHERE kind = :k AND active GROUP BY state", k=kind))
    total = scalar(city_db, SQL_COUNTS, k=kind)
    assert total > 0 and counts.get("offline", 0) > 0
    assert number(kpi(dash_duo, f"{kind}_total")) == total
    assert number(kpi(dash_duo, f"{kind}_online")) == counts.get("online", 0) + counts.get("degraded", 0)
    assert number(kpi(dash_duo, f"{kind}_offline")) == counts.get("offline", 0)
    assert number(kpi(dash_duo, f"{kind}_unknown")) == counts.get("unknown", 0)
    share = (counts.get("online", 0) + counts.get("degraded", 0)) / total
    assert _percent(kpi(dash_duo, f"{kind}_share_online")) == pytest.approx(share, abs=0.0005)
    up, known = rows(city_db, """SELECT sum(h.up_seconds), sum(h.known_seconds) FROM device_uptime_hourly h
                                 JOIN devices d ON d.id = h.device_id WHERE d.kind = :k AND h.hour >= :since""",
                     k=kind, since=NOW.replace(minute=0) - timedelta(hours=23))[0]  # the current hour and 23 before
    assert _percent(kpi(dash_duo, f"{kind}_uptime_24h")) == pytest.approx(up / known, abs=0.00005)
    for key in ("uptime_7d", "uptime_30d"):
        assert 0.5 < _percent(kpi(dash_duo, f"{kind}_{key}")) <= 1

    # the down list: every offline or silent device, offline ones first and longest down first
    down = rows(city_db, """SELECT external_id FROM devices WHERE kind = :k AND active AND state IN ('offline', 'unknown')
                            ORDER BY CASE state WHEN 'offline' THEN 0 ELSE 1 END, state_since, id""", k=kind)
    listed = grid_rows(dash_duo, f"{kind}-down-grid")
    assert [r["external_id"] for r in listed] == [r[0] for r in down]
    assert all(r["down_for"] != "–" for r in listed)

    # the map draws every device, offline ones in the top layer
    wait_for_map(dash_duo.driver, f"#{kind}-map")
    colours = wait(dash_duo).until(lambda d: d.execute_script(LAYER_ORDER_JS, f"#{kind}-map"))
    assert colours[-1] == STATE_COLOURS["offline"]  # the offline layer is drawn last
    drawn = wait(dash_duo).until(
        lambda d: (lambda pts: pts if len(pts) >= 0.9 * total else None)(d.execute_script(RENDERED_POINTS_JS,
                                                                                          f"#{kind}-map")))
    assert STATE_COLOURS["offline"] in drawn
    save_screenshot(dash_duo.driver, f"{kind}-light")


@pytest.mark.parametrize("kind", ["cctv", "wifi"])
def test_a_click_on_the_list_or_the_map_opens_the_device(app_duo, city_db, kind):
    dash_duo = app_duo
    _open(dash_duo, kind, "?theme=dark")
    listed = grid_rows(dash_duo, f"{kind}-down-grid")
    first = listed[0]
    cell = dash_duo.find_element(f'#{kind}-down-grid .ag-row[row-id="{first["id"]}"] .ag-cell[col-id="name"]')
    cell.click()
    assert _detail_device(dash_duo) == str(first["id"])
    body = dash_duo.find_element(".device-detail-body")
    assert first["name"] in body.text
    state = rows(city_db, "SELECT state FROM devices WHERE id = :i", i=first["id"])[0][0]
    assert body.find_element("css selector", "[data-device-state]").get_attribute("data-device-state") == state
    assert body.find_elements("css selector", ".timeline-graph .js-plotly-plot")
    save_screenshot(dash_duo.driver, f"{kind}-detail-dark")
    dash_duo.find_element(".device-detail .btn-close").click()
    wait(dash_duo).until(lambda d: not d.find_elements("css selector", ".device-detail.show, .offcanvas-backdrop"))

    # an offline device on the map: it is drawn on top, so a click on its position opens it
    target = rows(city_db, """SELECT id, lat, lon FROM devices WHERE kind = :k AND state = 'offline'
                              ORDER BY id LIMIT 1""", k=kind)[0]
    wait_for_map(dash_duo.driver, f"#{kind}-map")
    x, y = map_point_on_screen(dash_duo.driver, f"#{kind}-map", target[1], target[2])
    ActionChains(dash_duo.driver).move_to_location(int(x), int(y)).pause(0.5).click().perform()
    assert _detail_device(dash_duo) == str(target[0])


def test_a_link_to_a_device_opens_its_detail_with_the_timeline(app_duo, city_db):
    dash_duo = app_duo
    device_id, name = rows(city_db, """SELECT d.id, d.name FROM devices d WHERE d.kind = 'wifi' AND EXISTS
                                       (SELECT 1 FROM device_state_changes c WHERE c.device_id = d.id AND c.at > :s)
                                       ORDER BY d.id LIMIT 1""", s=NOW - timedelta(days=7))[0]
    _open(dash_duo, "wifi", f"?device={device_id}")
    assert _detail_device(dash_duo) == str(device_id)
    assert name in dash_duo.find_element(".device-detail-body").text
    changes = scalar(city_db, "SELECT count(*) FROM device_state_changes WHERE device_id = :i AND at > :s AND at <= :n",
                     i=device_id, s=NOW - timedelta(days=7), n=NOW)
    items = dash_duo.driver.find_elements("css selector", ".device-detail-body li")
    assert len(items) == min(changes, 8)
