"""Uploads with column mapping, the storing half (reading and mapping: ``test_upload_mapping.py``):
clean, Indonesian, partly and wholly bad files and an Excel workbook imported through the kinds'
stores (SQLite and PostgreSQL), the preview that writes nothing, the command line, and the
upload page's callbacks called directly with real and forged input. After every import the
rows in the database are counted with plain SQL: nothing valid is lost."""
from __future__ import annotations

import base64
import io
import json
from datetime import datetime

import pytest

from cities import load_profile
from data_sources.db import make_engine
from data_sources.ingest.mapping import dump_mapping, fields_of, load_mapping, normalise, propose
from data_sources.ingest.spreadsheet import read_table
from data_sources.ingest.upload import decode_contents, import_table, main, preview, read_upload
from tests.helpers import FIXED_NOW, fresh_postgres_database, make_city
from tests.sql import rows, scalar

PROFILE = load_profile("kota_tangerang")
NOW = FIXED_NOW  # 2026-11-23 07:30 UTC, 14.30 WIB
ID_HEADER = "No Tiket;Tanggal Lapor;Kategori;OPD;Status;Isi Laporan;Alamat;Kecamatan;Kelurahan;Lintang;Bujur"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def indonesian_file() -> bytes:
    """Two good rows, a bad date, a duplicate, a point outside the city, an unknown category."""
    return csv_bytes(
        ID_HEADER,
        "UP-1;21/11/2026 07.45;Sampah;DLH;Baru;Sampah menumpuk di depan pasar;Jl. Merdeka 1;Tangerang;Sukarasa;"
        "-6,17288;106,63185",
        "UP-2;21/11/2026 08.10;Jalan rusak;;Selesai;Jalan berlubang;Jl. Daan Mogot;Batuceper;;;",
        "UP-3;31/02/2026 07.45;Sampah;DLH;Baru;Tanggal salah;;Tangerang;;-6,1;106,6",
        "UP-1;21/11/2026 07.45;Sampah;DLH;Baru;Dobel;;Tangerang;;;",
        "UP-4;22/11/2026 09.00;Banjir;;Diproses;Di luar kota;;;;-7,9;110,4",
        "UP-5;22/11/2026 09.30;Parkir;;Baru;Kategori tidak dikenal;;Tangerang;;;",
    )


def uploaded(url: str, payload: bytes, source: str = "complaints", kind: str = "complaints", mapping=None):
    engine = make_engine(url)
    try:
        table, mapping, _missing = read_upload(payload, kind, PROFILE, mapping)
        return import_table(engine, PROFILE, source, kind, table, mapping, now=NOW, filename="test.csv")
    finally:
        engine.dispose()


def complaints_like(url: str, pattern: str = "UP-%") -> int:
    return scalar(url, "SELECT count(*) FROM complaints WHERE external_id LIKE :p", p=pattern)


