"""A database that is not there: at start (the server still starts, /api/health answers 503,
the database is prepared once it answers) and while people are watching (each tile says so,
and the data comes back by itself). The database is reached through a ``TcpSwitch``, so a
test can take it away and bring it back."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time

import pytest
import requests
from selenium.webdriver.common.by import By
from sqlalchemy.engine import make_url

from data_sources.prepare import DatabaseUnreachable, prepare_when_reachable
from settings import PROJECT_ROOT
from tests.browser import kpi, save_screenshot, text_of, wait
from tests.helpers import FIXED_NOW, TcpSwitch, fresh_postgres_database, test_settings

AWAY_ID = "Basis data tidak dapat dihubungi"


@pytest.fixture
def switched_city(postgres_server, city_template_pg):
    """A copy of the test city on PostgreSQL, reached through a switch that starts off."""
    template = make_url(city_template_pg).database
    with fresh_postgres_database(postgres_server, template=template) as url:
        switch = TcpSwitch(make_url(url).port or 5432)
        try:
            yield switch, make_url(url).set(port=switch.port).render_as_string(hide_password=False)
        finally:
            switch.down()


def test_preparing_waits_for_the_database_with_a_bounded_back_off(switched_city):
    _, url = switched_city
    waits = []
    with pytest.raises(DatabaseUnreachable) as raised:
        prepare_when_reachable(test_settings(url), attempts=8, sleep=waits.append)
    assert waits == [1, 2, 4, 8, 16, 30, 30]  # doubling, never more than 30 s apart
    assert "did not answer after 8 attempts" in str(raised.value) and "Traceback" not in str(raised.value)


def _get(url: str, **kwargs):
    try:
        return requests.get(url, timeout=5, **kwargs)
    except requests.ConnectionError:
        return None


def test_the_server_starts_without_its_database_and_prepares_it_when_it_answers(switched_city, shared_geo):
    switch, url = switched_city
    with __import__("socket").socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {"LIVEROOM_DATABASE_URL": url, "LIVEROOM_PORT": str(port), "LIVEROOM_DEMO": "false",
                        "LIVEROOM_SIMULATE": "false", "LIVEROOM_BOUNDARIES_DIR": str(shared_geo),
                        "LIVEROOM_SECRET_KEY": "test", "LIVEROOM_MAP_STYLE": "offline", "LIVEROOM_CACHE_TYPE": "NullCache",
                        "LIVEROOM_FROZEN_NOW": FIXED_NOW.isoformat()}
    server = subprocess.Popen([sys.executable, "app.py"], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(server.stdout.readline, "")), daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while (health := _get(f"{base}/api/health")) is None and time.monotonic() < deadline:
            time.sleep(0.3)
        assert health is not None, "the server did not start without its database"
        assert health.status_code == 503
        body = health.json()
        assert body["database"]["reachable"] is False and body["status"] == "error"
        assert "password" not in health.text.lower() and "Traceback" not in health.text
        form = _get(f"{base}/login")
        assert form.status_code == 200 and 'name="username"' in form.text
        refused = requests.post(f"{base}/login", data={"username": "admin", "password": "x"}, timeout=5)
        assert refused.status_code == 503 and AWAY_ID in refused.text and "Traceback" not in refused.text

        switch.up()  # the database answers: the server prepares it (and makes the first admin) by itself
        deadline = time.monotonic() + 90
        while not (password := re.search(r"password is shown only now:\n(\S+)\n", "".join(lines))):
            assert time.monotonic() < deadline and server.poll() is None, "".join(lines)[-2000:]
            time.sleep(0.3)
        health = _get(f"{base}/api/health")
        assert health.status_code == 200 and health.json()["database"]["reachable"] is True
        browser = requests.Session()
        signed_in = browser.post(f"{base}/login", data={"username": "admin", "password": password.group(1)}, timeout=5)
        assert signed_in.status_code == 200 and signed_in.url == f"{base}/"
        summary = browser.get(f"{base}/api/complaints/summary", timeout=10)
        assert summary.status_code == 200 and summary.json()["data"]["received"] > 0
    finally:
        server.terminate()
        server.wait(timeout=20)
    output = "".join(lines)
    assert "cannot be reached" in output and "Traceback" not in output, output[-2000:]


def test_a_page_says_the_database_is_away_and_shows_the_data_again_when_it_is_back(live_app, switched_city):
    switch, url = switched_city
    switch.up()
    dash_duo = live_app(url, frozen_now=FIXED_NOW, refresh_interval_seconds=2, freshness_check_seconds=2)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/complaints")
    wait(dash_duo).until(lambda _: dash_duo.find_elements("[data-kpi='complaints_period']"))
    received = kpi(dash_duo, "complaints_period")
    assert re.fullmatch(r"[\d.,]+", received), received

    switch.down()  # the database goes away under a signed-in page
    wait(dash_duo, 30).until(lambda _: AWAY_ID in text_of(dash_duo.driver, "#complaints-tiles"))
    assert requests.get(f"{dash_duo.server_url}/api/health", timeout=5).status_code == 503
    wait(dash_duo, 30).until(lambda _: AWAY_ID in text_of(dash_duo.driver, ".freshness-strip"))  # not "all current"
    save_screenshot(dash_duo.driver, "database_away_complaints")
    assert not dash_duo.driver.find_elements(By.ID, "session-ended")  # still signed in: only the data is away

    switch.up()  # it comes back: the page recovers without a reload
    wait(dash_duo, 30).until(lambda _: dash_duo.find_elements("[data-kpi='complaints_period']")
                             and AWAY_ID not in text_of(dash_duo.driver, "#complaints-tiles"))
    assert kpi(dash_duo, "complaints_period") == received
    assert requests.get(f"{dash_duo.server_url}/api/health", timeout=5).status_code == 200
