"""The builders of /services (``components.services``, ``components.kpi_detail``): pure, frames in,
components and figures out; checked for what a reader sees and that the input is not changed."""
from datetime import date, datetime, timezone
from urllib.parse import unquote

import pandas as pd
import pytest

from components import kpi_detail
from components import services as ui
from data_sources.queries.kpis import CATALOGUE_COLUMNS, LATE_COLUMNS

REPORTED = datetime(2026, 11, 5, 2, 0, tzinfo=timezone.utc)  # 09.00 WIB
NAMES_ID = ui.Names("id", {"DLH": "Dinas Lingkungan Hidup", "DAMKAR": "Dinas Pemadam Kebakaran"},
                    {"waste": "Pengelolaan sampah", "security": "Keamanan"}, templates=True)
NAMES_EN = ui.Names("en", {"DLH": "Environment Agency", "DAMKAR": "Fire and Rescue Agency"},
                    {"waste": "Waste management", "security": "Security"})


def _kpi(**changes) -> dict:
    base = {"code": "sampah_terangkut", "name_id": "Sampah terangkut ke TPA", "name_en": "Garbage hauled to landfill",
            "unit": "%", "unit_en": "%", "target": 90.0, "amber": 80.0, "direction": "higher", "period": "monthly",
            "agency": "DLH", "dimension": "environment", "sub_dimension": "waste", "stage": "output",
            "period_start": date(2026, 10, 1), "value": 86.4, "updated_at": REPORTED, "reported_by": "Siti Rahma",
            "previous_value": 88.0, "year_ago_value": 80.2, "status": "close"}
    return base | changes


FIRE = dict(code="waktu_tanggap_damkar", name_id="Waktu tanggap kebakaran", name_en="Fire response time",
            unit="menit", unit_en="minutes", target=15.0, amber=20.0, direction="lower", agency="DAMKAR",
            dimension="society", sub_dimension="security", value=14.2, previous_value=16.0, year_ago_value=None,
            status="met")


def _frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=CATALOGUE_COLUMNS)


