"""Builders of /services (pure: frames in, components out): the status tiles, a KPI's card
(value, target, status as icon and word, sparkline, changes, period and reporter), the cards
grouped by agency or by dimension, and the late reports. Frames: ``queries.kpis.CATALOGUE_COLUMNS``,
``sparklines`` (code, period_start, value) and ``LATE_COLUMNS``."""
from __future__ import annotations

import math
from datetime import date
from dataclasses import dataclass, field
from urllib.parse import quote

import dash_bootstrap_components as dbc
import pandas as pd
from babel.dates import format_date
from dash import html

from cities import DIMENSIONS
from components import formatting
from components.i18n import t
from components.tiles import kpi_tile
from data_sources.rules import reporting
from data_sources.rules.scoring import STATUSES, change

CARD = "services-card"  # pattern-matching id type of a card (a click opens its detail)
ICONS = {"met": "✓", "close": "≈", "missed": "✗", "no_data": "–"}
TONES = {"met": "success", "close": "warning", "missed": "danger", "no_data": "secondary"}
SEVERITY = {"missed": 0, "close": 1, "no_data": 2, "met": 3}
GROUPS = ("agency", "dimension")
SPARK_COLOUR, TARGET_COLOUR = "#4dabf7", "#94a3b8"
_LOCALES = {"id": "id_ID", "en": "en_GB"}


@dataclass(frozen=True)
class Names:
    """What a card needs to name things in ``lang``: agencies (code -> name), sub-dimensions
    (code -> name), the city's time zone, and whether template links are shown."""

    lang: str
    agencies: dict[str, str] = field(default_factory=dict)
    sub_dimensions: dict[str, str] = field(default_factory=dict)
    tz: str = "Asia/Jakarta"
    tz_label: str = "WIB"
    templates: bool = False


def day_text(day, lang: str) -> str:
    """'11 Nov 2026'."""
    return format_date(day, "d MMM yyyy", locale=_LOCALES[lang])


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def has_period(row) -> bool:
    """Whether the KPI has a newest value (its period_start is a date)."""
    return isinstance(row["period_start"], date)


unit_of = formatting.unit_of


def value_text(value, unit: str, lang: str) -> str:
    """'95,5%', '15,1 menit', '–': whole numbers without decimals, others with one."""
    if _missing(value):
        return "–"
    return formatting.quantity(value, unit, lang, 0 if float(value).is_integer() else 1)


def change_text(value, before, row, lang: str) -> tuple[str, str | None]:
    """('+4,7 poin', 'better'|'worse'|'same') of the change from ``before`` to ``value`` (in
    percentage points for a KPI in per cent), ('tidak ada nilai', None) without one of them."""
    found = change(value, before, row["unit"])
    if found is None:
        return t("services.card.no_change", lang), None
    delta, measure = found
    unit = t("services.unit.pp", lang) if measure == "pp" else unit_of(row, lang)
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    text = f"{sign}{formatting.number(abs(delta), lang, 1)} {unit}"
    if delta == 0:
        return text, "same"
    return text, "better" if (delta > 0) == (row["direction"] == "higher") else "worse"


def target_text(row, lang: str) -> str:
    key = "services.card.target_higher" if row["direction"] == "higher" else "services.card.target_lower"
    return t(key, lang, target=value_text(row["target"], unit_of(row, lang), lang))


def status_badge(status: str, lang: str) -> html.Span:
    """The status as an icon and a word (never colour alone)."""
    return html.Span([html.Span(ICONS[status], className="kpi-status-icon", **{"aria-hidden": "true"}),
                      html.Span(t(f"services.status.{status}", lang))],
                     className=f"kpi-status kpi-status-{status}", **{"data-status": status})


