"""The agencies' KPI templates: made through the route (roles, contents, locked cells, the value
validation, instructions, the marker), filled with openpyxl and uploaded through the upload
page's callbacks as the page asks them (a clean template, a correction that keeps the old value,
a partly bad one, one with the wrong columns, a PNG renamed .xlsx); SQLite and PostgreSQL."""
from __future__ import annotations

import base64
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from cities import load_profile
from data_sources.ingest import kpi_template
from data_sources.ingest.spreadsheet import read_table
from tests.helpers import FIXED_NOW, sign_in
from tests.sql import rows

PROFILE = load_profile("kota_tangerang")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OPEN = [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]  # FIXED_NOW's open months
VALUE_SQL = """SELECT v.value, v.reported_by FROM kpi_values v JOIN kpi_definitions d ON d.id = v.kpi_id
               WHERE d.code = :c AND v.period_start = :p"""
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _app(url):
    from app import create_app
    from tests.helpers import test_settings

    return create_app(test_settings(url, frozen_now=FIXED_NOW))


@pytest.fixture
def operator(writable_city_any):
    from data_sources.db import database

    app = _app(writable_city_any)
    yield sign_in(app.server.test_client(), writable_city_any, "operator"), writable_city_any
    database.dispose()


@pytest.fixture
def operator_sqlite(writable_city):
    from data_sources.db import database

    app = _app(writable_city)
    yield sign_in(app.server.test_client(), writable_city, "operator"), writable_city
    database.dispose()


def download(client, agency: str):
    answer = client.get(f"/services/template/{agency}.xlsx")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:200]
    assert answer.mimetype == XLSX and f"_{agency}_2026-11-23.xlsx" in answer.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(answer.data))


def saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_of(book) -> dict[tuple[str, str], int]:
    """(code, period) -> the sheet's row number."""
    return {(r[0].value, r[4].value): r[0].row for r in book["KPI"].iter_rows(min_row=2)}


def _call(client, output: str, outputs: list[tuple[str, str]], inputs: list, state: list = ()):
    """A callback answered as the page asks it (the envelope Dash's renderer sends)."""
    spec = [{"id": i, "property": p} for i, p in outputs]
    body = {"output": output, "outputs": spec if output.startswith("..") else spec[0],
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"]}
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()["response"]


def read_file(client, payload: bytes, kind: str = "kpi-values", name: str = "templat.xlsx") -> dict:
    names = ("header", "file-info", "fields", "date-format", "decimal", "values")
    props = ("data", "children", "children", "value", "value", "value")
    output = ".." + "...".join(f"upload-{n}.{p}" for n, p in zip(names, props)) + ".."
    return _call(client, output, [(f"upload-{n}", p) for n, p in zip(names, props)],
                 [("upload-file", "contents", f"data:{XLSX};base64," + base64.b64encode(payload).decode()),
                  ("upload-kind", "value", kind), ("upload-separator", "value", "auto")],
                 [("upload-file", "filename", name)])


def run_import(client, payload: bytes, mapping=None, name: str = "templat.xlsx") -> str:
    mapping = mapping or kpi_template.MAPPING
    answer = _call(client, "upload-report.children", [("upload-report", "children")],
                   [("upload-import", "n_clicks", 1)],
                   [("upload-mapping", "data", mapping),
                    ("upload-file", "contents", f"data:{XLSX};base64," + base64.b64encode(payload).decode()),
                    ("upload-file", "filename", name), ("upload-source", "value", "kpi_sheet"),
                    ("upload-kind", "value", "kpi-values")])
    return str(answer["upload-report"]["children"])


def _results(report: str) -> list[str]:
    """The result of each row in the per-row report, in order."""
    import re

    return re.findall(r"'data-result': '(\w+)'", report)


# --- the route ------------------------------------------------------------------------------------------


def test_the_template_is_for_the_roles_that_may_have_it(writable_city):
    from data_sources.db import database

    app = _app(writable_city)
    try:
        for role, expected in (("admin", 200), ("operator", 200), ("leadership", 403), ("evaluator", 403)):
            client = sign_in(app.server.test_client(), writable_city, role)
            assert client.get("/services/template/DLH.xlsx").status_code == expected, role
        signed_out = app.server.test_client().get("/services/template/DLH.xlsx")
        assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]
        client = sign_in(app.server.test_client(), writable_city, "operator")
        for agency in ("PDAM", "NOPE", "dlh"):  # an agency without KPIs, an unknown one, codes are exact
            answer = client.get(f"/services/template/{agency}.xlsx")
            assert answer.status_code == 404 and "tidak memiliki KPI" in answer.get_data(as_text=True)
    finally:
        database.dispose()


