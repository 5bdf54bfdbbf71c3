"""Uploads, the reading and mapping half: CSV and Excel as cities export them (separators,
encodings, files that are not spreadsheets), the fields taken from the record models, proposed
and checked mappings, and values converted (decimal commas, local times, codes) or refused with
the column, the row and the value. Pure: no database."""
from __future__ import annotations

import base64
import io
import json

import pytest

from data_sources.ingest.feeds import KINDS
from data_sources.ingest.mapping import (MappingError, apply_mapping, check_mapping, fields_of, load_mapping,
                                         normalise, propose)
from data_sources.ingest.spreadsheet import UnreadableFile, read_table
from data_sources.ingest.upload import decode_contents
from tests.test_upload import PNG, PROFILE, csv_bytes, indonesian_file


# --- fields, reading ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_fields_are_the_models_fields(kind):
    model = KINDS[kind].model
    assert [f.name for f in fields_of(kind)] == list(model.model_fields)
    required = {f.name for f in fields_of(kind) if f.required}
    assert required == {"complaints": {"external_id", "category", "received_at"},
                        "complaint-updates": {"external_id", "status", "at"},
                        "devices": {"external_id", "name", "kind"},
                        "samples": {"device_id", "at", "state"},
                        "kpi-values": {"kpi", "period_start", "value"}}[kind]
    types = {f.name: f.type for f in fields_of("complaints")}
    assert (types["received_at"], types["lat"], types["status"], types["address"]) == ("datetime", "number", "text",
                                                                                       "text")
    assert {f.name: f.type for f in fields_of("devices")}["active"] == "bool"
    assert {f.name: f.type for f in fields_of("kpi-values")}["period_start"] == "date"


@pytest.mark.parametrize(("payload", "separator", "encoding"), [
    (csv_bytes("id,nama,nilai", "1,Taman,\"97,5\""), ",", "utf-8"),
    (csv_bytes("id;nama;nilai", "1;Taman;97,5"), ";", "utf-8"),
    (csv_bytes("id\tnama\tnilai", "1\tTaman\t97,5"), "\t", "utf-8"),
    (b"\xef\xbb\xbf" + csv_bytes("id;nama;nilai", "1;Taman;97,5"), ";", "utf-8"),
    (csv_bytes("id;nama;nilai", "1;Taman;97,5", encoding="utf-16"), ";", "utf-16"),
])
def test_separators_and_encodings_are_sniffed(payload, separator, encoding):
    table = read_table(payload)
    assert (table.columns, table.rows, table.separator, table.encoding) == (
        ["id", "nama", "nilai"], [["1", "Taman", "97,5"]], separator, encoding)


def test_windows_1252_blank_lines_and_rows_that_do_not_fit():
    payload = csv_bytes("No;Nama;Nilai", "1;Caf\u00e9 \u201cPasar\u201d;3", "", "2;Dua;4;5", "3", encoding="cp1252")
    table = read_table(payload)
    assert table.encoding == "cp1252"
    assert table.rows == [["1", "Caf\u00e9 \u201cPasar\u201d", "3"], ["2", "Dua", "4"], ["3", None, None]]
    assert table.row_numbers == [2, 4, 5]
    assert table.problems == {1: "4 cells, the header has 3 (a separator or decimal comma inside an unquoted value?)"}


