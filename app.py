"""Live Room: the Dash app. ``create_app`` builds it; ``server`` is what gunicorn serves."""
from __future__ import annotations

import logging

import dash
from flask import Flask, redirect, request

from api import BLUEPRINTS
from cities import load_profile
from components.i18n import normalise_language
from components.layout import shell
from components.theme import normalise_theme
from data_sources import runtime
from data_sources.demo import ensure_demo
from data_sources.db import database
from data_sources.migrate import upgrade
from pages import _shell
from settings import PROJECT_ROOT, Settings, load_settings

log = logging.getLogger(__name__)
COOKIE_MAX_AGE = 365 * 86400


def _register_preferences(server: Flask) -> None:
    """Language and theme live in cookies: set by /set-language/<code>, /set-theme/<name>,
    or ``?lang=`` / ``?theme=`` on any page URL (handy for wall-screen bookmarks)."""
    from pages._shared import LANGUAGE_COOKIE, THEME_COOKIE

    def _back():
        return redirect(request.referrer or "/")

    @server.get("/set-language/<code>")
    def set_language(code: str):
        response = _back()
        response.set_cookie(LANGUAGE_COOKIE, normalise_language(code), max_age=COOKIE_MAX_AGE, samesite="Lax")
        return response

    @server.get("/set-theme/<name>")
    def set_theme(name: str):
        response = _back()
        response.set_cookie(THEME_COOKIE, normalise_theme(name), max_age=COOKIE_MAX_AGE, samesite="Lax")
        return response

    @server.after_request
    def remember_query_preferences(response):
        if request.method == "GET" and not request.path.startswith(("/_dash", "/assets", "/api")):
            if "lang" in request.args:
                response.set_cookie(LANGUAGE_COOKIE, normalise_language(request.args["lang"]), max_age=COOKIE_MAX_AGE)
            if "theme" in request.args:
                response.set_cookie(THEME_COOKIE, normalise_theme(request.args["theme"]), max_age=COOKIE_MAX_AGE)
        return response


def create_app(settings: Settings | None = None, *, prepare_database: bool = True) -> dash.Dash:
    """Build the app. With ``prepare_database`` the schema is migrated and, if the settings
    ask for it, the demo city is seeded into an empty database."""
    settings = settings or load_settings()
    profile = load_profile(settings.city)
    server = Flask(__name__)
    runtime.init_app(server, settings, profile)
    if prepare_database:
        upgrade(settings.database_url)
        if settings.demo:
            ensure_demo(database.engine, profile, settings.demo_seed, settings.boundaries_dir, settings.demo_size)
        database.engine.dispose(close=False)  # gunicorn --preload forks after this: no shared connections
    for blueprint in BLUEPRINTS:
        server.register_blueprint(blueprint)
    _register_preferences(server)

    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(PROJECT_ROOT / "pages"),
        assets_folder=str(PROJECT_ROOT / "assets"),
        title=f"Live Room · {profile.name}",
        update_title=None,
        suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )

    def serve_layout():
        from pages import _shared as ctx

        pages = [p for p in dash.page_registry.values() if not p.get("hidden")]
        return shell(profile.name, pages, lang=ctx.language(), theme=ctx.theme(), tz=profile.timezone,
                     tz_label=profile.timezone_label, demo=settings.demo,
                     freshness_ms=settings.freshness_check_seconds * 1000,
                     kiosk_watch_ms=settings.kiosk_watch_seconds * 1000)

    app.layout = serve_layout
    _shell.register(app)
    return app


def _run_development_server() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    app = create_app(settings)
    if settings.demo and settings.simulate:
        from data_sources.simulator import start_background

        start_background(settings)
    app.run(host=settings.host, port=settings.port, debug=False)


_app: dash.Dash | None = None


def __getattr__(name: str):
    """``app`` and ``server`` are built on first access (``gunicorn app:server``), not at
    import, so importing this module never touches a database."""
    global _app
    if name in ("app", "server"):
        if _app is None:
            _app = create_app()
        return _app if name == "app" else _app.server
    raise AttributeError(name)


if __name__ == "__main__":
    _run_development_server()
