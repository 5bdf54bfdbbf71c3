"""The app shell: header with city, clock and switches, navigation, page container."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html, page_container

from components.i18n import t

IDS = {
    "root": "app-root",
    "menu": "header-menu",
    "menu_toggle": "header-menu-toggle",
    "clock": "header-clock",
    "clock_tick": "header-clock-tick",
    "clock_config": "header-clock-config",
    "theme_store": "app-theme",
    "nav": "app-nav",
    "strip": "freshness-strip",
    "strip_tick": "freshness-tick",
    "kiosk_search": "kiosk-search",
    "kiosk_config": "kiosk-config",
    "kiosk_state": "kiosk-state",
    "kiosk_alert": "kiosk-alert",
    "kiosk_tick": "kiosk-tick",
    "kiosk_watch": "kiosk-watch",
    "kiosk_notice": "kiosk-notice",
}


def _slug(page: dict) -> str:
    """A page's slug is its module's name: pages.overview -> overview."""
    return page["module"].rsplit(".", 1)[-1]


def navigation(pages: list[dict], lang: str) -> dbc.Nav:
    return dbc.Nav(
        [dbc.NavLink(t(f"page.{_slug(p)}", lang), href=p["relative_path"], active="exact", id=f"nav-{_slug(p)}")
         for p in pages],
        pills=True, className="app-nav", id=IDS["nav"],
    )


def _switch(prefix: str, options: list[tuple[str, str]], current: str) -> html.Div:
    return html.Div(
        [html.A(label, href=f"/{prefix}/{value}", className="switch-option" + (" active" if value == current else ""),
                id=f"{prefix}-{value}", **{"aria-current": "true" if value == current else "false"})
         for value, label in options],
        className="switch",
    )


def _who(who, lang: str):
    """The signed-in person (name and role) and the sign-out link; a wall screen's name."""
    if who is None:
        return None
    if who.role == "wall":
        return html.Span(who.name, className="header-user", id="header-user", **{"data-role": "wall"})
    return html.Span([html.Span(f"{who.name} · {t(f'role.{who.role}', lang)}", className="me-2"),
                      html.A(t("login.sign_out", lang), href="/logout", className="header-sign-out")],
                     className="header-user", id="header-user", **{"data-role": who.role})


def header(city_name: str, pages: list[dict], *, lang: str, theme: str, tz: str, tz_label: str,
           who=None) -> html.Header:
    return html.Header(
        [
            html.Div([html.Span(t("app.title", lang), className="brand"),
                      html.Span(city_name, className="city-name", id="header-city")], className="brand-block"),
            html.Button(["☰ ", t("app.menu", lang)], id=IDS["menu_toggle"], className="menu-toggle", type="button",
                        **{"aria-controls": IDS["menu"]}),
            dbc.Collapse(navigation(pages, lang), id=IDS["menu"], is_open=False, navbar=True, className="app-menu"),
            html.Div(
                [
                    html.Span(id=IDS["clock"], className="clock", **{"aria-live": "off"}),
                    _switch("set-language", [("id", "ID"), ("en", "EN")], lang),
                    _switch("set-theme", [("light", t("app.theme.light", lang)), ("dark", t("app.theme.dark", lang))],
                            theme),
                    _who(who, lang),
                ],
                className="header-tools",
            ),
            dcc.Store(id=IDS["clock_config"], data={"tz": tz, "label": tz_label,
                                                    "locale": "id-ID" if lang == "id" else "en-GB"}),
            dcc.Interval(id=IDS["clock_tick"], interval=1000),
        ],
        className="app-header navbar-expand-lg",
    )


def kiosk_parts(watch_ms: int) -> list:
    """What kiosk mode needs in the shell (inert until a kiosk URL switches it on): the query string
    the page was opened with, the configuration read from it, the rotation state, a one-second
    tick and the red-flag watch."""
    return [
        dcc.Store(id=IDS["kiosk_search"]),
        dcc.Store(id=IDS["kiosk_config"]),
        dcc.Store(id=IDS["kiosk_state"]),
        dcc.Store(id=IDS["kiosk_alert"]),
        dcc.Interval(id=IDS["kiosk_tick"], interval=1000, disabled=True),
        dcc.Interval(id=IDS["kiosk_watch"], interval=watch_ms, disabled=True),
    ]


def shell(city_name: str, pages: list[dict], *, lang: str, theme: str, tz: str, tz_label: str, demo: bool,
          freshness_ms: int = 30_000, kiosk_watch_ms: int = 10_000, who=None, basemap_check: bool = False) -> html.Div:
    """The whole page: header, the freshness strip, the current page, footer. ``data-bs-theme``
    switches Bootstrap's colours; ``basemap_check``: the browser checks whether it can reach the
    base map's tiles (``assets/basemap.js``), as the map style setting ``auto`` wants."""
    return html.Div(
        [
            dcc.Store(id=IDS["theme_store"], data=theme),
            *kiosk_parts(kiosk_watch_ms),
            header(city_name, pages, lang=lang, theme=theme, tz=tz, tz_label=tz_label, who=who),
            html.Div([html.Div(id=IDS["strip"], className="freshness-items", **{"aria-live": "polite"}),
                      html.Div(id=IDS["kiosk_notice"], className="kiosk-notice"),
                      dcc.Interval(id=IDS["strip_tick"], interval=freshness_ms)], className="freshness-strip"),
            html.Main(page_container, className="app-main"),
            html.Footer(t("app.footer", lang) if demo else "", className="app-footer"),
        ],
        id=IDS["root"],
        className=f"app theme-{theme}",
        lang=lang,
        **{"data-bs-theme": theme, "data-basemap": "auto" if basemap_check else "fixed"},
    )


def forbidden_notice(lang: str, *, signed_in: bool) -> html.Div:
    """What a page shows to someone whose role may not open it (or who is no longer signed in)."""
    key = "access.page_forbidden" if signed_in else "access.signed_out"
    return html.Div(html.Div([html.P(t(key, lang), className="mb-2"),
                              html.A(t("login.submit", lang), href="/login", className="btn btn-primary btn-sm")
                              if not signed_in else None], className="alert alert-warning", role="alert"),
                    className="page page-forbidden", **{"data-access": "forbidden"})
