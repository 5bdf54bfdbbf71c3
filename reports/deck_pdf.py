"""The evaluation deck as a PDF (fpdf2): one landscape A4 page per slide of ``reports.deck``, in
the deck's language, in the briefing's embedded font (``reports.pdf_layout``: Source Sans Pro from
its package, the same on every machine; a character it lacks is replaced, see ``safe_text``).

The budget chart is an image drawn by kaleido (``reports.png``); where it cannot be drawn the
page says why and shows its figures as a table. Each dimension's history on the consistency page
is drawn with the PDF's own lines, so it never needs a browser. Nothing flows onto a second
page: a slide's content is already cut to what fits (``reports.deck.MAX_ENTRIES``, ``MAX_ROWS``)."""
from __future__ import annotations

import io
import math
from datetime import datetime

from fpdf import FPDF
from fpdf.fonts import FontFace

from components.evaluation_charts import budget_by_year
from components.i18n import t
from reports import evaluation_text as words
from reports.deck import Chart, Deck, Slide, Table, Tile
from reports.pdf_layout import FONT, safe_text, use_fonts
from reports.png import RenderError, renderer

MARGIN = 14  # mm
ACCENT = (28, 126, 214)
INK, GREY = (33, 37, 41), (108, 117, 125)
STATUS_COLOURS = {"met": (47, 158, 68), "close": (217, 108, 0), "missed": (201, 42, 42), "no_data": (134, 142, 150)}
CHART_SIZE = (900, 520)  # CSS pixels of the chart image (scaled 2x)


class _DeckPdf(FPDF):
    def __init__(self, deck: Deck, generated: str):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.deck, self.generated = deck, generated
        use_fonts(self)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)  # one page per slide, never more

    def footer(self):
        self.set_y(-10)
        self.set_font(FONT, size=10)
        self.set_text_color(*GREY)
        self.cell(0, 5, safe_text(f"{self.deck.title} \u00b7 {self.generated}"), align="L")
        self.set_x(MARGIN)
        self.cell(0, 5, safe_text(t("evaluation.slide.counter", self.deck.lang, n=self.page_no(),
                                    total=len(self.deck.slides))), align="R")


def _text(pdf: FPDF, text: str, size: float, *, style: str = "", colour=INK, height: float | None = None,
          width: float = 0, link: str | None = None) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(width, height or size * 0.5, safe_text(text), new_x="LMARGIN" if not width else "LEFT",
                   new_y="NEXT", link=link or "", align="L")


def _link(href: str | None, base_url: str) -> str | None:
    if not href:
        return None
    return base_url.rstrip("/") + href if href.startswith("/") else href


def _widths(pdf: FPDF, table: Table, width: float) -> tuple[float, ...]:
    """Column widths: narrow columns get what their longest text needs, the wide ones share the rest."""
    needed = [max(pdf.get_string_width(safe_text(str(r[i]))) for r in [table.header, *table.rows]) + 4
              for i in range(len(table.header))]
    widths, remaining = list(needed), width
    for count, i in enumerate(sorted(range(len(needed)), key=needed.__getitem__)):
        widths[i] = min(needed[i], remaining / (len(needed) - count))
        remaining -= widths[i]
    return tuple(widths)


def _table(pdf: FPDF, table: Table, width: float, size: float = 12) -> None:
    """A table whose columns are as wide as their longest text needs (within reason)."""
    pdf.set_font(FONT, size=size)
    pdf.set_text_color(*INK)
    pdf.set_fill_color(255, 255, 255)
    columns = len(table.header)
    align = table.align or tuple(["LEFT"] + ["RIGHT"] * (columns - 1))
    widths = _widths(pdf, table, width)
    heading = FontFace(emphasis="BOLD", fill_color=(233, 236, 239))
    with pdf.table(width=width, align="LEFT", text_align=align, headings_style=heading, line_height=size * 0.55,
                   borders_layout="HORIZONTAL_LINES", col_widths=widths) as grid:
        for values in [table.header, *table.rows]:
            row = grid.row()
            for value in values:
                row.cell(safe_text(str(value)))
    pdf.ln(3)


def _entries(pdf: FPDF, slide: Slide, base_url: str, width: float = 0) -> None:
    x = pdf.get_x()
    for entry in slide.entries:
        pdf.set_x(x)
        pdf.set_fill_color(*ACCENT)
        pdf.rect(x, pdf.get_y() + 1, 1.6, 13, style="F")
        pdf.set_x(x + 4)
        href = _link(entry.href, base_url)
        _text(pdf, entry.title, 18, style="BU" if href else "B", colour=ACCENT if href else INK, height=8,
              width=width - 4 if width else pdf.epw - (x - MARGIN) - 4, link=href)
        pdf.set_x(x + 4)
        _text(pdf, entry.meta, 14, colour=GREY, height=6.5, width=width - 4 if width else pdf.epw - (x - MARGIN) - 4)
        pdf.ln(3)
    if slide.more:
        pdf.set_x(x)
        _text(pdf, slide.more, 14, colour=GREY, width=width)


