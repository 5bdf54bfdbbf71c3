"""The layout beneath the briefing's PDF (fpdf2): the embedded font, and blocks that flow down
the page and never break badly: a heading stays with what follows it, a paragraph or a table
row is never split across two pages, a table's header is repeated on each page it continues on
and its columns are fitted to their content.

The font is Source Sans Pro from the ``font-source-sans-pro`` package (SIL Open Font License),
embedded as a Unicode TrueType subset, so the PDF looks the same on every machine and prints
every character of Indonesian text; the few characters it lacks (``safe_text``) are replaced.

Every block drawn is noted in ``LayoutPdf.placed`` (kind, label, the page it starts and ends
on): the record a test reads to see that no row spans two pages and no heading ends a page.
It is kept beside the document, never written into it.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from contextlib import ExitStack
from importlib import resources
from pathlib import Path

from fpdf import FPDF

FONT = "sourcesanspro"
FONT_PACKAGE = "font_source_sans_pro"
FONT_FILES = {"": "SourceSansPro-Regular.ttf", "B": "SourceSansPro-Bold.ttf", "I": "SourceSansPro-It.ttf",
              "BI": "SourceSansPro-BoldIt.ttf"}
# characters the font lacks, written with one it has; any other missing character becomes '?'
SUBSTITUTES = {"\u2717": "\u00d7", "\u2718": "\u00d7", "\u2714": "\u2713", "\u25cf": "\u2022", "\u2009": " ",
               "\u200b": "", "\ufe0f": ""}

INK, GREY, LIGHT = (33, 37, 41), (108, 117, 125), (134, 142, 150)
ACCENT = (24, 100, 171)
RULE, HEADER_FILL, STRIPE = (206, 212, 218), (233, 236, 239), (248, 249, 250)
_FILES = ExitStack()  # keeps extracted font files, if any, until the process ends
TONES = {"danger": (201, 42, 42), "warning": (217, 108, 0), "success": (47, 158, 68), "neutral": (108, 117, 125)}


@lru_cache(maxsize=1)
def font_paths() -> dict[str, Path]:
    """The font's four styles ('', 'B', 'I', 'BI') as files of the installed package (fpdf2 reads
    a path; a package inside a zip is extracted for the life of the process)."""
    folder = resources.files(FONT_PACKAGE).joinpath("files")
    return {style: _FILES.enter_context(resources.as_file(folder.joinpath(name))) for style, name in FONT_FILES.items()}


@lru_cache(maxsize=1)
def glyphs() -> frozenset[int]:
    """The code points every style of the font can draw (the italic has fewer than the upright)."""
    from fontTools.ttLib import TTFont

    sets = [set(TTFont(path, lazy=True).getBestCmap()) for path in font_paths().values()]
    return frozenset(set.intersection(*sets))


def use_fonts(pdf: FPDF) -> None:
    """Register the embedded font's four styles in ``pdf`` as ``FONT``."""
    for style, path in font_paths().items():
        pdf.add_font(FONT, style, path)


def safe_text(text: str) -> str:
    """``text`` with every character the font cannot draw replaced (``SUBSTITUTES``, else '?')."""
    have = glyphs()
    if all(ord(c) in have or c == "\n" for c in text):
        return text
    return "".join(c if ord(c) in have or c == "\n" else SUBSTITUTES.get(c, "?") for c in text)


@dataclass(frozen=True)
class Placed:
    """One block as laid out: kind (letterhead, summary, heading, paragraph, header, row, image),
    a label, the page it starts on and the page it ends on, its top and bottom (mm)."""

    kind: str
    label: str
    page: int
    last_page: int
    top: float
    bottom: float