@pytest.fixture(params=["sqlite", "postgresql"])
def city_url(request):
    """A writable test city on SQLite, then on PostgreSQL (built with the real boundaries)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("writable_city")
        return
    with fresh_postgres_database(request.getfixturevalue("postgres_server")) as url:
        make_city(url, request.getfixturevalue("shared_geo"))
        yield url


# --- importing -------------------------------------------------------------------------------------------


def test_a_clean_csv_is_stored_whole(city_url):
    payload = csv_bytes(
        "external_id,received_at,category,agency,status,description,address,kecamatan,kelurahan,lat,lon",
        "UP-10,2026-11-22T08:00:00+07:00,pju,DPERKIM,received,Lampu mati,Jl. Satria,Tangerang,Sukarasa,-6.17288,106.63185",
        "UP-11,2026-11-22T09:00:00+07:00,banjir,,assigned,Genangan,,Batuceper,,,",
        "UP-12,2026-11-22T10:00:00Z,Sampah menumpuk,,,,,Karawaci,,,")
    before = scalar(city_url, "SELECT count(*) FROM complaints")
    report = uploaded(city_url, payload)
    assert report.summary_line() == "received 3, accepted 3, rejected 0, duplicate 0"
    assert scalar(city_url, "SELECT count(*) FROM complaints") == before + 3
    stored = rows(city_url, "SELECT c.external_id, k.code, c.status FROM complaints c JOIN complaint_categories k "
                            "ON k.id = c.category_id WHERE c.external_id LIKE 'UP-%' ORDER BY c.external_id")
    assert [tuple(r) for r in stored] == [("UP-10", "pju", "received"), ("UP-11", "banjir", "assigned"),
                                          ("UP-12", "sampah", "received")]
    assert uploaded(city_url, payload).summary_line() == "received 3, accepted 0, rejected 0, duplicate 0"  # unchanged


def test_an_indonesian_file_with_bad_rows_keeps_every_good_row(city_url):
    report = uploaded(city_url, indonesian_file())
    assert report.summary_line() == "received 6, accepted 2, rejected 3, duplicate 1"
    assert [(o.result, o.reason) for o in report.outcomes if o.reason] == [
        ("rejected", "row 4: received_at [Tanggal Lapor]: '31/02/2026 07.45' is not a date and time in the format "
                     "%d/%m/%Y %H.%M"),
        ("duplicate", "row 5: external_id 'UP-1': the same record appears more than once in this batch; "
                      "the first is kept"),
        ("rejected", "row 6: lat/lon [Lintang/Bujur]: the point (-7.9, 110.4) is outside the city"),
        ("rejected", "row 7: category [Kategori]: 'Parkir' is not a category of the city")]
    stored = rows(city_url, "SELECT external_id, received_at, status, lat, lon, located_by, address FROM complaints "
                            "WHERE external_id LIKE 'UP-%' ORDER BY external_id")
    assert [(r[0], str(r[1])[:16], r[2], r[3], r[4], r[5], r[6]) for r in stored] == [
        ("UP-1", "2026-11-21 00:45", "received", -6.17288, 106.63185, "point", "Jl. Merdeka 1"),
        ("UP-2", "2026-11-21 01:10", "resolved", -6.16183, 106.67027, "name", "Jl. Daan Mogot")]
    refused = rows(city_url, "SELECT r.reason, r.record_kind FROM rejected_records r JOIN source_runs s "
                             "ON s.id = r.run_id WHERE s.id = :run ORDER BY r.id", run=report.run_id)
    assert [r[0][:6] for r in refused] == ["row 4:", "row 5:", "row 6:", "row 7:"]
    assert {r[1] for r in refused} == {"complaints"}
    run = rows(city_url, "SELECT status, rows_received, rows_accepted, rows_rejected, message FROM source_runs "
                         "WHERE id = :run", run=report.run_id)[0]
    assert tuple(run) == ("ok", 6, 2, 4, "complaints via upload of test.csv: received 6, accepted 2, rejected 3, "
                                         "duplicate 1")


def test_a_wholly_bad_file_still_gives_a_report(city_url):
    payload = csv_bytes(ID_HEADER, "X-1;kemarin;Sampah;;;;;;;;", "X-2;21/11/2026 07.45;Parkir;;;;;;;;",
                        "X-3;21/11/2026 07.45;Sampah;DINAS;Bingung;;;Atlantis;;;")
    before = scalar(city_url, "SELECT count(*) FROM complaints")
    report = uploaded(city_url, payload)
    assert report.summary_line() == "received 3, accepted 0, rejected 3, duplicate 0"
    assert report.status == "ok"
    assert scalar(city_url, "SELECT count(*) FROM complaints") == before
    assert scalar(city_url, "SELECT count(*) FROM rejected_records WHERE run_id = :r", r=report.run_id) == 3
    assert report.outcomes[2].reason.startswith("row 4: status [Status]: Bingung is not one of received")


def test_an_excel_device_registry(writable_city):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ID Kamera", "Nama Kamera", "Jenis Perangkat", "Jenis Lokasi", "Lintang", "Bujur", "Kecamatan",
                  "Tanggal Pasang", "Aktif"])
    sheet.append([9001, "CCTV Taman Potret", "Kamera", "Taman", -6.17288, 106.63185, None,
                  datetime(2026, 1, 5, 9, 30), "Ya"])
    sheet.append([9002, "CCTV Balai Kota", "cctv", "Kantor", None, None, "Tangerang", datetime(2026, 2, 1), "tidak"])
    sheet.append([9003, "CCTV Salah", "drone", None, None, None, None, "bukan tanggal", "ya"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = uploaded(writable_city, buffer.getvalue(), source="cctv_nvr", kind="devices")
    assert report.summary_line() == "received 3, accepted 2, rejected 1, duplicate 0"
    assert report.outcomes[2].reason == (
        "row 4: installed_at [Tanggal Pasang]: 'bukan tanggal' is not a date and time in ISO 8601 "
        "(set \"date_format\", e.g. %d/%m/%Y %H.%M)")
    stored = rows(writable_city, "SELECT external_id, kind, site_type, active, installed_at, located_by FROM devices "
                                 "WHERE external_id IN ('9001', '9002', '9003') ORDER BY external_id")
    assert [(r[0], r[1], r[2], bool(r[3]), str(r[4])[:16], r[5]) for r in stored] == [
        ("9001", "cctv", "park", True, "2026-01-05 02:30", "point"),
        ("9002", "cctv", "office", False, "2026-01-31 17:00", "name")]


def test_kpi_values_with_decimal_commas(writable_city):
    payload = csv_bytes("Indikator;Periode;Nilai", "PJU menyala;2026-11;97,5", "jalan_mantap;2026-11;88",
                        "tidak_ada;2026-11;1")
    report = uploaded(writable_city, payload, source="kpi_sheet", kind="kpi-values")
    assert report.summary_line() == "received 3, accepted 2, rejected 1, duplicate 0"
    stored = rows(writable_city, "SELECT d.code, v.value FROM kpi_values v JOIN kpi_definitions d ON d.id = v.kpi_id "
                                 "WHERE v.period_start = '2026-11-01' ORDER BY d.code")
    assert [tuple(r) for r in stored] == [("jalan_mantap", 88.0), ("pju_menyala", 97.5)]


def test_the_preview_shows_what_the_import_then_reports_and_writes_nothing(city_url):
    counts = ("SELECT (SELECT count(*) FROM complaints) + (SELECT count(*) FROM source_runs) "
              "+ (SELECT count(*) FROM rejected_records) + (SELECT count(*) FROM complaint_events)")
    before = scalar(city_url, counts)
    table, mapping, _ = read_upload(indonesian_file(), "complaints", PROFILE)
    engine = make_engine(city_url)
    try:
        shown = preview(engine, PROFILE, "complaints", "complaints", table, mapping, now=NOW)
        assert scalar(city_url, counts) == before
        assert [r.row for r in preview(engine, PROFILE, "complaints", "complaints", table, mapping, now=NOW,
                                       limit=2)] == [2, 3]
        report = import_table(engine, PROFILE, "complaints", "complaints", table, mapping, now=NOW)
    finally:
        engine.dispose()
    assert [(r.result, r.reason) for r in shown] == [(o.result, o.reason) for o in report.outcomes]
    assert shown[0].values["received_at"] == "2026-11-21T07:45:00+07:00"
    assert shown[0].values["lat"] == -6.17288
    assert shown[3].problems == ["external_id 'UP-1': the same record appears more than once in this batch; "
                                 "the first is kept"]


# --- command line -----------------------------------------------------------------------------------------


def test_command_line(writable_city, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LIVEROOM_DATABASE_URL", writable_city)
    monkeypatch.setenv("LIVEROOM_CITY", "kota_tangerang")
    monkeypatch.setenv("LIVEROOM_FROZEN_NOW", NOW.isoformat())
    upload = tmp_path / "laporan.csv"
    upload.write_bytes(indonesian_file())
    assert main(["--source", "complaints", "--kind", "complaints", str(upload)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "received 6, accepted 2, rejected 3, duplicate 1"
    assert "  rejected [UP-5] row 7: category [Kategori]: 'Parkir' is not a category of the city" in out
    printed = "\n".join(out[out.index("proposed mapping (save it, correct it and pass it with --mapping):") + 1:
                            out.index(next(line for line in out if line.startswith("stored as run")))])
    mapping = json.loads(printed)
    assert mapping["date_format"] == "%d/%m/%Y %H.%M"

    mapping["values"]["category"] = {"Parkir": "ketertiban"}  # the steward corrects the mapping and imports again
    mapping_file = tmp_path / "mapping.json"
    mapping_file.write_text(json.dumps(mapping), encoding="utf-8")
    assert main(["--source", "complaints", "--kind", "complaints", "--mapping", str(mapping_file), str(upload)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "received 6, accepted 1, rejected 2, duplicate 1"
    assert complaints_like(writable_city) == 3

    saved = tmp_path / "saved.json"
    saved.write_text(dump_mapping(normalise(mapping, "complaints")), encoding="utf-8")
    assert json.loads(saved.read_text()) == mapping

    image = tmp_path / "foto.png"
    image.write_bytes(PNG)
    assert main(["--source", "complaints", "--kind", "complaints", str(image)]) == 1
    assert "the file is a PNG image, not a spreadsheet" in capsys.readouterr().err
    assert scalar(writable_city, "SELECT last_error FROM sources WHERE key = 'complaints'").startswith(
        "upload of foto.png failed: the file is a PNG image")

    bad_mapping = tmp_path / "bad.json"
    bad_mapping.write_text('{"fields": {"external_id": "Nomor"}}', encoding="utf-8")
    for argv, message in [
        (["--source", "aduan_lama", "--kind", "complaints", str(upload)], "has no source 'aduan_lama'"),
        (["--source", "cctv_nvr", "--kind", "complaints", str(upload)], "source cctv_nvr carries devices"),
        (["--source", "complaints", "--kind", "complaints", str(tmp_path / "none.csv")], "cannot read"),
        (["--source", "complaints", "--kind", "complaints", "--mapping", str(upload), str(upload)], "is not JSON"),
        (["--source", "complaints", "--kind", "complaints", "--mapping", str(bad_mapping), str(upload)],
         "external_id: the file has no column 'Nomor'"),
    ]:
        assert main(argv) == 2, argv
        assert message in capsys.readouterr().err
    assert complaints_like(writable_city) == 3


# --- the page's callbacks, called directly ----------------------------------------------------------------


def data_url(payload: bytes, mime: str = "text/csv") -> str:
    return f"data:{mime};base64," + base64.b64encode(payload).decode()


@pytest.fixture
def page(writable_city):
    from app import create_app
    from data_sources.db import database
    from tests.helpers import test_settings

    app = create_app(test_settings(writable_city, frozen_now=NOW))
    with app.server.test_request_context("/upload"):
        import pages.upload as module

        yield module
    database.dispose()


def _form(page, contents: str, kind: str = "complaints", source: str = "complaints"):
    """What the page shows after an upload: the file's header and the proposed mapping's preview."""
    header, info, form, date_format, decimal, values = page.read_file(contents, kind, "auto", "laporan.csv")
    ids = [{"type": page.FIELD, "index": f.name} for f in fields_of(kind)]
    proposed = propose(read_table(decode_contents(contents)), kind, PROFILE)["fields"]
    columns = [proposed.get(i["index"]) for i in ids]
    return header, info, page.show_preview(columns, date_format, decimal, values, header, ids, contents, source, kind)


def test_the_page_maps_previews_imports_and_saves(page, writable_city):
    contents = data_url(indonesian_file())
    header, info, (mapping, shown, problems, import_disabled, save_disabled) = _form(page, contents)
    assert header["columns"][:3] == ["No Tiket", "Tanggal Lapor", "Kategori"]
    assert "laporan.csv: 6 baris, 11 kolom, CSV dengan pemisah titik koma (utf-8)" in str(info)
    assert mapping == propose(read_table(indonesian_file()), "complaints", PROFILE)
    assert (problems, import_disabled, save_disabled) == (None, False, False)
    assert "'Parkir' is not a category of the city" in str(shown)
    assert complaints_like(writable_city) == 0  # the preview wrote nothing
    report = page.run_import(1, mapping, contents, "laporan.csv", "complaints", "complaints")
    assert "Diterima 6, masuk 2, ditolak 3, duplikat 1" in str(report)
    assert complaints_like(writable_city) == 2
    saved = page.save_mapping(1, mapping, "complaints", "complaints")
    assert saved["filename"] == "mapping_complaints_complaints.json"
    assert load_mapping(saved["content"], "complaints") == mapping


@pytest.mark.parametrize(("contents", "message"), [
    ("garbage", "the upload is not a file"),
    ("data:text/csv;base64,@@@", "the upload is damaged (not valid base64)"),
    ("data:text/csv,a;b", "the upload is not base64-encoded"),
    (data_url(b""), "the file is empty"),
    (data_url(PNG, "image/png"), "the file is a PNG image, not a spreadsheet"),
    (["a", "b"], "the upload is not a file"),
])
def test_a_forged_or_wrong_upload_is_a_message(page, contents, message):
    header, info, form, *_ = page.read_file(contents, "complaints", "auto", "x.csv")
    assert header is None and form is None
    assert "Berkas tidak dapat dibaca:" in str(info) and message in str(info)


def test_forged_mapping_inputs_are_messages(page, writable_city):
    import dash

    contents = data_url(indonesian_file())
    header, *_ = page.read_file(contents, "complaints", "auto", "laporan.csv")
    ids = [{"type": page.FIELD, "index": "external_id"}, "forged", {"type": page.FIELD, "index": "category"}]
    nope = [*ids[:2], {"type": page.FIELD, "index": "nope"}]
    for forged_header, values_text, source, kind, expected in [
        (header, "{not json", "complaints", "complaints", "values: not JSON"),
        (header, "[1, 2]", "complaints", "complaints", '"values" must be an object'),
        (header, None, "aduan_lama", "complaints", "has no source 'aduan_lama'"),
        (header, None, "cctv_nvr", "complaints", "source cctv_nvr carries devices, not complaints"),
        ({"columns": 5, "separator": "|"}, None, "complaints", "complaints", '"separator" must be'),
        ({"columns": 5}, None, "complaints", "complaints", "the file has no column 'No Tiket'"),
        (header, None, "complaints", "nope", "'nope' is not a field of complaints"),
    ]:
        ids_ = nope if kind == "nope" else ids
        kind = "complaints"
        mapping, shown, problems, disabled, _ = page.show_preview(["No Tiket", 7, "Kategori"], None, ",", values_text,
                                                                  forged_header, ids_, contents, source, kind)
        assert (mapping, shown, disabled) == (None, None, True)
        assert "Pemetaan tidak dapat dipakai:" in str(problems) and expected in str(problems), expected
    assert page.show_preview([], None, ".", None, "forged", [], contents, "complaints", "complaints")[0] is None
    mapping, shown, warning, disabled, _ = page.show_preview(["No Tiket", 7, "Kategori"], None, ",", None, header, ids,
                                                             contents, "complaints", "complaints")
    assert not disabled and "received_at" in str(warning) and "received_at: Field required" in str(shown)
    assert page.read_file(contents, "nope", "auto", "x.csv")[0] is None
    for mapping_data, contents_, kind in [(None, contents, "complaints"), ({"fields": 5}, contents, "complaints"),
                                          ({"fields": {}}, "garbage", "complaints"), ({"fields": {}}, contents, "x")]:
        assert "Impor gagal:" in str(page.run_import(1, mapping_data, contents_, "x.csv", "complaints", kind))
    with pytest.raises(dash.exceptions.PreventUpdate):
        page.save_mapping(1, "forged", "complaints", "complaints")
    assert complaints_like(writable_city) == 0
