"""The app factory builds and never writes; preparing the database is its own step, run once
(migrate, the profile's reference data, the demo city into an empty database); imports touch
nothing."""
import os
import subprocess
import sys

from app import create_app
from data_sources.prepare import prepare
from settings import PROJECT_ROOT
from tests.helpers import test_settings
from tests.sql import scalar


def test_prepare_migrates_and_seeds_once_then_leaves_data_alone(sqlite_url):
    settings = test_settings(sqlite_url, demo=True, demo_size="test")
    assert prepare(settings)["complaints"] == 3000
    app = create_app(settings)
    assert app.server.test_client().get("/api/health").status_code == 200
    first = scalar(sqlite_url, "SELECT count(*) || '-' || max(id) FROM complaints")
    assert first.startswith("3000-")
    assert prepare(settings) is None  # a restart must not regenerate or duplicate the city
    assert scalar(sqlite_url, "SELECT count(*) || '-' || max(id) FROM complaints") == first
    assert scalar(sqlite_url, "SELECT count(*) FROM regions") == 13 + 104


def test_prepare_without_the_demo_writes_the_profile_and_no_complaints(sqlite_url):
    assert prepare(test_settings(sqlite_url)) is None
    assert scalar(sqlite_url, "SELECT count(*) FROM regions") == 13 + 104
    assert scalar(sqlite_url, "SELECT count(*) FROM complaints") == 0


def test_create_app_leaves_an_empty_database_empty(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    env = os.environ | {"LIVEROOM_DATABASE_URL": f"sqlite:///{path}", "LIVEROOM_DEMO": "true"}
    subprocess.run([sys.executable, "-c", "import app; app.create_app()"], cwd=PROJECT_ROOT, env=env, check=True)
    assert path.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]  # no journal or WAL files either


def test_importing_the_app_module_builds_nothing(tmp_path):
    """gunicorn's app:server is built on first access, so a plain import has no side effects."""
    code = ("import os, app; os.environ['LIVEROOM_DATABASE_URL'] = 'sqlite:///" + str(tmp_path / "x.db") + "'; "
            "assert app._app is None; import pathlib; assert not pathlib.Path('" + str(tmp_path / "x.db") + "').exists()")
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, check=True)


def test_preferences_are_remembered_in_cookies(city_db):
    client = create_app(test_settings(city_db)).server.test_client()
    response = client.get("/set-language/en", headers={"Referer": "http://localhost/services"})
    assert response.status_code == 302 and response.headers["Location"] == "/services"  # back, within the site
    assert "liveroom_lang=en" in response.headers["Set-Cookie"]
    response = client.get("/?theme=dark")
    assert "liveroom_theme=dark" in response.headers["Set-Cookie"]
    response = client.get("/set-theme/neon")
    assert "liveroom_theme=light" in response.headers["Set-Cookie"]  # unknown values fall back
