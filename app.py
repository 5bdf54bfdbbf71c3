"""Live Room: the Dash app. ``create_app`` builds it; ``server`` is what gunicorn serves."""
from __future__ import annotations

import logging
import threading

import dash
from flask import Flask

from api import BLUEPRINTS, auth, security
from cities import load_profile
from components.layout import shell
from data_sources import runtime
from data_sources.prepare import UNREACHABLE, prepare, prepare_when_reachable
from data_sources.rules.access import may_see_page
from pages import _shell
from settings import PROJECT_ROOT, Settings, load_settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> dash.Dash:
    """Build the app. It never writes to the database: migrating and seeding the demo city
    are ``python -m data_sources.prepare``, run once before the app starts."""
    settings = settings or load_settings()
    profile = load_profile(settings.city)
    server = Flask(__name__, static_folder=None)  # assets are served by Dash from assets/
    runtime.init_app(server, settings, profile)
    for blueprint in BLUEPRINTS:
        server.register_blueprint(blueprint)

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

        who = auth.identity()
        pages = [p for p in dash.page_registry.values()
                 if not p.get("hidden") and who and may_see_page(who.role, p["module"].rsplit(".", 1)[-1], who.pages)]
        return shell(profile.name, pages, lang=ctx.language(), theme=ctx.theme(), tz=profile.timezone,
                     tz_label=profile.timezone_label, demo=settings.demo,
                     freshness_ms=settings.freshness_check_seconds * 1000,
                     kiosk_watch_ms=settings.kiosk_watch_seconds * 1000, who=who,
                     basemap_check=settings.map_style == "auto")

    app.layout = serve_layout
    _shell.register(app)
    auth.init_app(server)
    auth.guard_layouts()
    security.init_app(server, app)
    return app


def _run_development_server() -> None:
    """Prepare the database, then serve. A database that cannot be reached does not stop the
    server: it starts (``/api/health`` answers 503, each tile says the database is away) and
    prepares the database in the background once it answers."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per simulator tick would bury the rest
    settings = load_settings()
    try:
        _prepared(settings, prepare(settings))
    except UNREACHABLE as exc:
        log.warning("the database cannot be reached (%s); serving anyway and preparing it as soon as it answers",
                    type(exc).__name__)
        threading.Thread(target=lambda: _prepared(settings, prepare_when_reachable(settings)), daemon=True,
                         name="prepare").start()
    create_app(settings).run(host=settings.host, port=settings.port, debug=False)


def _prepared(settings: Settings, _counts) -> None:
    """What starts once the database is ready: the demo's live simulator."""
    if settings.demo and settings.simulate:
        from data_sources.demo.simulator import start_background

        start_background(settings)


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
