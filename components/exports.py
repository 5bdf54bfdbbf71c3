"""Downloads: a DataFrame as CSV or as an Excel workbook, with headers in the page's language."""
from __future__ import annotations

import io

import pandas as pd


def labelled(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The columns named in ``labels``, in that order, renamed to their labels (a new frame)."""
    return frame[list(labels)].rename(columns=labels)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Indonesian text correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet[:31])
        worksheet = writer.sheets[sheet[:31]]
        for column in worksheet.columns:
            width = max(len(str(cell.value or "")) for cell in column)
            worksheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
        worksheet.freeze_panes = "A2"
    return buffer.getvalue()
