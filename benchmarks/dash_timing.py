"""Shared by the callback benchmarks: build the request the browser would send for one Dash
callback, and time it end to end through Flask's test client."""
from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timezone
from functools import partial

from sqlalchemy import create_engine, text


def payload(dependency: dict, value_of: Callable[[str, str], object]) -> dict:
    """The ``/_dash-update-component`` body for ``dependency`` (from ``/_dash-dependencies``);
    ``value_of(component_id, prop)`` gives each input's and state's value."""
    def items(specs):
        return [{"id": s["id"], "property": s["property"], "value": value_of(s["id"], s["property"])} for s in specs]

    outputs = dependency["output"]
    if outputs.startswith(".."):
        output_list = [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in outputs.strip(".").split("...")]
    else:
        output_list = dict(zip(("id", "property"), outputs.rsplit(".", 1)))
    inputs = items(dependency["inputs"])
    return {"output": outputs, "outputs": output_list, "inputs": inputs, "state": items(dependency.get("state", [])),
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}


def name(dependency: dict) -> str:
    """A callback's name in the tables: its first output."""
    return dependency["output"].strip(".").split("...")[0]


def time_callback(client, body: dict, repeat: int) -> tuple[float, float, float]:
    """(median, slowest) of ``repeat`` calls after one warm-up call, and that first call, in ms."""
    timings = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code not in (200, 204):
            raise RuntimeError(f"{body['output']} answered {response.status_code}: "
                               f"{response.get_data(as_text=True)[:300]}")
    warm = timings[1:]
    return statistics.median(warm), max(warm), timings[0]


def page_dependencies(client, path: str, prefix: str) -> list[dict]:
    """The server-side callbacks whose outputs belong to the page (ids starting with ``prefix``)."""
    client.get(path)
    return [d for d in client.get("/_dash-dependencies").get_json()
            if not d.get("clientside_function") and f"{prefix}-" in d["output"]]


def facts(database_url: str, queries: dict[str, str]) -> dict:
    """One scalar per named SQL query, on a connection of its own (what a table's header reports)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return {key: conn.execute(text(sql)).scalar_one() for key, sql in queries.items()}
    finally:
        engine.dispose()


def as_utc(value) -> datetime:
    """A timestamp read back from either database as an aware UTC datetime."""
    return datetime.fromisoformat(str(value)).replace(tzinfo=timezone.utc)


def app_client(database_url: str, now: datetime, **overrides):
    """The app on ``database_url`` with its clock frozen at ``now``, the query cache off and no
    map tiles, as a Flask test client (the database is prepared already: nothing is written)."""
    from app import create_app
    from settings import load_settings

    values = dict(database_url=database_url, cache_type="NullCache", demo=False, simulate=False,
                  map_style="offline", frozen_now=now, secret_key="benchmark", rate_limits=False) | overrides
    client = create_app(load_settings(**values)).server.test_client()
    return signed_in(client, database_url, now)


def signed_in(client, database_url: str, now: datetime):
    """``client`` signed in as an admin account ``benchmark`` (made, with a new password, each run)."""
    from data_sources.users import create_user, new_password

    password = new_password()
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM users WHERE username = 'benchmark'"))
            create_user(conn, "benchmark", "admin", password, now)
    finally:
        engine.dispose()
    answer = client.post("/login", data={"username": "benchmark", "password": password})
    if answer.status_code != 302:
        raise RuntimeError(f"the benchmark account could not sign in: {answer.status_code}")
    return client


def command_line(argv: list[str] | None = None, *, description: str, default_url: str,
                 run: Callable[[str, int], str]) -> int:
    """The shared command line: ``--database-url``, ``--repeat``, ``--out``; prints the table."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", default=default_url)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", help="also write the table to this file")
    args = parser.parse_args(argv)
    emit(run(args.database_url, args.repeat), args.out)
    return 0


def emit(table: str, out: str | None) -> None:
    """Print a benchmark's table and, with ``--out``, also write it to that file."""
    print(table)
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(table + "\n")


def main_for(module_doc: str, default_url: str, run: Callable[[str, int], str]) -> Callable[..., int]:
    """A benchmark module's ``main(argv=None)``: ``command_line`` with its description and defaults."""
    return partial(command_line, description=module_doc.splitlines()[0], default_url=default_url, run=run)
