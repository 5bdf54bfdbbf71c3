"""The evaluation deck: the mayor's presentation to the national evaluators as data, one
``Slide`` per screen (presentation mode, ``components.presentation``) and per landscape page
(the PDF, ``reports.deck_pdf``), in the reader's language.

The slides follow the evaluators' outline (``queries.evidence.SECTIONS``: policy, technology
support, governance, service programmes, budget, awards, information security), after a title
slide. The six-dimension scorecard comes right after the service programmes, followed by its
consistency since the first year (each dimension's score per year, and a sentence naming the
years it fell, recovered and rose): the programmes are what the dimensions' indicators measure
the outcomes of, so the evaluators see what the programmes achieved, and how steadily, before
the money and the awards. The outline's own order is kept. A part whose data cannot be read
becomes its message; the other slides are still made."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from babel.dates import format_date
from sqlalchemy.exc import SQLAlchemyError

from components.i18n import t
from components.tiles import error_message
from data_sources.queries import evidence, indicators
from data_sources.rules import scorecard as rules
from reports import evaluation_text as words

SLIDES = ("title", "policy", "technology", "governance", "services", "scorecard", "consistency", "budget", "awards",
          "security")
MAX_ENTRIES = 6  # lines of evidence on a slide (the rest are counted: "dan 4 lainnya")
MAX_ROWS = 6  # rows of a table on a slide
_LOCALES = {"id": "id_ID", "en": "en_GB"}


@dataclass(frozen=True)
class Entry:
    """One piece of evidence: its title, what and when it is, and where it can be opened."""
    title: str
    meta: str
    href: str | None = None


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    align: tuple[str, ...] | None = None  # per column: LEFT or RIGHT; default: the first left, the others right


@dataclass(frozen=True)
class Tile:
    """A dimension on the scorecard slide; ``points`` are (year, score) since the first year."""
    dimension: str
    name: str
    score: str
    status: str
    status_label: str
    counts: str
    change: str
    sentence: str
    points: list[tuple[int, float]]


@dataclass(frozen=True)
class Chart:
    """A chart: ``kind`` names its builder (``budget``), ``frame`` its data, ``table`` the same
    figures for where it cannot be drawn."""
    kind: str
    title: str
    frame: pd.DataFrame
    table: Table


@dataclass(frozen=True)
class Slide:
    key: str
    title: str
    lead: list[str] = field(default_factory=list)  # the slide's statements, largest type
    entries: list[Entry] = field(default_factory=list)
    more: str | None = None  # "dan 4 lainnya" when entries were left out
    tables: list[Table] = field(default_factory=list)
    chart: Chart | None = None
    tiles: list[Tile] = field(default_factory=list)
    outline: list[str] = field(default_factory=list)  # the title slide's list of what follows
    note: str | None = None
    empty: str | None = None  # said when the section has nothing yet
    error: str | None = None  # said when its data could not be read


@dataclass(frozen=True)
class Deck:
    title: str
    city: str
    year: int | None
    lang: str
    slides: list[Slide]


def choose_year(available: list[int], requested) -> tuple[int | None, str | None]:
    """The year to show: ``requested`` when it has values, else the newest; and the text of the
    request that could not be used (None when it could, or none was made)."""
    newest = available[-1] if available else None
    if requested in (None, ""):
        return newest, None
    text = str(requested).strip()
    if text.isdigit() and int(text) in available:
        return int(text), None
    return newest, text[:12]


def evidence_href(item) -> str | None:
    """Where an evidence item opens: the app's copy of its file, else its link."""
    if isinstance(item["stored_name"], str) and item["stored_name"]:
        return f"/evidence/file/{int(item['id'])}"
    return item["url"] if isinstance(item["url"], str) and item["url"] else None


def _text(value) -> str:
    return value if isinstance(value, str) else ""  # a missing text comes as None or NaN


def _title(item, lang: str) -> str:
    return (_text(item["title_en"]) or _text(item["title_id"])) if lang == "en" else _text(item["title_id"])


def _date(text, lang: str) -> str:
    try:
        return format_date(date.fromisoformat(str(text)[:10]), "d MMM yyyy", locale=_LOCALES[lang])
    except ValueError:
        return str(text)


def billions(amount, lang: str) -> str:
    """Rupiah as 'Rp 12,5 miliar' / 'IDR 12.5 billion'."""
    return t("evaluation.budget.billion", lang, value=words._number(float(amount) / 1e9, lang, 2))


def entry(item, lang: str) -> Entry:
    """An evidence item as a line: its kind, year and what its kind adds (a regulation's number,
    an award's giver, a budget line's amount)."""
    details = item["details"] if isinstance(item["details"], dict) else {}
    meta = [t(f"evaluation.kind.{item['kind']}", lang) if f"{item['kind']}" in evidence.KINDS else str(item["kind"])]
    if not pd.isna(item["year"]):
        meta.append(str(int(item["year"])))
    if details.get("number"):
        meta.append(str(details["number"]))
    if details.get("giver"):
        meta.append(t("evaluation.award.by", lang, giver=details["giver"]))
    if details.get("category") and item["kind"] == "award":
        meta.append(str(details["category"]))
    if details.get("amount") is not None and item["kind"] == "budget":
        meta.append(billions(details["amount"], lang))
    return Entry(_title(item, lang), " \u00b7 ".join(meta), evidence_href(item))


