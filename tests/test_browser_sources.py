"""/sources in headless Chromium as the data steward uses it: a refused complaint found by a search,
corrected in the page (its masked personal data left as shown) and sent again; it is stored with
its original personal data and leaves the list."""
from __future__ import annotations

import json

from selenium.webdriver.common.keys import Keys

from data_sources.db import make_engine
from data_sources.ingest.feeds import ingest
from tests.browser import grid_rows, save_screenshot, wait
from tests.helpers import FIXED_NOW
from tests.sql import rows

SECRET_PHONE = "0812-9988-7766"


def test_a_refused_complaint_is_corrected_and_sent_again(live_app, writable_city, profile):
    dash_duo = live_app(writable_city, frozen_now=FIXED_NOW)
    record = {"external_id": "FIX-1", "category": "lampu jalan", "description": f"Lampu mati, hubungi {SECRET_PHONE}",
              "received_at": "2026-11-23T08:00:00+07:00", "lat": -6.1783, "lon": 106.6319,
              "reporter_phone": SECRET_PHONE}
    engine = make_engine(writable_city)
    report = ingest(engine, profile, "complaints", "complaints", [record], via="test", now=FIXED_NOW)
    engine.dispose()
    assert report.outcomes[0].result == "rejected" and "lampu jalan" in report.outcomes[0].reason

    dash_duo.driver.get(dash_duo.server_url + "/sources")
    listed = grid_rows(dash_duo, "sources-rejected-grid")
    mine = next(r for r in listed if r["external_id"] == "FIX-1")
    assert SECRET_PHONE not in json.dumps(listed)  # masked in every column
    search = dash_duo.find_element("#sources-search")
    search.send_keys("FIX-1", Keys.ENTER)
    wait(dash_duo).until(lambda d: len(d.find_elements("css selector", "#sources-rejected-grid .ag-center-cols-container "
                                                                       ".ag-row")) == 1)
    cell = dash_duo.find_element(f'#sources-rejected-grid .ag-row[row-id="{mine["id"]}"] .ag-cell[col-id="reason"]')
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", cell)  # below the fold
    cell.click()
    editor = dash_duo.find_element("#sources-fix-raw")
    wait(dash_duo).until(lambda d: "FIX-1" in editor.get_attribute("value"))
    shown = json.loads(editor.get_attribute("value"))
    assert shown["reporter_phone"] != SECRET_PHONE and shown["category"] == "lampu jalan"
    corrected = json.dumps(shown | {"category": "pju"})
    dash_duo.driver.execute_script("arguments[0].value = '';", editor)
    editor.clear()
    editor.send_keys(corrected)
    send = dash_duo.find_element("#sources-fix-send")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", send)
    save_screenshot(dash_duo.driver, "sources-correction")
    send.click()
    dash_duo.wait_for_element("#sources-fix-result .alert", timeout=20)
    save_screenshot(dash_duo.driver, "sources-correction-sent")
    assert dash_duo.find_element("#sources-fix-result [data-result]").get_attribute("data-result") == "created", \
        dash_duo.find_element("#sources-fix-result").text
    stored = rows(writable_city, "SELECT reporter_phone, description FROM complaints WHERE external_id = 'FIX-1'")
    assert stored and stored[0][0] == SECRET_PHONE and SECRET_PHONE in stored[0][1]  # the original, not the mask
    waiting = len(listed)
    wait(dash_duo).until(lambda d: d.find_element("css selector", '[data-kpi="sources_rejected"]').text.startswith(
        f"{waiting - 1} "))  # it left the list of records waiting for a correction
    save_screenshot(dash_duo.driver, "sources-after-correction")
    assert dash_duo.get_logs() == []
