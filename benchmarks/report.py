"""The benchmark report: ``benchmarks/results.json`` (every figure, a list of records) and the
generated section of ``benchmarks/RESULTS.md`` between the ``benchmarks.run`` markers (the rest
of that file holds hand-written earlier measurements and is never touched).

Records have a ``kind``: ``callback`` (one callback of one page view), ``first_load`` (a page),
``run`` (machine, versions and database of one scale on one database) and ``load`` (a load-test
run, merged from ``benchmarks/out/load-<scale>-<database>.json``). A benchmark run replaces the
records of its scale and database and keeps every other.

    python -m benchmarks.report                       # render RESULTS.md again from results.json
    python -m benchmarks.report --load benchmarks/out/load-city-postgresql.json
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "RESULTS.md"
START, END = "<!-- benchmarks.run:start -->", "<!-- benchmarks.run:end -->"
SCALE_ORDER = ("small", "city", "metropolis")
COLD_MS, WARM_MS, COMMON_TIMES, FLOOR_TIMES, FLOOR_PLUS_MS = 300.0, 50.0, 10.0, 3.0, 20.0
MEASURED_KINDS = ("callback", "first_load", "run")


# --- results.json ----------------------------------------------------------------------------------

def load_results(path: Path = RESULTS_JSON) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def save_results(records: list[dict], path: Path = RESULTS_JSON) -> None:
    path.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _key(record: dict) -> tuple:
    scale = record.get("scale")
    return (SCALE_ORDER.index(scale) if scale in SCALE_ORDER else 9, str(scale), str(record.get("database")))


def _replace(existing: list[dict], new: list[dict], kinds: tuple[str, ...]) -> list[dict]:
    """``existing`` without the records of ``kinds`` for the scales and databases ``new`` covers, then ``new``."""
    covered = {(r["scale"], r["database"]) for r in new}
    kept = [r for r in existing if not (r.get("kind", "callback") in kinds and (r.get("scale"), r.get("database")) in covered)]
    return sorted(kept + new, key=_key)  # stable: a run's records keep their order


def merge_run(records: list[dict], results: Path = RESULTS_JSON, markdown: Path = RESULTS_MD) -> list[dict]:
    """Merge one benchmark run's records into results.json and regenerate the report section."""
    merged = _replace(load_results(results), records, MEASURED_KINDS)
    save_results(merged, results)
    write_markdown(merged, markdown)
    return merged


def merge_load_records(records: list[dict], results: Path = RESULTS_JSON, markdown: Path = RESULTS_MD) -> list[dict]:
    """Merge load-test records (at least scale, database, screens_held, p95_ms, errors) as ``kind: load``;
    they replace earlier load records of the same scale and database."""
    missing = [f for f in ("scale", "database", "screens_held", "p95_ms", "errors") for r in records if f not in r]
    if missing:
        raise ValueError(f"load-test records lack {sorted(set(missing))}")
    merged = _replace(load_results(results), [r | {"kind": "load"} for r in records], ("load",))
    save_results(merged, results)
    write_markdown(merged, markdown)
    return merged


# --- the targets -------------------------------------------------------------------------------------

def ours(record: dict) -> float:
    """The time the references are compared with: the median of the cold calls (the references
    are medians of uncached runs too)."""
    return record.get("median_cold_ms") or record["p95_cold_ms"]


def ratios(record: dict) -> tuple[float | None, float | None]:
    """(common / ours, ours / floor); None without a reference."""
    mine = ours(record)
    common = record.get("common_ms")
    floor = record.get("floor_ms")
    return (common / mine if common and mine else None, mine / floor if floor and mine else None)


def misses(record: dict) -> list[str]:
    """Each target the record misses, with by how much (empty: every target met)."""
    out = []
    if record["p95_cold_ms"] >= COLD_MS:
        out.append(f"cold +{_ms(record['p95_cold_ms'] - COLD_MS)} ms")
    if record["p95_warm_ms"] is not None and record["p95_warm_ms"] >= WARM_MS:
        out.append(f"warm +{_ms(record['p95_warm_ms'] - WARM_MS)} ms")
    to_common, _ = ratios(record)
    if to_common is not None and to_common < COMMON_TIMES:
        out.append(f"{to_common:.1f}× common (want {COMMON_TIMES:.0f}×)")
    floor = record.get("floor_ms")
    if floor is not None and ours(record) > FLOOR_TIMES * floor + FLOOR_PLUS_MS:
        out.append(f"floor +{_ms(ours(record) - (FLOOR_TIMES * floor + FLOOR_PLUS_MS))} ms")
    return out


# --- RESULTS.md ----------------------------------------------------------------------------------------