def _entries(items: pd.DataFrame, lang: str) -> tuple[list[Entry], str | None]:
    shown = [entry(row, lang) for _, row in items.head(MAX_ENTRIES).iterrows()]
    rest = len(items) - len(shown)
    return shown, (t("evaluation.slide.more", lang, n=rest) if rest > 0 else None)


def _section(key: str, items: pd.DataFrame, lang: str, **extra) -> Slide:
    rows = items[items["section"] == key]
    entries, more = _entries(rows, lang)
    slide = Slide(key, t(f"evaluation.section.{key}", lang), entries=entries, more=more, **extra)
    if not entries and not slide.lead and not slide.tables and slide.chart is None:
        return Slide(key, slide.title, empty=t("evaluation.evidence.none_section", lang))
    return slide


def _technology(items: pd.DataFrame, portfolio: dict | None, lang: str) -> Slide:
    if not portfolio or not portfolio.get("total"):
        return _section("technology", items, lang, lead=[t("evaluation.technology.none", lang)])
    lead = [t("evaluation.technology.summary", lang, up=portfolio["up"], total=portfolio["total"],
              sso=portfolio["sso_ready"])]
    groups = [t("evaluation.app_group.count", lang, group=t(f"evaluation.app_group.{g}", lang) if g in evidence.APP_GROUPS
                else g, n=n) for g, n in sorted(portfolio["groups"].items(), key=lambda p: -p[1])]
    return _section("technology", items, lang, lead=lead + [" \u00b7 ".join(groups)])


def _budget(items: pd.DataFrame, lang: str) -> Slide:
    lines = items[(items["section"] == "budget") & (items["kind"] == "budget") & items["year"].notna()]
    amounts = [(int(row["year"]), float(row["details"].get("amount", 0)), row) for _, row in lines.iterrows()
               if isinstance(row["details"], dict) and row["details"].get("amount") is not None]
    if not amounts:
        return _section("budget", items[items["kind"] != "budget"], lang)
    per_year = pd.DataFrame([(y, a) for y, a, _ in amounts], columns=["year", "amount"]).groupby("year", as_index=False).sum()
    per_year["amount"] = per_year["amount"] / 1e9
    header = [t(f"evaluation.budget.col.{c}", lang) for c in ("year", "line", "amount")]
    rows = []
    for year, amount, row in sorted(amounts, key=lambda a: (-a[0], -a[1]))[:MAX_ROWS]:
        realised = row["details"].get("realised")
        text = billions(amount, lang) + (
            f" ({t('evaluation.budget.realised', lang, share=words.score_label(realised / amount, lang))})"
            if realised is not None and amount else "")
        rows.append([str(year), _title(row, lang), text])
    chart_table = Table(header[::2], [[str(int(y)), billions(a * 1e9, lang)] for y, a in per_year.itertuples(index=False)],
                        ("LEFT", "RIGHT"))
    chart = Chart("budget", t("evaluation.budget.chart", lang), per_year, chart_table)
    others = items[(items["section"] == "budget") & (items["kind"] != "budget")]
    entries, more = _entries(others, lang)
    return Slide("budget", t("evaluation.section.budget", lang), chart=chart,
                 tables=[Table(header, rows, ("LEFT", "LEFT", "RIGHT"))],
                 entries=entries[:2], more=more)


def _security(items: pd.DataFrame, lang: str) -> Slide:
    rows = items[(items["section"] == "security") & (items["kind"] == "assessment")]
    found = [row for _, row in rows.iterrows() if isinstance(row["details"], dict) and row["details"].get("scores")]
    found.sort(key=lambda r: str(r["details"].get("assessed_on") or r["year"]), reverse=True)
    if not found:
        return _section("security", items, lang)
    newest = found[0]["details"]
    lead = [f"{t('evaluation.security.kami', lang)} {str(newest.get('assessed_on', ''))[:4]}: " + ", ".join(filter(None, [
        t("evaluation.security.total", lang, score=words._number(float(newest["total"]), lang, 1))
        if newest.get("total") is not None else None,
        t("evaluation.security.maturity", lang, level=newest["maturity"]) if newest.get("maturity") else None,
        t("evaluation.security.assessed", lang, date=_date(newest.get("assessed_on"), lang))
        + (f" ({newest['assessor']})" if newest.get("assessor") else "")]))]
    columns = found[:3][::-1]  # up to three assessments, oldest first: the progression reads left to right
    areas = list(dict.fromkeys(a for r in columns for a in r["details"]["scores"]))
    header = [t("evaluation.security.area", lang)] + [_date(r["details"].get("assessed_on"), lang) for r in columns]
    table_rows = [[t(f"evaluation.kami.{a}", lang) if f"evaluation.kami.{a}" in _KAMI_KEYS else a]
                  + [words._number(float(r["details"]["scores"][a]), lang, 1) if a in r["details"]["scores"] else "\u2013"
                     for r in columns] for a in areas]
    table_rows.append([t("evaluation.security.maturity_row", lang)]
                      + [str(r["details"].get("maturity") or "\u2013") for r in columns])
    others = items[(items["section"] == "security") & (items["kind"] != "assessment")]
    entries, more = _entries(others, lang)
    return Slide("security", t("evaluation.section.security", lang), lead=lead, tables=[Table(header, table_rows)],
                 entries=entries[:2], more=more)