def test_the_template_holds_the_open_periods_locked_and_validated(operator_sqlite):
    client, url = operator_sqlite
    book = download(client, "DISKOMINFO")
    assert book.sheetnames == ["KPI", "Petunjuk", kpi_template.MARKER_SHEET]
    sheet = book["KPI"]
    assert [c.value for c in sheet[1]] == list(kpi_template.COLUMNS)
    codes = sorted(k.code for k in PROFILE.kpis if k.agency == "DISKOMINFO")
    expected = [(code, day.isoformat()) for code in codes for day in OPEN]
    assert [(r[0].value, r[4].value) for r in sheet.iter_rows(min_row=2)] == expected
    for row in sheet.iter_rows(min_row=2):
        stored = rows(url, VALUE_SQL, c=row[0].value, p=row[4].value)
        assert row[5].value == (stored[0][0] if stored else None)  # the stored value, or empty
    assert sheet.cell(row=2 + codes.index("uptime_cctv") * 3 + 2, column=6).value is None  # October is late
    # headers and the cells not to be typed in are locked and styled; value and note are open
    assert sheet.protection.sheet and book.security.lockStructure
    assert all(c.protection.locked and c.font.bold for c in sheet[1])
    assert all(c.protection.locked for r in sheet.iter_rows(min_row=2) for c in r[:5])
    assert not any(c.protection.locked for r in sheet.iter_rows(min_row=2) for c in r[5:])
    assert sheet["A2"].fill.fgColor.rgb != sheet["F2"].fill.fgColor.rgb
    checks = sheet.data_validations.dataValidation
    assert [(v.type, v.operator, v.formula1, v.formula2) for v in checks] == [("decimal", "between", "0", "100")]
    assert str(checks[0].sqref) == " ".join(f"F{n}" for n in range(2, 2 + len(expected)))
    # instructions in both languages, the marker hidden
    text = "\n".join(str(c.value) for c in book["Petunjuk"]["A"] if c.value)
    assert "Petunjuk (Bahasa Indonesia)" in text and "Instructions (English)" in text
    assert "Dinas Komunikasi dan Informatika / Communication and Informatics Agency (DISKOMINFO)" in text
    assert "uptime_cctv: Ketersediaan CCTV / CCTV availability" in text
    marker = book[kpi_template.MARKER_SHEET]
    assert marker.sheet_state == "hidden"
    assert dict(marker.iter_rows(values_only=True))["marker"] == kpi_template.MARKER


def test_other_units_and_periods_get_their_own_range_and_periods(operator_sqlite):
    client, _ = operator_sqlite
    sheet = download(client, "DAMKAR")["KPI"]  # minutes, lower is better: 0 to ten times the amber threshold
    assert [(v.formula1, v.formula2) for v in sheet.data_validations.dataValidation] == [("0", "200")]
    sheet = download(client, "DINSOS")["KPI"]  # a quarterly KPI: the three quarters that have ended
    assert [r[4].value for r in sheet.iter_rows(min_row=2)] == ["2026-01-01", "2026-04-01", "2026-07-01"]


# --- the round trip -------------------------------------------------------------------------------------


def test_round_trip_stores_the_values_and_a_correction_keeps_the_old_one(operator):
    client, url = operator
    book = download(client, "DISKOMINFO")
    where = rows_of(book)
    sheet = book["KPI"]
    old = rows(url, VALUE_SQL, c="aduan_tepat_waktu", p=date(2026, 10, 1))[0][0]
    sheet.cell(row=where[("uptime_cctv", "2026-10-01")], column=6, value=97.5)  # the late report
    sheet.cell(row=where[("aduan_tepat_waktu", "2026-10-01")], column=6, value=93.0)  # a correction
    sheet.cell(row=where[("aduan_tepat_waktu", "2026-10-01")], column=7, value="dihitung ulang")
    payload = saved(book)
    shown = read_file(client, payload)
    assert shown["upload-header"]["data"]["columns"] == list(kpi_template.COLUMNS)
    assert "Templat KPI OPD dikenali" in str(shown["upload-file-info"]["children"])
    assert "(1)" in str(shown["upload-file-info"]["children"])  # uptime_wifi's October is left empty
    report = run_import(client, payload)
    assert "Diterima 8, masuk 2, ditolak 0" in report
    assert sorted(_results(report)) == sorted(["created", "updated"] + ["unchanged"] * 6)
    assert "1 baris tanpa nilai dilewati" in report
    assert rows(url, VALUE_SQL, c="uptime_cctv", p=date(2026, 10, 1)) == [(97.5, "test-operator")]
    assert rows(url, VALUE_SQL, c="aduan_tepat_waktu", p=date(2026, 10, 1)) == [(93.0, "test-operator")]
    history = rows(url, """SELECT r.value, r.reported_by FROM kpi_value_revisions r JOIN kpi_definitions d
                           ON d.id = r.kpi_id WHERE d.code = 'aduan_tepat_waktu' AND r.period_start = :p""",
                   p=date(2026, 10, 1))
    assert history == [(old, "DISKOMINFO")]  # the demo agency's report, kept
    # the next template shows what is stored now; sending the same file again changes nothing
    again = download(client, "DISKOMINFO")
    assert again["KPI"].cell(row=where[("uptime_cctv", "2026-10-01")], column=6).value == 97.5
    assert "masuk 0" in run_import(client, payload)


