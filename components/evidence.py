"""Builders of the evidence page (pure: data in, components out): the choices of the form, the
items grouped by section of the evaluators' outline and by indicator (each with what its kind
adds: amounts, givers, Indeks KAMI scores), and the application portfolio with its summary."""
from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
import pandas as pd
from babel.dates import format_date
from dash import html

from components import formatting
from components.devices import STATE_BADGES
from components.i18n import t
from data_sources.evidence import KAMI_AREAS, MATURITY_LEVELS
from data_sources.queries.evidence import APP_GROUPS, KINDS, SECTIONS

DELETE = "evidence-delete"  # pattern-matching id type of the delete buttons
_LOCALES = {"id": "id_ID", "en": "en_GB"}
_FILE_TYPES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}
PROPER_NAME = {"data-translate": "no"}  # an app's name and its SPBE group (e-Health ...) read the same in both languages
COLUMNS = ("name", "state", "sso", "users", "group", "agency")  # the portfolio table's, in order


def section_options(lang: str) -> list[dict]:
    return [{"label": t(f"evidence.section.{s}", lang), "value": s} for s in SECTIONS]


def kind_options(lang: str) -> list[dict]:
    return [{"label": t(f"evidence.kind.{k}", lang), "value": k} for k in KINDS]


def indicator_options(names: dict[str, str]) -> list[dict]:
    """``names``: indicator code -> its name in the page's language."""
    return [{"label": f"{name} ({code})", "value": code} for code, name in names.items()]


def maturity_options() -> list[dict]:
    return [{"label": level, "value": level} for level in MATURITY_LEVELS]


def file_size(size: float, lang: str) -> str:
    """'840 KB' below a megabyte, '18,6 MB' from one on (binary units, as file managers show them)."""
    if size < 2**20:
        return f"{formatting.number(max(1, round(size / 1024)) if size else 0, lang)} KB"
    return f"{formatting.number(size / 2**20, lang, 1)} MB"


def _money(value: float, lang: str) -> str:
    if value >= 1e9:
        return t("evidence.detail.billion", lang, value=formatting.number(value / 1e9, lang, 1))
    return t("evidence.detail.amount", lang, value=formatting.number(value, lang))


def _day(text: str, lang: str) -> str:
    try:
        return format_date(date.fromisoformat(text), "d MMM yyyy", locale=_LOCALES[lang])
    except (TypeError, ValueError):
        return str(text)


def detail_parts(kind: str, details: dict, lang: str) -> list:
    """What an item's kind adds, as short pieces of text (the KAMI scores as a small list)."""
    details = details if isinstance(details, dict) else {}
    if kind == "budget" and details.get("amount") is not None:
        parts = [html.Strong(_money(float(details["amount"]), lang), **{"data-amount": details["amount"]})]
        if details.get("realised") is not None:
            parts.append(t("evidence.detail.realised", lang, value=_money(float(details["realised"]), lang)))
        return parts
    if kind == "award" and details.get("giver"):
        return [t("evidence.detail.giver", lang, giver=details["giver"])]
    if kind == "regulation" and details.get("number"):
        return [t("evidence.detail.number", lang, number=details["number"])]
    if kind == "assessment":
        head = [html.Strong(t("evidence.detail.maturity", lang, level=details.get("maturity", "–")),
                            **{"data-maturity": details.get("maturity", "")})]
        if details.get("assessed_on"):
            head.append(t("evidence.detail.assessed_on", lang, date=_day(details["assessed_on"], lang)))
        if details.get("total") is not None:
            head.append(t("evidence.detail.total", lang, value=formatting.number(float(details["total"]), lang)))
        scores = details.get("scores") if isinstance(details.get("scores"), dict) else {}
        rows = [html.Li([t(f"evidence.area.{area}", lang), ": ",
                         html.Span(formatting.number(float(scores[area]), lang), **{"data-area": area})])
                for area in KAMI_AREAS if area in scores]
        return head + ([html.Ul(rows, className="evidence-scores mb-0")] if rows else [])
    return []


def _joined(parts: list) -> list:
    """Text pieces separated by " · " (a list of scores goes on its own line)."""
    out: list = []
    for part in parts:
        if out and not isinstance(part, html.Ul):
            out.append(" · ")
        out.append(part)
    return out


def _str(value) -> str | None:
    """A text cell, None for a missing one (pandas gives NaN)."""
    return value if isinstance(value, str) and value else None


def item_entry(row: dict, lang: str) -> html.Div:
    """One item: its title linked to its file (``/evidence/file/<id>``) or its address, kind, year,
    what its kind adds, and a delete button."""
    title = _str(row.get(f"title_{lang}")) or row["title_id"]
    has_file = _str(row.get("stored_name")) is not None
    href = f"/evidence/file/{int(row['id'])}" if has_file else _str(row.get("url"))
    facts = [t(f"evidence.kind.{row['kind']}", lang)]
    if row.get("year") is not None and not pd.isna(row["year"]):
        facts.append(str(int(row["year"])))
    if has_file:
        facts.append(t("evidence.list.file", lang, type=_FILE_TYPES.get(row.get("mime_type"), "?"),
                       size=file_size(float(row.get("size_bytes") or 0), lang)))
    badges = [dbc.Badge(t("evidence.list.demo", lang), color="secondary", className="ms-1")] if row.get("demo") is True \
        or row.get("demo") == 1 else []
    link = html.A(title, href=href, target="_blank", rel="noopener noreferrer", className="evidence-title") \
        if href else html.Span(title, className="evidence-title")
    return html.Div([
        html.Div([link, *badges,
                  html.Div(_joined(facts + detail_parts(row["kind"], row.get("details"), lang)),
                           className="small text-muted evidence-facts")], className="flex-grow-1 me-2"),
        dbc.Button(t("evidence.list.delete", lang), id={"type": DELETE, "index": int(row["id"])}, color="danger",
                   outline=True, size="sm", className="evidence-delete align-self-start"),
    ], className="list-group-item d-flex evidence-item", **{"data-evidence-id": int(row["id"]), "data-kind": row["kind"],
                                                             "data-section": row["section"]})


