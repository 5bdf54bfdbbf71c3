"""Active device probe: checks cameras and access points by TCP connect or HTTP(S) status.

``python -m data_sources.ingest.probe`` loads the city's active devices whose ``check_method`` is
``tcp`` (``host``/``port``, e.g. a camera's RTSP port 554) or ``http`` (``check_url``), checks
them all concurrently (asyncio, a per-check timeout and a concurrency limit), and writes one
``DeviceSample`` per device checked (state, latency, a short detail) through
``device_state.record_samples``, which also moves each device's state, ``last_seen_at``
and its timeline by the state rules; and one run on each source whose devices it checked, so
the source's freshness says when they were last checked (the WiFi probe's, the portfolio's
application monitor).

Rules (``ProbeResult.state``):

- TCP: connected -> online, latency = connect time; refused, unreachable, DNS failure ->
  offline; no answer within the timeout -> offline ("timeout after X s").
- HTTP: 2xx/3xx -> online (redirects are not followed); 4xx and 5xx -> degraded (the device
  answers, but the check path is wrong or forbidden, or it answers badly); connection errors
  and timeouts -> offline. Latency is the time to the response headers; the body is not read.
- A check that would be online but took longer than ``slow_ms`` -> degraded ("slow: N ms").

Network errors never raise: they become offline results.
"""
from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import socket
import ssl
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

import httpx
from sqlalchemy import Engine, select

from data_sources import models as m
from data_sources.ingest.batch import finish_run, start_run
from data_sources.rules.device_state import record_samples

log = logging.getLogger(__name__)

PROBE_METHODS = ("tcp", "http")
DEFAULT_SLOW_MS = 1000.0


@dataclass(frozen=True)
class ProbeResult:
    state: str  # online | degraded | offline
    latency_ms: float | None  # set when the device answered, None when it did not
    detail: str

    @property
    def answered(self) -> bool:
        return self.state in ("online", "degraded")


@dataclass(frozen=True)
class ProbeTarget:
    device_id: int
    method: str  # tcp | http
    host: str | None = None
    port: int | None = None
    url: str | None = None
    source_id: int | None = None  # the source the device's samples count for (its freshness)


# --- the pure core ------------------------------------------------------------------------------


def _elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0


def _timeout_detail(timeout: float) -> str:
    return f"timeout after {timeout:g} s"


def _answered(latency_ms: float, detail: str, slow_ms: float | None) -> ProbeResult:
    """An answer that counts as success: online, or degraded when slower than ``slow_ms``."""
    if slow_ms is not None and latency_ms > slow_ms:
        return ProbeResult("degraded", latency_ms, f"slow: {latency_ms:.0f} ms")
    return ProbeResult("online", latency_ms, detail)


