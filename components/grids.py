"""Interactive tables (AG Grid): sortable, resizable, with numbers formatted in the page's
language. Builders take a DataFrame and return ``dag.AgGrid`` props or components."""
from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd

from components import formatting
from components.i18n import t
from components.status import on_time_cell_rules


def _number_format(lang: str, digits: int = 0) -> dict:
    locale = "id-ID" if lang == "id" else "en-GB"
    return {"function": f"params.value == null ? '–' : Number(params.value).toLocaleString('{locale}', "
                        f"{{minimumFractionDigits: {digits}, maximumFractionDigits: {digits}}})"}


def _percent_format(lang: str) -> dict:
    locale = "id-ID" if lang == "id" else "en-GB"
    return {"function": f"params.value == null ? '–' : Number(params.value).toLocaleString('{locale}', "
                        "{style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1})"}


def agency_columns(lang: str) -> list[dict]:
    """Column definitions of the agency responsiveness table (fields as in ``queries.complaints.by_agency``)."""
    number = {"type": "numericColumn", "valueFormatter": _number_format(lang), "width": 120}
    return [
        {"field": "name", "headerName": t("complaints.col.agency", lang), "flex": 2, "minWidth": 220,
         "tooltipField": "code"},
        {"field": "received", "headerName": t("complaints.col.received", lang), **number},
        {"field": "answered", "headerName": t("complaints.col.answered", lang), **number},
        {"field": "answered_on_time", "headerName": t("complaints.col.on_time", lang), **number},
        {"field": "share_on_time", "headerName": t("complaints.col.share_on_time", lang), "type": "numericColumn",
         "valueFormatter": _percent_format(lang), "width": 130, "sort": "asc",
         "cellClassRules": on_time_cell_rules()},
        {"field": "median_response_hours", "headerName": t("complaints.col.median_hours", lang),
         "type": "numericColumn", "valueFormatter": _number_format(lang, 1), "width": 170},
        {"field": "open", "headerName": t("complaints.col.open", lang), **number},
        {"field": "red", "headerName": t("complaints.col.red", lang), **number,
         "cellClassRules": {"cell-danger": "params.value > 0"}},
    ]


def _agency(record: dict, lang: str) -> str | None:
    """The agency's name in the reader's language (its English name when it has one)."""
    english = record.get("agency_en")
    return english if lang == "en" and isinstance(english, str) and english else record["agency"]


def red_flag_rows(frame: pd.DataFrame, *, lang: str, tz: str, tz_label: str) -> list[dict]:
    """Rows for the red-flag list: times shown in the city's zone, ages in words.
    ``frame`` has the columns of ``queries.complaints.RED_FLAG_COLUMNS`` (text already masked)."""
    rows = []
    for record in frame.to_dict("records"):
        rows.append({
            "external_id": record["external_id"],
            "category": record[f"name_{lang}"],
            "kecamatan": record["kecamatan"] or "–",
            "agency": _agency(record, lang) or "–",
            "status": t(f"status.{record['status']}", lang),
            "received_at": formatting.local_datetime(record["received_at"], tz, tz_label, lang),
            "received_sort": pd.Timestamp(record["received_at"]).isoformat(),
            "response_due_at": formatting.local_datetime(record["response_due_at"], tz, tz_label, lang),
            "due_sort": pd.Timestamp(record["response_due_at"]).isoformat(),  # the newest red flag: the latest deadline
            "overdue": formatting.duration(record["overdue_seconds"], lang),
            "overdue_seconds": round(float(record["overdue_seconds"])),
            "description": record["description"],
            "address": record["address"],
            "reporter": record["reporter"],
        })
    return rows


