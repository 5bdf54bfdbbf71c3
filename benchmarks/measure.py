"""Timing through the real callback endpoint: one callback cold (the query cache emptied before
each call) and warm (the same call again with the cache kept), the bytes it answers, and a
page's first load (the page, the layout and dependencies, the router and every callback the
browser fires at once), plus the references' timing. Pure measurement: no tables here."""
from __future__ import annotations

import json
import math
import statistics
import time

from data_sources.runtime import cache

ENDPOINT = "/_dash-update-component"


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile with linear interpolation between the closest ranks."""
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(samples: list[float]) -> dict:
    return {"median": statistics.median(samples), "p95": percentile(samples, 0.95), "n": len(samples)}


def clear_queries(client) -> None:
    """Empty the query cache, keeping the wall map's snapshots (``pages._shared.remember``): a
    cold refresh is a refresh whose data must be read again, not a browser the server forgot."""
    with client.application.app_context():
        backend = cache.cache
        store = getattr(backend, "_cache", None)
        if isinstance(store, dict):
            for key in [k for k in store if "snapshot:" not in str(k)]:
                store.pop(key, None)
        else:
            cache.clear()


def post(client, body: dict) -> tuple[float, bytes, int]:
    started = time.perf_counter()
    response = client.post(ENDPOINT, data=json.dumps(body), content_type="application/json")
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code not in (200, 204):
        raise RuntimeError(f"{body['output']} answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
    return elapsed, response.get_data(), response.status_code


def problem(data: bytes) -> str | None:
    """The error a callback's answer shows in place of its figure (an error tile or panel), if any."""
    text = data.decode("utf-8", "replace")
    marker = '"data-error":'
    if marker not in text:
        return None
    return text[text.index(marker) + len(marker):][:60].split(",")[0].strip(' "}')


def callback(client, body: dict, repeat: int) -> dict:
    """Cold and warm timings of one callback (``repeat`` calls each), its answer's bytes and any error it shows."""
    cold, warm = [], []
    for _ in range(repeat):
        clear_queries(client)
        elapsed, data, status = post(client, body)
        cold.append(elapsed)
    post(client, body)  # the cache is filled: from here on every call is warm
    for _ in range(repeat):
        elapsed, data, status = post(client, body)
        warm.append(elapsed)
    return {"cold": summary(cold), "warm": summary(warm), "bytes": len(data), "status": status,
            "error": problem(data)}


def first_load(client, path: str, calls: list[dict], repeat: int, cold: bool = True) -> dict:
    """A page's first load, with an empty query cache (``cold``) or the cache kept, ``repeat`` times: the GET of the page, its
    layout and dependencies, the pages router for ``path``, then each of ``calls`` (the bodies of
    the callbacks the browser fires at once). Times add up the requests one after another."""
    router = {"output": ".._pages_content.children..._pages_store.data..",
              "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
              "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                         {"id": "_pages_location", "property": "search", "value": ""}],
              "changedPropIds": ["_pages_location.pathname"]}
    totals, sizes = [], []
    for _ in range(repeat):
        if cold:
            clear_queries(client)
        total, size = 0.0, 0
        for url in (path, "/_dash-layout", "/_dash-dependencies"):
            started = time.perf_counter()
            response = client.get(url)
            total += (time.perf_counter() - started) * 1000
            size += len(response.get_data())
        for body in [router, *calls]:
            elapsed, data, _status = post(client, body)
            total, size = total + elapsed, size + len(data)
        totals.append(total)
        sizes.append(size)
    return {"time": summary(totals), "bytes": max(sizes), "requests": 4 + len(calls)}


def reference(run, repeat: int) -> dict:
    """Timings of a reference computation (``run()``), after one untimed call."""
    run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return summary(samples)
