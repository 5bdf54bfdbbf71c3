"""/evidence in headless Chromium: the demo's evidence by section and the portfolio's summary; a
link added, a real PDF uploaded and opened through its route, a text file renamed .pdf refused,
an item deleted after the confirmation; checked against the database; screenshots at 1920 and
390 px wide (where a file over the limit is refused in the browser) and in English."""
from __future__ import annotations

import json

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.browser import save_screenshot, wait
from tests.helpers import FIXED_NOW
from tests.sql import rows, scalar
from tests.test_evidence import make_image, make_pdf

OVERFLOWING_JS = """
return Array.from(document.querySelectorAll('.page-evidence *'))
  .filter(e => !e.closest('.table-responsive') && e.getBoundingClientRect().right > arguments[0] + 0.5)
  .map(e => e.tagName + '.' + e.className);
"""
FETCH_JS = """
const done = arguments[arguments.length - 1];
fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('content-type'),
  r.headers.get('content-disposition'), b.byteLength]))).catch(e => done(['error', String(e)]));
"""


def _click(dash_duo, element) -> None:
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()


def _choose(dash_duo, selector: str, label: str) -> None:
    """Pick ``label`` in a dropdown (the option scrolled into the middle of its list first: the list
    opens scrolled to the current choice, and the search box would cover an option above it)."""
    _click(dash_duo, dash_duo.find_element(selector))
    option = wait(dash_duo).until(lambda d: next((o for o in d.find_elements(
        "css selector", ".dash-dropdown-options .dash-dropdown-option") if o.text == label), None))
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", option)
    option.click()
    ActionChains(dash_duo.driver).send_keys(Keys.ESCAPE).perform()
    wait(dash_duo).until(lambda d: label in d.find_element("css selector", selector).text)


def _type(dash_duo, selector: str, value: str) -> None:
    field = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", field)
    field.clear()
    field.send_keys(value)


def _ids(dash_duo, section: str) -> list[int]:
    return [int(e.get_attribute("data-evidence-id"))
            for e in dash_duo.find_elements(f"#evidence-section-{section} [data-evidence-id]")]


def _open(dash_duo, start: str = "") -> None:
    dash_duo.driver.get(dash_duo.server_url + "/evidence" + start)
    dash_duo.wait_for_element("#evidence-section-security [data-evidence-id]", timeout=20)
    dash_duo.wait_for_element('#evidence-portfolio-summary [data-kpi="apps_up"]', timeout=20)


