"""Everything the briefing's PDF holds for one ``Scope``, translated and formatted: the
title block, the key points, the tables and the three charts. A section whose data cannot
be read, or a chart that cannot be drawn, becomes its message; the rest is still made."""
from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from components import formatting
from components.i18n import t
from components.tiles import error_message
from reports import briefing, pdf
from reports.charts import CHARTS, EXPORT_SIZE
from reports.png import RenderError, renderer

PDF_IMAGE_SCALE = 2.0


def chart_png(name: str, scope: briefing.Scope, browser: str | None, scale: float = 1.0) -> bytes:
    """One chart of the briefing as PNG bytes (``EXPORT_SIZE`` times ``scale``), drawn by the
    browser at ``browser`` (``reports.png.browser_path``)."""
    width, height = EXPORT_SIZE[name]
    return renderer(browser).png(briefing.export_chart(name, scope), width, height, scale)


def _sections(scope: briefing.Scope) -> tuple[list[str], list[pdf.Section]]:
    """The key points and the table sections; a section that fails becomes its error message."""
    lang = scope.lang
    key_points: list[str] = []
    sections: list[pdf.Section] = []
    parts = (("complaints", briefing.complaints_section, "briefing.agency_table"),
             ("devices", briefing.devices_section, "briefing.uptime_table"),
             ("kpis", briefing.kpis_section, None))
    for name, build, table_key in parts:
        title = t(f"briefing.section.{name}", lang)
        try:
            section = build(scope)
        except SQLAlchemyError as exc:
            sections.append(pdf.Section(title, error=error_message(type(exc).__name__, lang)))
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


def _images(scope: briefing.Scope, browser: str | None) -> list[pdf.Image]:
    images = []
    for name in CHARTS:
        title = briefing.chart_title(name, scope.lang)
        try:
            images.append(pdf.Image(title, chart_png(name, scope, browser, PDF_IMAGE_SCALE)))
        except (SQLAlchemyError, RenderError) as exc:
            images.append(pdf.Image(title, None, error_message(type(exc).__name__, scope.lang)))
    return images


def document(scope: briefing.Scope, generated_at, browser: str | None) -> pdf.BriefingDocument:
    """The PDF's content; ``generated_at`` is the time printed as when it was made."""
    profile, period, lang = scope.profile, scope.period, scope.lang
    when = lambda moment: formatting.local_datetime(moment, profile.timezone, profile.timezone_label, lang)  # noqa: E731
    current, previous = briefing.ranges(period, lang)
    key_points, sections = _sections(scope)
    cut = [t("briefing.cut_note", lang, time=when(period.end))] if period.cut else []
    return pdf.BriefingDocument(
        title=t("briefing.pdf_title", lang, city=profile.name), city=profile.name,
        lines=[t("briefing.pdf.period", lang, period=f"{t(f'briefing.period.{period.key}', lang)}, {current}"),
               t("briefing.pdf.previous", lang, previous=f"{briefing.compare(period, lang)}, {previous}"),
               t("briefing.pdf.generated", lang, time=when(generated_at)), *cut],
        key_points_title=t("briefing.key_points", lang), key_points=key_points, sections=sections,
        images_title=t("briefing.pdf.charts", lang), images=_images(scope, browser),
        notes=t("briefing.definitions", lang), footer=f"{profile.name} · {current}",
        page_label=t("briefing.pdf.page", lang, page="{page}", pages="{pages}"), language=lang,
        created=generated_at,
    )


def filename(scope: briefing.Scope, suffix: str) -> str:
    period = scope.period
    return f"briefing_{scope.profile.slug}_{period.first_day.isoformat()}_{period.last_day.isoformat()}{suffix}"
