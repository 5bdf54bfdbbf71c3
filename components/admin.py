"""Tables and notices of the admin page: accounts, wall screens, the audit log, and a secret
shown once (a password, a wall screen's sign-in address, an API key)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components import formatting
from components.i18n import CATALOGUE, t
from components.tables import text_table
from data_sources.clock import as_datetime


def _name(value: str) -> html.Span:
    """A name someone chose (an account, a screen): the same in every language."""
    return html.Span(value, **{"data-translate": "no"})


def _when(value, tz: str, tz_label: str, lang: str) -> str:
    return formatting.local_datetime(as_datetime(value), tz, tz_label, lang)


def user_table(rows, lang: str, tz: str, tz_label: str):
    header = [t(k, lang) for k in ("login.username", "admin.role", "sources.state", "admin.last_sign_in")]
    body = [[_name(r.username), t(f"role.{r.role}", lang), t("sources.keys.active" if r.active else "admin.disabled", lang),
             _when(r.last_login_at, tz, tz_label, lang)] for r in rows]
    return text_table(header, body, "admin-users-table", numbers_from=len(header))


def screen_table(rows, lang: str, tz: str, tz_label: str):
    if not rows:
        return html.P(t("admin.no_screens", lang), className="mb-0")
    header = [t(k, lang) for k in ("admin.screen_name", "admin.screen_pages", "admin.last_seen", "sources.state")]
    body = [[_name(r.name), ", ".join(t(f"page.{p}", lang) for p in r.pages.split(",") if p),
             _when(r.last_seen_at, tz, tz_label, lang),
             t("sources.keys.revoked", lang, time=_when(r.revoked_at, tz, tz_label, lang)) if r.revoked_at
             else t("sources.keys.active", lang)] for r in rows]
    return text_table(header, body, "admin-screens-table", numbers_from=len(header))


def _given(value) -> bool:
    """A text that is there (a missing one may come out of a frame as None or NaN)."""
    return isinstance(value, str) and bool(value)


def audit_table(frame: pd.DataFrame, lang: str, tz: str, tz_label: str):
    if frame.empty:
        return html.P(t("admin.no_audit", lang), className="mb-0")
    header = [t(k, lang) for k in ("sources.started", "admin.actor", "admin.role", "admin.action", "admin.detail",
                                   "admin.address")]
    body = [[_when(r.at, tz, tz_label, lang), _name(r.actor) if _given(r.actor) else "", t(f"role.{r.role}", lang) if _given(r.role) else "–",
             t(f"audit.{r.action}", lang) if f"audit.{r.action}" in CATALOGUE else r.action,
             html.Span(r.detail, **{"data-translate": "no"}) if _given(r.detail) else "",  # technical, as the system wrote it
             r.address if _given(r.address) else ""] for r in frame.itertuples()]
    return text_table(header, body, "admin-audit-table", numbers_from=len(header))


def secret_notice(text: str, secret: str, kind: str) -> dbc.Alert:
    """A secret shown once, to copy now (it is stored only as a hash)."""
    return dbc.Alert([html.P(text, className="mb-1"), dcc.Clipboard(target_id=f"admin-secret-{kind}",
                                                                     className="float-end"),
                      html.Code(secret, id=f"admin-secret-{kind}", **{"data-secret": kind})],
                     color="info", className="py-2")
