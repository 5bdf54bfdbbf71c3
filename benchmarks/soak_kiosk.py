"""Soak test of a wall screen: a kiosk page refreshing every 5 seconds for 30 minutes, with the
live simulator changing the data underneath, and the browser's JS heap read at the start and
every few minutes until the end.

    .venv/bin/python benchmarks/soak_kiosk.py              # 30 minutes, as the README reports
    .venv/bin/python benchmarks/soak_kiosk.py --minutes 2  # a quick look
    .venv/bin/python benchmarks/soak_kiosk.py --rotate overview,complaints,cctv,wifi --seconds 60

It serves the demo city (test size, simulator on) from ``benchmarks/out/soak.db`` with
``python app.py`` in its own process, opens the kiosk URL in headless Chromium, and reads the
heap through the DevTools protocol (``Performance.getMetrics``, after a forced garbage
collection so the figures are what the page really keeps). The kiosk's own periodic reload is
switched off (``reload=0``) so the heap is measured over the whole run.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from selenium import webdriver
from selenium.webdriver.chrome.options import Options

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
FLAGS = ("--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--headless=new", "--hide-scrollbars")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(port: int, refresh: int, database: Path) -> subprocess.Popen:
    env = os.environ | {"LIVEROOM_DATABASE_URL": f"sqlite:///{database}", "LIVEROOM_DEMO": "true",
                        "LIVEROOM_DEMO_SIZE": "test", "LIVEROOM_SIMULATE": "true", "LIVEROOM_MAP_STYLE": "offline",
                        "LIVEROOM_REFRESH_INTERVAL_SECONDS": str(refresh), "LIVEROOM_THEME": "dark",
                        "LIVEROOM_PORT": str(port)}
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=open(OUT / "soak-server.log", "w"))
    deadline = time.monotonic() + 600  # the first start seeds the demo city
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(1)
    process.terminate()
    raise SystemExit("the app did not start; see benchmarks/out/soak-server.log")


def heap(driver) -> dict:
    """JS heap in MB after a forced garbage collection, and the DOM node count."""
    driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
    metrics = {m["name"]: m["value"] for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}
    return {"heap_used_mb": round(metrics["JSHeapUsedSize"] / 2**20, 1),
            "heap_total_mb": round(metrics["JSHeapTotalSize"] / 2**20, 1), "nodes": int(metrics["Nodes"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--refresh", type=int, default=5, help="seconds between data refreshes (default 5)")
    parser.add_argument("--rotate", default="overview", help="kiosk pages (default: the overview only)")
    parser.add_argument("--seconds", type=int, default=3600, help="seconds per page (default 3600: no page change)")
    parser.add_argument("--sample-minutes", type=float, default=5)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / "soak.db"
    port = free_port()
    app = start_app(port, args.refresh, database)
    options = Options()
    for flag in FLAGS:
        options.add_argument(flag)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(options=options)
    samples = []
    try:
        driver.set_window_size(1920, 1080)
        driver.execute_cdp_cmd("Performance.enable", {})
        driver.get(f"http://127.0.0.1:{port}/?kiosk=1&rotate={args.rotate}&seconds={args.seconds}&reload=0")
        time.sleep(20)  # first render, map loaded
        started = time.monotonic()
        while True:
            elapsed = (time.monotonic() - started) / 60
            sample = {"minute": round(elapsed, 1), "page": driver.execute_script("return location.pathname"),
                      **heap(driver)}
            samples.append(sample)
            print(json.dumps(sample), flush=True)
            if elapsed >= args.minutes:
                break
            time.sleep(min(args.sample_minutes * 60, max(1.0, (args.minutes - elapsed) * 60)))
        errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        driver.quit()
        app.terminate()
        app.wait(timeout=20)
    result = {"minutes": args.minutes, "refresh_seconds": args.refresh, "rotate": args.rotate,
              "seconds_per_page": args.seconds, "samples": samples,
              "start_heap_mb": samples[0]["heap_used_mb"], "end_heap_mb": samples[-1]["heap_used_mb"],
              "console_errors": len(errors), "console_error_messages": [m[:300] for m in errors[:20]]}
    (OUT / f"soak-{args.rotate.replace(',', '-')}.json").write_text(json.dumps(result, indent=2))
    print(f"JS heap used: {result['start_heap_mb']} MB at the start, {result['end_heap_mb']} MB after "
          f"{args.minutes:g} minutes; console errors: {len(errors)}")


if __name__ == "__main__":
    main()
