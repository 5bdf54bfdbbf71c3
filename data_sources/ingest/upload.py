"""Uploads: a city's own spreadsheet (CSV or .xlsx, its own column names, separators, decimal
commas and date formats) read, mapped to the project's fields and stored as one run of a
source, with a preview of the first rows that writes nothing.

    python -m data_sources.ingest.upload --source complaints --kind complaints --mapping mapping.json FILE

Without ``--mapping`` the mapping is proposed from the file (column names and their synonyms,
the formats its values are written in) and printed, so it can be saved, corrected and passed
back. The command prints the refused rows' reasons and ends with ``received N, accepted N,
rejected N, duplicate N``. Exit status: 0 when the file was read (even if rows or all of them
were refused), 1 when the file cannot be read at all (a failed run is recorded on the source),
2 for a usage error (unknown source or kind for it, missing file, a bad mapping file).

Rows are stored through the kind's store of ``feeds.KINDS`` inside ``batch.run_batch`` (the
same validation, bookkeeping and refused records as the ingest API's ``feeds.ingest``); a value
that cannot be converted (a bad date, a bad number) refuses its row with the column, the row
number and the value. Every reason starts with the row number in the file (``row 4: ...``).
"""
from __future__ import annotations

import argparse
import base64
import binascii
import functools
import inspect
import json
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import Connection, Engine

from cities import CityProfile
from data_sources.ingest.batch import Outcome, Report, Source, find_source, raw_text, record_failure, run_batch
from data_sources.ingest.feeds import KINDS, WrongFeed
from data_sources.ingest.mapping import (Mapped, MappingError, apply_mapping, check_mapping, dump_mapping,
                                         name_columns, normalise, propose, reason_parts,
                                         unmapped_required)
from data_sources.ingest.spreadsheet import SEPARATORS, Table, UnreadableFile, read_table
from data_sources.ingest.validation import in_order

PREVIEW_ROWS = 20
MAX_LISTED_REASONS = 50  # in the command's printout
_ID_FIELDS = ("external_id", "device_id", "kpi")
Checks = Callable[[list[dict]], dict[int, str]]  # mapped records -> {position: why the row is refused}


@dataclass
class PreviewRow:
    """One row as it would be stored: its row number, its values with the project's field names,
    what the import would do with it (created, updated, unchanged, rejected, duplicate) and why."""

    row: int
    values: dict
    result: str
    reason: str | None

    @property
    def problems(self) -> list[str]:
        """The reason's parts, without the row number it starts with."""
        if not self.reason:
            return []
        return reason_parts(self.reason.removeprefix(f"row {self.row}: "))


def kinds_for(feed: str) -> list[str]:
    """The record kinds a source of ``feed`` may carry."""
    return [name for name, kind in KINDS.items() if kind.feed == feed]


def upload_sources(profile: CityProfile) -> list:
    """The city's sources that carry a feed some record kind belongs to."""
    return [s for s in profile.sources if kinds_for(s.feed)]


def decode_contents(contents) -> bytes:
    """The bytes of a browser upload (``data:<type>;base64,<data>``); raises ``UnreadableFile``."""
    if not isinstance(contents, str) or "," not in contents or not contents.startswith("data:"):
        raise UnreadableFile("the upload is not a file")
    header, _, data = contents.partition(",")
    if not header.endswith(";base64"):
        raise UnreadableFile("the upload is not base64-encoded")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise UnreadableFile("the upload is damaged (not valid base64)") from None


def read_upload(payload: bytes, kind: str, profile: CityProfile, mapping_data=None) -> tuple[Table, dict, list[str]]:
    """The table in ``payload`` and its mapping (``mapping_data``, a parsed mapping file, or the
    proposed one) with the required fields it leaves unmapped. Raises ``UnreadableFile`` for the
    file and ``MappingError`` for a mapping that does not fit the kind or the file."""
    if kind not in KINDS:
        raise MappingError([f"{kind!r} is not a kind of record ({', '.join(KINDS)})"])
    if mapping_data is None:
        table = read_table(payload)
        mapping = propose(table, kind, profile)
    else:
        mapping = normalise(mapping_data, kind)
        table = read_table(payload, separator=mapping["separator"])
        problems = check_mapping(mapping, kind, table.columns)
        if problems:
            raise MappingError(problems)
    return table, mapping, unmapped_required(mapping, kind)


# --- storing -------------------------------------------------------------------------------------------


def _record_id(record: dict) -> str | None:
    value = next((record[name] for name in _ID_FIELDS if record.get(name) not in (None, "")), None)
    return str(value)[:128] if value is not None else None


def _outcomes(conn: Connection, profile: CityProfile, source: Source, kind: str, mapped: Mapped, mapping: dict,
              now: datetime, reported_by: str | None = None, checks: Checks | None = None) -> list[Outcome]:
    """The rows whose values converted (and pass ``checks``) go through the kind's store, told who
    reported them where it records that; one outcome per row, by its position, each reason
    starting with the row number and naming the columns."""
    record_kind = KINDS[kind]
    if source.feed != record_kind.feed:
        raise WrongFeed(f"source {source.key} carries {source.feed}, not {record_kind.feed}")
    if checks is not None:
        found = checks(mapped.records)
        mapped.problems.update({p: r for p, r in found.items() if p not in mapped.problems})
    store = record_kind.store
    if reported_by and "reported_by" in inspect.signature(store).parameters:
        store = functools.partial(store, reported_by=reported_by)
    good = [p for p in range(len(mapped.records)) if p not in mapped.problems]
    outcomes = store(conn, profile, source, [mapped.records[p] for p in good], now) if good else []
    for outcome in outcomes:
        outcome.index = good[outcome.index]
        outcome.reason = name_columns(outcome.reason, mapping) if outcome.reason else outcome.reason
    outcomes += [Outcome(p, _record_id(mapped.records[p]), "rejected", reason, raw_text(mapped.originals[p]))
                 for p, reason in mapped.problems.items()]
    for outcome in outcomes:
        if outcome.reason:
            outcome.reason = f"row {mapped.row_numbers[outcome.index]}: {outcome.reason}"
    return in_order(outcomes)