def _describe_error(exc: BaseException) -> str:
    """A short, stable description of a connection failure (looks through wrapped causes)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, socket.gaierror):
            return "dns failure"
        if isinstance(current, ConnectionRefusedError):
            return "connection refused"
        if isinstance(current, ConnectionResetError):
            return "connection reset"
        if isinstance(current, ssl.SSLCertVerificationError):
            return "tls error: certificate verify failed"
        if isinstance(current, ssl.SSLError):
            return "tls error"
        if isinstance(current, OSError) and current.errno in (errno.EHOSTUNREACH, errno.EHOSTDOWN):
            return "host unreachable"
        if isinstance(current, OSError) and current.errno == errno.ENETUNREACH:
            return "network unreachable"
        current = current.__cause__ or current.__context__
    text = str(exc).strip() or type(exc).__name__
    return f"connection error: {text}"[:200]


async def probe_tcp(host: str, port: int, timeout: float, *, slow_ms: float | None = DEFAULT_SLOW_MS) -> ProbeResult:
    """Open (and close) a TCP connection to ``host:port``; latency is the connect time."""
    if not host or not port:
        return ProbeResult("offline", None, "no host/port configured")
    started = time.perf_counter()
    try:
        _reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except TimeoutError:
        return ProbeResult("offline", None, _timeout_detail(timeout))
    except (OSError, ValueError) as exc:  # ValueError: a port out of range
        return ProbeResult("offline", None, _describe_error(exc))
    latency = _elapsed_ms(started)
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), timeout)
    except (OSError, TimeoutError):
        pass  # the connect succeeded; how the close went does not matter
    return _answered(latency, f"tcp {port} open", slow_ms)


async def probe_http(url: str, timeout: float, client: httpx.AsyncClient, *,
                     slow_ms: float | None = DEFAULT_SLOW_MS) -> ProbeResult:
    """GET ``url`` without following redirects and without reading the body; the status decides.

    ``timeout`` bounds the whole check (connect, TLS, headers), not each phase.
    """
    if not url:
        return ProbeResult("offline", None, "no check_url configured")

    async def status() -> int:
        async with client.stream("GET", url, timeout=timeout, follow_redirects=False) as response:
            return response.status_code

    started = time.perf_counter()
    try:
        code = await asyncio.wait_for(status(), timeout)
    except (TimeoutError, httpx.TimeoutException):
        return ProbeResult("offline", None, _timeout_detail(timeout))
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        return ProbeResult("offline", None, f"invalid url: {exc}"[:200])
    except httpx.TransportError as exc:
        return ProbeResult("offline", None, _describe_error(exc))
    except (httpx.HTTPError, OSError) as exc:  # anything else on the wire
        return ProbeResult("offline", None, _describe_error(exc))
    latency = _elapsed_ms(started)
    detail = f"HTTP {code}"
    if 200 <= code < 400:
        return _answered(latency, detail, slow_ms)
    return ProbeResult("degraded", latency, detail)  # 4xx: wrong path or forbidden; 5xx: answers badly; 1xx: odd


async def probe_devices(targets: list[ProbeTarget], *, timeout: float, concurrency: int,
                        slow_ms: float | None = DEFAULT_SLOW_MS,
                        verify_tls: bool = True) -> list[tuple[int, ProbeResult]]:
    """Check all ``targets`` concurrently, at most ``concurrency`` at a time.

    Returns ``(device_id, result)`` in the order of ``targets``. A round takes about the
    slowest check (times ``len(targets) / concurrency``), not the sum of all checks.
    """
    if not targets:
        return []
    limit = asyncio.Semaphore(max(1, concurrency))
    limits = httpx.Limits(max_connections=max(1, concurrency), max_keepalive_connections=0)

    async with httpx.AsyncClient(verify=verify_tls, limits=limits, timeout=timeout,
                                 headers={"User-Agent": "liveroom-probe"}) as client:

        async def one(target: ProbeTarget) -> tuple[int, ProbeResult]:
            async with limit:
                try:
                    if target.method == "tcp":
                        result = await probe_tcp(target.host, target.port, timeout, slow_ms=slow_ms)
                    elif target.method == "http":
                        result = await probe_http(target.url, timeout, client, slow_ms=slow_ms)
                    else:
                        result = ProbeResult("offline", None, f"unknown check method {target.method!r}")
                except Exception as exc:  # noqa: BLE001 - one broken check must not sink the round
                    log.exception("probe of device %s failed unexpectedly", target.device_id)
                    result = ProbeResult("offline", None, f"probe error: {type(exc).__name__}")
            return target.device_id, result

        return list(await asyncio.gather(*(one(t) for t in targets)))


# --- database ----------------------------------------------------------------------------------


def load_targets(engine: Engine, city_code: str) -> tuple[list[ProbeTarget], list[int]]:
    """The city's active tcp/http devices as targets, and the ids of those that lack the
    address their method needs (not probed: no evidence either way)."""
    query = (select(m.Device.id, m.Device.check_method, m.Device.host, m.Device.port, m.Device.check_url,
                    m.Device.source_id)
             .where(m.Device.city_code == city_code, m.Device.active.is_(True),
                    m.Device.check_method.in_(PROBE_METHODS))
             .order_by(m.Device.id))
    targets: list[ProbeTarget] = []
    misconfigured: list[int] = []
    with engine.connect() as conn:
        for device_id, method, host, port, url, source_id in conn.execute(query):
            ok = bool(host and port) if method == "tcp" else bool(url)
            if ok:
                targets.append(ProbeTarget(device_id, method, host, port, url, source_id))
            else:
                misconfigured.append(device_id)
    return targets, misconfigured


def run_once(engine: Engine, city_code: str, *, now: datetime | None = None, timeout: float = 3.0,
             concurrency: int = 100, slow_ms: float | None = DEFAULT_SLOW_MS, verify_tls: bool = True) -> dict:
    """One probe round for ``city_code``: load targets, check them, record the samples.

    Writes one sample (at ``now``, UTC) per device checked through
    ``device_state.record_samples``, which moves the device's state and ``last_seen_at``.
    Devices with ``check_method`` tcp/http but no host/port or check_url are skipped (logged).

    Runs its own event loop (``asyncio.run``), so call it from synchronous code only.
    Returns counts: ``online``, ``degraded``, ``offline``, ``skipped``, ``checked``, ``seconds``.
    """
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    targets, misconfigured = load_targets(engine, city_code)
    if misconfigured:
        log.warning("%d device(s) have no address for their check method, skipped: %s",
                    len(misconfigured), misconfigured[:20])
    started = time.perf_counter()
    results = asyncio.run(probe_devices(targets, timeout=timeout, concurrency=concurrency, slow_ms=slow_ms,
                                        verify_tls=verify_tls))
    seconds = time.perf_counter() - started
    with engine.begin() as conn:
        record_samples(conn, [{"device_id": device_id, "at": now, "state": r.state, "latency_ms": r.latency_ms,
                               "detail": r.detail[:300]} for device_id, r in results])
        _record_runs(conn, targets, results, now, started)
    counts = Counter(r.state for _, r in results)
    return {"online": counts["online"], "degraded": counts["degraded"], "offline": counts["offline"],
            "skipped": len(misconfigured), "checked": len(results), "seconds": round(seconds, 3)}


def _record_runs(conn, targets: list[ProbeTarget], results: list[tuple[int, ProbeResult]], now: datetime,
                 started: float) -> None:
    """One run per source whose devices were probed (a device that does not answer is news, not a
    failed run), so the source's freshness says when its devices were last checked."""
    by_source: dict[int, Counter] = {}
    for target, (_, result) in zip(targets, results):
        if target.source_id is not None:
            by_source.setdefault(target.source_id, Counter())[result.state] += 1
    for source_id, states in by_source.items():
        checked = sum(states.values())
        run_id = start_run(conn, source_id, now)
        finish_run(conn, source_id, run_id, now, started, "ok", checked, checked, 0,
                   f"probe: {states['online']} online, {states['degraded']} degraded, {states['offline']} offline")


# --- command line --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    from cities import load_profile
    from data_sources.db import make_engine
    from data_sources.schedule import run_forever
    from settings import load_settings

    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m data_sources.ingest.probe", description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="run one round and exit")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds between rounds")
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds per check")
    parser.add_argument("--concurrency", type=int, default=100, help="checks in flight at once")
    parser.add_argument("--slow-ms", type=float, default=DEFAULT_SLOW_MS,
                        help="a successful check slower than this is degraded")
    parser.add_argument("--no-verify-tls", action="store_true",
                        help="accept self-signed device certificates on https check URLs")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not one INFO line per device checked
    engine = make_engine(settings.database_url)
    city_code = load_profile(settings.city).code
    options = dict(timeout=args.timeout, concurrency=args.concurrency, slow_ms=args.slow_ms,
                   verify_tls=not args.no_verify_tls)

    def round_() -> dict:
        return run_once(engine, city_code, **options)

    if args.once:
        log.info("probe %s", round_())
        return 0
    run_forever([("probe", round_, args.interval)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
