"""``python -m data_sources.demo``: (re)generate the demo city into the configured database.

``python -m data_sources.demo --complaints 1000000 --cameras 10000 --access-points 10000``
"""
from __future__ import annotations

import argparse
import json
import logging
from dataclasses import asdict, replace
from datetime import datetime, timezone

from cities import load_profile
from data_sources.db import make_engine
from data_sources.demo.city import generate
from data_sources.demo.common import SIZES, DemoSize
from data_sources.migrate import upgrade


def main(argv: list[str] | None = None) -> int:
    from settings import load_settings

    settings = load_settings()
    base = DemoSize()
    parser = argparse.ArgumentParser(prog="python -m data_sources.demo", description="Generate the demo city.")
    parser.add_argument("--size", choices=sorted(SIZES), default="default", help="preset to start from")
    parser.add_argument("--complaints", type=int)
    parser.add_argument("--days", type=int, help="days of complaint history")
    parser.add_argument("--cameras", type=int)
    parser.add_argument("--access-points", type=int)
    parser.add_argument("--device-history-days", type=int)
    parser.add_argument("--raw-sample-hours", type=int)
    parser.add_argument("--seed", type=int, default=settings.demo_seed)
    parser.add_argument("--now", type=datetime.fromisoformat, help="end of the history, ISO 8601 (default: now)")
    parser.add_argument("--city", default=settings.city)
    parser.add_argument("--database-url", default=settings.database_url)
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    overrides = {k: getattr(args, k) for k in asdict(base) if getattr(args, k, None) is not None}
    size = replace(size, **overrides)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    upgrade(args.database_url)
    engine = make_engine(args.database_url)
    now = args.now.replace(tzinfo=args.now.tzinfo or timezone.utc) if args.now else None
    counts = generate(engine, load_profile(args.city), size=size, seed=args.seed, now=now,
                      boundaries_dir=settings.boundaries_dir)
    print(json.dumps(counts, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