def items_panel(frame: pd.DataFrame, indicator_names: dict[str, str], lang: str) -> html.Div:
    """``queries.evidence.items`` grouped by section (the outline's order), then by indicator
    (the general items first); a section without items says so."""
    blocks = []
    for section in SECTIONS:
        rows = frame[frame["section"] == section]
        heading = html.H3([t(f"evidence.section.{section}", lang), " ",
                           html.Small(t("evidence.list.count", lang, count=len(rows)), className="text-muted")],
                          className="h6 mt-3 mb-2")
        if rows.empty:
            blocks.append(html.Div([heading, html.P(t("evidence.list.empty", lang), className="text-muted small")],
                                   id=f"evidence-section-{section}", className="evidence-section"))
            continue
        groups = []
        codes = rows["indicator_code"].fillna("")
        for code in sorted(set(codes), key=lambda c: (c != "", c)):
            part = rows[codes == code]
            label = t("evidence.list.general", lang) if not code else t(
                "evidence.list.indicator", lang, name=indicator_names.get(code, code))
            groups.append(html.Div([html.Div(label, className="small fw-semibold mt-1 mb-1"),
                                    html.Div([item_entry(r, lang) for r in part.to_dict("records")],
                                             className="list-group")],
                                   className="evidence-group", **{"data-indicator": code}))
        blocks.append(html.Div([heading, *groups], id=f"evidence-section-{section}", className="evidence-section"))
    return html.Div(blocks)


# --- the application portfolio ------------------------------------------------------------------------


def portfolio_summary(summary: dict, lang: str) -> html.Div:
    """'118 of 122 apps up, 71 on SSO' and the count per group (``queries.evidence.portfolio_summary``)."""
    if not summary.get("total"):
        return html.P(t("portfolio.empty", lang), className="text-muted", id="evidence-portfolio-summary")
    line = t("portfolio.summary", lang, up=formatting.number(summary["up"], lang),
             total=formatting.number(summary["total"], lang), sso=formatting.number(summary["sso_ready"], lang))
    unwatched = summary["total"] - summary["watched"]
    groups = [dbc.Badge([html.Span(t(f"portfolio.group.{g}", lang), **PROPER_NAME),
                         f": {formatting.number(summary['groups'][g], lang)}"],
                        color="light", text_color="dark", className="me-1 mb-1 border")
              for g in APP_GROUPS if summary["groups"].get(g)]
    return html.Div([
        html.P([html.Strong(line, **{"data-kpi": "apps_up", "data-up": summary["up"], "data-total": summary["total"],
                                     "data-sso": summary["sso_ready"]}),
                *([" · ", t("portfolio.unwatched", lang, count=formatting.number(unwatched, lang))] if unwatched else [])],
               className="mb-2 fs-5"),
        html.Div(groups)], id="evidence-portfolio-summary")


def portfolio_table(frame: pd.DataFrame, lang: str) -> html.Div:
    """``queries.evidence.portfolio``: name (linked to its address), its state now, SSO, users last
    month, group and owner agency (what matters first, for a phone); the apps down first."""
    if frame.empty:
        return html.Div()
    order = frame.assign(_down=~frame["state"].isin(["online", "degraded"]) & frame["state"].notna())
    order = order.sort_values(["_down", "app_group", "name"], ascending=[False, True, True], kind="stable")
    agency = "agency_en" if lang == "en" else "agency"
    rows = []
    for r in order.to_dict("records"):
        state = r["state"] if isinstance(r["state"], str) else None
        name = html.A(r["name"], href=r["url"], target="_blank", rel="noopener noreferrer") if _str(r["url"]) \
            else r["name"]
        users = r["users_last_month"]
        rows.append(html.Tr([
            html.Td(name, className="portfolio-name", **PROPER_NAME),
            html.Td(dbc.Badge(t(f"device.state.{state}", lang), color=STATE_BADGES.get(state, "secondary"))
                    if state in STATE_BADGES else t("portfolio.state.none", lang), **{"data-state": state or ""}),
            html.Td(t("portfolio.sso.yes" if r["sso_ready"] else "portfolio.sso.no", lang)),
            html.Td(formatting.number(None if users is None or pd.isna(users) else int(users), lang),
                    className="text-end"),
            html.Td(t(f"portfolio.group.{r['app_group']}", lang) if r["app_group"] in APP_GROUPS else r["app_group"],
                    **PROPER_NAME),
            html.Td(_str(r[agency]) or _str(r["agency"]) or "–"),
        ], **{"data-app": r["code"]}))
    header = [t(f"portfolio.col.{c}", lang) for c in COLUMNS]
    table = dbc.Table([html.Thead(html.Tr([html.Th(h, className="text-end" if c == "users" else None)
                                           for c, h in zip(COLUMNS, header)])), html.Tbody(rows)],
                      size="sm", striped=True, hover=True, className="table-compact mb-0", id="evidence-portfolio-table")
    return html.Div(table, className="portfolio-table-wrap table-responsive")