def _badge(pdf: FPDF, x: float, y: float, status: str, lang: str, size: float = 12) -> float:
    """The status as a word on its colour; returns the badge's width."""
    word = safe_text(words.status_word(status, lang))
    pdf.set_font(FONT, "B", size)
    width = pdf.get_string_width(word) + 5
    pdf.set_fill_color(*STATUS_COLOURS[status])
    pdf.rect(x, y, width, size * 0.5, style="F", round_corners=True, corner_radius=1.5)
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(x, y)
    pdf.cell(width, size * 0.5, word, align="C")
    return width


def _score_tile(pdf: FPDF, tile: Tile, x: float, y: float, w: float, h: float, lang: str) -> None:
    pdf.set_draw_color(206, 212, 218)
    pdf.rect(x, y, w, h, round_corners=True, corner_radius=2.5)
    pdf.set_xy(x + 5, y + 4)
    _text(pdf, t(f"dimension.{tile.dimension}.short", lang), 18, style="B", width=w - 10, height=8)
    pdf.set_xy(x + 5, y + 14)
    pdf.set_font(FONT, "B", 40)
    pdf.set_text_color(*INK)
    pdf.cell(pdf.get_string_width(tile.score) + 4, 18, tile.score)
    _badge(pdf, pdf.get_x() + 2, y + 20.5, tile.status, lang, 13)
    pdf.set_xy(x + 5, y + 35)
    _text(pdf, tile.counts, 13, width=w - 10, height=6.5)
    pdf.set_x(x + 5)
    _text(pdf, tile.change, 13, colour=GREY, width=w - 10, height=6.5)


def _sparkline(pdf: FPDF, tile: Tile, x: float, y: float, w: float, h: float, year: int | None) -> None:
    """The dimension's score per year as a line, 100 % dashed, the chosen year as a dot."""
    points = [(yr, s) for yr, s in tile.points if not math.isnan(s)]
    if not points:
        return
    low = min(50.0, min(s * 100 for _, s in points) - 5)
    first, last = points[0][0], points[-1][0]
    px = lambda yr: x + (w * (yr - first) / (last - first) if last > first else w / 2)  # noqa: E731
    py = lambda s: y + h - h * (min(s * 100, 105) - low) / (105 - low)  # noqa: E731
    pdf.set_draw_color(*STATUS_COLOURS["missed"])
    pdf.set_line_width(0.3)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=1.2, gap=1)
        pdf.line(x, py(1.0), x + w, py(1.0))
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.8)
    pdf.polyline([(px(yr), py(s)) for yr, s in points])
    for yr, s in points:
        chosen = yr == year
        r = 1.4 if chosen else 0.7
        pdf.set_fill_color(*((240, 140, 0) if chosen else ACCENT))
        pdf.ellipse(px(yr) - r, py(s) - r, 2 * r, 2 * r, style="F")
    pdf.set_line_width(0.2)
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(*GREY)
    pdf.set_xy(x, y + h + 0.5)
    pdf.cell(20, 4, str(first))
    pdf.set_xy(x + w - 20, y + h + 0.5)
    pdf.cell(20, 4, str(last), align="R")


def _trend_tile(pdf: FPDF, tile: Tile, x: float, y: float, w: float, h: float, year: int | None, lang: str) -> None:
    pdf.set_draw_color(206, 212, 218)
    pdf.rect(x, y, w, h, round_corners=True, corner_radius=2.5)
    pdf.set_xy(x + 5, y + 3)
    pdf.set_font(FONT, "B", 16)
    pdf.set_text_color(*INK)
    pdf.cell(w - 10, 8, safe_text(t(f"dimension.{tile.dimension}.short", lang)))
    pdf.set_xy(x + 5, y + 3)
    pdf.cell(w - 10, 8, safe_text(tile.score), align="R")
    _sparkline(pdf, tile, x + 6, y + 13, w - 12, 30, year)
    pdf.set_xy(x + 5, y + 49)
    _text(pdf, tile.sentence, 12.5, width=w - 10, height=5.6)


