"""Load test: how many wall screens (and briefing users) one gunicorn server holds.

    .venv/bin/python -m benchmarks.load_test --scale small --database postgresql
    .venv/bin/python -m benchmarks.load_test --scale city --database postgresql --max-screens 200 --workers 2

It serves the app under gunicorn as the Procfile does (``--preload``, ``--threads 4``, ``--timeout
120``, gunicorn.conf.py from the project root; PostgreSQL, the Redis cache, no simulator) on a
free port of 127.0.0.1, against ``liveroom_bench_<scale>`` as the benchmark harness prepares it
(``benchmarks.scales``: generated once at a fixed clock and reused; without the harness, made
here with ``data_sources.demo`` when it does not exist). The app's clock is frozen at the clock
the data was generated at, so every run sees the same city (nothing changes under the screens:
a map refresh is the patch of a city at rest). Deviations from a bare Procfile: ``proxy_hops=1``
with one X-Forwarded-For address per simulated browser (as behind a proxy: the sign-in limits
stay on and count each browser's own address), the overview's refresh interval set to
``--interval``, the cache in Redis database 5 (``--redis-url``) and no gunicorn control socket.

Each wall screen signs in once with its own device token (``/login/wall``), loads the kiosk
page as the browser does (page, ``/_dash-layout``, ``/_dash-dependencies``, the pages router,
the shell's and the overview's first callbacks, the map built whole) and then polls as the
kiosk does: the overview's six callbacks every ``--interval`` seconds (the map with its
``overview-map-state``/``overview-map-sent`` stores kept from the previous answer, so the server
answers with a patch against what this screen holds), the red-flag watch every
``kiosk_watch_seconds`` and the freshness strip every ``freshness_check_seconds``. One briefing
user per ``--briefing-per`` screens signs in as a person, opens /briefing and switches its period
(7 / 30 days) every ``--interval`` seconds: the period callback, then the sections and charts.
Static files (cached by the browser) are not requested.

The screens ramp in steps (10, 25, 50, 100, ...); new screens start over one interval with
evenly spread phases, then the step is measured for ``--duration-per-step`` seconds. The ramp
stops once a step's 95th percentile passes ``--limit-ms`` or a request fails, at
``--max-screens``, or when ``--max-minutes`` would be passed. Prints a Markdown table and
appends one record to ``benchmarks/out/load-<scale>-<database>.json``.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
SCALES = {"small": (10_000, 200, 200), "city": (200_000, 1_000, 1_000), "metropolis": (1_000_000, 10_000, 10_000)}
DATA_NOW = "2026-11-23T07:30:00+00:00"  # the now of a city this module generates (the tests' FIXED_NOW)
STEPS = (10, 25, 50, 100, 150, 200, 300, 400, 500, 600, 800, 1000)
KIOSK_SEARCH = "?kiosk=1&rotate=overview"
PERIODS = ("30d", "7d")  # what a briefing user switches between
PREFIX = "loadtest-"  # the screens and accounts this test makes (and removes at its next run)


# --- figures (pure) ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) by linear interpolation between ranks; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def phase(index: int) -> float:
    """Where in the interval (0-1) the ``index``-th browser polls: the van der Corput sequence, so
    any first n browsers are spread evenly over the interval."""
    result, denominator, n = 0.0, 1.0, index + 1
    while n:
        denominator *= 2
        n, digit = divmod(n, 2)
        result += digit / denominator
    return result


@dataclass
class Sample:
    started: float  # monotonic seconds
    kind: str
    ms: float
    size: int
    error: str | None = None
    first_load: bool = False


def summarize(samples: list[Sample], seconds: float) -> dict:
    """Requests, rate, latency percentiles, errors and the slowest kinds of request in a window."""
    ms = [s.ms for s in samples]
    kinds: dict[str, list[Sample]] = {}
    for s in samples:
        kinds.setdefault(s.kind, []).append(s)
    by_kind = {k: {"n": len(v), "p50_ms": _round(percentile([s.ms for s in v], 50)),
                   "p95_ms": _round(percentile([s.ms for s in v], 95)),
                   "kb": round(sum(s.size for s in v) / len(v) / 1024, 1)} for k, v in sorted(kinds.items())}
    errors = [s for s in samples if s.error]
    return {"requests": len(samples), "rps": round(len(samples) / seconds, 2) if seconds > 0 else None,
            "p50_ms": _round(percentile(ms, 50)), "p95_ms": _round(percentile(ms, 95)),
            "p99_ms": _round(percentile(ms, 99)), "max_ms": _round(max(ms) if ms else None),
            "errors": len(errors), "error_examples": sorted({f"{s.kind}: {s.error}" for s in errors})[:5],
            "by_request": by_kind}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def holds(step: dict, limit_ms: float) -> bool:
    """A step holds when it answered requests, none failed and its p95 stayed under the limit."""
    return bool(step.get("requests")) and step.get("errors", 1) == 0 and (step.get("p95_ms") or math.inf) < limit_ms


def screens_held(steps: list[dict], limit_ms: float) -> int:
    """The largest number of screens of a step that held; 0 when none did."""
    return max((s["screens"] for s in steps if holds(s, limit_ms)), default=0)


def record(steps: list[dict], limit_ms: float, **run) -> dict:
    """One run's record for ``load-<scale>-<database>.json``: the figures at the held step (at the
    first step when none held) and every step."""
    held = screens_held(steps, limit_ms)
    at = next((s for s in steps if s["screens"] == held and holds(s, limit_ms)), steps[0] if steps else {})
    failing = next((s["screens"] for s in steps if not holds(s, limit_ms)), None)
    return run | {
        "screens_held": held, "p95_ms": at.get("p95_ms"), "errors": at.get("errors"),
        "rps": at.get("rps"), "p50_ms": at.get("p50_ms"), "p99_ms": at.get("p99_ms"),
        "cpu_percent": at.get("server_cpu_percent"), "rss_mb": at.get("server_rss_mb"),
        "machine_cpu_percent": at.get("machine_cpu_percent"), "load_average": at.get("load_average"),
        "errors_total": sum(s.get("errors", 0) for s in steps), "first_failing_step": failing,
        "limit_ms": limit_ms, "steps": steps,
    }


def table(steps: list[dict], limit_ms: float) -> str:
    """The steps as a Markdown table."""
    lines = ["| screens | briefing users | requests | req/s | p50 ms | p95 ms | p99 ms | errors | server CPU % "
             "| server RSS MB | machine CPU % | load avg | slowest request (p95 ms) | held |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for s in steps:
        slowest = max(s["by_request"].items(), key=lambda kv: kv[1]["p95_ms"] or 0, default=(None, None))
        slow = f"`{slowest[0]}` {slowest[1]['p95_ms']:,.0f}" if slowest[0] else ""
        lines.append(f"| {s['screens']} | {s['briefing_users']} | {s['requests']:,} | {s['rps']:.1f} | "
                     f"{s['p50_ms'] or 0:,.0f} | {s['p95_ms'] or 0:,.0f} | {s['p99_ms'] or 0:,.0f} | {s['errors']} | "
                     f"{s['server_cpu_percent']:.0f} | {s['server_rss_mb']:,.0f} | {s['machine_cpu_percent']:.0f} | "
                     f"{s['load_average']:.2f} | {slow} | {'yes' if holds(s, limit_ms) else 'no'} |")
    return "\n".join(lines)


# --- the database --------------------------------------------------------------------------------


def database_url(scale: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/liveroom_bench_{scale}"


def ensure_database(scale: str) -> tuple[str, datetime | None]:
    """``liveroom_bench_<scale>`` and the clock its data was generated at: prepared by the benchmark
    harness (``benchmarks.scales``: generated once, marked, reused) when it is there, else generated
    here with the demo when it does not exist."""
    try:
        from benchmarks import scales
    except ImportError:
        scales = None
    if scales is not None and hasattr(scales, "prepare"):
        facts = scales.prepare(scale, "postgresql")
        return scales.database_url(scale, "postgresql"), datetime.fromisoformat(facts["now"])
    import psycopg

    url = database_url(scale)
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (f"liveroom_bench_{scale}",)).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE liveroom_bench_{scale}")
    if not exists:
        complaints, cameras, access_points = SCALES[scale]
        print(f"generating liveroom_bench_{scale} ...", flush=True)
        subprocess.run([sys.executable, "-m", "data_sources.demo", "--complaints", str(complaints), "--cameras",
                        str(cameras), "--access-points", str(access_points), "--now", DATA_NOW,
                        "--database-url", url], cwd=ROOT, check=True)
    return url, None


def city_facts(url: str, now: datetime | None) -> dict:
    """The data's now (as generated; else its newest complaint) and its size."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            newest, complaints = conn.execute(text("SELECT max(received_at), count(*) FROM complaints")).one()
            devices = conn.execute(text("SELECT count(*) FROM devices")).scalar_one()
    finally:
        engine.dispose()
    now = now or (newest if newest.tzinfo else newest.replace(tzinfo=timezone.utc))
    return {"now": now, "complaints": complaints, "devices": devices}


