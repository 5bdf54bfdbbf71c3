"""Helpers the tests share (fixtures live in ``conftest.py``): the fixed clock and seed of the
test city, settings for tests, building the test city, and PostgreSQL databases made and
dropped around a test."""
from __future__ import annotations

import os
import socket
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cities import load_profile
from data_sources.db import database, make_engine
from data_sources.demo import SIZES, generate
from data_sources.migrate import upgrade
from settings import PROJECT_ROOT, load_settings

SHARED_GEO = Path(os.environ.get("LIVEROOM_TEST_SHARED_GEO", PROJECT_ROOT.parent / "shared" / "geo"))
FIXED_NOW = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)  # 14.30 WIB, a Monday
TEST_SEED = 7
PG_ADMIN_URL = os.environ.get("LIVEROOM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def test_settings(url: str, **overrides):
    """Settings for tests: no cache, no demo seeding, no simulator, no map tiles from the network."""
    values = dict(database_url=url, cache_type="NullCache", demo=False, simulate=False, map_style="offline",
                  secret_key="test", refresh_interval_seconds=3600, rate_limits=False)
    values.update(overrides)
    return load_settings(**values)


test_settings.__test__ = False  # a helper, not a test


def make_city(url: str, boundaries_dir: Path | None, seed: int = TEST_SEED) -> dict:
    """Migrate ``url`` and generate the test city into it at ``FIXED_NOW``."""
    upgrade(url)
    engine = make_engine(url)
    try:
        return generate(engine, load_profile("kota_tangerang"), size=SIZES["test"], seed=seed, now=FIXED_NOW,
                        boundaries_dir=boundaries_dir)
    finally:
        engine.dispose()


@contextmanager
def fresh_postgres_database(server, template: str | None = None):
    """A new PostgreSQL database on ``server`` (an admin engine), empty or a copy of ``template``;
    dropped on exit."""
    name = f"liveroom_test_{uuid.uuid4().hex[:10]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        database.dispose()
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def execute(url: str, sql: str, **params) -> None:
    """Run one writing statement on ``url`` in its own transaction (tests that change the data under a page)."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


def raise_burst(url: str, now: datetime, count: int = 30, minutes: int = 45) -> dict:
    """A flood burst in Periuk, injected as ``make burst`` does, and the detector's next run at
    ``now`` (as the worker's): returns what the run changed."""
    from data_sources.demo.burst import inject
    from data_sources.rules.burst_watch import BurstWatch

    profile = load_profile("kota_tangerang")
    engine = create_engine(url)
    try:
        inject(engine, profile, "Periuk", "banjir", count, minutes, now=now, seed=2)
        with engine.begin() as conn:
            return BurstWatch(profile).run(conn, now)
    finally:
        engine.dispose()


def number(text_value: str) -> int:
    """A whole number as a page prints it (1.234 or 1,234)."""
    return int(text_value.replace(".", "").replace(",", ""))


TEST_PASSWORD = "test-password-123"


def ensure_user(url: str, role: str = "admin") -> str:
    """An account ``test-<role>`` (password ``TEST_PASSWORD``) in the database at ``url``; its name."""
    from data_sources.users import create_user

    name = f"test-{role}"
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if not conn.execute(text("SELECT 1 FROM users WHERE username = :n"), {"n": name}).first():
                create_user(conn, name, role, TEST_PASSWORD, FIXED_NOW)
    finally:
        engine.dispose()
    return name


def sign_in(client, url: str, role: str = "admin"):
    """Sign a Flask test client in as ``role``; returns the client."""
    answer = client.post("/login", data={"username": ensure_user(url, role), "password": TEST_PASSWORD})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    return client


def _is_all(component_id: str) -> bool:
    return component_id.startswith("{") and '"ALL"' in component_id


def empty_callback_body(dependency: dict) -> dict:
    """What the renderer sends when nothing is on the page yet: every input None, every ALL
    pattern an empty list."""
    def spec(item):
        return [] if _is_all(item["id"]) else {"id": item["id"], "property": item["property"], "value": None}

    outputs = [[] if _is_all(o.rsplit(".", 1)[0]) else dict(zip(("id", "property"), o.rsplit(".", 1)))
               for o in dependency["output"].strip(".").split("...")]
    return {"output": dependency["output"], "outputs": outputs if dependency["output"].startswith("..") else outputs[0],
            "inputs": [spec(i) for i in dependency["inputs"]], "state": [spec(s) for s in dependency.get("state", [])],
            "changedPropIds": [f"{dependency['inputs'][0]['id']}.{dependency['inputs'][0]['property']}"]}


class TcpSwitch:
    """A TCP forwarder to ``target`` that a test can switch off and on: off, nothing listens on
    its port (a database host that is down: connections are refused, open ones are cut)."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        listener, self._listener = self._listener, None
        if listener:
            listener.close()
        with self._lock:
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
                server = socket.create_connection(self.target)
            except OSError:
                return
            with self._lock:
                self._open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.close()
                except OSError:
                    pass