def import_table(engine: Engine, profile: CityProfile, source_key: str, kind: str, table: Table, mapping: dict, *,
                 now: datetime | None = None, filename: str | None = None, reported_by: str | None = None,
                 checks: Checks | None = None) -> Report:
    """Store every row of ``table`` through ``mapping`` as one run of source ``source_key``
    (``reported_by``: the person uploading; ``checks``: records -> {position: reason} of rows
    to refuse before the store). Raises ``LookupError`` for an unknown source, ``WrongFeed`` for
    a source of another feed."""
    mapped = apply_mapping(table, mapping, kind, profile.timezone)
    label = f"{KINDS[kind].label} via upload" + (f" of {filename}" if filename else "")
    return run_batch(engine, profile.code, source_key,
                     lambda conn, source, at: _outcomes(conn, profile, source, kind, mapped, mapping, at, reported_by,
                                                        checks),
                     label=label, now=now, record_kind=kind)


def preview(engine: Engine, profile: CityProfile, source_key: str, kind: str, table: Table, mapping: dict, *,
            now: datetime, limit: int = PREVIEW_ROWS, reported_by: str | None = None,
            checks: Checks | None = None) -> list[PreviewRow]:
    """The first ``limit`` rows as the import would store them, with the same outcomes and reasons;
    the store runs in a transaction that is rolled back, so nothing is written."""
    mapped = apply_mapping(table.head(limit), mapping, kind, profile.timezone)
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            outcomes = _outcomes(conn, profile, find_source(conn, profile.code, source_key), kind, mapped, mapping,
                                 now, reported_by, checks)
        finally:
            transaction.rollback()
    return [PreviewRow(mapped.row_numbers[o.index], mapped.records[o.index], o.result, o.reason) for o in outcomes]


# --- command line ----------------------------------------------------------------------------------------


def refused_lines(report: Report, limit: int = MAX_LISTED_REASONS) -> list[str]:
    """One line per refused row (at most ``limit``, then how many more)."""
    refused = [o for o in report.outcomes if o.result in ("rejected", "duplicate")]
    lines = [f"  {o.result} [{o.external_id or '-'}] {o.reason}" for o in refused[:limit]]
    if len(refused) > limit:
        lines.append(f"  ... and {len(refused) - limit} more (all are kept as rejected records)")
    return lines


def _describe(table: Table, name: str) -> str:
    how = f"csv, separator {SEPARATORS[table.separator]}, {table.encoding}" if table.file_format == "csv" else "xlsx"
    return f"file {name} ({how}): {len(table.rows)} rows, columns: {', '.join(table.columns)}"


def _usage_error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    from cities import load_profile
    from data_sources.db import make_engine
    from settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m data_sources.ingest.upload",
                                     description="Import a spreadsheet (CSV or .xlsx) through a column mapping.")
    parser.add_argument("--source", required=True, help="the source's key in the city profile, e.g. complaints")
    parser.add_argument("--kind", required=True, choices=list(KINDS), help="the kind of record in the file")
    parser.add_argument("--mapping", help="the mapping file (JSON); without it the proposed mapping is used and printed")
    parser.add_argument("path", help="the file to import; - reads standard input")
    args = parser.parse_args(argv)
    settings = load_settings()
    try:
        payload = sys.stdin.buffer.read() if args.path == "-" else Path(args.path).read_bytes()
        mapping_data = json.loads(Path(args.mapping).read_text(encoding="utf-8")) if args.mapping else None
    except OSError as exc:
        return _usage_error(f"cannot read {exc.filename}: {exc.strerror or exc}")
    except ValueError as exc:
        return _usage_error(f"the mapping file {args.mapping} is not JSON: {exc}")
    now = settings.frozen_now or datetime.now(timezone.utc)
    profile = load_profile(settings.city)
    engine = make_engine(settings.database_url)
    try:
        try:
            with engine.connect() as conn:
                source = find_source(conn, profile.code, args.source)
        except LookupError as exc:
            return _usage_error(str(exc))
        if source.feed != KINDS[args.kind].feed:
            return _usage_error(f"source {source.key} carries {source.feed}; {args.kind} need a "
                                f"{KINDS[args.kind].feed} source")
        try:
            table, mapping, missing = read_upload(payload, args.kind, profile, mapping_data)
        except UnreadableFile as exc:
            print(f"error: cannot read {args.path} as a spreadsheet: {exc}", file=sys.stderr)
            record_failure(engine, source.id, now, f"upload of {Path(args.path).name} failed: {exc}"[:1000])
            return 1
        except MappingError as exc:
            return _usage_error("the mapping cannot be used:\n  " + "\n  ".join(exc.problems))
        print(_describe(table, Path(args.path).name))
        if mapping_data is None:
            print("proposed mapping (save it, correct it and pass it with --mapping):")
            print(dump_mapping(mapping))
        if missing:
            print(f"warning: no column is mapped to {', '.join(missing)}; every row will be refused")
        report = import_table(engine, profile, args.source, args.kind, table, mapping, now=now,
                              filename=Path(args.path).name)
    finally:
        engine.dispose()
    print(f"stored as run {report.run_id} of source {report.source}")
    print("\n".join(refused_lines(report)) or "  no refused rows")
    if report.count("unchanged"):
        print(f"  unchanged {report.count('unchanged')} (stored already, or not newer than the stored version)")
    print(report.summary_line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