def test_add_a_link_upload_a_pdf_and_delete(live_app, writable_city, tmp_path):
    directory = tmp_path / "evidence"
    dash_duo = live_app(writable_city, frozen_now=FIXED_NOW, evidence_dir=directory)
    _open(dash_duo)
    summary = dash_duo.find_element('#evidence-portfolio-summary [data-kpi="apps_up"]')
    assert summary.text == "118 dari 122 aplikasi aktif, 71 siap SSO"
    assert len(dash_duo.find_elements("#evidence-portfolio-table tbody tr")) == 122
    assert len(_ids(dash_duo, "budget")) == 9
    assert "tingkat kematangan III" in dash_duo.find_element("#evidence-section-security").text
    save_screenshot(dash_duo.driver, "evidence-1920x1080")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'start', behavior: 'instant'});",
                                   dash_duo.find_element("#evidence-portfolio-summary"))
    save_screenshot(dash_duo.driver, "evidence-portfolio-1920x1080")

    # a link to the technology section, for the single sign-on indicator
    _choose(dash_duo, "#evidence-section", "Dukungan teknologi")
    _choose(dash_duo, "#evidence-kind", "Tautan")
    _choose(dash_duo, "#evidence-indicator", "Aplikasi pemerintah terhubung SSO (gov_aplikasi_sso)")
    _type(dash_duo, "#evidence-title-id", "Katalog aplikasi dan status SSO")
    _type(dash_duo, "#evidence-year", "2026")
    _type(dash_duo, "#evidence-url", "https://satudata.example.go.id/katalog-aplikasi")
    before = set(_ids(dash_duo, "technology"))
    _click(dash_duo, dash_duo.find_element("#evidence-save"))
    dash_duo.wait_for_contains_text("#evidence-result", "Bukti tersimpan: Katalog aplikasi dan status SSO", timeout=20)
    wait(dash_duo).until(lambda d: len(set(_ids(dash_duo, "technology")) - before) == 1)
    link_id = (set(_ids(dash_duo, "technology")) - before).pop()
    stored = rows(writable_city, "SELECT section, kind, indicator_code, year, url, stored_name, added_by "
                                 "FROM evidence_items WHERE id = :i", i=link_id)[0]
    assert tuple(stored) == ("technology", "link", "gov_aplikasi_sso", 2026,
                             "https://satudata.example.go.id/katalog-aplikasi", None, "test-admin")
    anchor = dash_duo.find_element(f'[data-evidence-id="{link_id}"] a.evidence-title')
    assert anchor.get_attribute("href") == "https://satudata.example.go.id/katalog-aplikasi"

    # a PDF report for the service programmes
    pdf = tmp_path / "Laporan MPP 2026.pdf"
    pdf.write_bytes(make_pdf("Laporan Mal Pelayanan Publik 2026"))
    _choose(dash_duo, "#evidence-section", "Program layanan")
    _choose(dash_duo, "#evidence-kind", "Laporan")
    _type(dash_duo, "#evidence-title-id", "Laporan Mal Pelayanan Publik 2026")
    dash_duo.find_element("#evidence-file input[type=file]").send_keys(str(pdf))
    dash_duo.wait_for_contains_text("#evidence-file-info", "Berkas dipilih: Laporan MPP 2026.pdf", timeout=20)
    before = set(_ids(dash_duo, "services"))
    _click(dash_duo, dash_duo.find_element("#evidence-save"))
    dash_duo.wait_for_contains_text("#evidence-result", "Bukti tersimpan: Laporan Mal Pelayanan Publik 2026", timeout=20)
    wait(dash_duo).until(lambda d: len(set(_ids(dash_duo, "services")) - before) == 1)
    file_id = (set(_ids(dash_duo, "services")) - before).pop()
    name, stored_name, mime, size = rows(writable_city, "SELECT file_name, stored_name, mime_type, size_bytes "
                                                        "FROM evidence_items WHERE id = :i", i=file_id)[0]
    assert (name, mime, size) == ("Laporan MPP 2026.pdf", "application/pdf", pdf.stat().st_size)
    assert (directory / stored_name).read_bytes() == pdf.read_bytes()
    anchor = dash_duo.find_element(f'[data-evidence-id="{file_id}"] a.evidence-title')
    assert anchor.get_attribute("href").endswith(f"/evidence/file/{file_id}")
    status, kind, disposition, length = dash_duo.driver.execute_async_script(FETCH_JS, f"/evidence/file/{file_id}")
    assert (status, kind, length) == (200, "application/pdf", pdf.stat().st_size)
    assert disposition.startswith("inline") and "Laporan" in disposition
    assert dash_duo.find_element("#evidence-file-info").text == ""  # the form let go of the file
    save_screenshot(dash_duo.driver, "evidence-saved-1920x1080")

    # a text file renamed .pdf is refused, with the reason
    fake = tmp_path / "notulen.pdf"
    fake.write_text("Notulen rapat dewan kota cerdas\n" * 20, encoding="utf-8")
    _type(dash_duo, "#evidence-title-id", "Notulen rapat")
    dash_duo.find_element("#evidence-file input[type=file]").send_keys(str(fake))
    dash_duo.wait_for_contains_text("#evidence-file-info", "notulen.pdf", timeout=20)
    count = scalar(writable_city, "SELECT count(*) FROM evidence_items")
    _click(dash_duo, dash_duo.find_element("#evidence-save"))
    dash_duo.wait_for_contains_text("#evidence-result", "isi berkas notulen.pdf bukan PDF, PNG atau JPEG yang utuh",
                                    timeout=20)
    assert scalar(writable_city, "SELECT count(*) FROM evidence_items") == count
    save_screenshot(dash_duo.driver, "evidence-refused-1920x1080")

    # delete the link, after the confirmation
    _click(dash_duo, dash_duo.find_element(f'[data-evidence-id="{link_id}"] .evidence-delete'))
    wait(dash_duo).until(lambda d: _alert(d))
    dash_duo.driver.switch_to.alert.accept()
    dash_duo.wait_for_contains_text("#evidence-result", "Bukti dihapus", timeout=20)
    wait(dash_duo).until(lambda d: link_id not in _ids(dash_duo, "technology"))
    assert scalar(writable_city, "SELECT count(*) FROM evidence_items WHERE id = :i", i=link_id) == 0
    actions = [json.loads(json.dumps(r[0])) for r in rows(
        writable_city, "SELECT detail FROM audit_log WHERE action = 'admin_change' AND actor = 'test-admin' ORDER BY id")]
    assert [a.split(":")[0] for a in actions] == [f"evidence {link_id} added", f"evidence {file_id} added",
                                                  f"evidence {link_id} deleted"]
    assert dash_duo.get_logs() == []


