"""The device probe against real sockets on 127.0.0.1: a listening TCP port, a refused port,
a port whose accept queue is full (connects hang), and a small threaded HTTP server."""
from __future__ import annotations

import asyncio
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from sqlalchemy import select, update

from data_sources import models as m
from data_sources.db import make_engine
from data_sources.migrate import upgrade
from data_sources.ingest.probe import ProbeResult, ProbeTarget, load_targets, probe_devices, probe_http, probe_tcp, run_once
from tests.helpers import FIXED_NOW, make_city

TIMEOUT = 0.3
HANG_SECONDS = 1.5  # how long /slow keeps a request waiting: well over TIMEOUT
CITY = "36.71"


# --- servers ------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(HANG_SECONDS)
        elif path == "/delay":
            time.sleep(0.15)
        code = {"/ok": 200, "/delay": 200, "/slow": 200, "/moved": 301, "/missing": 404, "/broken": 503}.get(path, 404)
        try:
            self.send_response(code)
            if code == 301:
                self.send_header("Location", "/ok")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        except OSError:
            pass  # the probe gave up and closed the connection

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        pass


@pytest.fixture(scope="module")
def http_base():
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def open_port():
    """A port that accepts connections (the kernel completes the handshake; nobody reads)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def refused_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture
def hanging_port():
    """A listening port whose accept queue is full, so a further connect gets no answer
    (Linux drops the SYN). Skipped where the platform answers instead."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            sock = socket.socket()
            sock.settimeout(0.1)
            fillers.append(sock)
            try:
                sock.connect(("127.0.0.1", port))
            except TimeoutError:
                break
        else:
            pytest.skip("could not fill the accept queue on this platform")
        yield port
    finally:
        for sock in fillers:
            sock.close()
        server.close()


def run(coro):
    return asyncio.run(coro)


async def _http(url, timeout=TIMEOUT, slow_ms=1000.0):
    async with httpx.AsyncClient() as client:
        return await probe_http(url, timeout, client, slow_ms=slow_ms)


def assert_answered(result: ProbeResult):
    assert isinstance(result.latency_ms, float) and result.latency_ms > 0


def assert_failed(result: ProbeResult):
    assert result.state == "offline" and result.latency_ms is None


# --- TCP -----------------------------------------------------------------------------------------


def test_tcp_open_port_is_online(open_port):
    result = run(probe_tcp("127.0.0.1", open_port, TIMEOUT))
    assert result.state == "online"
    assert result.detail == f"tcp {open_port} open"
    assert_answered(result)
    assert result.latency_ms < TIMEOUT * 1000


def test_tcp_refused_port_is_offline(refused_port):
    result = run(probe_tcp("127.0.0.1", refused_port, TIMEOUT))
    assert_failed(result)
    assert result.detail == "connection refused"


def test_tcp_no_answer_times_out(hanging_port):
    started = time.perf_counter()
    result = run(probe_tcp("127.0.0.1", hanging_port, TIMEOUT))
    elapsed = time.perf_counter() - started
    assert_failed(result)
    assert result.detail == "timeout after 0.3 s"
    assert TIMEOUT * 0.9 <= elapsed < TIMEOUT * 3


def test_tcp_dns_failure_is_offline():
    result = run(probe_tcp("no-such-host.invalid", 554, TIMEOUT))
    assert_failed(result)
    assert result.detail in ("dns failure", "timeout after 0.3 s")  # a slow resolver may not answer in time


def test_tcp_missing_address_is_offline_not_localhost():
    result = run(probe_tcp(None, 554, TIMEOUT))
    assert_failed(result)
    assert result.detail == "no host/port configured"


def test_tcp_slow_connect_is_degraded(open_port):
    result = run(probe_tcp("127.0.0.1", open_port, TIMEOUT, slow_ms=0))
    assert result.state == "degraded"
    assert_answered(result)
    assert result.detail == f"slow: {result.latency_ms:.0f} ms"