class LayoutPdf(FPDF):
    """A portrait A4 document in the embedded font that notes where each block fell."""

    def __init__(self, margin: float = 18, top: float = 20, bottom: float = 18):
        super().__init__(orientation="P", unit="mm", format="A4")
        use_fonts(self)
        self.set_margins(margin, top, margin)
        self.set_auto_page_break(True, margin=bottom)
        self.c_margin = 0  # cells are padded here (``PAD``), so a measured width is the width drawn
        self.placed: list[Placed] = []

    def font(self, size: float, style: str = "", colour=INK) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*colour)

    def room(self) -> float:
        """The height left on this page above the bottom margin."""
        return self.page_break_trigger - self.get_y()

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` fits on this one (and this page holds something)."""
        if height > self.room() and self.get_y() > self.t_margin + 0.5:
            self.add_page()

    def note(self, kind: str, label: str, page: int, top: float) -> None:
        self.placed.append(Placed(kind, label, page, self.page_no(), top, self.get_y()))

    def lines(self, width: float, text: str) -> list[str]:
        """``text`` wrapped to ``width`` in the current font."""
        return self.multi_cell(max(width, 6.0), 1, safe_text(text), dry_run=True, output="LINES") or [""]


# --- text ------------------------------------------------------------------------------------


def text_height(pdf: LayoutPdf, text: str, size: float, style: str = "", width: float = 0, leading: float = 1.25,
                indent: float = 0) -> float:
    pdf.set_font(FONT, style, size)
    return len(pdf.lines((width or pdf.epw) - indent, text)) * size * 0.3528 * leading


def heading(pdf: LayoutPdf, text: str, keep_with: float, size: float = 14, colour=ACCENT) -> None:
    """A heading, on a new page unless it and ``keep_with`` (the first lines of what follows) fit here."""
    line = size * 0.3528 * 1.35
    pdf.set_font(FONT, "B", size)
    gap = 2.5 if pdf.get_y() > pdf.t_margin + 0.5 else 0
    pdf.keep(gap + len(pdf.lines(pdf.epw, text)) * line + 1 + keep_with)
    page, top = pdf.page_no(), pdf.get_y()
    pdf.set_y(top + (2.5 if top > pdf.t_margin + 0.5 else 0))
    pdf.font(size, "B", colour)
    pdf.multi_cell(0, line, safe_text(text), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(1)
    pdf.note("heading", text, page, top)


def paragraph(pdf: LayoutPdf, text: str, size: float = 10, style: str = "", colour=INK, bullet: str | None = None,
              kind: str = "paragraph", after: float = 1.2) -> None:
    """A paragraph kept whole on one page (a page break comes before it when it does not fit)."""
    indent = 5 if bullet else 0
    line = size * 0.3528 * 1.25
    pdf.keep(text_height(pdf, text, size, style, indent=indent))
    page, top = pdf.page_no(), pdf.get_y()
    pdf.font(size, style, colour)
    if bullet:
        pdf.set_x(pdf.l_margin)
        pdf.cell(indent, line, bullet)
    pdf.multi_cell(pdf.epw - indent, line, safe_text(text), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(after)
    pdf.note(kind, text[:60], page, top)


def first_line_height(size: float = 10) -> float:
    return size * 0.3528 * 1.25 * 2  # a heading keeps at least two lines of its paragraph


# --- tables ----------------------------------------------------------------------------------

PAD, LEADING = 1.5, 1.2
HEAD = 0.9  # a header's size against its rows'


def _width(pdf: FPDF, text: str, style: str, size: float) -> float:
    pdf.set_font(FONT, style, size)
    return pdf.get_string_width(safe_text(text))


def _header_width(pdf: LayoutPdf, text: str, lines: int, size: float, least: float) -> float:
    """The narrowest width (from ``least``, in half millimetres) at which a bold header takes at
    most ``lines`` lines."""
    full = _width(pdf, text, "B", size * HEAD) + 2 * PAD
    width = least
    pdf.set_font(FONT, "B", size * HEAD)
    while width < full and len(pdf.lines(width - 2 * PAD, text)) > lines:
        width += 0.5
    return min(width, full)


def fit_widths(pdf: LayoutPdf, header: list[str], rows: list[list[str]], numeric: list[bool], width: float,
               size: float) -> list[float]:
    """Column widths fitted to content within ``width``. A number column is as wide as its widest
    value or header word (right-aligned, narrow); a text column at least as wide as its longest
    word. What is left goes, in turn: to number headers so none stacks on more than four lines,
    to the text columns until their longest value fits on one line (in proportion to what they
    lack), to number headers down to three, then two lines, and the rest to the text columns alike. Too
    little room for even that narrows every column alike."""
    n = len(header)
    cells = [max([_width(pdf, str(r[i]), "", size) for r in rows] or [0]) + 2 * PAD for i in range(n)]
    words = [max([_width(pdf, w, "", size) for r in rows for w in str(r[i]).split()] or [0]) + 2 * PAD
             for i in range(n)]
    head_words = [max(_width(pdf, w, "B", size * HEAD) for w in (header[i].split() or [""])) + 2 * PAD for i in range(n)]
    widths = [max(cells[i], head_words[i]) if numeric[i] else max(words[i], head_words[i]) for i in range(n)]
    text = [i for i in range(n) if not numeric[i]] or list(range(n))
    spare = width - sum(widths)
    if spare < 0:  # even the longest words do not fit: everything shrinks alike
        return [w * width / sum(widths) for w in widths]

    def headers_within(lines: int) -> None:
        nonlocal spare
        for i in (i for i in range(n) if numeric[i]):
            grow = min(spare, _header_width(pdf, header[i], lines, size, widths[i]) - widths[i])
            widths[i] += max(0.0, grow)
            spare -= max(0.0, grow)

    headers_within(4)
    lacking = {i: max(0.0, max(cells[i], head_words[i]) - widths[i]) for i in text}
    if sum(lacking.values()) > 0 and spare > 0:
        grant = min(spare, sum(lacking.values()))
        for i in text:
            widths[i] += grant * lacking[i] / sum(lacking.values())
        spare -= grant
    headers_within(3)
    headers_within(2)
    for i in text:
        widths[i] += spare / len(text)
    return widths


def _row_lines(pdf: LayoutPdf, values: list[str], widths: list[float], style: str, size: float) -> list[list[str]]:
    pdf.set_font(FONT, style, size)
    return [pdf.lines(w - 2 * PAD, str(v)) for v, w in zip(values, widths)]


def _draw_row(pdf: LayoutPdf, lines: list[list[str]], widths: list[float], align: list[str], style: str,
              size: float, fill=None, bottom_aligned: bool = False) -> float:
    line = size * 0.3528 * LEADING
    height = max(len(c) for c in lines) * line + 2 * PAD * 0.75
    x, y = pdf.l_margin, pdf.get_y()
    if fill is not None:
        pdf.set_fill_color(*fill)
        pdf.rect(x, y, sum(widths), height, style="F")
    pdf.set_font(FONT, style, size)
    for cell, width, side in zip(lines, widths, align):
        offset = (height - 2 * PAD * 0.75 - len(cell) * line) if bottom_aligned else 0
        for k, text in enumerate(cell):
            pdf.set_xy(x + PAD, y + PAD * 0.75 + offset + k * line)
            pdf.cell(width - 2 * PAD, line, text, align="R" if side == "RIGHT" else "L")
        x += width
    pdf.set_y(y + height)
    return height


def _rule(pdf: LayoutPdf, width: float, colour, thickness: float) -> None:
    pdf.set_draw_color(*colour)
    pdf.set_line_width(thickness)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())


KEEP_ROWS = 2  # a table never starts or ends a page with fewer rows than this (unless it has fewer)


def _row_height(pdf: LayoutPdf, values: list[str], widths: list[float], size: float, style: str = "") -> float:
    return max(len(c) for c in _row_lines(pdf, values, widths, style, size)) * size * 0.3528 * LEADING + 1.5 * PAD


def table_start_height(pdf: LayoutPdf, header: list[str], rows: list[list[str]], widths: list[float],
                       size: float) -> float:
    """The header and the first ``KEEP_ROWS`` rows: what must stay together (and with a heading above)."""
    return (_row_height(pdf, header, widths, size * HEAD, "B")
            + sum(_row_height(pdf, [str(v) for v in r], widths, size) for r in rows[:KEEP_ROWS]) + 1)


def table(pdf: LayoutPdf, label: str, header: list[str], rows: list[list[str]], align: list[str],
          size: float = 9) -> None:
    """A table across the text width: columns fitted to content, the header on every page the
    table reaches, no row split across two pages, and no page holding a lone first or last row."""
    widths = fit_widths(pdf, header, rows, [a == "RIGHT" for a in align], pdf.epw, size)
    head = _row_lines(pdf, header, widths, "B", size * HEAD)

    def draw_header(continued: bool) -> None:
        page, top = pdf.page_no(), pdf.get_y()
        pdf.set_text_color(*INK)
        _draw_row(pdf, head, widths, align, "B", size * HEAD, HEADER_FILL, bottom_aligned=True)
        _rule(pdf, sum(widths), GREY, 0.3)
        pdf.note("header", f"{label} (continued)" if continued else label, page, top)

    pdf.keep(table_start_height(pdf, header, rows, widths, size))
    draw_header(False)
    cells = [_row_lines(pdf, [str(v) for v in values], widths, "", size) for values in rows]
    heights = [_row_height(pdf, [str(v) for v in values], widths, size) for values in rows]
    on_page = 0  # rows drawn on this page so far
    for index, lines in enumerate(cells):
        need = heights[index]
        last = len(rows) - index  # rows left, this one included
        if on_page >= KEEP_ROWS and 1 < last <= KEEP_ROWS:
            need = sum(heights[index:])  # the last rows go over together
        if need > pdf.room():
            pdf.add_page()
            draw_header(True)
            on_page = 0
        page, top = pdf.page_no(), pdf.get_y()
        pdf.set_text_color(*INK)
        _draw_row(pdf, lines, widths, align, "", size, STRIPE if index % 2 else None)
        _rule(pdf, sum(widths), RULE, 0.15)
        pdf.note("row", f"{label} #{index + 1}", page, top)
        on_page += 1
    pdf.set_line_width(0.2)
    pdf.ln(3)


# --- images ----------------------------------------------------------------------------------

SHRINK = 0.7  # an image may shrink to this share of its width to fit the rest of a page


def image(pdf: LayoutPdf, png: bytes, title: str) -> None:
    """A picture across the text width; shrunk (down to ``SHRINK``) to finish a page rather than
    leaving the bottom of the page empty, else on the next page."""
    from PIL import Image as PilImage

    pixels = PilImage.open(io.BytesIO(png)).convert("RGB")  # opaque: no soft mask to blend
    width = pdf.epw
    height = width * pixels.height / pixels.width
    if height + 2 > pdf.room():
        if pdf.room() - 2 >= height * SHRINK:
            width, height = width * (pdf.room() - 2) / height, pdf.room() - 2
        else:
            pdf.add_page()
    page, top = pdf.page_no(), pdf.get_y()
    pdf.image(pixels, x=pdf.l_margin + (pdf.epw - width) / 2, w=width, h=height, alt_text=safe_text(title))
    pdf.set_y(top + height + 2)
    pdf.note("image", title, page, top)
