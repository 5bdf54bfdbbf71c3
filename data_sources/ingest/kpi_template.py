"""The agencies' KPI reporting template: an Excel workbook per agency with one row per KPI and
open period (``rules.reporting.open_periods``), the stored value where there is one, only the
value and note cells open for input (the value validated as a decimal in the KPI's range),
instructions in Indonesian and English, and a hidden marker sheet.

An upload is recognised as a filled template by its header (``COLUMNS``, the first sheet's first
row): it is mapped without asking (``MAPPING``), rows left without a value are skipped
(``fillable``), and each row is checked against the catalogue (``row_problems``: the period is
the first day of one of the KPI's periods, the value is in the template's range) before the
KPI store keeps it. The note column is for the agency's own remarks; it is not imported.
"""
from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from cities import CityProfile, KpiSpec
from data_sources.ingest import convert
from data_sources.ingest.spreadsheet import Table
from data_sources.rules import reporting

COLUMNS = ("kode_kpi", "nama_kpi", "satuan", "target", "periode", "nilai", "catatan")
MAPPING = {"kind": "kpi-values", "fields": {"kpi": "kode_kpi", "period_start": "periode", "value": "nilai"},
           "values": {}, "date_format": None, "decimal": ".", "separator": None}
MARKER = "liveroom-kpi-template"
MARKER_SHEET = "_liveroom"
VERSION = 1
INPUT_COLUMNS = ("nilai", "catatan")
_HEADER_FILL, _LOCKED_FILL, _INPUT_FILL = PatternFill("solid", fgColor="1F3A5F"), PatternFill("solid", fgColor="EDEFF2"), \
    PatternFill("solid", fgColor="FFF4C2")
_WIDTHS = {"kode_kpi": 24, "nama_kpi": 42, "satuan": 10, "target": 9, "periode": 12, "nilai": 12, "catatan": 40}


def value_range(kpi: KpiSpec) -> tuple[float, float]:
    """The values a template accepts for ``kpi``: 0 to 100 for a share in per cent, else 0 to ten
    times the larger of its target and amber threshold."""
    if kpi.unit == "%":
        return 0.0, 100.0
    amber = kpi.thresholds.amber if kpi.thresholds else 0.0
    return 0.0, float(max(kpi.target, amber) * 10 or 1000)


def agencies_with_kpis(profile: CityProfile) -> list[str]:
    return sorted({k.agency for k in profile.kpis})


def template_rows(profile: CityProfile, agency: str, today: date, stored: dict) -> list[dict]:
    """One row per KPI of ``agency`` and open period, oldest period first; ``stored`` maps
    (code, period_start) to the stored value."""
    rows = []
    for kpi in sorted((k for k in profile.kpis if k.agency == agency), key=lambda k: k.code):
        for start in reporting.open_periods(today, kpi.period):
            rows.append({"kpi": kpi, "period_start": start, "value": stored.get((kpi.code, start))})
    return rows


def _instructions(sheet, profile: CityProfile, agency, rows: list[dict], today: date) -> None:
    first, last = min(r["period_start"] for r in rows), max(r["period_start"] for r in rows)
    lines = [
        ("Templat pelaporan KPI / KPI reporting template", True),
        (f"{profile.name} · {agency.name} / {agency.name_en} ({agency.code})", True),
        (f"Dibuat / Made: {today.isoformat()} · periode / periods {first.isoformat()} – {last.isoformat()}", False),
        ("", False),
        ("Petunjuk (Bahasa Indonesia)", True),
        ("1. Isi kolom 'nilai' di lembar KPI untuk setiap periode yang sudah ada datanya. Sel lain terkunci.", False),
        ("2. Periode ditulis sebagai tanggal pertama periode (YYYY-MM-DD): bulan, triwulan atau tahun.", False),
        ("3. Biarkan 'nilai' kosong bila belum tersedia: baris kosong dilewati saat diunggah.", False),
        ("4. Nilai yang sudah terisi adalah nilai tersimpan; mengubahnya berarti koreksi (nilai lama tetap "
         "tersimpan di riwayat).", False),
        ("5. Kolom 'catatan' untuk keterangan OPD sendiri; tidak diimpor.", False),
        ("6. Jangan mengubah judul kolom atau urutan lembar. Unggah berkas di halaman Unggah Data (sumber kpi_sheet).",
         False),
        ("", False),
        ("Instructions (English)", True),
        ("1. Fill in the 'nilai' (value) column of the KPI sheet for each period you have data for. Other cells "
         "are locked.", False),
        ("2. A period is written as its first day (YYYY-MM-DD): a month, a quarter or a year.", False),
        ("3. Leave 'nilai' empty when the value is not available yet: empty rows are skipped on upload.", False),
        ("4. A value already filled in is the stored one; changing it is a correction (the old value is kept in "
         "the history).", False),
        ("5. The 'catatan' (note) column is for the agency's own remarks; it is not imported.", False),
        ("6. Do not change the column headers or the order of the sheets. Upload the file on the Upload page "
         "(source kpi_sheet).", False),
        ("", False),
        ("KPI · target · nilai yang diterima / accepted values", True),
    ]
    seen = []
    for row in rows:
        kpi = row["kpi"]
        if kpi.code in seen:
            continue
        seen.append(kpi.code)
        low, high = value_range(kpi)
        sign = "≥" if kpi.direction == "higher" else "≤"
        lines.append((f"{kpi.code}: {kpi.name_id} / {kpi.name_en} · target {sign} {kpi.target:g} {kpi.unit} · "
                      f"{low:g} – {high:g}", False))
    for number, (text, bold) in enumerate(lines, start=1):
        cell = sheet.cell(row=number, column=1, value=text)
        cell.font = Font(bold=bold, size=13 if number == 1 else 11)
    sheet.column_dimensions["A"].width = 120
    sheet.protection.sheet = True


