"""Reading an uploaded spreadsheet: CSV (separator ``,`` ``;`` or tab, sniffed; UTF-8 with or
without a byte-order mark, UTF-16 as Excel's "Unicode text", else Windows-1252) or Excel
(.xlsx, its first sheet). The result is a ``Table``: the header and the rows as they are in the
file, each with its row number as a spreadsheet program shows it (the header is row 1).

A file that is not a spreadsheet at all (an image, a PDF, an archive, binary data) or holds
nothing raises ``UnreadableFile`` with a message a data steward can act on; a row that does not
fit the header is kept with its problem, to be refused on its own.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
_SNIFF_RECORDS = 50
_NOT_SPREADSHEETS = (  # magic bytes -> what the file is
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"), (b"\x1f\x8b", "a gzip archive"), (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)
_OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableFile(ValueError):
    """The file as a whole cannot be read as a spreadsheet; the message says why."""


@dataclass
class Table:
    """A spreadsheet's header and rows (cells as read: text from CSV; text, numbers, dates from
    Excel; None for an empty cell). ``problems`` maps a row's position to why it cannot be used."""

    columns: list[str]
    rows: list[list] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    problems: dict[int, str] = field(default_factory=dict)
    file_format: str = "csv"  # csv | xlsx
    separator: str | None = None
    encoding: str | None = None

    def records(self):
        """(position, row number, {column: cell}) for every row."""
        for position, (number, cells) in enumerate(zip(self.row_numbers, self.rows)):
            yield position, number, dict(zip(self.columns, cells))

    def head(self, limit: int) -> "Table":
        """The first ``limit`` rows (a new table)."""
        return Table(self.columns, self.rows[:limit], self.row_numbers[:limit],
                     {p: v for p, v in self.problems.items() if p < limit}, self.file_format, self.separator,
                     self.encoding)

    def describe(self) -> dict:
        return {"columns": self.columns, "rows": len(self.rows), "format": self.file_format,
                "separator": self.separator, "encoding": self.encoding}


def read_table(payload: bytes, *, separator: str | None = None) -> Table:
    """The table in ``payload`` (CSV or .xlsx bytes); ``separator`` forces a CSV separator
    instead of sniffing it. Raises ``UnreadableFile``."""
    if not isinstance(payload, (bytes, bytearray)):
        raise UnreadableFile("no file content")
    if not payload.strip():
        raise UnreadableFile("the file is empty")
    if separator is not None and separator not in SEPARATORS:
        raise UnreadableFile(f"separator {separator!r} is not one of: comma, semicolon, tab")
    for magic, what in _NOT_SPREADSHEETS:
        if payload.startswith(magic):
            raise UnreadableFile(f"the file is {what}, not a spreadsheet (upload a CSV or .xlsx file)")
    if payload.startswith(_OLD_EXCEL):
        raise UnreadableFile("the file is an old Excel 97-2003 workbook (.xls); save it as .xlsx or CSV first")
    if payload.startswith(b"PK\x03\x04"):
        return _read_xlsx(bytes(payload))
    text, encoding = _decode(bytes(payload))
    return _read_csv(text, encoding, separator)


# --- CSV ---------------------------------------------------------------------------------------------


def _decode(payload: bytes) -> tuple[str, str]:
    if payload.startswith((b"\xff\xfe", b"\xfe\xff")):
        attempts = ("utf-16",)
    else:
        attempts = ("utf-8-sig", "cp1252")
    for encoding in attempts:
        try:
            text = payload.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _binary(text):
            break
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise UnreadableFile("the file is binary data, not a spreadsheet (upload a CSV or .xlsx file)")


def _binary(text: str) -> bool:
    """Text with NUL bytes or many control characters is not a CSV file."""
    sample = text[:20000]
    controls = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\r\n") or 0x7f <= ord(c) < 0xa0)
    return "\x00" in sample or controls > max(2, len(sample) // 100)


def _sniff(text: str) -> str:
    """The separator that splits the first records into the most columns, consistently."""
    best, best_score = ",", None
    for candidate in SEPARATORS:
        counts = []
        try:
            for row in csv.reader(io.StringIO(text[:200000], newline=""), delimiter=candidate):
                if any(cell.strip() for cell in row):
                    counts.append(len(row))
                if len(counts) >= _SNIFF_RECORDS:
                    break
        except csv.Error:
            continue
        if not counts:
            continue
        header = counts[0]
        consistent = sum(1 for c in counts if c == header) / len(counts)
        score = (header > 1, round(consistent, 1), header)
        if best_score is None or score > best_score:
            best, best_score = candidate, score
    return best


def _header(names: list) -> list[str]:
    """Header cells as column names: stripped, trailing empty cells dropped, an empty one named by
    its position, a repeated one numbered."""
    names = list(names)
    while names and _blank(names[-1:]):
        names.pop()
    columns: list[str] = []
    for position, name in enumerate(names, start=1):
        base = str(name).strip() if name is not None else ""
        base = base or f"column {position}"
        unique, n = base, 2
        while unique in columns:
            unique, n = f"{base} ({n})", n + 1
        columns.append(unique)
    return columns


def _blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _fit(table: Table, cells: list, number: int) -> None:
    """Add one row to ``table``, padded to the header; extra filled cells are the row's problem."""
    width = len(table.columns)
    extra = [c for c in cells[width:] if not _blank([c])]
    if extra:
        table.problems[len(table.rows)] = (f"{len(cells)} cells, the header has {width} "
                                           "(a separator or decimal comma inside an unquoted value?)")
    cells = list(cells[:width]) + [None] * (width - len(cells))
    table.rows.append([c.strip() if isinstance(c, str) else c for c in cells])
    table.row_numbers.append(number)


def _read_csv(text: str, encoding: str, separator: str | None) -> Table:
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise UnreadableFile("the file is empty")
    separator = separator or _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    table: Table | None = None
    previous_end = 0
    try:
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if _blank(cells):
                continue
            if table is None:
                table = Table(_header(cells), file_format="csv", separator=separator, encoding=encoding)
            else:
                _fit(table, cells, start)
    except csv.Error as exc:
        raise UnreadableFile(f"CSV error at line {reader.line_num}: {exc}") from None
    if table is None:
        raise UnreadableFile("the file is empty")
    return table


# --- Excel ---------------------------------------------------------------------------------------------


def _read_xlsx(payload: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        raise UnreadableFile("the file looks like a ZIP archive but is damaged") from None
    if not any(name.startswith("xl/") for name in names):
        raise UnreadableFile("the file is a ZIP archive, not an Excel workbook (upload a CSV or .xlsx file)")
    try:
        workbook = load_workbook(io.BytesIO(payload), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged workbook
        raise UnreadableFile(f"the Excel workbook cannot be read ({type(exc).__name__}: {exc})"[:300]) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise UnreadableFile("the Excel workbook has no sheet")
        table: Table | None = None
        for number, cells in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            if _blank(cells):
                continue
            if table is None:
                table = Table(_header(cells), file_format="xlsx")
            else:
                _fit(table, list(cells), number)
    finally:
        workbook.close()
    if table is None:
        raise UnreadableFile(f"the first sheet ({sheet.title}) of the workbook is empty")
    return table
