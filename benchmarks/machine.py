"""What a benchmark ran on: the machine (cores, memory, CPU model, load average) and the
versions of everything measured (Python, SQLite, the PostgreSQL server, the libraries, the commit)."""
from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ("dash", "plotly", "pandas", "sqlalchemy", "flask-caching", "psycopg")


def _first(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def machine() -> dict:
    memory = _first("/proc/meminfo", "MemTotal")
    return {"cores": os.cpu_count(), "memory_gib": round(int(memory.split()[0]) / 1024 ** 2, 1) if memory else None,
            "cpu": _first("/proc/cpuinfo", "model name") or platform.processor(),
            "load_average": [round(x, 2) for x in os.getloadavg()], "system": platform.platform()}


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def versions(postgres_url: str | None) -> dict:
    found = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    if postgres_url:
        engine = create_engine(postgres_url)
        try:
            with engine.connect() as conn:
                found["postgresql"] = conn.execute(text("SHOW server_version")).scalar_one()
        except Exception as exc:  # the report says why it is missing
            found["postgresql"] = f"unreachable ({type(exc).__name__})"
        finally:
            engine.dispose()
    changed = [line for line in _git("status", "--porcelain", "--untracked-files=no").splitlines() if line.strip()]
    found["git_commit"] = _git("rev-parse", "--short", "HEAD")
    found["git_changed_files"] = len(changed)  # the run measured the working tree: these were uncommitted
    return found