def _text(component) -> str:
    """The text a reader sees in a component tree."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def test_a_card_says_value_target_status_changes_period_and_reporter():
    row = _kpi()
    card = ui.card(row, [88.0, None, 86.4], ["Okt 2026"], NAMES_ID, meta="Lingkungan · Pengelolaan sampah")
    text = _text(card)
    for expected in ("Sampah terangkut ke TPA", "86,4%", "Target ≥ 90%", "≈", "Hampir tercapai",
                     "Dibanding Sep 2026:", "−1,6 poin (memburuk)", "Dibanding tahun lalu (Okt 2025):",
                     "+6,2 poin (membaik)", "Okt 2026 · dilaporkan Siti Rahma, 5 Nov 2026 09.00 WIB",
                     "Terlambat: Okt 2026"):
        assert expected in text, expected
    assert card.id == {"type": ui.CARD, "index": "sampah_terangkut"} and "status-close" in card.className
    fire = _text(ui.card(_kpi(**FIRE), [16.0, 14.2], [], NAMES_EN, meta="Smart Society"))
    for expected in ("Fire response time", "14.2 minutes", "Target ≤ 15 minutes", "✓", "Met",
                     "Against Sep 2026:", "−1.8 minutes (better)", "Against a year earlier (Oct 2025):", "no value",
                     "reported by Siti Rahma, 5 Nov 2026 09:00 WIB"):
        assert expected in fire, expected
    never = _text(ui.card(_kpi(period_start=None, value=None, status="no_data"), [], [], NAMES_ID, meta=""))
    assert "Belum ada data" in never and "Belum pernah dilaporkan" in never and "–" in never


def test_quarterly_periods_and_changes_in_points_only_for_per_cent():
    row = _kpi(period="quarterly", period_start=date(2026, 7, 1))
    text = _text(ui.card(row, [], [], NAMES_EN, meta=""))
    assert "Against Q2 2026" in text and "Against a year earlier (Q3 2025)" in text and "pp" in text
    assert ui.change_text(96.0, 96.0, row, "id") == ("±0,0 poin", "same")
    assert ui.change_text(3.5, 3.0, _kpi(unit="indeks", unit_en="index"), "en") == ("+0.5 index", "better")


def test_sparkline_draws_gaps_and_the_target():
    uri = ui.sparkline([80.0, 82.0, None, 85.0, 86.0], 90.0)
    assert uri.startswith("data:image/svg+xml,")
    svg = unquote(uri.split(",", 1)[1])
    assert svg.count("<polyline") == 2 and 'stroke-dasharray="3 3"' in svg  # two runs either side of the gap
    assert "<circle" in unquote(ui.sparkline([None, 80.0, None], None))
    spark = pd.DataFrame({"code": ["k"] * 3, "period_start": [date(2026, 7, 1), date(2026, 9, 1), date(2026, 10, 1)],
                          "value": [1.0, 3.0, 4.0]})
    assert ui.spark_values(spark, _kpi(code="k")) == [1.0, None, 3.0, 4.0]  # August missing


def test_filters_keep_the_worst_first_and_groups_follow_the_switch():
    frame = _frame(_kpi(), _kpi(**FIRE), _kpi(code="a", status="missed"), _kpi(code="b", status="no_data"))
    before = frame.copy()
    chosen = ui.select(frame, None, None, None)
    assert list(chosen["code"]) == ["a", "sampah_terangkut", "b", "waktu_tanggap_damkar"]
    assert list(ui.select(frame, "DLH", None, "close")["code"]) == ["sampah_terangkut"]
    assert list(ui.select(frame, None, "society", None)["code"]) == ["waktu_tanggap_damkar"]
    pd.testing.assert_frame_equal(frame, before)
    late = pd.DataFrame(columns=LATE_COLUMNS)
    spark = pd.DataFrame(columns=["code", "period_start", "value"])
    by_agency = ui.groups(chosen, spark, late, NAMES_ID, by="agency", selected="a")
    sections = by_agency[0].children.children
    assert [s.to_plotly_json()["props"]["data-group"] for s in sections] == ["DLH", "DAMKAR"]  # by agency name
    assert "Templat Excel" in _text(sections[0].children[0]) and "services-group-3" in sections[0].className
    assert "selected" in _text([c.className for c in sections[0].children[1].children])
    by_dimension = ui.groups(chosen, spark, late, NAMES_EN, by="dimension")[0].children.children
    assert [_text(s.children[0]) for s in by_dimension] == ["Smart Society", "Smart Environment"]
    assert "Excel template" not in _text(by_dimension)  # only for the roles that may have them
    assert "No KPI matches" in _text(ui.groups(chosen.iloc[:0], spark, late, NAMES_EN, by="agency"))


def test_tiles_and_late_table():
    frame = _frame(_kpi(), _kpi(**FIRE), _kpi(code="a", status="missed"))
    late = pd.DataFrame([("DLH", "sampah_terangkut", "Sampah terangkut ke TPA", "Garbage hauled", "monthly",
                          date(2026, 10, 1), date(2026, 11, 11))], columns=LATE_COLUMNS)
    tiles = _text(ui.tiles(frame, late, "id", {}))
    assert "✓ KPI tercapai 1" in tiles and "≈ KPI hampir tercapai 1" in tiles and "✗ KPI tidak tercapai 1" in tiles
    assert "– KPI tanpa data 0" in tiles and "Laporan terlambat 1 1 OPD belum melapor" in tiles
    table = _text(ui.late_table(late, NAMES_ID))
    assert "DLH" in table and "Sampah terangkut ke TPA" in table and "Okt 2026" in table
    assert "terlambat sejak 11 Nov 2026" in table and "Templat Excel" in table
    assert "late since 11 Nov 2026" in _text(ui.late_table(late, NAMES_EN))
    assert _text(ui.late_table(late.iloc[:0], NAMES_EN)) == "No report is late."


@pytest.mark.parametrize("count", kpi_detail.SPANS)
def test_the_detail_chart_title_states_the_span_it_shows(count):
    row = _kpi()
    periods = kpi_detail.span_periods(row, date(2026, 11, 23), count)
    assert len(periods) == count and periods[-1] == date(2026, 10, 1)
    values = pd.DataFrame({"period_start": periods[-5:], "value": [70.0, 85.0, 91.0, None, 88.0]})
    before = values.copy()
    figure = kpi_detail.detail_figure(values, periods, row, lang="id", theme="dark")
    first = {12: "Nov 2025", 24: "Nov 2024", 36: "Nov 2023"}[count]
    assert figure.layout.title.text == f"{count} bulan terakhir ({first} – Okt 2026)"
    trace = figure.data[0]
    assert list(trace.x) == list(figure.layout.xaxis.categoryarray) and len(trace.x) == count
    assert tuple(figure.layout.xaxis.range) == (-0.5, count - 0.5) and trace.x[0] == first
    assert list(trace.y[-5:]) == [70.0, 85.0, 91.0, None, 88.0] and trace.y[0] is None
    assert list(trace.marker.symbol[-5:]) == ["x", "diamond", "circle", "circle", "diamond"]  # missed, close, met
    shapes = {s.type: s for s in figure.layout.shapes}
    assert (shapes["rect"].y0, shapes["rect"].y1) == (80.0, 90.0)  # the amber band, between amber and target
    assert shapes["line"].y0 == shapes["line"].y1 == 90.0
    assert [a.text for a in figure.layout.annotations] == ["Pita kuning (hampir tercapai) sampai 80%", "Target 90%"]
    assert kpi_detail.reported_note(values, periods, "id") == f"5 dari {count} periode dilaporkan"
    pd.testing.assert_frame_equal(values, before)


def test_the_detail_of_a_quarterly_kpi_without_amber_and_its_corrections():
    row = _kpi(period="quarterly", period_start=date(2026, 7, 1), amber=float("nan"))
    periods = kpi_detail.span_periods(row, date(2026, 11, 23), 12)
    figure = kpi_detail.detail_figure(pd.DataFrame({"period_start": [], "value": []}), periods, row, lang="en",
                                      theme="light")
    assert figure.layout.title.text == "Last 12 quarters (Q4 2023 – Q3 2026)"
    assert [s.type for s in figure.layout.shapes] == ["line"]
    assert "No values in this span." in [a.text for a in figure.layout.annotations]
    revisions = pd.DataFrame([(date(2026, 10, 1), 91.0, REPORTED, "DLH", datetime(2026, 11, 20, 1, tzinfo=timezone.utc))],
                             columns=["period_start", "value", "reported_at", "reported_by", "replaced_at"])
    text = _text(kpi_detail.revision_table(revisions, _kpi(), NAMES_ID))
    assert "Okt 2026 91% DLH 5 Nov 2026 09.00 WIB 20 Nov 2026 08.00 WIB" in text
    assert _text(kpi_detail.revision_table(revisions.iloc[:0], _kpi(), NAMES_EN)) == "No corrections for this KPI yet."
    assert kpi_detail.facts(_kpi(), NAMES_EN, "Smart Environment") == (
        "Environment Agency · Smart Environment · Waste management · output stage")
