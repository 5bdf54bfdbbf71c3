"""A kiosk page survives the server restarting under it: it keeps rotating, shows no error
overlay or error page, and picks up data changed while the server was away."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import create_engine, text
from selenium.webdriver.support.ui import WebDriverWait

from data_sources.users import create_screen
from settings import PROJECT_ROOT
from tests.browser import save_screenshot, set_viewport
from tests.helpers import FIXED_NOW
from tests.sql import scalar

ERROR_SELECTORS = (".dash-fe-error__title", ".dash-error-card", "._dash-error", ".dash-debug-menu")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppProcess:
    """The app served by its own process (as gunicorn would), so the test can stop and restart it."""

    def __init__(self, url: str, port: int):
        self.port, self.process = port, None
        self.env = os.environ | {"LIVEROOM_DATABASE_URL": url, "LIVEROOM_DEMO": "false", "LIVEROOM_SIMULATE": "false",
                                 "LIVEROOM_CACHE_TYPE": "NullCache", "LIVEROOM_MAP_STYLE": "offline",
                                 "LIVEROOM_REFRESH_INTERVAL_SECONDS": "1", "LIVEROOM_FRESHNESS_CHECK_SECONDS": "1",
                                 "LIVEROOM_PORT": str(port), "LIVEROOM_SECRET_KEY": "test"}

    def start(self) -> None:
        code = "from app import create_app; import settings; s = settings.load_settings(); " \
               "create_app(s).run(host='127.0.0.1', port=s.port, debug=False)"  # the database is ready: no prepare
        self.process = subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("the app did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def served(city_db, tmp_path):
    path = tmp_path / "city.db"
    shutil.copy(city_db.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    app = AppProcess(url, _free_port())
    app.start()
    yield app, url
    if app.process.poll() is None:
        app.stop()


def _open_count(driver) -> str | None:
    return driver.execute_script("const e = document.querySelector('[data-kpi=\"complaints_open\"]'); "
                                 "return e ? e.innerText : null;")


def test_a_kiosk_page_recovers_when_the_server_restarts(dash_br, served):
    app, url = served
    driver = dash_br.driver
    set_viewport(driver, 1920, 1080)
    engine = create_engine(url)
    with engine.begin() as conn:  # the wall screen's device login (its session outlives a restart)
        token = create_screen(conn, "lobby", ("overview", "wifi"), FIXED_NOW)
    engine.dispose()
    kiosk = "/?kiosk=1&rotate=overview,wifi&seconds=4,4"
    driver.get(f"http://127.0.0.1:{app.port}/login/wall?token={token}&next={quote(kiosk)}")
    WebDriverWait(driver, 20).until(lambda d: _open_count(d))
    before = int(_open_count(driver).replace(".", ""))

    app.stop()  # the server goes away: refreshes and a rotation step fail meanwhile
    engine = create_engine(url)
    with engine.begin() as conn:  # data changes while the server is down
        conn.execute(text("UPDATE complaints SET status = 'resolved' WHERE id IN ("
                          "SELECT id FROM complaints WHERE status NOT IN ('resolved', 'rejected') ORDER BY id LIMIT 5)"))
    engine.dispose()
    # the wall keeps rotating in the browser while the server is away (overview -> wifi after 4 s)
    WebDriverWait(driver, 15, poll_frequency=0.2).until(lambda d: d.execute_script("return location.pathname") == "/wifi")
    app.start()

    expected = scalar(url, "SELECT count(*) FROM complaints WHERE status NOT IN ('resolved', 'rejected')")
    assert expected == before - 5
    # the rotation carries on, and the next visit to the overview shows the new number, by itself
    WebDriverWait(driver, 30, poll_frequency=0.5).until(
        lambda d: d.execute_script("return location.pathname") == "/" and _open_count(d) == f"{expected:,}".replace(",", "."))
    assert driver.execute_script("return document.documentElement.classList.contains('kiosk')")
    for selector in ERROR_SELECTORS:
        assert driver.find_elements("css selector", selector) == [], selector
    assert "Error loading" not in driver.find_element("css selector", "body").text
    save_screenshot(driver, "kiosk-after-restart")
