"""The briefing's pure parts: the generated sentences, the charts and the PDF builder (opened
again with pypdf). Its period is tested with every other period in ``test_periods``."""
import io
from datetime import date, datetime, timezone

import pandas as pd
import pytest
from PIL import Image as PilImage
from pypdf import PdfReader

from reports import charts, pdf
from reports import sentences as words

TZ = "Asia/Jakarta"


# --- sentences --------------------------------------------------------------------------------


@pytest.mark.parametrize("current, previous, lang, expected", [
    (112, 100, "id", "Aduan naik 12% dibanding minggu lalu: 112 aduan, sebelumnya 100."),
    (88, 100, "id", "Aduan turun 12% dibanding minggu lalu: 88 aduan, sebelumnya 100."),
    (1250, 1000, "en", "Complaints rose 25% compared with last week: 1,250, against 1,000."),
    (2500, 1000, "id", "Aduan naik 150% dibanding minggu lalu: 2.500 aduan, sebelumnya 1.000."),
    (100, 100, "id", "Jumlah aduan sama dengan minggu lalu: 100 aduan."),
    (1001, 1000, "id", "Aduan naik kurang dari 1% dibanding minggu lalu: 1.001 aduan, sebelumnya 1.000."),
    (45, 0, "id", "Ada 45 aduan, sedangkan minggu lalu tidak ada aduan, jadi kenaikannya tidak dapat dinyatakan "
                  "dalam persen."),
    (45, 0, "en", "45 complaints, while last week had none, so the rise cannot be given as a percentage."),
    (0, 0, "id", "Tidak ada aduan, sama seperti minggu lalu."),
    (0, 20, "id", "Aduan turun 100% dibanding minggu lalu: 0 aduan, sebelumnya 20."),
])
def test_complaint_count_sentence(current, previous, lang, expected):
    compare = words.compare_label("7d", lang)
    assert words.count_sentence("complaints", current, previous, compare, lang) == expected


def test_red_flag_sentences_and_comparison_labels():
    assert words.compare_label("30d", "id") == "30 hari sebelumnya"
    assert words.compare_label("custom", "en") == "the previous period"
    text = words.count_sentence("red", 30, 40, words.compare_label("30d", "id"), "id")
    assert text.startswith("Bendera merah") and "turun 25% dibanding 30 hari sebelumnya" in text
    assert words.count_sentence("red", 3, 0, "last week", "en").startswith("3 red flags were raised, while last week had none")


def test_late_sentences_name_the_slowest_agency():
    agencies = pd.DataFrame({"name": ["Dinas PUPR", "Dinas Sosial", "BPBD"], "late": [14, 3, 0],
                             "late_previous": [9, 5, 2]})
    got = words.late_sentences(agencies, "minggu lalu", "id")
    assert got == ["Dinas PUPR memiliki 14 aduan terlambat (minggu lalu: 9).",
                   "Seluruhnya 17 aduan terlambat di 2 OPD."]
    none = agencies.assign(late=0)
    assert words.late_sentences(none, "last week", "en") == ["No complaint went past its response deadline in this period."]
    before = agencies.copy()
    words.late_sentences(agencies, "minggu lalu", "id")
    pd.testing.assert_frame_equal(agencies, before)  # the input is not changed


def test_complaint_sentences_in_order():
    figures = {"current": {"received": 451, "red_raised": 134, "share_on_time": 0.646},
               "previous": {"received": 425, "red_raised": 141, "share_on_time": 0.651}}
    agencies = pd.DataFrame({"name": ["Dinas Lingkungan Hidup"], "late": [38], "late_previous": [23]})
    got = words.complaint_sentences(figures, agencies, "minggu lalu", "id")
    assert got[0] == "Aduan naik 6% dibanding minggu lalu: 451 aduan, sebelumnya 425."
    assert got[1].startswith("Bendera merah (lewat tenggat tanpa tanggapan) turun 5%")
    assert got[1].endswith(": membaik.")  # 134 against 141: fewer red flags, by 5 % (the steady band is under 5 %)
    assert got[2] == ("64,6% aduan yang sudah dapat dinilai ditanggapi tepat waktu (minggu lalu: 65,1%): "
                      "tetap (selisih di bawah 1 poin persen), di bawah target 90%.")
    assert got[3] == "Dinas Lingkungan Hidup memiliki 38 aduan terlambat (minggu lalu: 23)."
    nothing_judged = {side: dict(figures[side], share_on_time=None) for side in figures}
    assert "Belum ada aduan" in words.complaint_sentences(nothing_judged, agencies, "minggu lalu", "id")[2]


