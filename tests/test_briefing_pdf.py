"""The briefing PDF as a document to hand to a mayor, opened with pypdf: the embedded font, the
letterhead (city, title, period, generation time, the emblem when the profile names one), the
cover summary's three points, the running header and the page numbers; and from the layout's
own record (``reports.pdf.render``), that no table row spans two pages and no heading ends a
page, for the whole-year briefing of the test city and for a made-up city with many agencies."""
import io
import os
import re

import pandas as pd
import pytest
from PIL import Image as PilImage
from pypdf import PdfReader

from app import create_app
from cities import CITIES_DIR, load_profile
from reports import briefing, cover, document, pdf, pdf_layout
from reports.png import browser_path
from tests.helpers import FIXED_NOW, sign_in, test_settings

PROFILE = load_profile("kota_tangerang")
YEAR = {"period": "custom", "from": "2025-11-24", "to": "2026-11-23"}
NO_BROWSER = "/nonexistent/chromium"


@pytest.fixture(scope="module")
def week(city_db):
    app = create_app(test_settings(city_db, frozen_now=FIXED_NOW))
    client = sign_in(app.server.test_client(), city_db, "evaluator")
    answer = client.get("/briefing/export.pdf?period=7d&lang=id")
    assert answer.status_code == 200, answer.data[:300]
    return PdfReader(io.BytesIO(answer.data))


@pytest.fixture
def bound(city_db, query_context):
    with query_context(city_db).app_context():
        yield city_db


def _text(page) -> str:
    return " ".join(page.extract_text().split())


def _scope(params: dict, lang: str = "id", profile=PROFILE) -> briefing.Scope:
    return briefing.Scope(profile, briefing.parse(params, FIXED_NOW, profile.timezone), lang, FIXED_NOW)


def _fonts(reader: PdfReader) -> dict[str, bool]:
    """Each font used on any page: its base name -> whether its file is embedded (FontFile2)."""
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            found[str(font["/BaseFont"])] = descriptor is not None and "/FontFile2" in descriptor.get_object()
    return found


def _layout_problems(placed) -> list[str]:
    """What breaks the layout rules: a row on two pages, a heading or table header that is the
    last thing on its page (what follows it is on a later page, or nothing follows)."""
    problems = [f"row {p.label} spans pages {p.page}-{p.last_page}" for p in placed
                if p.kind == "row" and p.page != p.last_page]
    for index, block in enumerate(placed):
        if block.kind in ("heading", "header"):
            following = placed[index + 1] if index + 1 < len(placed) else None
            if following is None or following.page != block.last_page:
                problems.append(f"{block.kind} {block.label!r} ends page {block.last_page}")
    return problems


# --- the PDF as the route makes it ----------------------------------------------------------


def test_the_font_is_embedded_and_no_core_font_is_left(week):
    fonts = _fonts(week)
    assert fonts and all(fonts.values()), fonts  # every font's file is in the PDF
    assert any(re.fullmatch(r"/[A-Z]{6}\+SourceSansPro", name) for name in fonts), fonts  # a subset of it
    assert not [name for name in fonts if "Helvetica" in name]


def test_the_first_page_has_the_letterhead_and_the_cover_summary(week):
    first = _text(week.pages[0])
    assert first.startswith("Kota Tangerang Live Room · Pusat Komando")
    for line in ("Dibuat 23 Nov 2026 14.30 WIB", "Briefing Pimpinan Kota Tangerang",
                 "Periode: 7 hari terakhir, 17 Nov 2026 s.d. 23 Nov 2026",
                 "Dibanding: minggu lalu, 10 Nov 2026 s.d. 16 Nov 2026"):
        assert line in first
    summary = first[first.index("Tiga hal terpenting"):first.index("Aduan warga")]
    points = [re.search(r"1 · PERLU TINDAKAN \d+ aduan berbendera merah masih terbuka Terbanyak di .+ \(\d+\)\. "
                        r"Aduan terlambat terbanyak pada periode ini: .+ \(\d+; minggu lalu: \d+\)\.", summary),
              re.search(r"2 · DI BAWAH TARGET \d+,\d% aduan ditanggapi tepat waktu \(target 90%\) "
                        r"(Membaik|Memburuk|Tetap) dibanding minggu lalu \(\d+,\d%\)\.", summary),
              re.search(r"3 · DI BAWAH TARGET Uptime (CCTV|WiFi publik) \d+,\d% \(target \d+,\d%\) "
                        r"(Membaik|Memburuk|Tetap) dibanding minggu lalu \(\d+,\d%\)\. "
                        r"\d+ dari \d+ KPI layanan di bawah target \(Oktober 2026\)\.", summary)]
    assert all(points), summary
    assert [m.start() for m in points] == sorted(m.start() for m in points)


