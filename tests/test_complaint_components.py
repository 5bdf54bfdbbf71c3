"""Builders of the complaints page: right output, inputs untouched; exports that open again."""
import io
import sys
from datetime import datetime

import openpyxl
import pandas as pd

from components.charts import category_stack
from components.exports import csv_bytes, labelled, xlsx_bytes
from components.filters import params_from_controls
from components.grids import red_flag_rows
from components.maps import complaint_locations
from components.theme import map_style


def test_category_stack_keeps_the_top_categories_and_sums_the_rest():
    frame = pd.DataFrame({"bucket": [0, 0, 1, 1, 2, 2], "name": ["A", "B", "A", "C", "B", "D"],
                          "count": [5, 3, 4, 1, 2, 1]})
    before = frame.copy()
    figure = category_stack(frame, x_column="bucket", label_column="name", x_values=[0, 1, 2, 3], x_title="Jam",
                            value_label="Aduan", other_label="Lainnya", theme="light", empty_text="kosong", top=2)
    pd.testing.assert_frame_equal(frame, before)
    series = {trace.name: list(trace.y) for trace in figure.data}
    assert series == {"A": [5, 4, 0, 0], "B": [3, 0, 2, 0], "Lainnya": [0, 1, 1, 0]}  # every hour, zeros included
    assert figure.layout.barmode == "stack"
    empty = category_stack(frame.iloc[0:0], x_column="bucket", label_column="name", x_values=[], x_title="Jam",
                           value_label="Aduan", other_label="Lainnya", theme="dark", empty_text="kosong")
    assert empty.layout.annotations[0].text == "kosong"


def test_complaint_locations_draws_points_or_a_density():
    points = pd.DataFrame({"lat": [-6.17, -6.2], "lon": [106.63, 106.6], "category": ["pju", "banjir"]})
    before = points.copy()
    figure = complaint_locations(points, "points", theme="light", style=map_style("offline", "light"),
                                 center=(-6.18, 106.63), zoom=11)
    pd.testing.assert_frame_equal(points, before)
    assert figure.data[0].type == "scattermap" and list(figure.data[0].lat) == [-6.17, -6.2]
    grid = pd.DataFrame({"lat": [-6.171, -6.201], "lon": [106.631, 106.601], "count": [120, 3]})
    density = complaint_locations(grid, "grid", theme="dark", style=map_style("offline", "dark"),
                                  center=(-6.18, 106.63), zoom=11, cell_degrees=0.004)
    assert density.data[0].type == "densitymap" and list(density.data[0].z) == [120, 3]


def test_red_flag_rows_show_local_times_and_ages():
    frame = pd.DataFrame([{
        "external_id": "LAKSA-1", "category": "pju", "name_id": "Penerangan jalan umum mati",
        "name_en": "Street light out", "kecamatan": "Karawaci", "agency": "DPERKIM", "status": "assigned",
        "received_at": datetime(2026, 11, 20, 1, 0), "response_due_at": datetime(2026, 11, 21, 1, 0),
        "overdue_seconds": 2 * 86400 + 3 * 3600 + 60, "description": "Lampu mati. Saya [disamarkan].",
        "address": "Jl. Beringin No. [disamarkan]", "reporter": "[disamarkan]"}])
    row = red_flag_rows(frame, lang="id", tz="Asia/Jakarta", tz_label="WIB")[0]
    assert row["received_at"] == "20 Nov 2026 08.00 WIB" and row["response_due_at"] == "21 Nov 2026 08.00 WIB"
    assert row["overdue"] == "2 hari 3 jam" and row["status"] == "Didisposisikan"
    assert row["address"] == "Jl. Beringin No. [disamarkan]" and row["reporter"] == "[disamarkan]"
    english = red_flag_rows(frame, lang="en", tz="Asia/Jakarta", tz_label="WIB")[0]
    assert english["category"] == "Street light out" and english["status"] == "Assigned"


def test_exports_open_again_with_labelled_columns():
    frame = pd.DataFrame({"code": ["DISHUB"], "name": ["Dinas Perhubungan"], "share_on_time": [0.825]})
    table = labelled(frame, {"name": "OPD", "share_on_time": "% tepat waktu"})
    assert list(frame.columns) == ["code", "name", "share_on_time"]  # input untouched
    text = csv_bytes(table).decode("utf-8-sig")
    assert text.splitlines() == ["OPD,% tepat waktu", "Dinas Perhubungan,0.825"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table, "Kecepatan tanggapan OPD")))
    sheet = book["Kecepatan tanggapan OPD"]
    assert [c.value for c in sheet[1]] == ["OPD", "% tepat waktu"]
    assert [c.value for c in sheet[2]] == ["Dinas Perhubungan", 0.825]


def test_filter_controls_become_query_parameters():
    assert params_from_controls("30d", None, None, ["36.71.01"], [], None, ["received"]) == {
        "period": "30d", "kecamatan": "36.71.01", "status": "received"}
    assert params_from_controls("custom", "2026-11-01T00:00:00", "2026-11-10", [], ["pju", "banjir"], [], []) == {
        "period": "custom", "from": "2026-11-01", "to": "2026-11-10", "category": "pju,banjir"}


def test_the_filter_is_parsed_once_per_change_and_read_back_by_every_figure(city_db, monkeypatch):
    """From the URL or the controls to the SQL, the kecamatan filter passes through one parser:
    ``read_filters`` parses, the figure callbacks only read the stored result back."""
    import dash

    from app import create_app
    from data_sources.queries import filters
    from tests.helpers import FIXED_NOW, test_settings

    app = create_app(test_settings(city_db, frozen_now=FIXED_NOW))
    page = sys.modules[next(p["module"] for p in dash.page_registry.values() if p["path"] == "/complaints")]
    calls = []
    real = filters.parse_filter
    monkeypatch.setattr(page, "parse_filter", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    with app.server.test_request_context("/complaints"):
        stored, query, _style, _notice = page.read_filters("30d", None, None, ["36.71.01"], [], [], [], "received", 0,
                                                           None)
        assert len(calls) == 1 and "kecamatan=36.71.01" in query
        tiles = page.update_tiles(stored, 0)
        page.update_agency_table(stored, 0)
        page.update_red_flags(stored, 0)
        page.update_trend_by_day(stored, 0)
        assert len(calls) == 1  # the figures read the parsed filter back, they do not parse it again
        assert "36.71.01" in str(page.ComplaintFilter.from_store(stored).kecamatan) and "data-kpi" in str(tiles)
        # the same controls on a refresh leave the store as it is, so the figures do not run twice
        again = page.read_filters("30d", None, None, ["36.71.01"], [], [], [], "received", 1, stored)
        assert again[0] is dash.no_update
        # a forged store is a message in the tiles, not an error
        forged = page.update_tiles({"period": "7d", "kecamatan": "36.71.01"}, 0)
        assert "FilterError" in str(forged)
