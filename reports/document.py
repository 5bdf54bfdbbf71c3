"""Everything the briefing's PDF holds for one ``Scope``, translated and formatted: the
letterhead (the city, its emblem when the profile names one), the title and the period, the
cover summary (``reports.cover``), then one section per part of the briefing, each with its
sentences, its table and its charts, and the definitions. A section whose data cannot be read,
or a chart that cannot be drawn, becomes its message; the rest is still made."""
from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from cities import CITIES_DIR, CityProfile
from components import formatting
from components.i18n import t
from components.tiles import error_message
from reports import briefing, cover, pdf
from reports.charts import EXPORT_SIZE
from reports.png import RenderError, renderer

log = logging.getLogger(__name__)

PDF_IMAGE_SCALE = 2.0
# each part of the briefing: its section builder and the charts that go with it
PARTS = (("complaints", briefing.complaints_section, ("complaints", "late")),
         ("devices", briefing.devices_section, ("uptime",)),
         ("kpis", briefing.kpis_section, ()))


def chart_png(name: str, scope: briefing.Scope, browser: str | None, scale: float = 1.0) -> bytes:
    """One chart of the briefing as PNG bytes (``EXPORT_SIZE`` times ``scale``), drawn by the
    browser at ``browser`` (``reports.png.browser_path``)."""
    width, height = EXPORT_SIZE[name]
    return renderer(browser).png(briefing.export_chart(name, scope), width, height, scale)


def _image(name: str, scope: briefing.Scope, browser: str | None) -> pdf.Image:
    title = briefing.chart_title(name, scope.lang)
    try:
        return pdf.Image(title, chart_png(name, scope, browser, PDF_IMAGE_SCALE))
    except (SQLAlchemyError, RenderError) as exc:
        return pdf.Image(title, None, error_message(type(exc).__name__, scope.lang))


def _table(name: str, section: dict, lang: str) -> pdf.Table:
    """The part's table. One heading per part: the section's title names the table, so the
    table has no title of its own; an empty KPI table is said in words."""
    header, rows = section["table"]
    if name == "kpis":
        return pdf.Table(None, header, rows, ("LEFT", "LEFT", "RIGHT", "RIGHT"), t("briefing.kpi_table.none", lang))
    return pdf.Table(None, header, rows)


def _sections(scope: briefing.Scope, browser: str | None) -> tuple[dict[str, dict | None], list[pdf.Section]]:
    """Each part's figures (None where they could not be read) and its section of the PDF."""
    lang = scope.lang
    parts: dict[str, dict | None] = {}
    sections: list[pdf.Section] = []
    for name, build, charts in PARTS:
        title = t(f"briefing.section.{name}", lang)
        try:
            parts[name] = build(scope)
        except SQLAlchemyError as exc:
            parts[name] = None
            sections.append(pdf.Section(title, error=error_message(type(exc).__name__, lang)))
            continue
        section = parts[name]
        sections.append(pdf.Section(title, tables=[_table(name, section, lang)], sentences=section["sentences"],
                                    images=[_image(chart, scope, browser) for chart in charts]))
    return parts, sections


def emblem(profile: CityProfile) -> bytes | None:
    """The profile's emblem image (a path relative to cities/), or None; one that cannot be read
    is logged and left out rather than failing the briefing."""
    if not profile.emblem:
        return None
    try:
        return (CITIES_DIR / profile.emblem).read_bytes()
    except OSError as exc:
        log.warning("emblem %s of %s cannot be read: %s", profile.emblem, profile.slug, exc)
        return None


def document(scope: briefing.Scope, generated_at, browser: str | None) -> pdf.BriefingDocument:
    """The PDF's content; ``generated_at`` is the time printed as when it was made."""
    profile, period, lang = scope.profile, scope.period, scope.lang
    when = lambda moment: formatting.local_datetime(moment, profile.timezone, profile.timezone_label, lang)  # noqa: E731
    current, previous = briefing.ranges(period, lang)
    parts, sections = _sections(scope, browser)
    cut = [t("briefing.cut_note", lang, time=when(period.end))] if period.cut else []
    return pdf.BriefingDocument(
        title=t("briefing.pdf_title", lang, city=profile.name), city=profile.name,
        letterhead=t("briefing.pdf.letterhead", lang, app=t("app.title", lang), subtitle=t("app.subtitle", lang)),
        generated=t("briefing.pdf.generated", lang, time=when(generated_at)), emblem=emblem(profile),
        lines=[t("briefing.pdf.period", lang, period=f"{t(f'briefing.period.{period.key}', lang)}, {current}"),
               t("briefing.pdf.previous", lang, previous=f"{briefing.compare(period, lang)}, {previous}"), *cut],
        summary_title=t("briefing.pdf.summary", lang), summary=cover.points(parts, briefing.compare(period, lang), lang),
        sections=sections, notes_title=t("briefing.pdf.notes", lang), notes=t("briefing.definitions", lang),
        footer=f"{profile.name} · {current}",
        page_label=t("briefing.pdf.page", lang, page="{page}", pages="{pages}"), language=lang,
        created=generated_at,
    )


def filename(scope: briefing.Scope, suffix: str) -> str:
    period = scope.period
    return f"briefing_{scope.profile.slug}_{period.first_day.isoformat()}_{period.last_day.isoformat()}{suffix}"
