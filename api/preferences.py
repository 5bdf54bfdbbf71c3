"""Language and theme: cookies, set by ``/set-language/<code>`` and ``/set-theme/<name>`` (the
header's switches) or by ``?lang=`` / ``?theme=`` on any page URL (handy for wall-screen
bookmarks), read on the server whenever a page, a figure or an export is built, falling
back to the settings' defaults."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, has_request_context, redirect, request

from components.i18n import normalise_language
from components.theme import normalise_theme
from data_sources.runtime import current_settings

LANGUAGE_COOKIE = "liveroom_lang"
THEME_COOKIE = "liveroom_theme"
BASEMAP_COOKIE = "liveroom_basemap"  # "ok" or "none": whether this browser could fetch the tile style (assets/basemap.js)
COOKIE_MAX_AGE = 365 * 86400

blueprint = Blueprint("preferences", __name__)


def language() -> str:
    """The reader's language: the cookie, else the settings' default."""
    default = current_settings().language
    if not has_request_context():
        return default
    return normalise_language(request.cookies.get(LANGUAGE_COOKIE), default)


def request_language() -> str:
    """``?lang=`` on this request (an export link), else ``language()``."""
    return normalise_language(request.args.get("lang"), language())


def basemap_reachable() -> bool:
    """Whether this browser last managed to fetch the base map's style (checked by
    assets/basemap.js on every page load). Unknown counts as no: a map without tiles still
    draws its data, a map whose tiles cannot load draws nothing."""
    return has_request_context() and request.cookies.get(BASEMAP_COOKIE) == "ok"


def theme() -> str:
    default = current_settings().theme
    if not has_request_context():
        return default
    return normalise_theme(request.cookies.get(THEME_COOKIE), default)


def _back():
    """Back to the page the switch was clicked on: a page of this site only (a link from
    elsewhere is sent to the start page, never back out)."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host or not parts.path.startswith("/") or parts.path.startswith("//"):
        return redirect("/")
    return redirect(parts.path + (f"?{parts.query}" if parts.query else ""))


@blueprint.get("/set-language/<code>")
def set_language(code: str):
    response = _back()
    response.set_cookie(LANGUAGE_COOKIE, normalise_language(code), max_age=COOKIE_MAX_AGE, samesite="Lax")
    return response


@blueprint.get("/set-theme/<name>")
def set_theme(name: str):
    response = _back()
    response.set_cookie(THEME_COOKIE, normalise_theme(name), max_age=COOKIE_MAX_AGE, samesite="Lax")
    return response


@blueprint.after_app_request
def remember_query_preferences(response):
    if request.method == "GET" and not request.path.startswith(("/_dash", "/assets", "/api")):
        if "lang" in request.args:
            response.set_cookie(LANGUAGE_COOKIE, normalise_language(request.args["lang"]), max_age=COOKIE_MAX_AGE,
                                samesite="Lax")
        if "theme" in request.args:
            response.set_cookie(THEME_COOKIE, normalise_theme(request.args["theme"]), max_age=COOKIE_MAX_AGE,
                                samesite="Lax")
    return response