def _alert(driver) -> bool:
    try:
        driver.switch_to.alert  # noqa: B018 - raises while there is no dialog
        return True
    except Exception:  # noqa: BLE001 - selenium's NoAlertPresentException
        return False


def test_evidence_page_fits_a_phone_and_refuses_a_large_file_in_the_browser(live_app, writable_city, tmp_path):
    directory = tmp_path / "evidence"
    dash_duo = live_app(writable_city, width=390, height=844, frozen_now=FIXED_NOW, evidence_dir=directory,
                        evidence_max_bytes=4000)
    _open(dash_duo)
    assert "paling besar 4 KB" in dash_duo.find_element(".page-evidence").text  # the limit the page works with
    big = tmp_path / "piagam besar.png"
    big.write_bytes(make_image("PNG", (400, 400)) + b"\x00" * 5000)
    dash_duo.find_element("#evidence-file input[type=file]").send_keys(str(big))
    dash_duo.wait_for_contains_text("#evidence-file-info", "terlalu besar", timeout=20)
    assert "piagam besar.png" in dash_duo.find_element("#evidence-file-info").text
    _type(dash_duo, "#evidence-title-id", "Piagam penghargaan")
    count = scalar(writable_city, "SELECT count(*) FROM evidence_items")
    _click(dash_duo, dash_duo.find_element("#evidence-save"))
    dash_duo.wait_for_contains_text("#evidence-result", "isi tautan atau pilih berkas", timeout=20)  # nothing sent
    assert scalar(writable_city, "SELECT count(*) FROM evidence_items") == count
    assert not directory.exists() or list(directory.iterdir()) == []
    assert dash_duo.driver.execute_script(OVERFLOWING_JS, 390) == []
    save_screenshot(dash_duo.driver, "evidence-390x844")
    for target, name in (("#evidence-section-budget", "list"), ("#evidence-section-security", "security"),
                         ("#evidence-portfolio-summary", "portfolio")):
        dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'start', behavior: 'instant'});",
                                       dash_duo.find_element(target))
        save_screenshot(dash_duo.driver, f"evidence-{name}-390x844")
    assert dash_duo.get_logs() == []


def test_evidence_page_in_english(live_app, writable_city, tmp_path):
    dash_duo = live_app(writable_city, frozen_now=FIXED_NOW, evidence_dir=tmp_path / "evidence")
    _open(dash_duo, "?lang=en")
    assert dash_duo.find_element('#evidence-portfolio-summary [data-kpi="apps_up"]').text == \
        "118 of 122 apps up, 71 on SSO"
    text = dash_duo.find_element(".page-evidence").text
    for words in ("Information security (BSSN)", "maturity level III", "(demo data)", "Save evidence", "Owner agency"):
        assert words in text, words
    save_screenshot(dash_duo.driver, "evidence-en-1920x1080")
    assert dash_duo.get_logs() == []
