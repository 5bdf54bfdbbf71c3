"""KPI tiles: a big number with a label, a detail line and the age of its data.

Every value element carries ``data-kpi`` naming its KPI, so tests and operators'
screenshots can find it. A tile whose data is older than its source's freshness budget
turns amber, then red (over twice the budget); a tile whose query failed says so.
"""
from __future__ import annotations

from datetime import datetime

import dash_bootstrap_components as dbc
from dash import html

from components import formatting
from components.i18n import t


def freshness_level(updated_at: datetime | None, now: datetime, budget_seconds: int) -> str:
    """'fresh', 'amber' (older than the budget) or 'red' (older than twice the budget, or never)."""
    if updated_at is None:
        return "red"
    age = (now - updated_at).total_seconds()
    if age <= budget_seconds:
        return "fresh"
    return "amber" if age <= 2 * budget_seconds else "red"


def freshness_note(updated_at: datetime | None, now: datetime, budget_seconds: int | None, *, lang: str = "id",
                   tz: str = "Asia/Jakarta", tz_label: str = "WIB") -> tuple[str, str]:
    """(level, text) for data last updated at ``updated_at``: 'Diperbarui 2 menit lalu' while
    fresh, 'Data basi sejak 23 Nov 2026 14.30 WIB' once older than its budget."""
    level = freshness_level(updated_at, now, budget_seconds or 10**9)
    if level == "fresh":
        return level, t("tile.updated", lang, age=formatting.age(updated_at, now, lang))
    if updated_at is None:
        return level, t("tile.no_data", lang)
    return level, t("tile.stale_since", lang, time=formatting.local_datetime(updated_at, tz, tz_label, lang))


def kpi_tile(kpi: str, label: str, value: str, *, detail: str | None = None, updated_at: datetime | None = None,
             budget_seconds: int | None = None, now: datetime | None = None, lang: str = "id", tz: str = "Asia/Jakarta",
             tz_label: str = "WIB", emphasis: str | None = None, hero: bool = False, alarm: bool = False) -> dbc.Card:
    """One tile. ``emphasis`` ('danger', 'warning', 'success') colours the number; ``hero`` makes
    it the wall's most prominent tile and ``alarm`` fills it in red (red flags waiting)."""
    level, footer = "fresh", None
    if now is not None and (updated_at is not None or budget_seconds is not None):  # a source that never succeeded is red
        level, footer = freshness_note(updated_at, now, budget_seconds, lang=lang, tz=tz, tz_label=tz_label)
    body = [
        stale_badge(updated_at, now, lang) if level != "fresh" else None,
        html.Div(label, className="kpi-label"),
        html.Div(value, className=f"kpi-value text-{emphasis}" if emphasis else "kpi-value", **{"data-kpi": kpi}),
    ]
    if detail:
        body.append(html.Div(detail, className="kpi-detail"))
    if footer:
        body.append(html.Div(footer, className="kpi-age", **{"data-freshness": level}))
    body = [part for part in body if part is not None]
    classes = " ".join(["kpi-tile", f"freshness-{level}", *(["kpi-tile-hero"] if hero else []),
                        *(["kpi-alarm"] if alarm else [])])
    wrap = "kpi-tile-wrap kpi-tile-wrap-hero" if hero else "kpi-tile-wrap"
    return html.Div(dbc.Card(dbc.CardBody(body), className=classes), className=wrap,
                    id=f"tile-{kpi}", **{"data-kpi-tile": kpi, "data-freshness": level})


def stale_badge(updated_at: datetime | None, now: datetime, lang: str) -> html.Div:
    """The mark a tile wears while its data is older than its source's budget: large, and in
    words, so a stale number is not read as a current one from across the room."""
    age = formatting.age(updated_at, now, lang) if updated_at is not None else t("tile.no_data", lang)
    return html.Div([html.Span(t("tile.stale_badge", lang), className="stale-badge-word"),
                     html.Span(age, className="stale-badge-age")], className="stale-badge", role="status")


def stale_notice(updated_at: datetime | None, now: datetime, budget_seconds: int | None, lang: str) -> html.Div | None:
    """Above a map or a list fed by a stale source: the same badge as a stale tile, and what it
    means for what is shown (the last known state). None while the source is fresh."""
    if budget_seconds is None or freshness_level(updated_at, now, budget_seconds) == "fresh":
        return None
    return html.Div([stale_badge(updated_at, now, lang), html.Span(t("tile.stale_panel", lang), className="small")],
                    className="stale-notice", **{"data-freshness": "stale"})


def error_tile(kpi: str, label: str, reason: str, lang: str = "id") -> dbc.Card:
    """The tile shown when its query or source failed; the rest of the page keeps working."""
    card = dbc.Card(
        dbc.CardBody([
            html.Div(label, className="kpi-label"),
            html.Div("–", className="kpi-value", **{"data-kpi": kpi}),
            html.Div(error_message(reason, lang), className="kpi-error", role="alert", **{"data-error": reason}),
        ]),
        className="kpi-tile tile-error",
    )
    return html.Div(card, className="kpi-tile-wrap", id=f"tile-{kpi}", **{"data-kpi-tile": kpi, "data-freshness": "error"})


# The errors of a database that cannot be reached or does not answer (SQLAlchemy's names)
DATABASE_AWAY = frozenset({"OperationalError", "InterfaceError", "DisconnectionError", "TimeoutError"})


def error_message(reason: str, lang: str = "id") -> str:
    """What a tile says when its data could not be loaded; ``reason`` is the error's name."""
    return t("tile.database_away" if reason in DATABASE_AWAY else "tile.error", lang, reason=reason)


def error_panel(reason: str, lang: str = "id") -> dbc.Alert:
    """A failed chart or map: a message in its place instead of a blank or an error page."""
    return dbc.Alert(html.Span(error_message(reason, lang), **{"data-error": reason}), color="danger",
                     className="panel-error mb-0")