@pytest.mark.parametrize(("payload", "message"), [
    (PNG, "the file is a PNG image, not a spreadsheet"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "the file is a PDF document, not a spreadsheet"),
    (bytes(range(256)) * 8, "the file is binary data, not a spreadsheet"),
    (b"", "the file is empty"),
    (b"  \r\n\r\n", "the file is empty"),
    (b"PK\x03\x04" + b"\x00" * 40, "damaged"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "old Excel 97-2003 workbook (.xls)"),
])
def test_files_that_are_not_spreadsheets_are_refused_with_a_message(payload, message):
    with pytest.raises(UnreadableFile, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        read_table(payload)


def test_a_zip_that_is_not_a_workbook():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("foto.txt", "bukan excel")
    with pytest.raises(UnreadableFile, match="a ZIP archive, not an Excel workbook"):
        read_table(buffer.getvalue())


@pytest.mark.parametrize("contents", [None, 42, "garbage", "data:text/csv;base64,%%%not-base64%%%",
                                      "data:text/csv,plain", "data:text/csv;base64,YWJj=x"])
def test_forged_upload_contents_are_refused(contents):
    with pytest.raises(UnreadableFile):
        decode_contents(contents)


def test_upload_contents_decode():
    assert decode_contents("data:text/csv;base64," + base64.b64encode(b"a;b\n1;2").decode()) == b"a;b\n1;2"


# --- proposing, checking and applying a mapping ----------------------------------------------------


def test_the_proposal_finds_indonesian_synonyms_formats_and_codes():
    mapping = propose(read_table(indonesian_file()), "complaints", PROFILE)
    assert mapping["fields"] == {
        "external_id": "No Tiket", "category": "Kategori", "status": "Status", "description": "Isi Laporan",
        "received_at": "Tanggal Lapor", "agency": "OPD", "address": "Alamat", "kecamatan": "Kecamatan",
        "kelurahan": "Kelurahan", "lat": "Lintang", "lon": "Bujur"}
    assert (mapping["date_format"], mapping["decimal"], mapping["separator"]) == ("%d/%m/%Y %H.%M", ",", ";")
    assert mapping["values"] == {"status": {"Baru": "received", "Diproses": "in_progress", "Selesai": "resolved"}}


def test_the_proposal_finds_english_headers_and_agency_names():
    table = read_table(csv_bytes("Ticket ID,Date Reported,Category,Department,Latitude,Longitude,District,Village",
                                 "T1,2026-11-21 07:45,Uncollected garbage,Dinas Lingkungan Hidup,-6.17,106.63,"
                                 "Tangerang,Sukarasa"))
    mapping = propose(table, "complaints", PROFILE)
    assert mapping["fields"] == {"external_id": "Ticket ID", "received_at": "Date Reported", "category": "Category",
                                 "agency": "Department", "kecamatan": "District", "kelurahan": "Village",
                                 "lat": "Latitude", "lon": "Longitude"}
    assert mapping["values"] == {"agency": {"Dinas Lingkungan Hidup": "DLH"}}  # the category's English name is taken
    assert (mapping["date_format"], mapping["decimal"]) == (None, ".")  # ISO without an offset: local time
    assert apply_mapping(table, mapping, "complaints", PROFILE.timezone).records[0]["received_at"] == (
        "2026-11-21T07:45:00+07:00")


@pytest.mark.parametrize(("kind", "header", "expected"), [
    ("devices", "ID Kamera,Nama Kamera,Jenis Perangkat,Jenis Lokasi,Lintang,Bujur,Tanggal Pasang,Aktif",
     {"external_id": "ID Kamera", "name": "Nama Kamera", "kind": "Jenis Perangkat", "site_type": "Jenis Lokasi",
      "lat": "Lintang", "lon": "Bujur", "installed_at": "Tanggal Pasang", "active": "Aktif"}),
    ("samples", "ID Perangkat;Waktu;Kondisi;Latensi",
     {"device_id": "ID Perangkat", "at": "Waktu", "state": "Kondisi", "latency_ms": "Latensi"}),
    ("kpi-values", "Indikator;Periode;Nilai", {"kpi": "Indikator", "period_start": "Periode", "value": "Nilai"}),
])
def test_the_proposal_for_the_other_kinds(kind, header, expected):
    assert propose(read_table(csv_bytes(header)), kind, PROFILE)["fields"] == expected


def test_a_mapping_file_is_checked():
    columns = ["No Tiket", "Tanggal Lapor"]
    mapping = load_mapping(json.dumps({"fields": {"external_id": "No Tiket", "tanggal": "Tanggal Lapor",
                                                  "category": "Kategori"}}), "complaints")
    assert check_mapping(mapping, "complaints", columns) == [
        "'tanggal' is not a field of complaints (fields: " + ", ".join(f.name for f in fields_of("complaints")) + ")",
        "category: the file has no column 'Kategori' (columns: No Tiket, Tanggal Lapor)"]
    with pytest.raises(MappingError) as caught:
        normalise({"fields": ["No Tiket"], "decimal": ";", "date_format": "dd/mm/yyyy", "separator": "|",
                   "kind": "devices", "sheet": 2}, "complaints")
    assert caught.value.problems == [
        "unknown key 'sheet' (keys: kind, fields, values, date_format, decimal, separator)",
        "the mapping is for kind 'devices', not 'complaints'",
        '"fields" must be an object: field name -> column name',
        '"date_format" \'dd/mm/yyyy\' is not a strftime format (e.g. "%d/%m/%Y %H.%M")',
        '"decimal" must be "," or ".", not \';\'',
        '"separator" must be ",", ";" or "\\t" (or comma, semicolon, tab), not \'|\'']
    with pytest.raises(MappingError, match="not JSON"):
        load_mapping("{fields:", "complaints")
    assert normalise({"fields": {}, "separator": "tab"}, "complaints")["separator"] == "\t"


def test_values_that_do_not_convert_refuse_their_row_naming_column_row_and_value():
    table = read_table(csv_bytes("Indikator;Periode;Nilai", "pju_menyala;11/2026;97,5", "jalan_mantap;2026-10;abc",
                                 "sampah_terangkut;kemarin;1.234,5", "Sampah terangkut ke TPA;2026-09-01;80.5"))
    mapping = normalise({"fields": {"kpi": "Indikator", "period_start": "Periode", "value": "Nilai"},
                         "date_format": "%m/%Y", "decimal": ","}, "kpi-values")
    mapped = apply_mapping(table, mapping, "kpi-values", PROFILE.timezone)
    assert mapped.records[0] == {"kpi": "pju_menyala", "period_start": "2026-11-01", "value": 97.5}
    assert mapped.records[2]["value"] == 1234.5
    assert mapped.problems == {
        1: "value [Nilai]: 'abc' is not a number with a decimal comma",
        2: "period_start [Periode]: 'kemarin' is not a day in the format %m/%Y",
        3: "value [Nilai]: '80.5' is not a number with a decimal comma (it has a decimal point: set \"decimal\": \".\")",
    }
    assert mapped.row_numbers == [2, 3, 4, 5]


def test_local_times_become_aware_and_values_map_to_codes():
    table = read_table(csv_bytes("ID;Waktu;Status", "A;21/11/2026 07.45;Selesai", "B;2026-11-21T01:00:00Z;baru"))
    mapping = normalise({"fields": {"external_id": "ID", "received_at": "Waktu", "status": "Status"},
                         "values": {"status": {"Selesai": "resolved", "Baru": "received"}},
                         "date_format": "%d/%m/%Y %H.%M"}, "complaints")
    mapped = apply_mapping(table, mapping, "complaints", "Asia/Jakarta")
    assert mapped.records == [{"external_id": "A", "received_at": "2026-11-21T07:45:00+07:00", "status": "resolved"},
                              {"external_id": "B", "received_at": "2026-11-21T01:00:00+00:00", "status": "received"}]