_KAMI_KEYS = {f"evaluation.kami.{a}" for a in ("governance", "risk", "framework", "assets", "technology",
                                               "data_protection", "third_party")}


def tiles(card: rules.Scorecard, trend: pd.DataFrame, lang: str) -> list[Tile]:
    """The scorecard's six dimensions with their history (``trend``: rules.scorecard.dimension_history)."""
    out = []
    for row in card.dimensions.to_dict("records"):
        name = t(f"dimension.{row['dimension']}.short", lang)
        mine = trend[trend["dimension"] == row["dimension"]]
        points = [(int(y), float(s)) for y, s in zip(mine["year"], mine["score"])]
        first = next((y for y, s in points if not math.isnan(s)), None)
        sentence = words.trend_sentence(name, rules.trend(points), first, lang)
        change = words.score_change_label(row["change"], lang)
        out.append(Tile(row["dimension"], t(f"dimension.{row['dimension']}", lang), words.score_label(row["score"], lang),
                        row["status"], words.status_text(row["status"], lang), words.counts_label(row, lang),
                        t("evaluation.change_from", lang, change=change, year=card.year - 1), sentence, points))
    return out


def _try(read):
    try:
        return read(), None
    except SQLAlchemyError as exc:
        return None, type(exc).__name__


def build(profile, year_requested, lang: str) -> Deck:
    """The deck for ``year_requested`` (the newest year when it is missing or has no values)."""
    history, history_error = _try(lambda: indicators.history(profile.code))
    items, items_error = _try(lambda: evidence.items(profile.code))
    portfolio, portfolio_error = _try(lambda: evidence.portfolio_summary(profile.code))
    year, _ = choose_year(rules.years(history) if history is not None else [], year_requested)
    if items is None:
        items = pd.DataFrame(columns=evidence.ITEM_COLUMNS)
    slides: dict[str, Slide] = {}
    for key in ("policy", "governance", "services", "awards"):
        slides[key] = _section(key, items, lang)
    slides["technology"] = _technology(items, portfolio, lang)
    slides["budget"] = _budget(items, lang)
    slides["security"] = _security(items, lang)
    if items_error:
        for key in ("policy", "governance", "services", "awards", "budget", "security"):
            slides[key] = Slide(key, t(f"evaluation.section.{key}", lang), error=error_message(items_error, lang))
    if portfolio_error and not items_error:
        old = slides["technology"]
        slides["technology"] = Slide("technology", old.title, lead=[error_message(portfolio_error, lang)],
                                     entries=old.entries, more=old.more)
    overall = None
    score_title = t("evaluation.section.scorecard", lang, year=year or "")
    years = rules.years(history) if history is not None else []
    trend_title = t("evaluation.consistency", lang, first=years[0], last=years[-1]) if years else \
        t("evaluation.consistency.plain", lang)
    if history_error:
        slides["scorecard"] = Slide("scorecard", score_title, error=error_message(history_error, lang))
        slides["consistency"] = Slide("consistency", trend_title, error=error_message(history_error, lang))
    elif year is None:
        slides["scorecard"] = Slide("scorecard", score_title, empty=t("evaluation.no_data", lang))
        slides["consistency"] = Slide("consistency", trend_title, empty=t("evaluation.no_data", lang))
    else:
        card = rules.build(history, profile, year)
        overall = card.overall
        made = tiles(card, rules.dimension_history(history, profile), lang)
        slides["scorecard"] = Slide("scorecard", score_title, tiles=made,
                                    note=t("evaluation.slide.scorecard_note", lang,
                                           close=round(profile.scoring.close_share * 100)))
        slides["consistency"] = Slide("consistency", trend_title, tiles=made,
                                      note=t("evaluation.consistency.note", lang))
    order = SLIDES[1:]
    outline = [f"{i + 2}. {slides[k].title}" for i, k in enumerate(order)]
    lead = [t("evaluation.slide.presenter", lang, city=profile.name)]
    if overall is not None and not math.isnan(overall):
        lead.append(t("evaluation.overall", lang, year=year, score=words.score_label(overall, lang)))
    title = Slide("title", t("evaluation.slide.heading", lang, year=year or ""), lead=lead, outline=outline)
    return Deck(t("evaluation.deck.title", lang, city=profile.name, year=year or ""), profile.name, year, lang,
                [title, *(slides[k] for k in order)])