def database_stamp(url: str) -> int | None:
    """The database's object id: it changes when someone drops and recreates it (the shared harness
    regenerates a scale whose schema moved on), which signs every simulated browser out."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    engine = create_engine(make_url(url).set(database="postgres"))
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT oid FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
    finally:
        engine.dispose()


def make_accounts(url: str, screens: int, people: int, now: datetime) -> tuple[list[str], list[tuple[str, str]]]:
    """Wall screens' tokens and briefing users' (name, password), made afresh (old ones removed)."""
    from sqlalchemy import create_engine, text

    from data_sources.users import create_screen, create_user, new_password

    engine = create_engine(url)
    tokens, accounts = [], []
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM wall_screens WHERE name LIKE :p"), {"p": PREFIX + "%"})
            conn.execute(text("DELETE FROM users WHERE username LIKE :p"), {"p": PREFIX + "%"})
            for i in range(screens):
                tokens.append(create_screen(conn, f"{PREFIX}wall-{i:04d}", ("overview",), now))
            for i in range(people):
                name, password = f"{PREFIX}user-{i:03d}", new_password()
                create_user(conn, name, "leadership", password, now)
                accounts.append((name, password))
    finally:
        engine.dispose()
    return tokens, accounts


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(url: str, now: datetime, interval: int, redis_url: str) -> dict:
    """The production settings (Procfile, settings.py) for this run."""
    return os.environ | {
        "LIVEROOM_DATABASE_URL": url, "LIVEROOM_CACHE_TYPE": "RedisCache", "LIVEROOM_CACHE_REDIS_URL": redis_url,
        "LIVEROOM_SIMULATE": "false", "LIVEROOM_DEMO": "false", "LIVEROOM_FROZEN_NOW": now.isoformat(),
        "LIVEROOM_SECRET_KEY": secrets.token_hex(32), "LIVEROOM_PROXY_HOPS": "1",
        "LIVEROOM_REFRESH_INTERVAL_SECONDS": str(interval)}


@contextmanager
def gunicorn(env: dict, port: int, workers: int, threads: int, log: Path):
    """gunicorn as the Procfile starts it, on 127.0.0.1:``port``; stopped (TERM, then KILL) on the way out."""
    import httpx

    command = [str(Path(sys.executable).with_name("gunicorn")), "app:server", "--preload", "--bind",
               f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads), "--timeout", "120",
               "--no-control-socket"]  # its default path is one per user: another gunicorn on this machine keeps it
    with open(log, "w") as errors:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=errors, stderr=errors, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start (exit {process.returncode}); see {log}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer /api/health within 120 s; see {log}")
            time.sleep(0.5)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class Meter:
    """CPU time and memory of a process and its children (psutil when present, else /proc)."""

    def __init__(self, pid: int):
        self.pid = pid
        self.ticks = os.sysconf("SC_CLK_TCK")

    def _pids(self) -> list[int]:
        children = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                    children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
                except (OSError, IndexError, ValueError):
                    continue
        found, queue = [], [self.pid]
        while queue:
            pid = queue.pop()
            found.append(pid)
            queue += children.get(pid, [])
        return found

    def cpu_seconds(self) -> dict[int, float]:
        """Per process: user + system CPU seconds so far."""
        result = {}
        for pid in self._pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                result[pid] = (int(fields[11]) + int(fields[12])) / self.ticks
            except (OSError, IndexError, ValueError):
                continue
        return result

    def memory_mb(self) -> tuple[float, float | None]:
        """Summed RSS and, where the kernel gives it, summed PSS (shared pages counted once)."""
        rss, pss = 0.0, 0.0
        for pid in self._pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1]) / 1024
                rollup = Path(f"/proc/{pid}/smaps_rollup")
                for line in rollup.read_text().splitlines():
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) / 1024
            except (OSError, ValueError):
                pss = math.nan
        return round(rss, 1), None if math.isnan(pss) else round(pss, 1)


def cpu_percent(before: dict[int, float], after: dict[int, float], seconds: float) -> float:
    """CPU % of a process tree over ``seconds`` (100 = one core busy)."""
    used = sum(after[pid] - before.get(pid, 0.0) for pid in after)
    return round(100 * used / seconds, 1) if seconds > 0 else 0.0


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# --- the browsers --------------------------------------------------------------------------------


def _spec_id(spec_id: str):
    return json.loads(spec_id) if spec_id.startswith("{") else spec_id


def concrete(spec_id: str, index=None, indexes=()):
    """A dependency's id as the browser sends it: a pattern's MATCH filled with ``index``; ALL as
    one id per ``indexes`` (a list)."""
    found = _spec_id(spec_id)
    if not isinstance(found, dict):
        return found
    if any(v == ["ALL"] for v in found.values()):
        return [{k: (i if v == ["ALL"] else v) for k, v in found.items()} for i in indexes]
    return {k: (index if v == ["MATCH"] else v) for k, v in found.items()}


def body(dependency: dict, values: dict, *, index=None, indexes=(), changed: bool = True) -> dict:
    """The ``/_dash-update-component`` body for ``dependency``, with inputs' and states' values from
    ``values`` (keyed ``"<id>.<property>"``; pattern ids by their type)."""
    def item(spec_id: str, prop: str, value_of: bool):
        made = concrete(spec_id, index, indexes)
        if isinstance(made, list):
            return [{"id": m, "property": prop} | ({"value": None} if value_of else {}) for m in made]
        key = f"{made['type'] if isinstance(made, dict) else made}.{prop}"
        value = made if prop == "id" else values.get(key)
        return {"id": made, "property": prop} | ({"value": value} if value_of else {})

    outputs = dependency["output"]
    parts = outputs.strip(".").split("...") if outputs.startswith("..") else [outputs]
    output_list = [item(*p.split("@")[0].rsplit(".", 1), value_of=False) for p in parts]
    inputs = [item(s["id"], s["property"], True) for s in dependency["inputs"]]
    state = [item(s["id"], s["property"], True) for s in dependency.get("state", [])]
    first = inputs[0] if inputs and isinstance(inputs[0], dict) else None
    changed_ids = [f"{first['id']}.{first['property']}"] if changed and first and isinstance(first["id"], str) else []
    return {"output": outputs, "outputs": output_list if outputs.startswith("..") else output_list[0],
            "inputs": inputs, "state": state, "changedPropIds": changed_ids}


def name(dependency: dict) -> str:
    return dependency["output"].strip(".").split("...")[0].split("@")[0]


def find_props(tree, component_id: str) -> dict | None:
    """The props of the component ``component_id`` in a Dash layout (JSON)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and props.get("id") == component_id:
                return props
            stack += list(node.values())
        elif isinstance(node, list):
            stack += node
    return None


