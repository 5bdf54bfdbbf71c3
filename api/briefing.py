"""The briefing's exports, made on the server for the period in the query string (the same
parameters as /briefing: ``period``, ``start``, ``end``; ``lang`` or the language cookie):

- ``/briefing/export.pdf``: the A4 briefing (city, period and comparison period, generated
  time, key points, tables, the charts, page numbers);
- ``/briefing/chart/<name>.png``: one chart (``complaints``, ``late``, ``uptime``) as PNG,
  ``?scale=`` 1 to 3 for more pixels.

A section whose data cannot be read, or a chart that cannot be drawn, is replaced by a message
in the PDF; the PNG route answers 503 with the reason.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, request
from sqlalchemy.exc import SQLAlchemyError

from api._png import RenderError, browser_path, renderer
from components import briefing_pdf as pdf
from components import formatting
from components.briefing_charts import CHARTS, EXPORT_SIZE
from components.i18n import normalise_language, t
from pages import _briefing as content
from pages import _shared as ctx

blueprint = Blueprint("briefing_export", __name__)
PDF_IMAGE_SCALE = 2.0


def _language() -> str:
    return normalise_language(request.args.get("lang"), ctx.language())


def _period():
    return content.period(request.args.to_dict(flat=False))


def _scale() -> float:
    try:
        return min(3.0, max(1.0, float(request.args.get("scale", 1))))
    except ValueError:
        return 1.0


def chart_png(name: str, period, lang: str, scale: float = 1.0) -> bytes:
    """One chart of the briefing as PNG bytes (``EXPORT_SIZE`` times ``scale``)."""
    width, height = EXPORT_SIZE[name]
    figure = content.export_chart(name, period, lang)
    return renderer(browser_path(ctx.current_settings().browser_path)).png(figure, width, height, scale)


def _filename(period, suffix: str) -> str:
    return f"briefing_{ctx.current_profile().slug}_{period.first_day.isoformat()}_{period.last_day.isoformat()}{suffix}"


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                                      "Cache-Control": "no-store"})


@blueprint.get("/briefing/chart/<name>.png")
def chart(name: str):
    if name not in CHARTS:
        abort(404)
    period, lang = _period(), _language()
    try:
        body = chart_png(name, period, lang, _scale())
    except (SQLAlchemyError, RenderError) as exc:
        return Response(t("briefing.export.failed", lang, reason=f"{type(exc).__name__}: {exc}"), status=503,
                        mimetype="text/plain")
    return _attachment(body, "image/png", _filename(period, f"_{name}.png"))


def _sections(period, lang: str) -> tuple[list[str], list[pdf.Section]]:
    """The key points and the table sections; a section that fails becomes its error message."""
    key_points: list[str] = []
    sections: list[pdf.Section] = []
    parts = (("complaints", lambda: content.complaints_section(period, lang), "briefing.agency_table"),
             ("devices", lambda: content.devices_section(period, lang), "briefing.uptime_table"),
             ("kpis", lambda: content.kpis_section(lang), None))
    for name, build, table_key in parts:
        title = t(f"briefing.section.{name}", lang)
        try:
            section = build()
        except SQLAlchemyError as exc:
            sections.append(pdf.Section(title, error=t("tile.error", lang, reason=type(exc).__name__)))
            continue
        key_points += section["sentences"]
        header, rows = section["table"]
        if table_key is None:  # the KPIs off target: named by their month
            month = formatting.month(section["status"]["month"], lang)
            table_title = t("briefing.kpi_table", lang, month=month) if rows else t("briefing.kpi_table.none", lang)
            widths, align = (3, 2.4, 1, 1), ("LEFT", "LEFT", "RIGHT", "RIGHT")
        else:
            table_title, widths, align = t(table_key, lang), None, None
        sections.append(pdf.Section(title, tables=[pdf.Table(table_title, header, rows, widths, align)]))
    return key_points, sections


def _images(period, lang: str) -> list[pdf.Image]:
    images = []
    for name in CHARTS:
        title = content.chart_title(name, lang)
        try:
            images.append(pdf.Image(title, chart_png(name, period, lang, PDF_IMAGE_SCALE)))
        except (SQLAlchemyError, RenderError) as exc:
            images.append(pdf.Image(title, None, t("tile.error", lang, reason=type(exc).__name__)))
    return images


def document(period, lang: str) -> pdf.BriefingDocument:
    """Everything the PDF shows, translated and formatted."""
    profile = ctx.current_profile()
    current, previous = content.ranges(period, lang)
    generated = formatting.local_datetime(ctx.now(), profile.timezone, profile.timezone_label, lang)
    key_points, sections = _sections(period, lang)
    title = t("briefing.pdf_title", lang, city=profile.name)
    cut = ([t("briefing.cut_note", lang, time=formatting.local_datetime(period.end, profile.timezone,
                                                                        profile.timezone_label, lang))]
           if period.cut else [])
    return pdf.BriefingDocument(
        title=title, city=profile.name,
        lines=[t("briefing.pdf.period", lang, period=f"{t(f'briefing.period.{period.key}', lang)}, {current}"),
               t("briefing.pdf.previous", lang, previous=f"{content.compare(period, lang)}, {previous}"),
               t("briefing.pdf.generated", lang, time=generated), *cut],
        key_points_title=t("briefing.key_points", lang), key_points=key_points, sections=sections,
        images_title=t("briefing.pdf.charts", lang), images=_images(period, lang),
        notes=t("briefing.definitions", lang), footer=f"{profile.name} · {current}",
        page_label=t("briefing.pdf.page", lang, page="{page}", pages="{pages}"), language=lang,
        created=ctx.now(),
    )


@blueprint.get("/briefing/export.pdf")
def export_pdf():
    period, lang = _period(), _language()
    body = pdf.build_pdf(document(period, lang))
    return _attachment(body, "application/pdf", _filename(period, ".pdf"))
