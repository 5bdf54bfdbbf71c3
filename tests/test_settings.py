import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from settings import INSTANCE_DIR, load_settings


def test_defaults_run_out_of_the_box(monkeypatch):
    for name in ("LIVEROOM_DATABASE_URL", "DATABASE_URL", "LIVEROOM_CITY", "LIVEROOM_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{INSTANCE_DIR / 'liveroom.db'}"
    assert settings.city == "kota_tangerang"
    assert settings.language == "id"
    assert settings.cache_type == "SimpleCache"
    assert len(settings.secret_key) >= 32


def test_prefixed_environment_then_overrides(monkeypatch):
    monkeypatch.setenv("LIVEROOM_CITY", "kota_tangerang_selatan")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@db/liveroom")
    monkeypatch.setenv("LIVEROOM_BOUNDARIES_DIR", "/srv/geo")
    settings = load_settings()
    assert settings.city == "kota_tangerang_selatan"
    assert settings.database_url == "postgresql+psycopg://u:p@db/liveroom"
    assert settings.boundaries_dir == Path("/srv/geo")
    assert load_settings(city="kota_tangerang").city == "kota_tangerang"


def test_prefixed_database_url_wins_over_plain(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///plain.db")
    monkeypatch.setenv("LIVEROOM_DATABASE_URL", "sqlite:///prefixed.db")
    assert load_settings().database_url == "sqlite:///prefixed.db"


def test_bad_values_are_refused(monkeypatch):
    monkeypatch.setenv("LIVEROOM_LANGUAGE", "fr")
    with pytest.raises(ValidationError):
        load_settings()


def test_the_secret_key_is_made_once_and_kept(tmp_path):
    from settings import kept_secret_key

    path = tmp_path / "instance" / "secret_key"
    first = kept_secret_key(path)
    assert len(first) == 64 and kept_secret_key(path) == first  # a restart keeps everyone signed in
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only
    (tmp_path / "locked").mkdir(mode=0o500)
    if os.geteuid() != 0:  # root may write anywhere
        assert len(kept_secret_key(tmp_path / "locked" / "sub" / "secret_key")) == 64