# --- HTTP ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, state, detail", [
    ("/ok", "online", "HTTP 200"),
    ("/moved", "online", "HTTP 301"),
    ("/missing", "degraded", "HTTP 404"),
    ("/broken", "degraded", "HTTP 503"),
])
def test_http_status_decides_state(http_base, path, state, detail):
    result = run(_http(http_base + path))
    assert (result.state, result.detail) == (state, detail)
    assert_answered(result)


def test_http_no_response_times_out(http_base):
    started = time.perf_counter()
    result = run(_http(http_base + "/slow"))
    elapsed = time.perf_counter() - started
    assert_failed(result)
    assert result.detail == "timeout after 0.3 s"
    assert elapsed < TIMEOUT * 3


def test_http_slow_success_is_degraded(http_base):
    result = run(_http(http_base + "/delay", timeout=1.0, slow_ms=50))
    assert result.state == "degraded"
    assert_answered(result)
    assert result.latency_ms >= 100
    assert result.detail == f"slow: {result.latency_ms:.0f} ms"


def test_http_refused_and_bad_urls_are_offline(refused_port):
    result = run(_http(f"http://127.0.0.1:{refused_port}/"))
    assert_failed(result)
    assert result.detail == "connection refused"
    result = run(_http("ftp://127.0.0.1/x"))
    assert_failed(result)
    assert result.detail.startswith("invalid url")
    result = run(_http("http://no-such-host.invalid/"))
    assert_failed(result)
    assert result.detail in ("dns failure", "timeout after 0.3 s")


# --- many at once ----------------------------------------------------------------------------------


def test_probe_devices_mixed_round(http_base, open_port, refused_port):
    targets = [ProbeTarget(1, "tcp", "127.0.0.1", open_port), ProbeTarget(2, "tcp", "127.0.0.1", refused_port),
               ProbeTarget(3, "http", url=http_base + "/ok"), ProbeTarget(4, "http", url=http_base + "/missing"),
               ProbeTarget(5, "http", url=http_base + "/slow"), ProbeTarget(6, "snmp", "127.0.0.1", 161)]
    results = run(probe_devices(targets, timeout=TIMEOUT, concurrency=10))
    assert [device_id for device_id, _ in results] == [1, 2, 3, 4, 5, 6]
    assert [r.state for _, r in results] == ["online", "offline", "online", "degraded", "offline", "offline"]
    assert results[5][1].detail == "unknown check method 'snmp'"
    assert run(probe_devices([], timeout=TIMEOUT, concurrency=10)) == []


def test_slow_checks_run_concurrently(http_base):
    targets = [ProbeTarget(i, "http", url=f"{http_base}/slow?n={i}") for i in range(10)]
    started = time.perf_counter()
    results = run(probe_devices(targets, timeout=TIMEOUT, concurrency=100))
    elapsed = time.perf_counter() - started
    assert all(r.detail == "timeout after 0.3 s" for _, r in results)
    assert elapsed < 2.5 * TIMEOUT  # one timeout, not ten


def test_concurrency_limit_is_respected(http_base):
    targets = [ProbeTarget(i, "http", url=f"{http_base}/slow?n={i}") for i in range(4)]
    started = time.perf_counter()
    run(probe_devices(targets, timeout=TIMEOUT, concurrency=2))
    elapsed = time.perf_counter() - started
    assert elapsed >= 2 * TIMEOUT * 0.9  # two waves of two
    assert elapsed < 4 * TIMEOUT


# --- run_once on a database --------------------------------------------------------------------------