def _ms(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _times(value) -> str:
    return "–" if value is None else f"{value:,.1f}×"


def _bytes(value) -> str:
    if value is None:
        return "–"
    return f"{value / 1e6:.2f} MB" if value >= 1e6 else f"{value / 1e3:.1f} KB" if value >= 1e3 else f"{value} B"


def _run_lines(run: dict) -> list[str]:
    m, v, facts = run.get("machine", {}), run.get("versions", {}), run.get("database_facts", {})
    rows = facts.get("rows", {})
    load = ", ".join(str(x) for x in m.get("load_average", []))
    pg = f", PostgreSQL {v.get('postgresql')}" if run["database"] == "postgresql" else ""
    changed = v.get("git_changed_files")
    tree = f" with {changed} uncommitted changed files in the working tree" if changed else ""
    generated = (f"generated in this run ({facts.get('generate_seconds')} s, then ANALYZE)" if facts.get("generated_now")
                 else f"reused (generated {facts.get('generated_at', '?')} in {facts.get('generate_seconds')} s)")
    return [
        f"Measured {run.get('measured_at')}; whole run {run.get('wall_seconds')} s (database ready after "
        f"{run.get('prepare_seconds')} s: {generated}).",
        f"Machine: {m.get('cores')} cores, {m.get('memory_gib')} GiB, {m.get('cpu')}; load average at start {load} "
        f"(the machine is shared). Versions: Python {v.get('python')}, SQLite {v.get('sqlite')}{pg}, dash "
        f"{v.get('dash')}, plotly {v.get('plotly')}, pandas {v.get('pandas')}, SQLAlchemy {v.get('sqlalchemy')}, "
        f"flask-caching {v.get('flask-caching')}; commit {v.get('git_commit')}{tree}.",
        f"Data: {rows.get('complaints', '?'):,} complaints, {rows.get('cameras', '?'):,} cameras, "
        f"{rows.get('access_points', '?'):,} access points, {rows.get('uptime_daily', 0):,} daily and "
        f"{rows.get('uptime_hourly', 0):,} hourly device roll-ups ({facts.get('device_history_days')} days), "
        f"{rows.get('device_samples', 0):,} raw samples ({facts.get('raw_sample_hours')} h); clock fixed at "
        f"{facts.get('now')}. {run.get('repeat')} calls per cell cold and {run.get('repeat')} warm; references: "
        f"floor median of {run.get('repeat')}, common median of {run.get('common_repeat')}.",
    ]


def _callback_table(records: list[dict]) -> list[str]:
    lines = ["| page | view | callback (first output) | p95 cold | p95 warm | median cold | median warm | bytes | "
             "floor | common | common/ours | ours/floor | targets |", "|---|---|---|" + "---:|" * 9 + "---|"]
    for r in records:
        to_common, to_floor = ratios(r)
        missed = misses(r)
        verdict = "met" if not missed else "**missed**: " + "; ".join(missed)
        if r.get("error"):
            verdict += f" (answered an error: {r['error']})"
        lines.append(f"| {r['page']} | {r.get('view', '')} | `{r['callback']}` | {_ms(r['p95_cold_ms'])} | "
                     f"{_ms(r['p95_warm_ms'])} | {_ms(r.get('median_cold_ms'))} | {_ms(r.get('median_warm_ms'))} | "
                     f"{_bytes(r['bytes'])} | {_ms(r.get('floor_ms'))} | {_ms(r.get('common_ms'))} | "
                     f"{_times(to_common)} | {_times(to_floor)} | {verdict} |")
    return lines


def _first_load_table(records: list[dict]) -> list[str]:
    lines = ["| page | view | requests | p95 cold | median cold | p95 warm | median warm | bytes |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['page']} | {r.get('view', '')} | {r.get('requests', '–')} | {_ms(r['p95_cold_ms'])} | "
              f"{_ms(r.get('median_cold_ms'))} | {_ms(r['p95_warm_ms'])} | {_ms(r.get('median_warm_ms'))} | "
              f"{_bytes(r['bytes'])} |" for r in records]
    return lines


def _summary(callbacks: list[dict]) -> str:
    n = len(callbacks)
    count = {"cold": sum(r["p95_cold_ms"] < COLD_MS for r in callbacks),
             "warm": sum(r["p95_warm_ms"] < WARM_MS for r in callbacks),
             "all": sum(not misses(r) for r in callbacks)}
    with_common = [r for r in callbacks if ratios(r)[0] is not None]
    with_floor = [r for r in callbacks if r.get("floor_ms") is not None]
    common_ok = sum(ratios(r)[0] >= COMMON_TIMES for r in with_common)
    floor_ok = sum(ours(r) <= FLOOR_TIMES * r["floor_ms"] + FLOOR_PLUS_MS for r in with_floor)
    slowest = max(callbacks, key=lambda r: r["p95_cold_ms"])
    return (f"{n} callback rows: {count['all']} meet every target; p95 cold under {COLD_MS:.0f} ms: {count['cold']}; "
            f"p95 warm under {WARM_MS:.0f} ms: {count['warm']}; ≥{COMMON_TIMES:.0f}× faster than common: "
            f"{common_ok} of {len(with_common)}; within {FLOOR_TIMES:.0f}×floor+{FLOOR_PLUS_MS:.0f} ms: {floor_ok} of "
            f"{len(with_floor)}. Slowest cold: `{slowest['callback']}` ({slowest['page']}, {slowest.get('view', '')}) "
            f"{_ms(slowest['p95_cold_ms'])} ms.")


LOAD_FIELDS = ("screens_held", "rps", "p50_ms", "p95_ms", "p99_ms", "errors")


def _load_table(records: list[dict]) -> list[str]:
    extra = sorted({k for r in records for k in r if k not in (*LOAD_FIELDS, "scale", "database", "kind")
                    and isinstance(r[k], (int, float)) and not isinstance(r[k], bool)})
    lines = ["| scale | database | " + " | ".join(LOAD_FIELDS + tuple(extra)) + " |",
             "|---|---|" + "---:|" * (len(LOAD_FIELDS) + len(extra))]
    for r in records:
        cells = [r.get(k) for k in (*LOAD_FIELDS, *extra)]
        lines.append(f"| {r['scale']} | {r['database']} | " + " | ".join(
            "–" if c is None else f"{c:,.1f}" if isinstance(c, float) else f"{c:,}" if isinstance(c, int) else str(c)
            for c in cells) + " |")
    return lines


def section(results: list[dict]) -> str:
    """The generated section (without its markers) from every record of results.json."""
    lines = ["## Benchmark harness (`python -m benchmarks.run`; generated, do not edit by hand)", "",
             "Generated from `benchmarks/results.json`. Each callback is posted to `/_dash-update-component` "
             "through Flask's test client, signed in, with a real query cache (SimpleCache): **cold** empties the "
             "query cache before every call (the database's own pages stay in memory), **warm** repeats the call "
             "with the cache kept. The **floor** is the bare SQL aggregate the figure needs on the raw tables, the "
             "**common** approach reads the tables with `pd.read_sql` and groups in pandas (`benchmarks/references/`); "
             "ratios compare them with our median cold time. Targets: p95 cold < 300 ms, warm < 50 ms, ≥ 10× faster "
             "than common, ≤ 3×floor + 20 ms; they are set for metropolis scale. Callbacks without data (filter "
             "stores, clicks, headings, the kiosk configuration) have no references. A first load adds up, one "
             "after another, the page, `/_dash-layout`, `/_dash-dependencies`, the pages router and every "
             "callback the browser fires at once (script bundles not included).", ""]
    runs = [r for r in results if r.get("kind") == "run"]
    if not runs:
        lines += ["No benchmark run recorded yet.", ""]
    for run in runs:
        scale, database = run["scale"], run["database"]
        mine = [r for r in results if r.get("scale") == scale and r.get("database") == database]
        callbacks = [r for r in mine if r.get("kind", "callback") == "callback"]
        first = [r for r in mine if r.get("kind") == "first_load"]
        lines += [f"### {scale} on {database}", "", *_run_lines(run), ""]
        if callbacks:
            lines += [_summary(callbacks), "", *_callback_table(callbacks), ""]
        if first:
            lines += ["First loads (cold: query cache emptied before each load):", "", *_first_load_table(first), ""]
    load = [r for r in results if r.get("kind") == "load"]
    lines += ["### Load test", ""]
    lines += [*_load_table(load), ""] if load else ["No load-test run merged yet "
                                                    "(`python -m benchmarks.report --load <file>`).", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_markdown(results: list[dict], path: Path = RESULTS_MD) -> None:
    """Replace the text between the markers; the first time, insert the markers after the intro paragraph."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Measured figures\n\n"
    block = f"{START}\n{section(results)}{END}"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        lines = text.split("\n")
        first_heading_after = next((i for i in range(1, len(lines)) if lines[i].startswith("## ")), len(lines))
        text = "\n".join(lines[:first_heading_after]).rstrip("\n") + "\n\n" + block + "\n\n" + \
            "\n".join(lines[first_heading_after:])
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__.splitlines()[0])
    parser.add_argument("--load", action="append", default=[], help="a load-test JSON file to merge (repeatable)")
    args = parser.parse_args(argv)
    if args.load:
        for file in args.load:
            merge_load_records(json.loads(Path(file).read_text(encoding="utf-8")))
    else:
        write_markdown(load_results())
    print(f"wrote {RESULTS_JSON.relative_to(HERE.parent)} and {RESULTS_MD.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