@dataclass
class Shared:
    """What every browser of a run shares: the server, the callbacks, the clock and the samples."""

    base: str
    dependencies: dict[str, dict]
    interval: float
    watch: float
    strip: float
    started: float
    samples: list[Sample] = field(default_factory=list)
    kept: set[str] = field(default_factory=set)  # what a browser keeps of an answer (``sent_back``)

    def output(self, first: str) -> str:
        """The callback whose first output is ``first`` (e.g. ``overview-map.figure``)."""
        return next(o for o, d in self.dependencies.items() if name(d) == first)

    def fed_by(self, component: str, prop: str) -> list[str]:
        """The callbacks that ``component.prop`` triggers, by their first output."""
        return [name(d) for d in self.dependencies.values()
                if any(i["id"] == component and i["property"] == prop for i in d["inputs"])]

    def sent_back(self) -> set[str]:
        """Every ``id.prop`` a callback reads (as input or state): what a browser must keep."""
        return {f"{i['id']}.{i['property']}" for d in self.dependencies.values()
                for i in d["inputs"] + d.get("state", [])}


class Browser:
    """One browser: its own connections, cookies and address, and the values its page holds."""

    def __init__(self, shared: Shared, number: int):
        import httpx

        self.shared, self.values = shared, {}
        address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256 + 1}"
        # six connections, as a browser has per host; none kept idle past gunicorn's keep-alive (2 s): a
        # browser retries a request its idle connection lost to the server's close, httpx reports it
        self.client = httpx.AsyncClient(base_url=shared.base, timeout=60, headers={"X-Forwarded-For": address},
                                        limits=httpx.Limits(max_connections=6, keepalive_expiry=1.0))
        self.first_load = True

    async def request(self, kind: str, method: str, path: str, **kwargs):
        started = time.monotonic()
        error, response, size = None, None, 0
        try:
            response = await self.client.request(method, path, **kwargs)
            size = len(response.content)
            if response.status_code not in (200, 204, 302):
                error = f"HTTP {response.status_code} {response.text[:120]!r}"
        except Exception as exc:  # a refused or timed-out request is an error of the step, not of the test
            error = type(exc).__name__
        self.shared.samples.append(Sample(started, kind, (time.monotonic() - started) * 1000, size, error,
                                          self.first_load))
        return None if error else response

    async def call(self, first: str, **kwargs) -> dict | None:
        """One callback (by its first output) as the renderer sends it; its answer's ``response``
        (the outputs' values), of which it keeps what later requests send back."""
        dependency = self.shared.dependencies[self.shared.output(first)]
        kind = first + (" (first)" if self.first_load else "")
        response = await self.request(kind, "POST", "/_dash-update-component",
                                      json=body(dependency, self.values, **kwargs))
        if response is None or response.status_code == 204:
            return None
        answer = response.json().get("response", {})
        keep(self.values, answer, self.shared.kept)
        return answer

    async def page(self, path: str) -> None:
        await self.request("page", "GET", path)
        await asyncio.gather(self.request("_dash-layout", "GET", "/_dash-layout"),
                             self.request("_dash-dependencies", "GET", "/_dash-dependencies"))

    async def strip_loop(self) -> None:
        n = 0
        while True:
            await asyncio.sleep(self.shared.strip)
            n += 1
            self.values["freshness-tick.n_intervals"] = n
            await self.call("freshness-strip.children")

    async def close(self) -> None:
        await self.client.aclose()