def test_run_once_records_samples_states_and_last_seen(sqlite_url, http_base, open_port, refused_port):
    make_city(sqlite_url, None)
    engine = make_engine(sqlite_url)
    try:
        with engine.begin() as conn:
            ids = conn.execute(select(m.Device.id).where(m.Device.city_code == CITY).order_by(m.Device.id)
                               .limit(8)).scalars().all()
            before = dict(conn.execute(select(m.Device.id, m.Device.state)).all())
            last_seen_before = dict(conn.execute(select(m.Device.id, m.Device.last_seen_at)).all())
            conn.execute(update(m.Device).values(check_method="push"))
            setups = [
                dict(check_method="tcp", host="127.0.0.1", port=open_port),
                dict(check_method="tcp", host="127.0.0.1", port=refused_port),
                dict(check_method="http", check_url=http_base + "/ok"),
                dict(check_method="http", check_url=http_base + "/broken"),
                dict(check_method="http", check_url=http_base + "/slow"),
                dict(check_method="tcp", host=None, port=None),  # misconfigured: skipped
                dict(check_method="tcp", host="127.0.0.1", port=open_port, active=False),  # inactive
                dict(check_method="http", check_url=http_base + "/ok", city_code="36.74"),  # another city
            ]
            for device_id, values in zip(ids, setups):
                conn.execute(update(m.Device).where(m.Device.id == device_id).values(**values))
            samples_before = conn.execute(select(m.DeviceSample.id)).all()

        targets, skipped = load_targets(engine, CITY)
        assert [t.device_id for t in targets] == ids[:5]
        assert skipped == [ids[5]]

        now = FIXED_NOW + timedelta(minutes=5)
        counts = run_once(engine, CITY, now=now, timeout=TIMEOUT, concurrency=10)
        assert {k: counts[k] for k in ("online", "degraded", "offline", "skipped", "checked")} == \
            {"online": 2, "degraded": 1, "offline": 2, "skipped": 1, "checked": 5}
        assert counts["seconds"] < 2.5 * TIMEOUT

        with engine.connect() as conn:
            samples = conn.execute(select(m.DeviceSample.device_id, m.DeviceSample.at, m.DeviceSample.state,
                                          m.DeviceSample.latency_ms, m.DeviceSample.detail)
                                   .where(m.DeviceSample.at == now).order_by(m.DeviceSample.device_id)).all()
            total = len(conn.execute(select(m.DeviceSample.id)).all())
            devices = {row.id: row for row in conn.execute(select(m.Device.id, m.Device.state,
                                                                  m.Device.last_seen_at))}
        assert total == len(samples_before) + 5
        assert [s.device_id for s in samples] == ids[:5]
        assert all(s.at == now for s in samples)
        by_id = {s.device_id: s for s in samples}
        assert (by_id[ids[0]].state, by_id[ids[0]].detail) == ("online", f"tcp {open_port} open")
        assert (by_id[ids[1]].state, by_id[ids[1]].detail) == ("offline", "connection refused")
        assert (by_id[ids[2]].state, by_id[ids[2]].detail) == ("online", "HTTP 200")
        assert (by_id[ids[3]].state, by_id[ids[3]].detail) == ("degraded", "HTTP 503")
        assert (by_id[ids[4]].state, by_id[ids[4]].detail) == ("offline", "timeout after 0.3 s")
        for device_id in (ids[0], ids[2], ids[3]):
            assert by_id[device_id].latency_ms > 0
            assert devices[device_id].last_seen_at == now
        for device_id in (ids[1], ids[4]):
            assert by_id[device_id].latency_ms is None
        for device_id in ids[1:2] + ids[4:]:
            assert devices[device_id].last_seen_at == last_seen_before[device_id]
        # each probed device now has the state of its sample; the others are as they were
        assert {i: d.state for i, d in devices.items() if i not in ids[:5]} == \
            {i: s for i, s in before.items() if i not in ids[:5]}
        assert [devices[i].state for i in ids[:5]] == ["online", "offline", "online", "degraded", "offline"]
    finally:
        engine.dispose()


def test_run_once_with_nothing_to_probe(sqlite_url):
    upgrade(sqlite_url)  # an empty, migrated database
    engine = make_engine(sqlite_url)
    try:
        counts = run_once(engine, CITY, now=datetime(2026, 11, 23, 8, tzinfo=timezone.utc), timeout=TIMEOUT)
        assert counts["checked"] == 0 and counts["online"] == counts["offline"] == counts["degraded"] == 0
    finally:
        engine.dispose()
