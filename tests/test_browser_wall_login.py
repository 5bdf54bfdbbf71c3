"""A wall screen's device login in headless Chromium: signed in once with its token, the kiosk
keeps running across a night (the app's clock moved 14 hours, far past a person's idle time),
and stops at its next check once an admin revokes the screen: the sign-in notice covers the
last numbers. A person who tries the same is signed out."""
from __future__ import annotations

from datetime import timedelta

from selenium.webdriver.support.ui import WebDriverWait

from data_sources.db import make_engine
from data_sources.users import create_screen, revoke_screen
from tests.browser import save_screenshot, sign_in_browser
from tests.helpers import FIXED_NOW

POLLS_JS = "return Number(document.documentElement.dataset.kioskPolls || 0)"


def _move_clock(dash_duo, hours: float) -> None:
    server = dash_duo.liveroom_app.server
    settings = server.config["LIVEROOM_SETTINGS"]
    server.config["LIVEROOM_SETTINGS"] = settings.model_copy(
        update={"frozen_now": settings.frozen_now + timedelta(hours=hours)})


def test_a_wall_screen_runs_through_the_night_and_stops_when_revoked(live_app, writable_city):
    engine = make_engine(writable_city)
    with engine.begin() as conn:
        token = create_screen(conn, "lobi-balai-kota", ("overview", "complaints"), FIXED_NOW)
    dash_duo = live_app(writable_city, role=None, frozen_now=FIXED_NOW, session_idle_minutes=30,
                        kiosk_watch_seconds=1, refresh_interval_seconds=2, theme="dark")
    driver = dash_duo.driver
    driver.get(f"{dash_duo.server.url}/login/wall?token={token}")
    dash_duo.wait_for_element("html.kiosk", timeout=15)  # sent to its rotation: /?kiosk=1&rotate=overview,complaints
    dash_duo.wait_for_element('[data-kpi="complaints_open"]', timeout=20)
    assert "lobi-balai-kota" in driver.execute_script("return document.querySelector('.app-header').textContent")

    _move_clock(dash_duo, hours=14)  # the night passes; a person would have been signed out long ago
    polls = driver.execute_script(POLLS_JS)
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(POLLS_JS) >= polls + 3)  # still answered
    assert not driver.find_elements("id", "session-ended")
    save_screenshot(driver, "wall-after-the-night-1920x1080")

    with engine.begin() as conn:
        assert revoke_screen(conn, "lobi-balai-kota", FIXED_NOW + timedelta(hours=14))
    engine.dispose()
    notice = WebDriverWait(driver, 20).until(lambda d: d.find_elements("id", "session-ended"))[0]
    link = notice.find_element("tag name", "a").get_attribute("href")
    assert "Sesi berakhir" in notice.text and "/login?next=%2F" in link and "kiosk%3D1" in link  # back to this wall
    save_screenshot(driver, "wall-revoked-1920x1080")
    driver.get(f"{dash_duo.server.url}/login/wall?token={token}")  # the token no longer signs in
    assert "tidak berlaku" in driver.find_element("tag name", "body").text


def test_a_person_idle_past_the_limit_sees_the_sign_in_notice(live_app, writable_city):
    dash_duo = live_app(writable_city, role=None, frozen_now=FIXED_NOW, session_idle_minutes=30,
                        refresh_interval_seconds=2)
    sign_in_browser(dash_duo, dash_duo.server.url, writable_city, "operator")
    dash_duo.driver.get(f"{dash_duo.server.url}/complaints")
    dash_duo.wait_for_element('[data-kpi="complaints_period"]', timeout=20)
    _move_clock(dash_duo, hours=1)
    notice = WebDriverWait(dash_duo.driver, 20).until(lambda d: d.find_elements("id", "session-ended"))[0]
    assert "Masuk kembali" in notice.text
    save_screenshot(dash_duo.driver, "session-ended-1920x1080")