def keep(values: dict, answer: dict | None, wanted: set[str] | None = None) -> None:
    """Keep the answered outputs that later requests send back (stores, controls; ``wanted``: only
    those), never a patch."""
    for component, props in (answer or {}).items():
        for prop, value in props.items():
            key = f"{component}.{prop}"
            if (isinstance(value, dict) and "__dash_patch_update" in value) or (wanted is not None and key not in wanted):
                continue
            values[key] = value


class WallScreen(Browser):
    """A kiosk wall screen on the overview, signed in with its device token."""

    def __init__(self, shared: Shared, number: int, token: str):
        super().__init__(shared, number)
        self.token = token

    async def run(self) -> None:
        await self.request("login", "GET", f"/login/wall?token={self.token}")  # sends it to /?kiosk=1&rotate=overview
        await self.page("/" + KIOSK_SEARCH)
        self.values |= {"freshness-tick.n_intervals": 0, "kiosk-search.data": KIOSK_SEARCH,
                        "kiosk-watch.n_intervals": 0, "_pages_location.pathname": "/",
                        "_pages_location.search": KIOSK_SEARCH, "overview-refresh.n_intervals": 0,
                        "overview-layers.value": ["complaints", "cctv", "wifi"], "overview-map-scale.data": 1.0}
        await asyncio.gather(self.call("freshness-strip.children"), self.call("kiosk-config.data"),
                             self.call("kiosk-alert.data"), self.call("_pages_content.children"))
        await self.overview()
        self.first_load = False
        await asyncio.gather(self.strip_loop(), self.watch_loop(), self.overview_loop())

    async def overview(self) -> None:
        """Every callback of the overview's refresh at once (the map's stores kept by ``call``)."""
        await asyncio.gather(*(self.call(first) for first in self.shared.fed_by("overview-refresh", "n_intervals")))

    async def overview_loop(self) -> None:
        while True:
            await asyncio.sleep(self.shared.interval)
            self.values["overview-refresh.n_intervals"] += 1
            await self.overview()

    async def watch_loop(self) -> None:
        while True:
            await asyncio.sleep(self.shared.watch)
            self.values["kiosk-watch.n_intervals"] += 1
            await self.call("kiosk-alert.data")


