"""GET /api/health."""
from app import create_app
from tests.helpers import test_settings


def test_health_reports_version_database_and_sources(city_db):
    client = create_app(test_settings(city_db)).server.test_client()
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["version"]
    assert body["database"] == {"dialect": "sqlite", "database": "city.db", "host": None, "port": None, "reachable": True}
    by_key = {s["key"]: s for s in body["sources"]}
    assert set(by_key) == {"complaints", "cctv_nvr", "wifi_probe", "app_monitor", "kpi_sheet",
                           "indicator_sheet"}
    assert by_key["complaints"]["last_success_at"].startswith("2026-11-23T07:30:00")
    # the fixture city was generated for a fixed moment in the past: its live feeds are stale now
    assert by_key["complaints"]["stale"] is True and "complaints" in body["stale_sources"]


def test_health_never_shows_credentials_and_answers_503_without_database():
    url = "postgresql+psycopg://liveroom:s3cret-pass@127.0.0.1:1/liveroom"
    client = create_app(test_settings(url)).server.test_client()
    response = client.get("/api/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert body["database"]["reachable"] is False
    assert body["database"]["dialect"] == "postgresql" and body["database"]["database"] == "liveroom"
    assert "s3cret" not in response.get_data(as_text=True)
    assert "liveroom:" not in response.get_data(as_text=True)
