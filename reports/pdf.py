"""The briefing as an A4 PDF (fpdf2): pure, a ``BriefingDocument`` of ready-translated text,
tables and PNG images in, PDF bytes out.

Page 1 opens with a letterhead (the city's emblem when its profile names one, the city, who
sends it, when it was made), the title and the period, and the cover summary: the three
points that matter most, each with its status in a word and a colour. Then the sections, each
one heading with its sentences, its tables and its charts, and the definitions. Later pages
carry a running header; every page a footer with the page number. The layout rules (a heading
never alone at the foot of a page, no table row split, columns fitted to content, the embedded
font) are in ``reports.pdf_layout``; ``render`` returns the record of where each block fell.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from reports import pdf_layout as layout
from reports.pdf_layout import FONT, Placed, safe_text  # noqa: F401 - FONT and safe_text: the deck's too

PAGE_ALIAS = "{nb}"  # fpdf2 replaces it with the page count when the document is closed
EMBLEM_MM = 20  # the emblem's height on the letterhead
TOGETHER = 90  # mm: a section's sentences and table start shorter than this stay on one page


@dataclass(frozen=True)
class Table:
    title: str | None  # a subheading above it; None when the section's heading says it all
    header: list[str]
    rows: list[list[str]]
    align: tuple[str, ...] | None = None  # per column: LEFT or RIGHT; default: first left, others right
    empty: str | None = None  # said instead of the table when it has no rows


@dataclass(frozen=True)
class Image:
    title: str
    png: bytes | None
    error: str | None = None


@dataclass(frozen=True)
class Section:
    title: str
    tables: list[Table] = field(default_factory=list)
    error: str | None = None  # shown instead of the content when its data could not be read
    sentences: list[str] = field(default_factory=list)  # under the heading, as bullets
    images: list[Image] = field(default_factory=list)  # after the tables


@dataclass(frozen=True)
class Point:
    """One point of the cover summary: ``tone`` (danger, warning, success, neutral) colours it,
    ``status`` says it in a word."""

    tone: str
    status: str
    headline: str
    detail: str


@dataclass(frozen=True)
class BriefingDocument:
    title: str  # also the PDF's title metadata and the running header
    city: str
    lines: list[str]  # under the title: period, comparison period, notes on the period
    key_points_title: str = ""
    key_points: list[str] = field(default_factory=list)  # a list after the summary (the sections have their own)
    sections: list[Section] = field(default_factory=list)
    images_title: str = ""
    images: list[Image] = field(default_factory=list)  # charts of no section, after the sections
    notes: str = ""
    footer: str = ""  # left of the footer, on every page
    page_label: str = "{page} / {pages}"  # with {page} and {pages}: 'Halaman {page} dari {pages}'
    language: str = "id"
    created: datetime | None = None
    author: str = "Live Room"
    letterhead: str = ""  # under the city's name: who sends it
    generated: str = ""  # when it was made, right of the letterhead and of the running header
    emblem: bytes | None = None  # the city's emblem (PNG or JPEG), left of its name
    summary_title: str = ""
    summary: list[Point] = field(default_factory=list)
    notes_title: str = ""


@dataclass(frozen=True)
class Rendered:
    data: bytes
    placed: tuple[Placed, ...]  # where each block fell (``reports.pdf_layout.Placed``); not in the PDF
    pages: int


class _Pdf(layout.LayoutPdf):
    def __init__(self, doc: BriefingDocument):
        super().__init__()
        self.doc = doc

    def header(self):
        if self.page_no() == 1:  # the letterhead's page
            return
        self.set_xy(self.l_margin, 9)
        self.font(8.5, "B", layout.GREY)
        self.cell(self.epw * 0.6, 5, safe_text(self.doc.title))
        self.font(8.5, "", layout.GREY)
        self.set_x(self.l_margin)
        self.cell(self.epw, 5, safe_text(self.doc.generated), align="R")
        self.set_draw_color(*layout.RULE)
        self.set_line_width(0.3)
        self.line(self.l_margin, 14.5, self.w - self.r_margin, 14.5)
        self.set_y(self.t_margin)

    def footer(self):
        self.set_draw_color(*layout.RULE)
        self.set_line_width(0.3)
        self.line(self.l_margin, self.h - 14, self.w - self.r_margin, self.h - 14)
        self.set_xy(self.l_margin, self.h - 13)
        self.font(8.5, "", layout.GREY)
        self.cell(self.epw * 0.75, 5, safe_text(self.doc.footer))
        self.set_x(self.l_margin)
        page = self.doc.page_label.format(page=self.page_no(), pages=PAGE_ALIAS)
        self.cell(self.epw, 5, safe_text(page), align="R")


def _emblem(pdf: _Pdf, png: bytes | None, x: float, y: float) -> float:
    """Draws the emblem; returns its width (0 without one, or when it cannot be read)."""
    if not png:
        return 0
    try:
        info = pdf.image(io.BytesIO(png), x=x, y=y, h=EMBLEM_MM)
    except Exception:  # noqa: BLE001 - a broken emblem must not cost the mayor the briefing
        return 0
    return float(info.rendered_width)


def _letterhead(pdf: _Pdf, doc: BriefingDocument) -> None:
    top = 13
    page = pdf.page_no()
    x = pdf.l_margin
    width = _emblem(pdf, doc.emblem, x, top)
    x += width + 4 if width else 0
    pdf.set_xy(x, top + (3 if width else 0))
    pdf.font(17, "B", layout.ACCENT)
    pdf.cell(pdf.epw * 0.62 - (x - pdf.l_margin), 8, safe_text(doc.city))
    pdf.set_xy(x, pdf.get_y() + 8)
    pdf.font(9.5, "", layout.GREY)
    pdf.cell(pdf.epw * 0.62 - (x - pdf.l_margin), 5, safe_text(doc.letterhead))
    pdf.set_xy(pdf.l_margin, top + (3 if width else 0) + 1.5)
    pdf.font(9.5, "", layout.GREY)
    pdf.cell(pdf.epw, 5, safe_text(doc.generated), align="R")
    rule = top + max(EMBLEM_MM if width else 0, 15) + 2.5
    pdf.set_draw_color(*layout.ACCENT)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, rule, pdf.w - pdf.r_margin, rule)
    pdf.set_line_width(0.25)
    pdf.line(pdf.l_margin, rule + 1.3, pdf.w - pdf.r_margin, rule + 1.3)
    pdf.set_y(rule + 5)
    pdf.font(20, "B", layout.INK)
    pdf.multi_cell(0, 9, safe_text(doc.title), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(1)
    for line in doc.lines:
        pdf.font(10, "", layout.GREY)
        pdf.multi_cell(0, 5, safe_text(line), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(2)
    pdf.note("letterhead", doc.city, page, top)


def _point_lines(pdf: _Pdf, point: Point, width: float) -> tuple[list[str], list[str]]:
    pdf.set_font(FONT, "B", 11.5)
    headline = pdf.lines(width, point.headline)
    pdf.set_font(FONT, "", 9.5)
    return headline, pdf.lines(width, point.detail) if point.detail else []


def _summary(pdf: _Pdf, doc: BriefingDocument) -> None:
    """The cover summary: a box of numbered points, each with a bar and a word in its tone."""
    if not doc.summary:
        return
    inner, status_h, head_h, detail_h, gap = pdf.epw - 16, 4.2, 5.4, 4.4, 3.5
    measured = [(point, *_point_lines(pdf, point, inner)) for point in doc.summary]
    heights = [status_h + len(h) * head_h + len(d) * detail_h for _, h, d in measured]
    box = 9 + sum(heights) + gap * (len(heights) - 1) + 4
    pdf.keep(box + 2)
    page, top = pdf.page_no(), pdf.get_y()
    pdf.set_fill_color(*layout.STRIPE)
    pdf.set_draw_color(*layout.RULE)
    pdf.set_line_width(0.3)
    pdf.rect(pdf.l_margin, top, pdf.epw, box, style="DF", round_corners=True, corner_radius=2)
    pdf.set_xy(pdf.l_margin + 4, top + 3)
    pdf.font(12, "B", layout.INK)
    pdf.cell(pdf.epw - 8, 5, safe_text(doc.summary_title))
    y = top + 10
    for number, ((point, headline, detail), height) in enumerate(zip(measured, heights), start=1):
        tone = layout.TONES.get(point.tone, layout.TONES["neutral"])
        pdf.set_fill_color(*tone)
        pdf.rect(pdf.l_margin + 4, y + 0.5, 1.6, height - 1, style="F")
        x = pdf.l_margin + 10
        pdf.set_xy(x, y)
        pdf.font(8, "B", tone)
        pdf.cell(inner, status_h, safe_text(f"{number}  \u00b7  {point.status.upper()}"))
        pdf.font(11.5, "B", layout.INK)
        for k, line in enumerate(headline):
            pdf.set_xy(x, y + status_h + k * head_h)
            pdf.cell(inner, head_h, line)
        pdf.font(9.5, "", layout.INK)
        for k, line in enumerate(detail):
            pdf.set_xy(x, y + status_h + len(headline) * head_h + k * detail_h)
            pdf.cell(inner, detail_h, line)
        y += height + gap
    pdf.set_y(top + box + 3)
    pdf.note("summary", doc.summary_title, page, top)


def _align(table: Table) -> list[str]:
    return list(table.align or ["LEFT"] + ["RIGHT"] * (len(table.header) - 1))


def _table_start(pdf: _Pdf, table: Table) -> float:
    """What must stay with a heading above the table: its title, header and first row."""
    title = layout.text_height(pdf, table.title, 11, "B") + 3.5 if table.title else 0
    if not table.rows:
        return title + layout.first_line_height()
    widths = layout.fit_widths(pdf, table.header, table.rows, [a == "RIGHT" for a in _align(table)], pdf.epw, 9)
    return title + layout.table_start_height(pdf, table.header, table.rows, widths, 9)


def _table(pdf: _Pdf, table: Table, label: str) -> None:
    if not table.rows:
        layout.paragraph(pdf, table.empty or table.title or "", colour=layout.GREY)
        return
    if table.title:
        layout.heading(pdf, table.title, _table_start(pdf, table) - layout.text_height(pdf, table.title, 11, "B") - 3.5,
                       size=11, colour=layout.INK)
    layout.table(pdf, table.title or label, table.header, table.rows, _align(table))


def _image(pdf: _Pdf, image: Image) -> None:
    if image.png is None:
        layout.paragraph(pdf, f"{image.title}: {image.error or ''}", colour=layout.GREY, kind="message")
        return
    layout.image(pdf, image.png, image.title)


def _keep_with_heading(pdf: _Pdf, section: Section) -> float:
    """What a section's heading must not be parted from: its sentences and the start of its
    table when together they are short (``TOGETHER``), else its first block."""
    if section.error:
        return layout.first_line_height()
    sentences = [layout.text_height(pdf, s, 10, indent=5) + 1.2 for s in section.sentences]
    table = _table_start(pdf, section.tables[0]) if section.tables else 0
    if sum(sentences) + table <= TOGETHER:
        return sum(sentences) + 1.5 + table
    if sentences:
        return sentences[0]
    return table or (60 if section.images else 0)  # a chart, or the top of its shrunk form


def _section(pdf: _Pdf, section: Section) -> None:
    layout.heading(pdf, section.title, _keep_with_heading(pdf, section))
    if section.error:
        layout.paragraph(pdf, section.error, colour=layout.TONES["danger"], kind="message")
        return
    for sentence in section.sentences:
        layout.paragraph(pdf, sentence, bullet="\u2022")
    if section.sentences:
        pdf.ln(1.5)
    for table in section.tables:
        _table(pdf, table, section.title)
    for image in section.images:
        _image(pdf, image)


def render(doc: BriefingDocument) -> Rendered:
    """The briefing as PDF bytes, with the record of where each block fell."""
    pdf = _Pdf(doc)
    pdf.set_title(safe_text(doc.title))
    pdf.set_author(safe_text(doc.author))
    pdf.set_creator("Live Room")
    pdf.set_subject(safe_text(" | ".join(doc.lines)))
    pdf.set_lang(doc.language)
    if doc.created is not None:
        pdf.set_creation_date(doc.created)
    pdf.add_page()
    _letterhead(pdf, doc)
    _summary(pdf, doc)
    if doc.key_points:
        layout.heading(pdf, doc.key_points_title, layout.text_height(pdf, doc.key_points[0], 10, indent=5))
        for point in doc.key_points:
            layout.paragraph(pdf, point, bullet="\u2022")
    for section in doc.sections:
        _section(pdf, section)
    if doc.images:
        _section(pdf, Section(doc.images_title, images=doc.images))
    if doc.notes:
        if doc.notes_title:
            layout.heading(pdf, doc.notes_title, layout.text_height(pdf, doc.notes, 8.5, "I"), size=11,
                           colour=layout.GREY)
        layout.paragraph(pdf, doc.notes, size=8.5, style="I", colour=layout.GREY, kind="notes")
    data = bytes(pdf.output())
    return Rendered(data, tuple(pdf.placed), pdf.pages_count)


def build_pdf(doc: BriefingDocument) -> bytes:
    """The briefing as PDF bytes."""
    return render(doc).data