class BriefingUser(Browser):
    """A person on /briefing who switches its period every interval."""

    def __init__(self, shared: Shared, number: int, account: tuple[str, str]):
        super().__init__(shared, number)
        self.account = account
        self.sections = shared.fed_by("briefing-period-store", "data")
        self.charts: list[str] = []  # the chart indexes on the page

    async def run(self) -> None:
        username, password = self.account
        await self.request("login", "POST", "/login", data={"username": username, "password": password})
        await self.page("/briefing")
        self.values |= {"freshness-tick.n_intervals": 0, "_pages_location.pathname": "/briefing",
                        "_pages_location.search": ""}
        router = self.call("_pages_content.children")
        _, content = await asyncio.gather(self.call("freshness-strip.children"), router)
        layout = (content or {}).get("_pages_content", {}).get("children")
        store, dates = find_props(layout, "briefing-period-store"), find_props(layout, "briefing-dates")
        self.values |= {"briefing-period-store.data": (store or {}).get("data"),
                        "briefing-dates.start_date": (dates or {}).get("start_date"),
                        "briefing-dates.end_date": (dates or {}).get("end_date")}
        self.charts = sorted(set(_chart_ids(layout)))
        await self.sections_once()
        self.first_load = False
        await asyncio.gather(self.strip_loop(), self.period_loop())

    async def sections_once(self) -> None:
        calls = []
        for output in self.sections:
            if "MATCH" in self.shared.output(output):
                calls += [self.call(output, index=chart) for chart in self.charts]
            else:
                calls.append(self.call(output, indexes=self.charts))
        await asyncio.gather(*calls)

    async def period_loop(self) -> None:
        turn = 0
        while True:
            await asyncio.sleep(self.shared.interval)
            self.values["briefing-period.value"] = PERIODS[turn % 2]
            turn += 1
            await self.call("briefing-period-store.data")
            await self.sections_once()