@pytest.mark.parametrize("uptime, previous, target, lang, expected", [
    (0.978, 0.984, 0.98, "id",
     "Uptime CCTV 97,8% (minggu lalu: 98,4%): tetap (selisih di bawah 1 poin persen), di bawah target 98,0%."),
    (0.96, 0.984, 0.98, "id", "Uptime CCTV 96,0% (minggu lalu: 98,4%): memburuk, di bawah target 98,0%."),
    (0.99, None, 0.98, "id", "Uptime CCTV 99,0% (minggu lalu: belum ada data), memenuhi target 98,0%."),
    (0.99, 0.97, None, "en", "Uptime for CCTV: 99.0% (last week: 97.0%): better."),
    (None, 0.97, 0.98, "id", "Belum ada data uptime CCTV untuk periode ini."),
    (float("nan"), 0.97, 0.98, "en", "No CCTV uptime data for this period yet."),
])
def test_uptime_sentence(uptime, previous, target, lang, expected):
    assert words.uptime_sentence("cctv", uptime, previous, target, words.compare_label("7d", lang), lang) == expected


def test_kpi_sentence():
    base = {"total": 12, "off_target": 3, "previous_total": 12, "previous_off_target": 4, "month": date(2026, 10, 1)}
    assert words.kpi_sentence(base, "id") == "3 dari 12 KPI layanan di bawah target pada Oktober 2026 (sebelumnya 4): membaik."
    assert words.kpi_sentence(base, "en") == "3 of 12 service KPIs are off target in October 2026 (before: 4): better."
    assert words.kpi_sentence(dict(base, previous_off_target=3), "en").endswith(": steady (a change under 5%).")
    assert words.kpi_sentence(dict(base, off_target=0), "id") == "Semua 12 KPI layanan memenuhi target pada Oktober 2026."
    assert words.kpi_sentence(dict(base, previous_total=0), "id").endswith("pada Oktober 2026.")
    assert words.kpi_sentence(dict(base, total=0), "id") == "Belum ada nilai KPI layanan."


def test_red_flags_now_are_named_oldest_first_with_the_agencies_with_most():
    from datetime import datetime, timezone

    now = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)
    red = {"total": 200, "oldest": pd.DataFrame([{
        "external_id": "LAKSA-1", "name_id": "Sampah menumpuk", "name_en": "Garbage piling up", "kecamatan": "Benda",
        "agency": "Dinas Lingkungan Hidup", "agency_en": "Environment Agency",
        "response_due_at": datetime(2025, 11, 20, 7, 30)}]),
        "by_agency": pd.DataFrame([{"code": "DLH", "name": "Dinas Lingkungan Hidup", "name_en": "Environment Agency",
                                    "red": 38}])}
    assert words.red_now_sentences(red, now, "id") == [
        "Saat ini 200 aduan berbendera merah; yang terlama: Sampah menumpuk (Benda · Dinas Lingkungan Hidup), "
        "terlambat 368 hari.", "OPD dengan bendera merah terbanyak: Dinas Lingkungan Hidup (38)."]
    assert words.red_now_sentences(red, now, "en")[1] == "Agencies with the most red flags: Environment Agency (38)."
    assert words.red_now_sentences({"total": 0}, now, "id") == ["Saat ini tidak ada aduan berbendera merah."]


