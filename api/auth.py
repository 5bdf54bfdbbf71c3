"""Signing in, and the gate in front of everything: every page, callback and endpoint needs a
signed-in person (or a wall screen's device login, or, for the ingest API, a source key)
except ``/api/health``, the sign-in pages and static files. What a role may open is decided by
``data_sources.rules.access``: pages in their layouts (``guard_layouts``), callbacks here by the
page that owns their outputs, endpoints here by path.

People sign in at ``/login`` (a plain form, posted back to ``/login``; rate-limited per account
and per address) or through the city's single sign-on (``api.oidc``). A wall screen signs in
once at ``/login/wall?token=...``; its session does not expire at night. Everyone else's
session ends after ``session_idle_minutes`` without a request (measured on the app's clock).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from urllib.parse import urlsplit

import dash
from flask import Blueprint, Flask, jsonify, redirect, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from api.preferences import language
from components.i18n import t
from data_sources import audit, users
from data_sources.db import database
from data_sources.rules.access import may, may_see_page
from data_sources.runtime import current_now, current_profile, current_settings

login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
blueprint = Blueprint("auth", __name__)

OPEN_PATHS = ("/api/health", "/login", "/logout", "/assets/", "/_dash-component-suites/", "/_favicon.ico",
              "/favicon.ico", "/set-language/", "/set-theme/",
              "/api/v1/")  # the ingest API checks its own source keys
SHELL_PREFIXES = ("header-", "app-", "freshness-", "kiosk-", "_pages_")
ENDPOINT_PERMISSIONS = (("/api/", "read_api"), ("/briefing/", "briefing_export"), ("/evaluation/", "briefing_export"),
                        ("/evidence/", "evidence"), ("/services/template", "kpi_template"))


@dataclass
class Identity(UserMixin):
    """Who is signed in: a person (``u:<id>``) or a wall screen (``w:<id>``)."""

    id: str
    name: str
    role: str
    pages: tuple[str, ...] = ()

    @property
    def actor(self) -> str:
        return f"wall:{self.name}" if self.role == "wall" else self.name


@login_manager.user_loader
def _load(identity_id: str) -> Identity | None:
    kind, _, number = str(identity_id).partition(":")
    if not number.isdigit():
        return None
    try:
        with database.engine.connect() as conn:
            if kind == "u":
                found = users.person(conn, int(number))
                return found and Identity(f"u:{found.id}", found.username, found.role)
            found = users.screen(conn, int(number)) if kind == "w" else None
            return found and Identity(f"w:{found.id}", found.name, "wall", found.pages)
    except SQLAlchemyError:
        return _remembered(identity_id)  # the database is away: who signed in is still known


def _remembered(identity_id: str) -> Identity | None:
    """The identity as it was when this session signed in (kept in the signed session cookie),
    used only while the database cannot be asked: a wall keeps its pages and each tile says
    the database is unreachable, instead of every screen falling back to the sign-in form.
    A revocation takes effect at the first request after the database is back."""
    kept = session.get("who")
    if not isinstance(kept, dict) or kept.get("id") != identity_id:
        return None
    return Identity(identity_id, str(kept.get("name", "")), str(kept.get("role", "")), tuple(kept.get("pages", ())))


def identity() -> Identity | None:
    return current_user if getattr(current_user, "is_authenticated", False) else None


def role() -> str | None:
    found = identity()
    return found.role if found else None


def note(action: str, detail: str | None = None, conn=None) -> None:
    """Write an audit entry for the current request's person or screen; with ``conn``, in that
    transaction (a change and its entry are stored together, and SQLite is not asked for a
    second writer while the first holds its lock)."""
    who = identity()
    entry = (current_now(), who.actor if who else "anonymous", who.role if who else None, action, detail,
             request.remote_addr)
    if conn is not None:
        audit.record(conn, *entry)
        return
    try:
        with database.engine.begin() as own:
            audit.record(own, *entry)
    except SQLAlchemyError:
        pass  # the action itself reported the database's failure


# --- the sign-in pages ----------------------------------------------------------------------------------


def _too_many(_error):
    """Rate-limited: the sign-in form says so (in the person's language); JSON for the rest."""
    if request.path.startswith("/login"):
        return _form(t("login.too_many", language()), 429)
    return jsonify({"error": "too_many_requests", "message": t("login.too_many", language())}), 429


def _safe_next(target: str | None) -> str:
    """Only a path of this site (no scheme, no host), so a link cannot send a person elsewhere."""
    parts = urlsplit(str(target or "/"))
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _form(message: str | None = None, status: int = 200):
    lang = language()
    nxt = escape(_safe_next(request.values.get("next")))
    error = f'<p class="alert alert-danger py-2" role="alert">{escape(message)}</p>' if message else ""
    body = f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(t("login.title", lang))}</title>