def test_a_partly_bad_template_stores_the_good_rows_and_says_why_for_the_rest(operator_sqlite):
    client, url = operator_sqlite
    book = download(client, "DISKOMINFO")
    sheet, where = book["KPI"], rows_of(book)
    wifi = [rows(url, VALUE_SQL, c="uptime_wifi", p=day) for day in OPEN[1:]]
    sheet.cell(row=where[("uptime_cctv", "2026-10-01")], column=6, value=96.0)  # good
    sheet.cell(row=where[("uptime_wifi", "2026-10-01")], column=6, value="sembilan puluh")  # not a number
    sheet.cell(row=where[("uptime_wifi", "2026-09-01")], column=6, value=150)  # beyond 100 %
    sheet.cell(row=where[("aduan_tepat_waktu", "2026-08-01")], column=5, value="2026-08-15")  # not a period start
    sheet.cell(row=where[("aduan_tepat_waktu", "2026-09-01")], column=1, value="tidak_ada")  # not a KPI
    report = run_import(client, saved(book))
    assert "Diterima 9, masuk 1, ditolak 4" in report
    assert "is not a number" in report and "150 is outside 0 – 100 for uptime_wifi" in report
    assert "2026-08-15 is not the first day of a monthly period" in report
    assert "'tidak_ada' is not a KPI of the city" in report
    assert rows(url, VALUE_SQL, c="uptime_cctv", p=date(2026, 10, 1)) == [(96.0, "test-operator")]
    assert [rows(url, VALUE_SQL, c="uptime_wifi", p=day) for day in OPEN[1:]] == wifi  # as they were
    assert rows(url, "SELECT count(*) FROM kpi_values WHERE period_start = :p", p=date(2026, 8, 15)) == [(0,)]
    refused = rows(url, """SELECT count(*) FROM rejected_records r JOIN sources s ON s.id = r.source_id
                           WHERE s.key = 'kpi_sheet'""")[0][0]
    assert refused == 4  # kept for the data steward with their reasons


def test_a_template_with_other_columns_is_not_taken_for_one(operator_sqlite):
    client, url = operator_sqlite
    book = download(client, "DLH")
    book["KPI"]["F1"] = "angka"  # the value column renamed
    payload = saved(book)
    shown = read_file(client, payload)
    assert "Templat KPI OPD dikenali" not in str(shown["upload-file-info"]["children"])
    table = read_table(payload)
    assert not kpi_template.is_template(table)
    before = rows(url, "SELECT count(*), sum(value) FROM kpi_values")
    mapping = dict(kpi_template.MAPPING, fields={"kpi": "kode_kpi", "period_start": "periode"})  # value: no column
    report = run_import(client, payload, mapping)
    assert "masuk 0, ditolak 3" in report and "value: Field required" in report
    assert rows(url, "SELECT count(*), sum(value) FROM kpi_values") == before


def test_a_template_uploaded_for_another_kind_says_which_source_to_choose(operator_sqlite):
    client, _ = operator_sqlite
    shown = read_file(client, saved(download(client, "DLH")), kind="complaints")
    assert "pilih sumber Unggahan KPI OPD (kpi_sheet)" in str(shown["upload-file-info"]["children"])


def test_a_png_renamed_xlsx_is_a_message_not_an_error(operator_sqlite):
    client, url = operator_sqlite
    before = rows(url, "SELECT count(*) FROM kpi_values")
    shown = read_file(client, PNG, name="laporan.xlsx")
    assert shown["upload-header"]["data"] is None
    assert "the file is a PNG image, not a spreadsheet" in str(shown["upload-file-info"]["children"])
    report = run_import(client, PNG, name="laporan.xlsx")
    assert "the file is a PNG image" in report
    assert rows(url, "SELECT count(*) FROM kpi_values") == before


# --- pure parts -----------------------------------------------------------------------------------------


def test_row_checks_and_skipped_rows():
    kpis = {k.code: k for k in PROFILE.kpis}
    assert kpi_template.value_range(kpis["aduan_tepat_waktu"]) == (0.0, 100.0)
    assert kpi_template.value_range(kpis["antrian_puskesmas"]) == (0.0, 450.0)  # amber 45 minutes
    problems = kpi_template.row_problems([
        {"kpi": "jalan_mantap", "period_start": "2026-07-01", "value": 96.0},
        {"kpi": "jalan_mantap", "period_start": "2026-08-01", "value": 96.0},  # inside Q3, not its start
        {"kpi": "antrian_puskesmas", "period_start": "2026-10-01", "value": -1.0},
        {"kpi": "nope", "period_start": "2026-10-15", "value": 1e9},  # left to the store
    ], PROFILE)
    assert set(problems) == {1, 2}
    assert "starts 2026-07-01" in problems[1] and "-1 is outside 0 – 450" in problems[2]
    table = read_table(kpi_template.build_workbook(PROFILE, "DLH", date(2026, 11, 23), {}, FIXED_NOW))
    assert kpi_template.is_template(table) and len(table.rows) == 3
    kept, skipped = kpi_template.fillable(table)
    assert kept.rows == [] and skipped == [2, 3, 4]
    with pytest.raises(LookupError):
        kpi_template.build_workbook(PROFILE, "PDAM", date(2026, 11, 23), {}, FIXED_NOW)