def _tiles(pdf: FPDF, slide: Slide, year: int | None, lang: str) -> None:
    top, gap = pdf.get_y() + 1, 5
    w = (pdf.epw - 2 * gap) / 3
    h = (pdf.h - 24 - top - gap - (8 if slide.note else 0)) / 2
    for index, tile in enumerate(slide.tiles):
        x, y = MARGIN + (index % 3) * (w + gap), top + (index // 3) * (h + gap)
        if slide.key == "consistency":
            _trend_tile(pdf, tile, x, y, w, h, year, lang)
        else:
            _score_tile(pdf, tile, x, y, w, h, lang)
    pdf.set_xy(MARGIN, top + 2 * h + gap + 2)


def _chart(pdf: FPDF, chart: Chart, width: float, lang: str, browser: str | None) -> None:
    _text(pdf, chart.title, 14, style="B", width=width, height=7)
    figure = budget_by_year(chart.frame, axis_title=t("evaluation.budget.axis", lang), theme="light", lang=lang, font=18)
    figure.update_layout(paper_bgcolor="white", plot_bgcolor="white")
    try:
        png = renderer(browser).png(figure, *CHART_SIZE, scale=2)
    except RenderError as exc:
        _text(pdf, t("evaluation.deck.chart_missing", lang, reason=type(exc).__name__), 12, colour=GREY, width=width)
        _table(pdf, chart.table, width)
        return
    from PIL import Image as PilImage

    pixels = PilImage.open(io.BytesIO(png)).convert("RGB")
    height = width * pixels.height / pixels.width
    pdf.image(pixels, x=MARGIN, w=width, h=height, alt_text=safe_text(chart.title))


def _slide(pdf: FPDF, slide: Slide, deck: Deck, base_url: str, browser: str | None) -> None:
    pdf.add_page()
    lang = deck.lang
    if slide.key == "title":
        pdf.set_y(40)
        _text(pdf, slide.title, 36, style="B", colour=ACCENT, height=16)
        _text(pdf, deck.city, 24, style="B", height=12)
        for line in slide.lead:
            _text(pdf, line, 18, height=9)
        pdf.ln(6)
        _text(pdf, t("evaluation.slide.outline", lang), 16, style="B", height=8)
        top = pdf.get_y()
        half = math.ceil(len(slide.outline) / 2)
        for index, item in enumerate(slide.outline):
            pdf.set_xy(MARGIN + (index // half) * pdf.epw / 2, top + (index % half) * 8)
            _text(pdf, item, 15, width=pdf.epw / 2 - 4, height=8)
        return
    _text(pdf, slide.title, 26, style="B", colour=ACCENT, height=12)
    pdf.ln(2)
    if slide.error or slide.empty:
        _text(pdf, slide.error or slide.empty, 18, colour=STATUS_COLOURS["missed"] if slide.error else GREY, height=9)
        return
    for line in slide.lead:
        _text(pdf, line, 20, style="B", height=10)
    if slide.lead:
        pdf.ln(3)
    if slide.tiles:
        _tiles(pdf, slide, deck.year, lang)
    elif slide.chart is not None:
        top, left = pdf.get_y(), pdf.epw * 0.55
        _chart(pdf, slide.chart, left, lang, browser)
        below = pdf.get_y()
        pdf.set_left_margin(MARGIN + left + 8)
        pdf.set_xy(MARGIN + left + 8, top + 7)
        for table in slide.tables:
            _table(pdf, table, pdf.epw, 12)
        _entries(pdf, slide, base_url, pdf.epw)
        pdf.set_left_margin(MARGIN)
        pdf.set_xy(MARGIN, max(below, pdf.get_y()))
    else:
        for table in slide.tables:
            _table(pdf, table, pdf.epw * 0.8, 14)
        _entries(pdf, slide, base_url)
    if slide.note:
        pdf.set_xy(MARGIN, max(pdf.get_y(), pdf.h - 24))
        _text(pdf, slide.note, 11, style="I", colour=GREY, height=5)


def build_pdf(deck: Deck, generated_at: datetime, generated_text: str, base_url: str, browser: str | None) -> bytes:
    """The deck as PDF bytes: one landscape A4 page per slide. ``generated_text`` is the time it
    was made, as printed in the footer; links to the app's files are made absolute with ``base_url``."""
    pdf = _DeckPdf(deck, t("evaluation.deck.generated", deck.lang, time=generated_text))
    pdf.set_title(safe_text(deck.title))
    pdf.set_author("Live Room")
    pdf.set_creator("Live Room")
    pdf.set_subject(safe_text(deck.city))
    pdf.set_lang(deck.lang)
    pdf.set_creation_date(generated_at)
    for slide in deck.slides:
        _slide(pdf, slide, deck, base_url, browser)
    return bytes(pdf.output())
