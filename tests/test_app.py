"""The app factory: a fresh database is migrated and seeded once; imports touch nothing."""
import subprocess
import sys

from app import create_app
from settings import PROJECT_ROOT
from tests.conftest import test_settings
from tests.sql import scalar


def test_first_start_migrates_and_seeds_then_leaves_data_alone(sqlite_url):
    settings = test_settings(sqlite_url, demo=True, demo_size="test")
    app = create_app(settings)
    assert app.server.test_client().get("/api/health").status_code == 200
    first = scalar(sqlite_url, "SELECT count(*) || '-' || max(id) FROM complaints")
    assert first.startswith("3000-")
    create_app(settings)  # a restart must not regenerate or duplicate the city
    assert scalar(sqlite_url, "SELECT count(*) || '-' || max(id) FROM complaints") == first
    assert scalar(sqlite_url, "SELECT count(*) FROM regions") == 13 + 104


def test_importing_the_app_module_builds_nothing(tmp_path):
    """gunicorn's app:server is built on first access, so a plain import has no side effects."""
    code = ("import os, app; os.environ['LIVEROOM_DATABASE_URL'] = 'sqlite:///" + str(tmp_path / "x.db") + "'; "
            "assert app._app is None; import pathlib; assert not pathlib.Path('" + str(tmp_path / "x.db") + "').exists()")
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, check=True)


def test_preferences_are_remembered_in_cookies(city_db):
    client = create_app(test_settings(city_db), prepare_database=False).server.test_client()
    response = client.get("/set-language/en", headers={"Referer": "http://localhost/services"})
    assert response.status_code == 302 and response.headers["Location"] == "http://localhost/services"
    assert "liveroom_lang=en" in response.headers["Set-Cookie"]
    response = client.get("/?theme=dark")
    assert "liveroom_theme=dark" in response.headers["Set-Cookie"]
    response = client.get("/set-theme/neon")
    assert "liveroom_theme=light" in response.headers["Set-Cookie"]  # unknown values fall back