def build_workbook(profile: CityProfile, agency_code: str, today: date, stored: dict, now: datetime) -> bytes:
    """The template of ``agency_code`` for ``today`` as .xlsx bytes; raises LookupError for an
    agency without KPIs."""
    agency = next((a for a in profile.agencies if a.code == agency_code), None)
    rows = template_rows(profile, agency_code, today, stored) if agency else []
    if not rows:
        raise LookupError(f"agency {agency_code!r} has no KPIs in {profile.name}")
    book = Workbook()
    sheet = book.active
    sheet.title = "KPI"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), _HEADER_FILL
        cell.protection = Protection(locked=True)
    ranges: dict[tuple[float, float], list[str]] = {}
    for number, row in enumerate(rows, start=2):
        kpi = row["kpi"]
        sheet.append([kpi.code, kpi.name_id, kpi.unit, kpi.target, row["period_start"].isoformat(), row["value"], None])
        for cell in sheet[number]:
            open_cell = COLUMNS[cell.column - 1] in INPUT_COLUMNS
            cell.protection = Protection(locked=not open_cell)
            cell.fill = _INPUT_FILL if open_cell else _LOCKED_FILL
        sheet.cell(row=number, column=COLUMNS.index("nilai") + 1).number_format = "0.00"
        ranges.setdefault(value_range(kpi), []).append(f"F{number}")
    for (low, high), cells in ranges.items():
        check = DataValidation(type="decimal", operator="between", formula1=f"{low:g}", formula2=f"{high:g}",
                               allow_blank=True, showErrorMessage=True, showInputMessage=True,
                               errorTitle="Nilai tidak valid / Invalid value",
                               error=f"Isi angka {low:g} – {high:g} / Enter a number from {low:g} to {high:g}",
                               promptTitle="Nilai / Value", prompt=f"{low:g} – {high:g}")
        for cell in cells:
            check.add(cell)
        sheet.add_data_validation(check)
    for index, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = _WIDTHS[name]
    sheet.freeze_panes = "A2"
    for cell in sheet["B"][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widths may still be changed
    _instructions(book.create_sheet("Petunjuk"), profile, agency, rows, today)
    marker = book.create_sheet(MARKER_SHEET)
    for key, value in (("marker", MARKER), ("version", VERSION), ("city", profile.code), ("agency", agency_code),
                       ("made_at", now.isoformat())):
        marker.append([key, value])
    marker.sheet_state = "hidden"
    book.security = WorkbookProtection(lockStructure=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading a filled template back ------------------------------------------------------------


def is_template(table: Table) -> bool:
    """Whether an uploaded table is a filled template (its header is the template's)."""
    return [c.strip().lower() for c in table.columns[:len(COLUMNS)]] == list(COLUMNS)


def fillable(table: Table) -> tuple[Table, list[int]]:
    """The template's rows that have a value (a new table) and the row numbers of those skipped."""
    position = table.columns.index("nilai")
    keep = [i for i, row in enumerate(table.rows) if not convert.is_blank(row[position]) or i in table.problems]
    skipped = [n for i, n in enumerate(table.row_numbers) if i not in set(keep)]
    return Table(table.columns, [table.rows[i] for i in keep], [table.row_numbers[i] for i in keep],
                 {keep.index(i): p for i, p in table.problems.items() if i in keep}, table.file_format,
                 table.separator, table.encoding), skipped


def row_problems(records: list[dict], profile: CityProfile) -> dict[int, str]:
    """Position -> why a mapped template row cannot be stored: a period that is not the first day
    of one of the KPI's periods, a value outside the template's range. Rows of unknown KPIs and
    unreadable values are left to the store's own checks."""
    kpis = {k.code: k for k in profile.kpis}
    problems: dict[int, str] = {}
    for position, record in enumerate(records):
        kpi, reasons = kpis.get(record.get("kpi")), []
        if kpi is None:
            continue
        start = record.get("period_start")
        try:
            day = date.fromisoformat(start) if isinstance(start, str) and len(start) == 10 else None
        except ValueError:
            day = None
        if day is not None and reporting.period_start(day, kpi.period) != day:
            reasons.append(f"period_start [periode]: {start} is not the first day of a {kpi.period} period "
                           f"(the period holding it starts {reporting.period_start(day, kpi.period).isoformat()})")
        low, high = value_range(kpi)
        value = record.get("value")
        if isinstance(value, (int, float)) and not low <= value <= high:
            reasons.append(f"value [nilai]: {value:g} is outside {low:g} – {high:g} for {kpi.code}")
        if reasons:
            problems[position] = "; ".join(reasons)
    return problems
