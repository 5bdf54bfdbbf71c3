"""/upload in headless Chromium: a CSV with Indonesian headers uploaded through the page, the
proposed mapping checked and one field corrected, the preview with a problem on a bad row, the
import and its report, checked against the database with SQL; screenshots at 1920 and 390 px
wide and in English."""
from __future__ import annotations

import json

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser import save_screenshot, wait
from tests.helpers import FIXED_NOW
from tests.sql import rows, scalar

HEADER = "No Tiket;Tanggal Lapor;Kategori;OPD;Status;Isi Laporan;Alamat;Wilayah;Lintang;Bujur"
LINES = (
    "BR-1;21/11/2026 07.45;Sampah;DLH;Baru;Sampah menumpuk di depan pasar;Jl. Merdeka 1;Tangerang;-6,17288;106,63185",
    "BR-2;21/11/2026 08.10;Jalan rusak;;Selesai;Jalan berlubang;Jl. Daan Mogot;Batuceper;;",
    "BR-3;22/11/2026 09.30;Parkir liar;;Baru;Kategori tidak dikenal;Jl. Perintis;Tangerang;;",
    "BR-4;22/11/2026 10.00;Banjir;;Diproses;Genangan setinggi lutut;;Atlantis;;",
)


OVERFLOWING_JS = """
return Array.from(document.querySelectorAll('.page-upload *'))
  .filter(e => !e.closest('.table-responsive') && e.getBoundingClientRect().right > arguments[0] + 0.5)
  .map(e => e.tagName + '.' + e.className);
"""


def _write_file(tmp_path):
    path = tmp_path / "laporan_aduan.csv"
    path.write_bytes(("\r\n".join((HEADER, *LINES)) + "\r\n").encode("utf-8"))
    return path


def _upload(dash_duo, path) -> None:
    dash_duo.wait_for_element("#upload-file", timeout=20)
    dash_duo.find_element("#upload-file input[type=file]").send_keys(str(path))


def _click(dash_duo, element) -> None:
    """Click an element below the fold (Bootstrap's smooth scrolling would still be under way)."""
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()


def _field_value(dash_duo, field: str) -> str:
    return dash_duo.find_element(f'[data-field="{field}"] .dash-dropdown').text.strip()


def _preview_results(dash_duo) -> dict[str, str]:
    return {row.get_attribute("data-row"): row.get_attribute("data-result")
            for row in dash_duo.find_elements("#upload-preview-table tbody tr")}