def test_the_points_say_what_the_sections_say(week):
    """The cover repeats the body's figures, never its own: the share on time and the uptime."""
    everything = " ".join(_text(page) for page in week.pages)
    share = re.search(r"2 · DI BAWAH TARGET (\d+,\d%) aduan ditanggapi", everything).group(1)
    assert re.search(rf"{share} aduan yang sudah dapat dinilai ditanggapi tepat waktu", everything)
    kind, uptime = re.search(r"3 · DI BAWAH TARGET Uptime (CCTV|WiFi publik) (\d+,\d%)", everything).groups()
    assert f"Uptime {kind} {uptime} (minggu lalu" in everything


def test_later_pages_have_the_running_header_and_every_page_its_number(week):
    pages = len(week.pages)
    assert pages >= 2
    for number, page in enumerate(week.pages, start=1):
        text = _text(page)
        assert f"Halaman {number} dari {pages}" in text
        if number > 1:
            assert text.startswith("Briefing Pimpinan Kota Tangerang Dibuat 23 Nov 2026 14.30 WIB")
            assert "Tiga hal terpenting" not in text


def test_each_part_has_one_heading(week):
    everything = " ".join(_text(page) for page in week.pages)
    for heading in ("Aduan warga", "Perangkat", "KPI layanan di bawah target", "Definisi"):
        assert heading in everything
    assert "Uptime perangkat" not in everything and "Pokok-pokok" not in everything and "Grafik" not in everything


# --- where the blocks fell --------------------------------------------------------------------


def test_the_whole_year_never_splits_a_row_nor_leaves_a_heading_at_a_page_end(bound):
    doc = document.document(_scope(YEAR), FIXED_NOW, browser_path(None))
    rendered = pdf.render(doc)
    placed = rendered.placed
    assert rendered.pages >= 3 and max(p.last_page for p in placed) == rendered.pages
    assert _layout_problems(placed) == []
    assert [p.kind for p in placed[:2]] == ["letterhead", "summary"] and {p.page for p in placed[:2]} == {1}
    headings = [p.label for p in placed if p.kind == "heading"]  # one per part: no table title beneath it
    assert headings == ["Aduan warga", "Perangkat", "KPI layanan di bawah target", "Definisi"]
    rows = [p for p in placed if p.kind == "row"]
    assert len(rows) == sum(len(table.rows) for section in doc.sections for table in section.tables) >= 15
    images = [p for p in placed if p.kind == "image"]
    assert len(images) == 3
    reader = PdfReader(io.BytesIO(rendered.data))
    assert len(reader.pages) == rendered.pages
    assert sum(len(page.images) for page in reader.pages) == 3


def _many_agencies() -> pdf.BriefingDocument:
    names = [f"Dinas Pemberdayaan Masyarakat, Perempuan dan Perlindungan Anak Wilayah {i}" for i in range(1, 61)]
    header = ["OPD", "Aduan", "Aduan sebelumnya", "Terlambat (dari aduan itu)", "Terlambat sebelumnya",
              "Tepat waktu (dari yang jatuh tempo)", "Median tanggapan (jam)"]
    rows = [[name, f"{i * 37:,}".replace(",", "."), str(i), str(i % 7), "0", "66,6%", "12,5"]
            for i, name in enumerate(names, start=1)]
    sentences = [f"Kalimat {i}: aduan naik 12% dibanding minggu lalu \u2013 \u201cuji\u201d \u2713." for i in range(9)]
    point = pdf.Point("danger", "Perlu tindakan", "110 aduan berbendera merah masih terbuka", "Terbanyak di DLH (25).")
    return pdf.BriefingDocument(
        title="Briefing Pimpinan Kota Contoh", city="Kota Contoh", lines=["Periode: 7 hari terakhir"],
        summary_title="Tiga hal terpenting", summary=[point] * 3,
        sections=[pdf.Section(f"Bagian {s}", sentences=sentences, tables=[pdf.Table(None, header, rows)])
                  for s in range(3)],
        notes_title="Definisi", notes="Catatan. " * 80, footer="Kota Contoh", page_label="Halaman {page} dari {pages}")