<link rel="stylesheet" href="/assets/01-bootstrap-5.3.6.min.css"><link rel="stylesheet" href="/assets/02-liveroom.css">
</head><body class="login-page"><main class="login-box">
<nav class="login-languages" aria-label="Bahasa / Language"><a href="/set-language/id" lang="id"
{' aria-current="true"' if lang == "id" else ""}>ID</a> · <a href="/set-language/en" lang="en"
{' aria-current="true"' if lang == "en" else ""}>EN</a></nav>
<p class="brand mb-0">LIVE ROOM · {escape(current_profile().name)}</p><h1 class="h4">{escape(t("login.title", lang))}</h1>{error}
<form method="post" action="/login"><input type="hidden" name="next" value="{nxt}">
<label class="form-label" for="username">{escape(t("login.username", lang))}</label>
<input class="form-control mb-2" id="username" name="username" autocomplete="username" required autofocus>
<label class="form-label" for="password">{escape(t("login.password", lang))}</label>
<input class="form-control mb-3" id="password" name="password" type="password" autocomplete="current-password" required>
<button class="btn btn-primary w-100" type="submit">{escape(t("login.submit", lang))}</button></form>
{_sso_link(lang)}</main></body></html>"""
    return body, status, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


def _sso_link(lang: str) -> str:
    if not current_settings().oidc_issuer:
        return ""
    nxt = escape(_safe_next(request.values.get("next")))
    return f'<p class="mt-3 text-center"><a href="/login/oidc?next={nxt}">{escape(t("login.sso", lang))}</a></p>'


def _per_account() -> str:
    return "account:" + str(request.form.get("username", "")).strip().lower()[:100]


@blueprint.get("/login")
def login_page():
    return _form()


@blueprint.post("/login")
@limiter.limit(lambda: current_settings().login_rate_per_address, methods=["POST"])
@limiter.limit(lambda: current_settings().login_rate_per_account, key_func=_per_account, methods=["POST"])
def login():
    username, password = str(request.form.get("username", ""))[:100], str(request.form.get("password", ""))[:1000]
    try:
        with database.engine.begin() as conn:
            found = users.check_password(conn, username, password, current_now())
    except SQLAlchemyError:
        return _form(t("login.database", language()), 503)
    if found is None:
        with_name = username.strip() or "-"
        try:
            with database.engine.begin() as conn:
                audit.record(conn, current_now(), with_name, None, "sign_in_failed", None, request.remote_addr)
        except SQLAlchemyError:
            pass
        return _form(t("login.wrong", language()), 401)
    sign_in(Identity(f"u:{found.id}", found.username, found.role), "sign_in")
    return redirect(_safe_next(request.form.get("next")))


def sign_in(who: Identity, action: str, detail: str | None = None) -> None:
    """Start a session for ``who`` (a fresh one: a session fixed before signing in is dropped)."""
    session.clear()
    login_user(who)
    session.permanent = True
    session["seen"] = current_now().timestamp()
    session["who"] = {"id": who.id, "name": who.name, "role": who.role, "pages": list(who.pages)}
    note(action, detail)


@blueprint.get("/login/wall")
@limiter.limit(lambda: current_settings().login_rate_per_address)
def login_wall():
    try:
        with database.engine.begin() as conn:
            screen = users.screen_for_token(conn, str(request.args.get("token", "")), current_now())
    except SQLAlchemyError:
        return _form(t("login.database", language()), 503)
    if screen is None:
        return _form(t("login.wall_refused", language()), 401)
    sign_in(Identity(f"w:{screen.id}", screen.name, "wall", screen.pages), "wall_sign_in")
    default = f"/?kiosk=1&rotate={','.join(screen.pages)}"
    return redirect(_safe_next(request.args.get("next") or default))


@blueprint.route("/logout", methods=["GET", "POST"])
def logout():
    if identity():
        note("sign_out")
    logout_user()
    session.clear()
    return redirect("/login")


# --- the gate -----------------------------------------------------------------------------------------


def _refuse(status: int, error: str):
    if request.path.startswith(("/_dash", "/api/")) or request.method != "GET":
        return jsonify({"error": error, "message": t(f"access.{error}", language())}), status
    if status == 401:
        return redirect(f"/login?next={_safe_next(request.full_path.rstrip('?'))}")
    return t("access.forbidden", language()), 403, {"Content-Type": "text/plain; charset=utf-8"}


def _expired(who: Identity) -> bool:
    """A person's session ends after the idle time; a wall screen's does not."""
    now = current_now().timestamp()
    seen = session.get("seen")
    session["seen"] = now
    if who.role == "wall" or not isinstance(seen, (int, float)):
        return False
    return now - seen > current_settings().session_idle_minutes * 60


def _page_of(component_id: str, slugs: dict[str, str]) -> str | None:
    """The page that owns a component (ids start with the page's slug), "shell" for the frame."""
    if component_id.startswith("{"):
        try:
            component_id = str(json.loads(component_id).get("type", ""))
        except (ValueError, AttributeError):
            return None
    if component_id.startswith(SHELL_PREFIXES):
        return "shell"
    return next((slug for prefix, slug in slugs.items() if component_id.startswith(prefix)), None)


def _callback_allowed(who: Identity) -> bool:
    body = request.get_json(silent=True)
    outputs = body.get("output") if isinstance(body, dict) else None
    if not isinstance(outputs, str):
        return True  # a malformed envelope is refused with 400 by api.security
    slugs = {f"{slug.replace('_', '-')}-": slug for slug in page_slugs()}
    for output in outputs.strip(".").split("..."):
        page = _page_of(output.rsplit(".", 1)[0], slugs)
        if page is None or (page != "shell" and not may_see_page(who.role, page, who.pages)):
            return False
    return True


def page_slugs() -> list[str]:
    return [p["module"].rsplit(".", 1)[-1] for p in dash.page_registry.values()]


def gate():
    """Before every request: who is it, and may they have this?"""
    if request.path.startswith(OPEN_PATHS) or request.path == "/login/wall":
        return None
    who = identity()
    if who is None:
        return _refuse(401, "unauthorized")
    if _expired(who):
        note("sign_out", "idle")
        logout_user()
        session.clear()
        return _refuse(401, "unauthorized")
    if request.path == "/_dash-update-component" and not _callback_allowed(who):
        note("refused", "callback")
        return _refuse(403, "forbidden")
    for prefix, permission in ENDPOINT_PERMISSIONS:
        if request.path.startswith(prefix) and not may(who.role, permission):
            note("refused", request.path[:200])
            return _refuse(403, "forbidden")
    return None


def guard_layouts() -> None:
    """Every page's layout checks the role first (the pages router calls them on the server)."""
    for page in dash.page_registry.values():
        slug, layout = page["module"].rsplit(".", 1)[-1], page.get("layout")
        if callable(layout) and not getattr(layout, "guarded", False):
            page["layout"] = _guarded(slug, layout)


def _guarded(slug: str, layout):
    def checked(**query):
        who = identity()
        if who is None or not may_see_page(who.role, slug, who.pages):
            from components.layout import forbidden_notice

            return forbidden_notice(language(), signed_in=who is not None)
        return layout(**query)

    checked.guarded = True
    return checked


def init_app(server: Flask) -> None:
    settings = server.config["LIVEROOM_SETTINGS"]
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=settings.https,
        SESSION_COOKIE_NAME="liveroom_session",
        PERMANENT_SESSION_LIFETIME=timedelta(days=settings.wall_session_days),  # idle people are signed out by `gate`
        RATELIMIT_STORAGE_URI=settings.rate_limit_storage, RATELIMIT_ENABLED=settings.rate_limits,
    )
    login_manager.init_app(server)
    limiter.init_app(server)
    server.before_request(gate)
    server.register_error_handler(429, _too_many)
    server.register_blueprint(blueprint)
    from api import oidc  # it signs people in through this module

    oidc.init_app(server)
    server.register_blueprint(oidc.blueprint)
