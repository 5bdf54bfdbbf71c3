"""The early warning's alerts as the wall, /complaints and the briefing show them: one
sentence per alert ("Lonjakan aduan Banjir di Periuk: 34 dalam 2 jam, biasanya 2"), the
wall's banner, the page's list with a link to the alert's complaints."""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from components import formatting
from components.i18n import t
from data_sources.rules.periods import local_today


def place(row, lang: str) -> str:
    names = list(row.kecamatan_names)
    return formatting.listing(names, lang) if names else t("alerts.city", lang)


def window(hours: float, lang: str) -> str:
    return t("alerts.hour", lang) if hours == 1 else t("alerts.hours", lang, n=formatting.number(hours, lang))


def expected(value: float, lang: str) -> str:
    return t("alerts.under_one", lang) if value < 0.5 else formatting.number(round(value), lang)


def sentence(row, lang: str) -> str:
    """"Lonjakan aduan Banjir di Periuk: 34 dalam 2 jam, biasanya 2" for one alert row
    (``queries.alerts.ALERT_COLUMNS``)."""
    return t("alerts.banner", lang, category=getattr(row, f"name_{lang}"), place=place(row, lang),
             observed=formatting.number(row.observed, lang), window=window(row.window_hours, lang),
             expected=expected(row.expected, lang))


def banner(frame: pd.DataFrame, lang: str) -> html.Div | None:
    """The wall's banner over the tiles: one line per running alert, strongest first; None
    (nothing shown) when none runs."""
    if frame.empty:
        return None
    ordered = frame.sort_values(["score", "id"], ascending=[False, False])
    return html.Div([html.Div([html.Span("⚠", className="burst-banner-icon", **{"aria-hidden": "true"}),
                               html.Span(sentence(row, lang))], className="burst-banner-line",
                              **{"data-alert-key": str(row.id)})
                     for row in ordered.itertuples()], className="burst-banner", role="alert")


def complaints_link(row, tz: str) -> str:
    """The /complaints URL of an alert's complaints: its category and kecamatan, from the local
    day its longest window began to the day it ended (or today, while it runs)."""
    began = row.raised_at - timedelta(hours=float(row.window_hours))
    ended = row.cleared_at if isinstance(row.cleared_at, datetime) else row.updated_at
    params = {"period": "custom", "from": local_today(began, tz).isoformat(), "to": local_today(ended, tz).isoformat(),
              "category": row.category}
    if len(row.kecamatan):
        params["kecamatan"] = ",".join(row.kecamatan)
    return "/complaints?" + urlencode(params, safe=",")


def alert_list(frame: pd.DataFrame, lang: str, tz: str, tz_label: str) -> html.Div:
    """/complaints: the period's alerts, running ones first, each with its sentence, when it
    began or ended, and a link that filters the page to its complaints."""
    if frame.empty:
        return html.P(t("alerts.none", lang), className="text-body-secondary mb-0")
    items = []
    for row in frame.itertuples():
        when = formatting.local_datetime(row.raised_at, tz, tz_label, lang)
        state = (t("alerts.running", lang) + " · " + t("alerts.raised", lang, when=when) if row.active else
                 t("alerts.cleared", lang, when=formatting.local_datetime(row.cleared_at, tz, tz_label, lang)))
        items.append(html.Li([
            html.Span(sentence(row, lang), className="alert-sentence"),
            html.Span(state, className="alert-state text-body-secondary"),
            dcc.Link(t("alerts.show", lang), href=complaints_link(row, tz), className="alert-link"),
        ], className="alert-item" + (" alert-item-running" if row.active else ""), **{"data-alert-id": str(row.id)}))
    return html.Ul(items, className="alert-items list-unstyled mb-0")


def briefing_sentence(frame: pd.DataFrame, lang: str, tz: str, tz_label: str) -> str:
    """The briefing's sentence naming the period's alerts (oldest first)."""
    if frame.empty:
        return t("briefing.sentence.alerts.none", lang)
    items = [t("briefing.sentence.alerts.item", lang, category=getattr(row, f"name_{lang}"), place=place(row, lang),
               when=formatting.local_datetime(row.raised_at, tz, tz_label, lang),
               observed=formatting.number(row.observed, lang), window=window(row.window_hours, lang),
               expected=expected(row.expected, lang))
             for row in frame.sort_values("raised_at").itertuples()]
    return t("briefing.sentence.alerts", lang, items="; ".join(items))