def _chart_ids(layout) -> list[str]:
    """The chart indexes of the briefing page's layout (its MATCH/ALL callbacks' components)."""
    found, stack = [], [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and isinstance(props.get("id"), dict) and \
                    props["id"].get("type") == "briefing-chart":
                found.append(props["id"]["index"])
            stack += list(node.values())
        elif isinstance(node, list):
            stack += node
    return found


# --- the ramp ------------------------------------------------------------------------------------


async def ramp(args, base: str, tokens: list[str], accounts: list[tuple[str, str]], meter: Meter,
               settings_defaults: dict, stamp) -> tuple[list[dict], str]:
    """The steps measured, and why the ramp stopped."""
    import httpx

    async with httpx.AsyncClient(base_url=base, headers={"X-Forwarded-For": "10.255.255.254"}) as probe:
        await probe.get(f"/login/wall?token={tokens[-1]}")  # the last token is the probe's own
        answer = await probe.get("/_dash-dependencies")  # the callbacks, as the browser reads them
        answer.raise_for_status()
        dependencies = {d["output"]: d for d in answer.json() if not d.get("clientside_function")}
    shared = Shared(base, dependencies, args.interval, settings_defaults["watch"], settings_defaults["strip"],
                    time.monotonic())
    shared.kept = shared.sent_back()
    browsers: list[Browser] = []
    tasks: list[asyncio.Task] = []
    steps: list[dict] = []
    deadline = shared.started + args.max_minutes * 60
    stopped = f"reached --max-screens {args.max_screens}"
    first = stamp()

    async def start_at(browser: Browser, share: float) -> None:
        elapsed = time.monotonic() - shared.started
        wait = (share * args.interval - elapsed) % args.interval
        await asyncio.sleep(wait)
        await browser.run()

    try:
        for screens in [s for s in STEPS if s <= args.max_screens]:
            if time.monotonic() + args.interval + args.duration_per_step > deadline:
                stopped = f"--max-minutes {args.max_minutes:g} would be passed at {screens} screens"
                break
            users = screens // args.briefing_per if args.briefing_per else 0
            step_started = time.monotonic()
            walls = sum(isinstance(b, WallScreen) for b in browsers)
            people = len(browsers) - walls
            for i in range(walls, screens):
                browser = WallScreen(shared, i, tokens[i])
                browsers.append(browser)
                tasks.append(asyncio.create_task(start_at(browser, phase(i))))
            for j in range(people, users):
                browser = BriefingUser(shared, 60000 + j, accounts[j])
                browsers.append(browser)
                tasks.append(asyncio.create_task(start_at(browser, (phase(j) + 0.37) % 1)))
            await asyncio.sleep(args.interval + 2)  # every new browser has started and loaded its page
            failed = [t for t in tasks if t.done() and not t.cancelled() and t.exception()]
            if failed:
                raise failed[0].exception()
            step = await measure(shared, meter, screens, users, args.duration_per_step, step_started)
            if await asyncio.to_thread(stamp) != first:
                stopped = f"the database was dropped and recreated by someone else during the {screens}-screen step"
                break  # the step is not counted: its browsers were signed out by the new database
            steps.append(step)
            print(table(steps[-1:], args.limit_ms).splitlines()[-1], flush=True)
            if not holds(step, args.limit_ms):
                stopped = (f"{step['errors']} errors" if step["errors"] else
                           f"p95 {step['p95_ms']} ms passed {args.limit_ms:g} ms") + f" at {screens} screens"
                break
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(b.close() for b in browsers), return_exceptions=True)
    return steps, stopped