def sparkline(values: list, target: float | None) -> str:
    """An SVG line of ``values`` (None for a period without one: a gap) with the target dashed,
    as a data URI for an <img>."""
    known = [v for v in values if not _missing(v)]
    width, height, pad = 120, 32, 3
    if not known:
        return "data:image/svg+xml," + quote(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"/>')
    low, high = min(known + ([target] if target is not None else [])), max(known + ([target] if target is not None else []))
    low, high = (low - 1, high + 1) if high == low else (low, high)
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    y = lambda v: round(height - pad - (v - low) / (high - low) * (height - 2 * pad), 1)  # noqa: E731
    lines, current = [], []
    for i, v in enumerate(values):
        if _missing(v):
            lines, current = lines + ([current] if current else []), []
        else:
            current.append(f"{round(pad + i * step, 1)},{y(v)}")
    lines += [current] if current else []
    parts = [f'<line x1="0" x2="{width}" y1="{y(target)}" y2="{y(target)}" stroke="{TARGET_COLOUR}" '
             'stroke-dasharray="3 3" stroke-width="1" vector-effect="non-scaling-stroke"/>'] if target is not None else []
    for points in lines:
        if len(points) == 1:
            x0, y0 = points[0].split(",")
            parts.append(f'<circle cx="{x0}" cy="{y0}" r="2" fill="{SPARK_COLOUR}"/>')
        else:
            parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{SPARK_COLOUR}" '
                         'stroke-width="2" stroke-linejoin="round" vector-effect="non-scaling-stroke"/>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           'preserveAspectRatio="none">')
    return "data:image/svg+xml," + quote(svg + "".join(parts) + "</svg>")


def spark_values(spark: pd.DataFrame, row) -> list:
    """The sparkline's values for the card's KPI: one per period of the ``queries.kpis.SPARK_PERIODS``
    up to its newest, None where none was reported."""
    if not has_period(row):
        return []
    found = dict(zip(spark.loc[spark["code"] == row["code"], "period_start"],
                     spark.loc[spark["code"] == row["code"], "value"]))
    first = min(found) if found else row["period_start"]
    periods, start = [], first
    while start <= row["period_start"]:
        periods.append(start)
        start = reporting.shift(start, row["period"], 1)
    return [found.get(p) for p in periods]


# --- tiles -----------------------------------------------------------------------------------


def tiles(frame: pd.DataFrame, late: pd.DataFrame, lang: str, freshness: dict) -> dbc.Row:
    """Tiles: KPIs met, close, missed, without data (of all), and the late reports."""
    counts = frame["status"].value_counts()
    total = formatting.number(len(frame), lang)
    cols = [dbc.Col(kpi_tile(f"kpis_{status}", f"{ICONS[status]} {t(f'services.tile.{status}', lang)}",
                             formatting.number(int(counts.get(status, 0)), lang),
                             detail=t("services.tile.of_total", lang, total=total),
                             emphasis=TONES[status] if counts.get(status, 0) and status != "no_data" else None,
                             **freshness), xs=6, md=4, xl=2) for status in STATUSES]
    detail = (t("services.tile.late_detail", lang, agencies=late["agency"].nunique()) if len(late)
              else t("services.tile.none_late", lang))
    cols.append(dbc.Col(kpi_tile("kpi_reports_late", t("services.tile.late", lang), formatting.number(len(late), lang),
                                 detail=detail, emphasis="danger" if len(late) else "success", **freshness),
                        xs=12, md=4, xl=4))
    return dbc.Row(cols, className="g-2 services-tiles")


# --- cards -----------------------------------------------------------------------------------


def select(frame: pd.DataFrame, agency: str | None, dimension: str | None, status: str | None) -> pd.DataFrame:
    """The KPIs the filters keep (None keeps all), worst status first."""
    keep = pd.Series(True, index=frame.index)
    for column, wanted in (("agency", agency), ("dimension", dimension), ("status", status)):
        if wanted:
            keep &= frame[column] == wanted
    chosen = frame[keep]
    order = chosen["status"].map(SEVERITY)
    return chosen.assign(_order=order).sort_values(["_order", "code"]).drop(columns="_order")


def _change_line(label: str, value, before, row, lang: str) -> html.Div:
    text, verdict = change_text(value, before, row, lang)
    verdict_text = f" ({t(f'services.card.{verdict}', lang)})" if verdict else ""
    return html.Div([html.Span(label + ": ", className="services-change-label"),
                     html.Span(text + verdict_text, className=f"services-change change-{verdict or 'none'}")],
                    className="services-change-line")


def card(row, spark: list, late_periods: list, names: Names, *, meta: str, selected: bool = False) -> html.Div:
    """One KPI (a row of ``queries.kpis.catalogue``) as a card; a click opens its detail."""
    lang, code = names.lang, row["code"]
    name = row["name_en"] if lang == "en" else row["name_id"]
    unit, status = unit_of(row, lang), row["status"]
    reported = has_period(row)
    body = [
        html.Div([html.Div(name, className="services-card-name"), html.Div(meta, className="services-card-meta")]),
        html.Div([html.Span(value_text(row["value"], unit, lang), className="services-card-value",
                            **{"data-kpi": f"kpi_{code}"}),
                  status_badge(status, lang)], className="services-card-figure"),
        html.Div(target_text(row, lang), className="services-card-target"),
    ]
    if reported:
        start, kind = row["period_start"], row["period"]
        body += [
            html.Img(src=sparkline(spark, row["target"]), className="services-spark",
                     alt=t("services.card.spark", lang, count=len(spark),
                           first=value_text(next((v for v in spark if not _missing(v)), None), unit, lang),
                           last=value_text(row["value"], unit, lang))),
            _change_line(t("services.card.previous", lang, period=reporting.label(reporting.shift(start, kind, -1), kind,
                                                                                   lang)),
                         row["value"], row["previous_value"], row, lang),
            _change_line(t("services.card.year_ago", lang, period=reporting.label(
                reporting.shift(start, kind, -12 // reporting.MONTHS_IN[kind]), kind, lang)),
                row["value"], row["year_ago_value"], row, lang),
            html.Div(t("services.card.reported", lang, period=reporting.label(start, kind, lang),
                       who=row["reported_by"] or "–",
                       when=formatting.local_datetime(row["updated_at"], names.tz, names.tz_label, lang)),
                     className="services-card-reported"),
        ]
    else:
        body.append(html.Div(t("services.card.never", lang), className="services-card-reported"))
    if late_periods:
        body.append(html.Div(t("services.card.late", lang, periods=", ".join(late_periods)),
                             className="services-card-late", **{"data-late": len(late_periods)}))
    classes = f"services-card status-{status}" + (" selected" if selected else "")
    return html.Div(dbc.Card(dbc.CardBody(body)), id={"type": CARD, "index": code}, n_clicks=0, className=classes,
                    role="button", tabIndex="0", title=t("services.card.open", lang, name=name),
                    **{"data-kpi-card": code, "data-status": status, "aria-pressed": "true" if selected else "false"})


def template_link(agency: str, lang: str) -> html.A:
    return html.A(["⤓ ", t("services.template.link", lang)], href=f"/services/template/{agency}.xlsx",
                  className="services-template btn btn-sm btn-outline-secondary", **{"data-template": agency})


def _group_title(key: str, by: str, names: Names):
    if by == "dimension":
        return t(f"dimension.{key}", names.lang)
    title = [html.Span(f"{names.agencies.get(key, key)} ({key})")]
    if names.templates:
        title.append(template_link(key, names.lang))
    return title


def groups(frame: pd.DataFrame, spark: pd.DataFrame, late: pd.DataFrame, names: Names, *, by: str,
           selected: str | None = None) -> list:
    """The cards of ``frame`` (already filtered and ordered) in one section per agency (by name)
    or per dimension (in the programme's order)."""
    lang = names.lang
    if frame.empty:
        return [html.P(t("services.filter.none", lang), className="text-muted", id="services-no-match")]
    late_by_code = {code: [reporting.label(s, k, lang) for s, k in zip(rows["period_start"], rows["period"])]
                    for code, rows in late.groupby("code")}
    if by == "dimension":
        keys = [d for d in DIMENSIONS if d in set(frame["dimension"])]
    else:
        keys = sorted(set(frame["agency"].dropna()), key=lambda a: names.agencies.get(a, a))
    sections = []
    for key in keys:
        rows = frame[frame[by] == key]
        cards = []
        for row in rows.to_dict("records"):
            other = (row["agency"] if by == "dimension" else t(f"dimension.{row['dimension']}.short", lang))
            meta = f"{other} · {names.sub_dimensions.get(row['sub_dimension'], row['sub_dimension'])}"
            cards.append(card(row, spark_values(spark, row), late_by_code.get(row["code"], []), names, meta=meta,
                              selected=row["code"] == selected))
        sections.append(html.Section([
            html.H3(_group_title(key, by, names), className="services-group-title h6"),
            html.Div(cards, className="services-group-cards"),
        ], className=f"services-group services-group-{min(len(cards), 3)}", **{"data-group": key}))
    return [html.Div(html.Div(sections, className="services-groups-grid"), className="services-groups")]


# --- late reports ----------------------------------------------------------------------------


def late_table(late: pd.DataFrame, names: Names) -> dbc.Table | html.P:
    """Agency, KPI, period, 'terlambat sejak 11 Nov 2026' (and the agency's template link)."""
    lang = names.lang
    if late.empty:
        return html.P(t("services.late.none", lang), className="text-muted mb-0", id="services-late-table")
    header = [t(f"services.late.{c}", lang) for c in ("agency", "kpi", "period", "since")]
    body = []
    for row in late.itertuples():
        agency = [html.Span(row.agency, title=names.agencies.get(row.agency, row.agency))]
        if names.templates:
            agency += [" ", template_link(row.agency, lang)]
        body.append(html.Tr([
            html.Td(agency), html.Td(row.name_en if lang == "en" else row.name_id),
            html.Td(reporting.label(row.period_start, row.period, lang)),
            html.Td(t("services.late.since_value", lang, date=day_text(row.late_since, lang)),
                    className="text-danger-emphasis fw-semibold")],
            **{"data-late-kpi": row.code, "data-period": row.period_start.isoformat()}))
    return dbc.Table([html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(body)], size="sm", hover=True,
                     responsive=True, className="table-compact mb-0", id="services-late-table")


def filter_options(profile, lang: str) -> dict[str, list[dict]]:
    """Dropdown options: the agencies with KPIs in the profile (by name), the six dimensions, the statuses."""
    agency_names = {a.code: (a.name_en if lang == "en" else a.name) for a in profile.agencies}
    agencies = sorted({k.agency for k in profile.kpis}, key=lambda a: agency_names.get(a, a))
    return {
        "agency": [{"label": f"{agency_names.get(a, a)} ({a})", "value": a} for a in agencies],
        "dimension": [{"label": t(f"dimension.{d}", lang), "value": d} for d in DIMENSIONS],
        "status": [{"label": f"{ICONS[s]} {t(f'services.status.{s}', lang)}", "value": s} for s in STATUSES],
    }