def test_late_sentence_names_each_agency_its_kpis_and_periods():
    columns = ["agency", "code", "name_id", "name_en", "period", "period_start", "late_since"]
    late = pd.DataFrame([
        ("DPUPR", "jalan_mantap", "Jalan kondisi mantap", "Roads in good condition", "quarterly", date(2026, 4, 1),
         date(2026, 7, 11)),
        ("DLH", "sampah_terangkut", "Sampah terangkut", "Garbage hauled", "monthly", date(2026, 10, 1),
         date(2026, 11, 11)),
        ("DPUPR", "genangan_surut", "Genangan surut", "Floods receding", "monthly", date(2026, 10, 1),
         date(2026, 11, 11)),
    ], columns=columns)
    assert words.late_sentence(late, "id") == ("3 laporan KPI terlambat: DPUPR (Jalan kondisi mantap, T2 2026; "
                                               "Genangan surut, Okt 2026), DLH (Sampah terangkut, Okt 2026).")
    assert words.late_sentence(late, "en") == ("3 late KPI reports: DPUPR (Roads in good condition, Q2 2026; "
                                               "Floods receding, Oct 2026), DLH (Garbage hauled, Oct 2026).")
    assert words.late_sentence(late.iloc[1:2], "id") == "1 laporan KPI terlambat: DLH (Sampah terangkut, Okt 2026)."
    assert words.late_sentence(late, "id", listed=1) == ("3 laporan KPI terlambat: DPUPR (Jalan kondisi mantap, "
                                                         "T2 2026) dan 2 lainnya.")
    assert words.late_sentence(late.iloc[:0], "en") == "Every KPI report arrived on time."


def test_tables_are_formatted_text():
    agencies = pd.DataFrame({"code": ["DPUPR"], "name": ["Dinas PUPR"], "received": [1234], "received_previous": [1000],
                             "late": [14], "late_previous": [9], "share_on_time": [0.875],
                             "share_on_time_previous": [0.9], "median_response_hours": [None]})
    header, rows = words.agency_table(agencies, "id")
    assert header[0] == "OPD" and rows == [["Dinas PUPR", "1.234", "1.000", "14", "9", "87,5%", "–"]]
    uptime = pd.DataFrame({"kind": ["cctv", "wifi"], "devices": [40, 30], "target": [0.98, 0.97],
                           "uptime": [0.9861, None], "uptime_previous": [None, 0.99]})
    header, rows = words.uptime_table(uptime, "en")
    assert rows == [["CCTV", "40", "98.6%", "–", "98.0%"], ["public WiFi", "30", "–", "99.0%", "97.0%"]]
    assert words.range_label(date(2026, 11, 17), date(2026, 11, 23), "id") == "17 Nov 2026 s.d. 23 Nov 2026"
    assert words.range_label(date(2026, 8, 17), date(2026, 8, 17), "id") == "17 Agu 2026"


# --- charts -----------------------------------------------------------------------------------


def test_complaints_per_day_puts_the_previous_period_beside_the_current():
    days = pd.DataFrame({"day": [date(2026, 11, 10), date(2026, 11, 12), date(2026, 11, 17), date(2026, 11, 23)],
                         "count": [5, 7, 11, 13]})
    before = days.copy()
    figure = charts.complaints_per_day(days, date(2026, 11, 17), 7, date(2026, 11, 10), day_labels=list("abcdefg"),
                                       current_name="now", previous_name="before", value_label="n", x_title="day",
                                       theme="light", empty_text="none")
    bars, line = figure.data
    assert list(bars.y) == [11, 0, 0, 0, 0, 0, 13] and list(line.y) == [5, 0, 7, 0, 0, 0, 0]
    assert list(line.customdata)[:3] == ["2026-11-10", "2026-11-11", "2026-11-12"]
    pd.testing.assert_frame_equal(days, before)
    empty = charts.complaints_per_day(days.iloc[0:0], date(2026, 11, 17), 7, date(2026, 11, 10),
                                      day_labels=list("abcdefg"), current_name="now", previous_name="before",
                                      value_label="n", x_title="day", theme="dark", empty_text="none")
    assert empty.layout.annotations[0].text == "none"


def test_late_and_uptime_charts():
    agencies = pd.DataFrame({"name": ["A", "B", "C"], "late": [1, 9, 0], "late_previous": [2, 3, 0]})
    figure = charts.late_by_agency(agencies, current_name="now", previous_name="before", value_label="late",
                                   theme="light", empty_text="none")
    assert list(figure.data[0].y) == ["B", "A"] and list(figure.data[0].x) == [9, 1]  # C had none: left out
    uptime = pd.DataFrame({"kind": ["cctv", "wifi"], "uptime": [0.9861, None], "uptime_previous": [0.97, 0.99],
                           "target": [0.98, 0.97]})
    figure = charts.uptime_by_kind(uptime, kind_labels={"cctv": "CCTV", "wifi": "WiFi"}, current_name="now",
                                   previous_name="before", target_name="target", value_label="%", theme="light",
                                   empty_text="none")
    assert list(figure.data[0].y) == [98.61, None] and list(figure.data[2].y) == [98.0, 97.0]
    exported = charts.for_export(figure, "Uptime", 1000, 420)
    assert exported.layout.title.text == "Uptime" and exported.layout.paper_bgcolor == "white"
    assert figure.layout.title.text is None  # for_export works on a copy