async def measure(shared: Shared, meter: Meter, screens: int, users: int, seconds: float, step_started: float) -> dict:
    """One step's window: the requests started in it (first loads apart) and the server's use."""
    own = os.times()
    busy0, total0 = machine_busy()
    cpu0, t0 = meter.cpu_seconds(), time.monotonic()
    await asyncio.sleep(seconds)
    t1 = time.monotonic()
    cpu1, (busy1, total1), own1 = meter.cpu_seconds(), machine_busy(), os.times()
    rss, pss = meter.memory_mb()
    window = [s for s in shared.samples if t0 <= s.started < t1 and not s.first_load]
    first = [s for s in shared.samples if step_started <= s.started < t1 and s.first_load]
    return {"screens": screens, "briefing_users": users, "seconds": round(t1 - t0, 1),
            **summarize(window, t1 - t0),
            "first_loads_p95_ms": _round(percentile([s.ms for s in first], 95)),
            "server_cpu_percent": cpu_percent(cpu0, cpu1, t1 - t0), "server_rss_mb": rss, "server_pss_mb": pss,
            "client_cpu_percent": round(100 * ((own1.user + own1.system) - (own.user + own.system)) / (t1 - t0), 1),
            "machine_cpu_percent": round(100 * (busy1 - busy0) / max(1, total1 - total0) * (os.cpu_count() or 1), 1),
            "load_average": round(os.getloadavg()[0], 2)}