def test_upload_map_preview_and_import(live_app, writable_city, tmp_path):
    dash_duo = live_app(writable_city, frozen_now=FIXED_NOW)
    dash_duo.driver.get(dash_duo.server_url + "/upload")
    _upload(dash_duo, _write_file(tmp_path))
    dash_duo.wait_for_contains_text("#upload-file-info", "laporan_aduan.csv: 4 baris, 10 kolom", timeout=20)
    # the proposed mapping: Indonesian headers found, formats read from the values
    for field, column in (("external_id", "No Tiket"), ("received_at", "Tanggal Lapor"), ("category", "Kategori"),
                          ("agency", "OPD"), ("lat", "Lintang"), ("lon", "Bujur")):
        assert _field_value(dash_duo, field) == column, field
    assert dash_duo.find_element("#upload-date-format").get_attribute("value") == "%d/%m/%Y %H.%M"
    assert json.loads(dash_duo.find_element("#upload-values").get_attribute("value")) == {
        "status": {"Baru": "received", "Diproses": "in_progress", "Selesai": "resolved"}}
    wait(dash_duo).until(lambda d: _preview_results(dash_duo) == {"2": "created", "3": "created", "4": "rejected",
                                                                  "5": "created"})
    assert "'Parkir liar' is not a category of the city" in dash_duo.find_element('[data-row="4"]').text
    # "Wilayah" is the kecamatan: the steward maps it, and the preview finds the row whose kecamatan is wrong
    save_screenshot(dash_duo.driver, "upload-proposed-1920x1080")
    more = dash_duo.find_element('[data-field="kecamatan"]').find_element(By.XPATH, "ancestor::details/summary")
    _click(dash_duo, more)
    dash_duo.select_dcc_dropdown(dash_duo.find_element('[data-field="kecamatan"] .dash-dropdown'), value="Wilayah")
    ActionChains(dash_duo.driver).send_keys(Keys.ESCAPE).perform()  # close the dropdown (it holds the page's scroll)
    wait(dash_duo).until(lambda d: _preview_results(dash_duo).get("5") == "rejected")
    assert "kecamatan [Wilayah]: 'Atlantis' is not a kecamatan of the city" in dash_duo.find_element(
        '[data-row="5"]').text
    assert scalar(writable_city, "SELECT count(*) FROM complaints WHERE external_id LIKE 'BR-%'") == 0
    save_screenshot(dash_duo.driver, "upload-preview-1920x1080")

    _click(dash_duo, dash_duo.find_element("#upload-import"))
    dash_duo.wait_for_element("#upload-report [data-summary]", timeout=20)
    summary = dash_duo.find_element("#upload-report [data-received]")
    assert (summary.get_attribute("data-received"), summary.get_attribute("data-accepted"),
            summary.get_attribute("data-rejected"), summary.get_attribute("data-duplicate")) == ("4", "2", "2", "0")
    assert summary.text == "Diterima 4, masuk 2, ditolak 2, duplikat 0"
    assert "ditolak row 5: kecamatan [Wilayah]: 'Atlantis'" in dash_duo.find_element("#upload-report").text
    stored = rows(writable_city, "SELECT c.external_id, r.name, c.status FROM complaints c JOIN regions r "
                                 "ON r.id = c.kecamatan_id WHERE c.external_id LIKE 'BR-%' ORDER BY 1")
    assert [tuple(r) for r in stored] == [("BR-1", "Tangerang", "received"), ("BR-2", "Batuceper", "resolved")]
    assert scalar(writable_city, "SELECT count(*) FROM rejected_records r JOIN source_runs s ON s.id = r.run_id "
                                 "WHERE s.message LIKE '%laporan_aduan.csv%'") == 2
    save_screenshot(dash_duo.driver, "upload-report-1920x1080")
    assert dash_duo.get_logs() == []


def test_upload_page_refuses_an_image_and_fits_a_phone(live_app, writable_city, tmp_path):
    dash_duo = live_app(writable_city, width=390, height=844, frozen_now=FIXED_NOW)
    dash_duo.driver.get(dash_duo.server_url + "/upload")
    image = tmp_path / "foto.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    _upload(dash_duo, image)
    dash_duo.wait_for_contains_text("#upload-file-info", "Berkas tidak dapat dibaca", timeout=20)
    assert "PNG image" in dash_duo.find_element("#upload-file-info").text
    _upload(dash_duo, _write_file(tmp_path))
    wait(dash_duo).until(lambda d: len(_preview_results(dash_duo)) == 4)
    # the page's own content fits; the wide preview scrolls inside its card (the shell's header is not this page's)
    assert dash_duo.driver.execute_script(OVERFLOWING_JS, 390) == []
    save_screenshot(dash_duo.driver, "upload-390x844")
    for name in ("fields", "preview"):
        dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'start', behavior: 'instant'});",
                                       dash_duo.find_element(f"#upload-{name}"))
        save_screenshot(dash_duo.driver, f"upload-{name}-390x844")
    assert dash_duo.get_logs() == []


def test_upload_page_in_english(live_app, writable_city, tmp_path):
    dash_duo = live_app(writable_city, frozen_now=FIXED_NOW)
    dash_duo.driver.get(dash_duo.server_url + "/upload?lang=en")
    _upload(dash_duo, _write_file(tmp_path))
    dash_duo.wait_for_contains_text("#upload-file-info", "laporan_aduan.csv: 4 rows, 10 columns", timeout=20)
    wait(dash_duo).until(lambda d: len(_preview_results(dash_duo)) == 4)
    assert "Column mapping" in dash_duo.find_element(".page-upload").text
    save_screenshot(dash_duo.driver, "upload-en-1920x1080")
    assert dash_duo.get_logs() == []
