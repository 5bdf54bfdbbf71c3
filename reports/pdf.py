"""The briefing as an A4 PDF (fpdf2): pure, a ``BriefingDocument`` of ready-translated text,
tables and PNG images in, PDF bytes out.

The text uses the PDF core font Helvetica in the Windows-1252 encoding (no font file needed,
so it works on any machine). That covers Indonesian and English text, the en dash and curly
quotes; any other character is replaced by '?' rather than breaking the document.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from fpdf import FPDF
from fpdf.fonts import FontFace

FONT = "helvetica"
ENCODING = "windows-1252"
MARGIN_MM = 15
PAGE_ALIAS = "{nb}"  # fpdf2 replaces it with the page count when the document is closed


def safe_text(text: str) -> str:
    """``text`` with every character the core font cannot show replaced by '?'."""
    text = text.replace("\u202f", " ").replace("\u2212", "-")
    return text.encode(ENCODING, errors="replace").decode(ENCODING)


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    widths: tuple[float, ...] | None = None  # relative column widths
    align: tuple[str, ...] | None = None  # per column: LEFT, RIGHT, CENTER; default: first left, others right


@dataclass(frozen=True)
class Section:
    title: str
    tables: list[Table] = field(default_factory=list)
    error: str | None = None  # shown instead of the content when its data could not be read


@dataclass(frozen=True)
class Image:
    title: str
    png: bytes | None
    error: str | None = None


@dataclass(frozen=True)
class BriefingDocument:
    title: str  # also the PDF's title metadata
    city: str
    lines: list[str]  # under the title: period, comparison period, generated time
    key_points_title: str
    key_points: list[str]
    sections: list[Section]
    images_title: str
    images: list[Image]
    notes: str
    footer: str  # left of the footer, on every page
    page_label: str  # with {page} and {pages}: 'Halaman {page} dari {pages}'
    language: str = "id"
    created: datetime | None = None
    author: str = "Live Room"


class _Pdf(FPDF):
    def __init__(self, doc: BriefingDocument):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc = doc
        self.core_fonts_encoding = ENCODING
        self.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.set_auto_page_break(True, margin=MARGIN_MM + 5)

    def footer(self):
        self.set_y(-MARGIN_MM)
        self.set_font(FONT, size=8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, safe_text(self.doc.footer), align="L")
        page = self.doc.page_label.format(page=self.page_no(), pages=PAGE_ALIAS)
        self.set_x(MARGIN_MM)
        self.cell(0, 5, safe_text(page), align="R")


def _heading(pdf: _Pdf, text: str, size: float = 13) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(20, 20, 20)
    pdf.multi_cell(0, 7, safe_text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)


def _bullets(pdf: _Pdf, sentences: list[str]) -> None:
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(33, 37, 41)
    for sentence in sentences:
        pdf.set_x(MARGIN_MM)
        pdf.cell(5, 5.5, safe_text("\u2022"))
        pdf.multi_cell(0, 5.5, safe_text(sentence), new_x="LMARGIN", new_y="NEXT")


def _table(pdf: _Pdf, table: Table) -> None:
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 7, safe_text(table.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=8.5)
    if not table.rows:
        return
    widths = table.widths or tuple([2.5] + [1] * (len(table.header) - 1))
    align = table.align or tuple(["LEFT"] + ["RIGHT"] * (len(table.header) - 1))
    heading = FontFace(emphasis="BOLD", fill_color=(233, 236, 239))
    with pdf.table(col_widths=widths, text_align=align,
                   headings_style=heading, line_height=4.8, borders_layout="HORIZONTAL_LINES") as grid:
        for values in [table.header, *table.rows]:
            row = grid.row()
            for value in values:
                row.cell(safe_text(str(value)))
    pdf.ln(2)


def _image(pdf: _Pdf, image: Image) -> None:
    width = pdf.epw
    if image.png is None:
        _heading(pdf, image.title, 11)
        pdf.multi_cell(0, 5, safe_text(image.error or ""), new_x="LMARGIN", new_y="NEXT")
        return
    from PIL import Image as PilImage

    pixels = PilImage.open(io.BytesIO(image.png)).convert("RGB")  # opaque: no soft mask to blend
    height = width * pixels.height / pixels.width
    if pdf.will_page_break(height + 4):
        pdf.add_page()
    pdf.image(pixels, x=MARGIN_MM, w=width, h=height, alt_text=safe_text(image.title))
    pdf.ln(4)


def build_pdf(doc: BriefingDocument) -> bytes:
    """The briefing as PDF bytes."""
    pdf = _Pdf(doc)
    pdf.set_title(safe_text(doc.title))
    pdf.set_author(safe_text(doc.author))
    pdf.set_creator("Live Room")
    pdf.set_subject(safe_text(" | ".join(doc.lines)))
    pdf.set_lang(doc.language)
    if doc.created is not None:
        pdf.set_creation_date(doc.created)
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 9, safe_text(doc.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(73, 80, 87)
    for line in doc.lines:
        pdf.cell(0, 5.5, safe_text(line), new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, doc.key_points_title)
    _bullets(pdf, doc.key_points)
    for section in doc.sections:
        _heading(pdf, section.title)
        if section.error:
            pdf.set_text_color(201, 42, 42)
            pdf.multi_cell(0, 5.5, safe_text(section.error), new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(33, 37, 41)
            continue
        for table in section.tables:
            _table(pdf, table)
    _heading(pdf, doc.images_title)
    for image in doc.images:
        _image(pdf, image)
    pdf.set_font(FONT, "I", 8)
    pdf.set_text_color(110, 110, 110)
    pdf.multi_cell(0, 4.2, safe_text(doc.notes), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