# --- the command ---------------------------------------------------------------------------------


def code_version() -> dict:
    """The commit measured and how many files differed from it (the checkout is shared)."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted_files": len([line for line in git("status", "--porcelain").splitlines() if line])}


def settings_defaults() -> dict:
    from settings import Settings

    fields = Settings.model_fields
    return {"watch": fields["kiosk_watch_seconds"].default, "strip": fields["freshness_check_seconds"].default}


def save(result: dict, path: Path) -> None:
    """Append ``result`` to the JSON list in ``path``."""
    runs = json.loads(path.read_text()) if path.exists() else []
    path.write_text(json.dumps(runs + [result], indent=1, default=str) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_test", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--database", choices=["postgresql"], default="postgresql",
                        help="production runs on PostgreSQL (SQLite is not a multi-worker database)")
    parser.add_argument("--max-screens", type=int, default=STEPS[-1])
    parser.add_argument("--duration-per-step", type=float, default=60, help="seconds measured per step (default 60)")
    parser.add_argument("--interval", type=int, default=30, help="seconds between a screen's refreshes (default 30)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, as the Procfile)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4, as the Procfile)")
    parser.add_argument("--briefing-per", type=int, default=10, help="one briefing user per this many screens (0: none)")
    parser.add_argument("--limit-ms", type=float, default=500, help="p95 a step must stay under (default 500)")
    parser.add_argument("--max-minutes", type=float, default=15, help="bound on the whole ramp (default 15)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5", help="the cache (a database of its own)")
    parser.add_argument("--no-report", action="store_true", help="do not call benchmarks.report afterwards")
    args = parser.parse_args(argv)

    OUT.mkdir(parents=True, exist_ok=True)
    url, now = ensure_database(args.scale)
    facts = city_facts(url, now)
    most = max([s for s in STEPS if s <= args.max_screens], default=0)
    tokens, accounts = make_accounts(url, most + 1, most // args.briefing_per if args.briefing_per else 0, facts["now"])
    port = free_port()
    load_before = os.getloadavg()
    measured_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    print(f"{args.scale} on {args.database}: {facts['complaints']:,} complaints, {facts['devices']:,} devices; "
          f"clock frozen at {facts['now'].isoformat()}; gunicorn {args.workers} workers x {args.threads} threads on "
          f"127.0.0.1:{port}; load average before {load_before[0]:.2f}", flush=True)
    env = server_environment(url, facts["now"], args.interval, args.redis_url)
    log = OUT / f"load-{args.scale}-{args.database}-server.log"
    with gunicorn(env, port, args.workers, args.threads, log) as server:
        steps, stopped = asyncio.run(ramp(args, f"http://127.0.0.1:{port}", tokens, accounts, Meter(server.pid),
                                          settings_defaults(), lambda: database_stamp(url)))
    print(f"stopped: {stopped}")
    result = record(steps, args.limit_ms, scale=args.scale, database=args.database, workers=args.workers,
                    threads=args.threads, interval_s=args.interval, briefing_per=args.briefing_per,
                    duration_per_step_s=args.duration_per_step, frozen_now=facts["now"].isoformat(),
                    complaints=facts["complaints"], devices=facts["devices"], measured_at=measured_at,
                    code=code_version(), stopped_because=stopped,
                    machine={"cpus": os.cpu_count(), "python": platform.python_version(),
                             "load_average_before": round(load_before[0], 2),
                             "load_average_after": round(os.getloadavg()[0], 2)})
    print()
    print(table(steps, args.limit_ms))
    print(f"\nscreens held: {result['screens_held']} (p95 {result['p95_ms']} ms, {result['rps']} req/s, "
          f"server CPU {result['cpu_percent']} %, RSS {result['rss_mb']} MB)")
    path = OUT / f"load-{args.scale}-{args.database}.json"
    save(result, path)
    print(f"written to {path.relative_to(ROOT)}")
    if not args.no_report and (ROOT / "benchmarks" / "report.py").exists():
        subprocess.run([sys.executable, "-m", "benchmarks.report", "--load", str(path)], cwd=ROOT, check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