def red_flag_columns(lang: str, *, revealed: bool = False) -> list[dict]:
    """The red-flag list's columns; ``revealed``: the viewer sees personal data (the headers say which)."""
    suffix = "_full" if revealed else ""
    return [
        {"field": "external_id", "headerName": t("complaints.col.id", lang), "width": 150, "pinned": "left"},
        {"field": "category", "headerName": t("complaints.col.category", lang), "width": 170},
        {"field": "kecamatan", "headerName": t("complaints.col.kecamatan", lang), "width": 140},
        {"field": "agency", "headerName": t("complaints.col.agency", lang), "width": 200},
        {"field": "received_at", "headerName": t("complaints.col.received_at", lang), "width": 170,
         "comparator": {"function": "(a, b, na, nb) => na.data.received_sort.localeCompare(nb.data.received_sort)"}},
        {"field": "response_due_at", "headerName": t("complaints.col.due", lang), "width": 170},
        {"field": "overdue", "headerName": t("complaints.col.overdue", lang), "width": 120,
         "cellClass": "cell-danger",
         "comparator": {"function": "(a, b, na, nb) => na.data.overdue_seconds - nb.data.overdue_seconds"}},
        {"field": "description", "headerName": t(f"complaints.col.text{suffix}", lang), "flex": 3, "minWidth": 320,
         "tooltipField": "description"},
        {"field": "address", "headerName": t(f"complaints.col.address{suffix}", lang), "width": 240,
         "tooltipField": "address"},
        {"field": "reporter", "headerName": t(f"complaints.col.reporter{suffix}", lang), "width": 200},
    ]


def grid(grid_id: str, columns: list[dict], *, lang: str, height: str = "360px", row_id: str | None = None) -> dag.AgGrid:
    """An empty grid; callbacks fill ``rowData``. ``row_id`` names the field that identifies a
    row (then ``cellClicked`` reports it as ``rowId``). The grid's own words are in ``lang``."""
    extra = {"getRowId": f"`${{params.data.{row_id}}}`"} if row_id else {}  # a string, as AG Grid wants
    words = {"noRowsToShow": t("grid.no_rows", lang), "noMatchingRows": t("grid.no_matching_rows", lang),
             "loadingOoo": t("grid.loading", lang)}
    return dag.AgGrid(**extra,
        id=grid_id, columnDefs=columns, rowData=[],
        defaultColDef={"sortable": True, "resizable": True, "filter": False, "suppressHeaderMenuButton": True},
        dashGridOptions={"animateRows": False, "tooltipShowDelay": 300, "enableCellTextSelection": True,
                         "domLayout": "normal", "localeText": words},
        style={"height": height, "width": "100%"}, className="liveroom-grid",
    )


def rejected_columns(lang: str) -> list[dict]:
    """Columns of the refused records (rows from ``rejected_rows``)."""
    return [
        {"field": "created", "headerName": t("sources.started", lang), "width": 170,
         "comparator": {"function": "(a, b, na, nb) => na.data.created_sort.localeCompare(nb.data.created_sort)"},
         "sort": "desc"},
        {"field": "source", "headerName": t("sources.name", lang), "width": 150},
        {"field": "kind", "headerName": t("sources.col.kind", lang), "width": 150},
        {"field": "external_id", "headerName": t("sources.col.id", lang), "width": 150},
        {"field": "reason", "headerName": t("sources.reason", lang), "flex": 2, "minWidth": 260, "tooltipField": "reason",
         "wrapText": True, "autoHeight": True},
        {"field": "raw", "headerName": t("sources.raw", lang), "flex": 2, "minWidth": 260, "tooltipField": "raw",
         "cellClass": "font-monospace small"},
    ]


def rejected_rows(frame: pd.DataFrame, *, lang: str, tz: str, tz_label: str) -> list[dict]:
    """Rows of the refused records (``queries.sources.rejected_records``, already masked)."""
    return [{"id": int(r["id"]), "created": formatting.local_datetime(pd.Timestamp(r["created_at"]).to_pydatetime(),
                                                                     tz, tz_label, lang),
             "created_sort": pd.Timestamp(r["created_at"]).isoformat(), "source": r["source"],
             "kind": r["record_kind"] or "–", "external_id": r["external_id"] or "–", "reason": r["reason"],
             "raw": r["raw"]} for r in frame.to_dict("records")]
