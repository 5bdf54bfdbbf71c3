"""Time the briefing's exports through their Flask routes (queries, figures, kaleido images in
the system Chromium, the PDF), cache off, with the app's clock frozen at the city's "now":

- the first PNG of the process (starts Chromium), then warm PNGs of one chart;
- the PDF (three charts drawn at twice their size, tables, text), warm.

    python -m benchmarks.briefing_exports --database-url sqlite:///instance/liveroom.db --now 2026-11-23T07:30:00Z

Without ``--database-url`` it generates the test city (as the tests do) in a temporary file.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from benchmarks.dash_timing import app_client


def _timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}: {response.get_data(as_text=True)[:300]}")
    return elapsed


def run(database_url: str, now: datetime, runs: int, report=print) -> None:
    client = app_client(database_url, now, map_style="auto")
    report(f"first PNG of the process (starts Chromium): {_timed(client, '/briefing/chart/late.png'):.2f} s")
    for query in ("?period=7d", "?period=30d"):
        pngs = [_timed(client, f"/briefing/chart/late.png{query}") for _ in range(runs)]
        pdfs = [_timed(client, f"/briefing/export.pdf{query}") for _ in range(runs)]
        report(f"{query}: PNG (late) median {statistics.median(pngs):.2f} s (min {min(pngs):.2f}, max {max(pngs):.2f}); "
               f"PDF median {statistics.median(pdfs):.2f} s (min {min(pdfs):.2f}, max {max(pdfs):.2f}) over {runs} runs")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.briefing_exports", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an existing city; default: generate the test city")
    parser.add_argument("--now", default="2026-11-23T07:30:00+00:00", help="the app's frozen clock (ISO 8601)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    now = datetime.fromisoformat(args.now.replace("Z", "+00:00"))
    if args.database_url:
        run(args.database_url, now, args.runs)
        return 0
    from tests.conftest import make_city

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'city.db'}"
        make_city(url, None)
        run(url, now, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