# --- the PDF builder --------------------------------------------------------------------------


def _png(width: int, height: int) -> bytes:
    image = PilImage.new("RGBA", (width, height), (255, 255, 255, 255))
    for x in range(width // 4, width // 2):
        for y in range(height // 3, height):
            image.putpixel((x, y), (28, 126, 214, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _document(**changes) -> pdf.BriefingDocument:
    values = dict(
        title="Briefing Pimpinan Kota Contoh", city="Kota Contoh",
        lines=["Periode: 17 Nov 2026 s.d. 23 Nov 2026", "Dibuat 23 Nov 2026 14.30 WIB"],
        key_points_title="Pokok-pokok", key_points=["Aduan naik 12% dibanding minggu lalu – “uji” ✓"] * 30,
        sections=[pdf.Section("Aduan warga", tables=[pdf.Table("Respons OPD", ["OPD", "Aduan"],
                                                               [["Dinas PUPR", "1.234"]] * 40)]),
                  pdf.Section("Perangkat", error="Data tidak dapat dimuat: OperationalError")],
        images_title="Grafik", images=[pdf.Image("Aduan per hari", _png(1000, 440)), pdf.Image("Uptime", None, "gagal")],
        notes="Catatan.", footer="Kota Contoh · 17 Nov 2026", page_label="Halaman {page} dari {pages}",
        created=datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc))
    values.update(changes)
    return pdf.BriefingDocument(**values)


def test_pdf_builder_pages_metadata_text_and_images():
    reader = PdfReader(io.BytesIO(pdf.build_pdf(_document())))
    pages = len(reader.pages)
    assert pages >= 2
    assert reader.metadata.title == "Briefing Pimpinan Kota Contoh"
    text = [page.extract_text() for page in reader.pages]
    assert "Briefing Pimpinan Kota Contoh" in text[0] and "17 Nov 2026 s.d. 23 Nov 2026" in text[0]
    for number, page_text in enumerate(text, start=1):
        assert f"Halaman {number} dari {pages}" in page_text
    everything = "\n".join(text)
    assert "Aduan naik 12% dibanding minggu lalu – “uji” ✓" in everything  # the embedded font draws the check mark
    assert "Data tidak dapat dimuat: OperationalError" in everything and "gagal" in everything
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1 and images[0].image.size == (1000, 440)


def test_safe_text_keeps_indonesian_and_replaces_the_rest():
    assert pdf.safe_text("Rp 1.234,5 – “ok” · é") == "Rp 1.234,5 – “ok” · é"
    assert pdf.safe_text("Ω ✓ 你好") == "? ✓ ??"  # characters the embedded font lacks become '?'


def test_chart_labels_print_the_tables_numbers():
    from reports import charts

    frame = pd.DataFrame({"kind": ["cctv", "wifi"], "uptime": [0.96149, 0.9875], "uptime_previous": [0.97, 0.98],
                          "target": [0.98, 0.97], "devices": [40, 30]})
    figure = charts.uptime_by_kind(frame, kind_labels={"cctv": "CCTV", "wifi": "WiFi"}, current_name="now",
                                   previous_name="before", target_name="target", value_label="Uptime", theme="light",
                                   empty_text="-", lang="id")
    _, rows = words.uptime_table(frame, "id")
    assert list(figure.data[0].text) == [row[2] for row in rows] == ["96,1%", "98,8%"]  # never 96,2 on the chart
    assert "sumbu mulai dari 91%" in figure.layout.yaxis.title.text
    agencies = pd.DataFrame({"name": ["Dinas Lingkungan Hidup"], "late": [1234], "late_previous": [7]})
    late = charts.late_by_agency(agencies, current_name="now", previous_name="before", value_label="Late",
                                 theme="light", empty_text="-", lang="id")
    assert list(late.data[0].text) == ["1.234"]