def test_a_city_with_many_agencies_flows_over_pages_with_the_header_repeated():
    rendered = pdf.render(_many_agencies())
    placed = rendered.placed
    assert rendered.pages >= 6
    assert _layout_problems(placed) == []
    continued = [p for p in placed if p.kind == "header" and p.label.endswith("(continued)")]
    assert len(continued) >= 3
    for header in continued:  # on top of its page, a row right after it
        assert placed[placed.index(header) + 1].kind == "row"
    for section in ("Bagian 0", "Bagian 1", "Bagian 2"):  # never a page with a lone row of a table
        pages = [p.page for p in placed if p.kind == "row" and p.label.startswith(f"{section} #")]
        assert len(pages) == 60 and all(pages.count(page) >= 2 for page in pages)
    reader = PdfReader(io.BytesIO(rendered.data))
    text = " ".join(_text(page) for page in reader.pages)
    assert "\u201cuji\u201d \u2713." in text  # the font draws curly quotes and a check mark


def test_columns_are_fitted_to_content():
    sheet = pdf_layout.LayoutPdf()
    sheet.add_page()
    header = ["OPD", "Aduan", "Terlambat (dari aduan itu)", "Tepat waktu (dari yang jatuh tempo)"]
    rows = [["Dinas Perumahan, Permukiman dan Pertanahan", "1.234", "29", "100,0%"], ["DLH", "5", "0", "0,0%"]]
    widths = pdf_layout.fit_widths(sheet, header, rows, [False, True, True, True], sheet.epw, 9)
    assert sum(widths) == pytest.approx(sheet.epw)
    assert widths[0] > 2 * max(widths[1:])  # the agency names get the width
    sheet.set_font(pdf_layout.FONT, "", 9)
    for column in range(1, 4):  # a number never wraps
        for row in rows:
            assert len(sheet.lines(widths[column] - 2 * pdf_layout.PAD, row[column])) == 1
    assert len(sheet.lines(widths[0] - 2 * pdf_layout.PAD, rows[0][0])) == 1  # nor does the name, here


# --- the emblem ---------------------------------------------------------------------------------


def _emblem_png(path) -> str:
    image = PilImage.new("RGB", (120, 140), (255, 255, 255))
    for x in range(20, 100):
        for y in range(20, 120):
            image.putpixel((x, y), (200, 30, 40))
    image.save(path)
    return os.path.relpath(path, CITIES_DIR)  # a path relative to cities/, as a profile names it


def test_the_emblem_is_drawn_when_the_profile_names_one(bound, tmp_path):
    assert PROFILE.emblem is None  # the demo profiles ship no emblem
    with_emblem = PROFILE.model_copy(update={"emblem": _emblem_png(tmp_path / "emblem.png")})
    for profile, images in ((PROFILE, 0), (with_emblem, 1)):
        doc = document.document(_scope({}, profile=profile), FIXED_NOW, NO_BROWSER)  # no charts: page 1 is text
        first = PdfReader(io.BytesIO(pdf.build_pdf(doc))).pages[0]
        assert len(first.images) == images
        assert "Kota Tangerang" in _text(first)
    assert first.images[0].image.size == (120, 140)


