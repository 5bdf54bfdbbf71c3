"""Run jobs on intervals until stopped: the long-running commands (worker, probe, simulator).

Each job starts at once and then every ``seconds``; a database error is logged and the job
tries again on its next run, so a database restart does not stop the process.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)


def _safe(name: str, job: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            log.info("%s: %s", name, job())
        except SQLAlchemyError:
            log.exception("%s failed; trying again next run", name)
    return run


def run_forever(jobs: list[tuple[str, Callable[[], object], float]]) -> None:
    """``jobs``: (name, function, seconds between runs). Returns on Ctrl-C or SIGTERM."""
    scheduler = BlockingScheduler()
    start = datetime.now(timezone.utc)
    for name, job, seconds in jobs:
        scheduler.add_job(_safe(name, job), "interval", seconds=seconds, max_instances=1, coalesce=True,
                          next_run_time=start, id=name)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