def test_an_emblem_that_cannot_be_read_is_left_out(bound):
    broken = PROFILE.model_copy(update={"emblem": "missing/emblem.png"})
    assert document.emblem(broken) is None
    doc = document.document(_scope({}, profile=broken), FIXED_NOW, NO_BROWSER)
    assert len(PdfReader(io.BytesIO(pdf.build_pdf(doc))).pages[0].images) == 0


# --- the cover's choice -------------------------------------------------------------------------


def _parts(red: int = 4, on_time=(0.8, 0.85), uptime=((0.95, 0.97, 0.98), (0.99, 0.99, 0.97)), off: int = 2):
    agencies = pd.DataFrame({"name": ["DLH", "Dishub"], "late": [3, 7], "late_previous": [1, 2]})
    by_agency = pd.DataFrame({"code": ["dlh"], "name": ["DLH"], "name_en": ["Environment Agency"], "red": [red]})
    complaints = {"figures": {"current": {"received": 120, "share_on_time": on_time[0]},
                              "previous": {"received": 100, "share_on_time": on_time[1]}},
                  "agencies": agencies, "red_now": {"total": red, "by_agency": by_agency.head(1 if red else 0)}}
    frame = pd.DataFrame([("cctv", *uptime[0]), ("wifi", *uptime[1])],
                         columns=["kind", "uptime", "uptime_previous", "target"])
    status = {"total": 12, "off_target": off, "month": pd.Timestamp("2026-10-01")}
    return {"complaints": complaints, "devices": {"frame": frame}, "kpis": {"status": status}}


def test_the_cover_asks_the_same_three_questions():
    points = cover.points(_parts(), "minggu lalu", "id")
    assert [p.headline for p in points] == ["4 aduan berbendera merah masih terbuka",
                                           "80,0% aduan ditanggapi tepat waktu (target 90%)",
                                           "Uptime CCTV 95,0% (target 98,0%)"]
    assert points[0].detail == ("Terbanyak di DLH (4). Aduan terlambat terbanyak pada periode ini: Dishub (7; "
                                "minggu lalu: 2).")
    assert points[1].detail == "Memburuk dibanding minggu lalu (85,0%)."
    assert points[2].detail == "Memburuk dibanding minggu lalu (97,0%). 2 dari 12 KPI layanan di bawah target (Oktober 2026)."
    assert [p.tone for p in points] == ["danger", "danger", "danger"]


def test_the_cover_names_the_kind_furthest_below_target_and_says_when_all_is_well():
    far = cover.points(_parts(uptime=((0.99, 0.99, 0.98), (0.90, 0.95, 0.97))), "minggu lalu", "en")
    assert far[2].headline == "Public WiFi uptime 90.0% (target 97.0%)"
    well = cover.points(_parts(red=0, on_time=(0.95, 0.9), uptime=((0.99, 0.99, 0.98), (0.995, 0.99, 0.97)), off=0),
                        "last week", "en")
    assert [p.tone for p in well] == ["success", "success", "success"]
    assert well[0].headline == "No red-flag complaint is open" and well[0].status == "None open"
    assert well[1].detail == "Better compared with last week (90.0%)."
    assert well[2].status == "On target" and "All 12 service KPIs on target (October 2026)." in well[2].detail


def test_a_part_that_could_not_be_read_gives_its_place_to_the_complaint_volume():
    parts = _parts()
    parts["devices"] = parts["kpis"] = None
    points = cover.points(parts, "minggu lalu", "id")
    assert len(points) == 3 and points[2].status == "Untuk diketahui"
    assert points[2].headline == "Aduan naik 20% dibanding minggu lalu: 120 aduan, sebelumnya 100"
    assert cover.points({"complaints": None, "devices": None, "kpis": None}, "minggu lalu", "id") == []


def test_safe_text_keeps_what_the_font_draws_and_replaces_the_rest():
    assert pdf.safe_text("Rp 1.234,5 \u2013 \u201cok\u201d \u00b7 \u00e9 \u2713 \u2248 \u2264") == \
        "Rp 1.234,5 \u2013 \u201cok\u201d \u00b7 \u00e9 \u2713 \u2248 \u2264"
    assert pdf.safe_text("\u2717 \u25cf \u4f60\u597d") == "\u00d7 \u2022 ??"
