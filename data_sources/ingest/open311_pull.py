"""The Open311 pull: read new and changed service requests from an Open311 GeoReport v2 server
into the complaints of a source whose profile entry has an ``open311`` block
(``cities.Open311PullSpec``), on the worker's schedule or from the command line.

One pull, one run of the source:

1. ``services.{format}``: the server's service list; codes of the source's ``service_codes``
   mapping that the server does not offer are named in the run's message (not a failure).
2. ``requests.{format}?start_date=..&end_date=..`` in consecutive windows of ``window_hours``,
   from the remembered position (less ``overlap_minutes``, for requests that reach the server
   late) up to now; the first pull starts at ``first_since`` (default: 7 days back). An answer
   holding ``page_size`` requests may be cut short by the server: with ``paging: split`` (the
   default; only standard parameters) the window is halved until every part answers with fewer;
   with ``paging: page`` the same window is asked again with ``page=2, 3, ...``. Either way at
   most ``max_pages`` answers per window, else the pull fails saying so.
3. Open requests of the source received within ``refresh_open_days`` are asked for again by id
   (``service_request_id=a,b,c``, GeoReport's multi-id query), ``refresh_max`` per pull in turn,
   so a request closed on the server is closed here too.

Each request's ``service_code`` goes through the mapping; a code not in it is kept as it is (the
store takes a category's code or Open311 service code, and refuses anything else with its
reason). Every other field keeps its Open311 name. Everything one pull fetched is stored in one
batch through ``feeds.ingest`` (one ``source_runs`` row). The position (``sources.pull_state``,
JSON) is then moved to the end of the last window fetched, so a window that failed is fetched
again on the next pull; a pull stops early after ``max_windows`` windows, 5,000 requests or half
its interval, and the next one carries on. A failure (the server down, slow, refusing or
answering garbage; an API key missing from the environment) is a failed run on the source with
the reason, after what came before it was stored in a run of its own; the wall then shows the
source failing, and stale past its freshness budget. Nothing is raised into the worker.

``python -m data_sources.ingest.open311_pull [--source KEY] [--once]``
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import SQLAlchemyError

from cities import CityProfile, Open311PullSpec, SourceSpec
from data_sources import models as m
from data_sources.ingest.batch import ACCEPTED, Report, find_source, record_failure
from data_sources.ingest.feeds import WrongFeed, ingest
from data_sources.ingest.open311 import service_code_for
from data_sources.ingest.open311_client import Open311Client, PullError, iso
from data_sources.ingest.validation import MAX_BATCH

log = logging.getLogger(__name__)

VIA = "open311 pull"
FIRST_DAYS = 7
IDS_PER_CALL = 50
CLOSED = ("resolved", "rejected")


@dataclass
class PullReport:
    """What one pull of one source did, for the log and the command line."""

    source: str
    status: str = "ok"  # ok | failed | skipped
    message: str = ""
    received: int = 0
    accepted: int = 0
    rejected: int = 0
    position: datetime | None = None
    calls: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        where = f"position {iso(self.position)}" if self.position else "no position yet"
        return f"{self.source}: {self.status} in {self.seconds:.2f} s, {self.calls} calls, {where}: {self.message}"


def pulled_sources(profile: CityProfile) -> list[SourceSpec]:
    return [s for s in profile.sources if s.open311 is not None]


def _state(engine: Engine, source_id: int) -> tuple[dict, bool]:
    with engine.connect() as conn:
        text, enabled = conn.execute(select(m.Source.pull_state, m.Source.enabled)
                                     .where(m.Source.id == source_id)).one()
    try:
        state = json.loads(text) if text else {}
    except ValueError:
        state = {}  # unreadable: start again from first_since
    return (state if isinstance(state, dict) else {}), enabled is None or bool(enabled)


def _position(state: dict) -> datetime | None:
    try:
        moment = datetime.fromisoformat(state["position"])
    except (KeyError, TypeError, ValueError):
        return None
    return moment if moment.tzinfo else None


def windows(start: datetime, now: datetime, hours: float, limit: int) -> list[tuple[datetime, datetime]]:
    """Consecutive (start, end) windows of ``hours`` from ``start`` up to ``now``, at most ``limit``."""
    step, found = timedelta(hours=hours), []
    while start < now and len(found) < limit:
        end = min(start + step, now)
        found.append((start, end))
        start = end
    return found


class _Pull:
    """One pull of one source: fetch, then store once; the notes end up in the run's message."""

    def __init__(self, engine: Engine, profile: CityProfile, spec: SourceSpec, source_id: int, state: dict,
                 now: datetime, client: Open311Client) -> None:
        self.engine, self.profile, self.spec, self.pull = engine, profile, spec, spec.open311
        self.source_id, self.state, self.now, self.client = source_id, state, now, client
        self.deadline = time.monotonic() + self.pull.interval_seconds / 2
        self.records: dict[object, object] = {}
        self.notes: list[str] = []
        self.position = _position(state)
        self.cursor = state.get("refresh_after", 0) if isinstance(state.get("refresh_after"), int) else 0

    def fetch(self) -> None:
        """Everything this pull reads; raises ``PullError`` at the first call that fails, keeping what
        the windows before it brought (``position`` says how far)."""
        self._check_services()
        start = self.position - timedelta(minutes=self.pull.overlap_minutes) if self.position else (
            self.pull.first_since or self.now - timedelta(days=FIRST_DAYS))
        planned = windows(start, self.now, self.pull.window_hours, self.pull.max_windows)
        for number, (begin, end) in enumerate(planned, 1):
            if number > 1 and (time.monotonic() > self.deadline or len(self.records) >= MAX_BATCH):
                self.notes.append(f"stopped after {number - 1} of {len(planned)} windows; the next pull carries on")
                return
            self._keep(self.client.requests_between(begin, end))
            whole = datetime.fromisoformat(iso(end))  # the seconds the server was asked for
            self.position = max(self.position, whole) if self.position else whole
        if len(planned) == self.pull.max_windows and planned[-1][1] < self.now:
            self.notes.append(f"caught up to {iso(planned[-1][1])}; the next pull carries on")
        self._refresh()

    def _keep(self, items: list) -> None:
        """Later answers replace earlier ones of the same request (the server's newer state)."""
        for item in items:
            rid = item.get("service_request_id") if isinstance(item, dict) else None
            self.records[str(rid) if rid not in (None, "") else ("no id", len(self.records))] = item

    def _check_services(self) -> None:
        offered = {str(s.get("service_code", "")).strip() for s in self.client.services() if isinstance(s, dict)}
        missing = sorted(set(self.pull.service_codes) - offered)
        if missing:
            self.notes.append(f"service codes in the mapping that the server does not offer: {', '.join(missing)}")
        ours = {c.code for c in self.profile.complaint_categories}
        wrong = sorted({v for v in self.pull.service_codes.values() if v not in ours})
        if wrong:
            self.notes.append(f"mapping targets that are not categories of the city: {', '.join(wrong)}")

    def _refresh(self) -> None:
        """Ask again, by id, for open requests of the source, ``refresh_max`` per pull in turn."""
        if not (self.pull.refresh_open_days and self.pull.refresh_max):
            return
        since = self.now - timedelta(days=self.pull.refresh_open_days)
        with self.engine.connect() as conn:
            rows = conn.execute(select(m.Complaint.id, m.Complaint.external_id).where(
                m.Complaint.source_id == self.source_id, m.Complaint.status.not_in(CLOSED),
                m.Complaint.received_at >= since, m.Complaint.id > self.cursor)
                .order_by(m.Complaint.id).limit(self.pull.refresh_max)).all()
        for i in range(0, len(rows), IDS_PER_CALL):
            if i and time.monotonic() > self.deadline:
                self.notes.append(f"asked again for {i} of {len(rows)} open requests (time budget)")
                self.cursor = rows[i - 1].id
                return
            self._keep(self.client.requests_by_id([r.external_id for r in rows[i:i + IDS_PER_CALL]]))
        self.cursor = rows[-1].id if len(rows) == self.pull.refresh_max else 0
        if rows:
            self.notes.append(f"{len(rows)} open requests asked for again")

    def raws(self) -> list:
        """The fetched requests with their service codes mapped; codes that are neither mapped nor the
        city's are counted in the notes (the store refuses them)."""
        ours = {c.code for c in self.profile.complaint_categories}
        ours |= {service_code_for(c) for c in self.profile.complaint_categories}
        unknown: dict[str, int] = {}
        raws = []
        for item in self.records.values():
            if isinstance(item, dict):
                item = {k: v for k, v in item.items() if v is not None and v != ""}
                code = str(item.get("service_code", "")).strip()
                if code in self.pull.service_codes:
                    item["service_code"] = self.pull.service_codes[code]
                elif code not in ours:
                    unknown[code] = unknown.get(code, 0) + 1
                item.setdefault("channel", "open311")
            raws.append(item)
        if unknown:
            self.notes.append("unmapped service codes: " + ", ".join(f"{c or '(none)'} ({n})"
                                                                      for c, n in sorted(unknown.items())))
        return raws

    def batch(self) -> Report:
        """Store what was fetched as one run of the source, through the ingest path."""
        report = ingest(self.engine, self.profile, self.spec.key, "complaints", self.raws(), via=VIA, now=self.now)
        if self.notes:
            report.message = f"{report.message}; {'; '.join(self.notes)}"
        return report

    def save(self, report: Report) -> None:
        """The run's message with the notes, and the source's new position."""
        state = {**self.state, "refresh_after": self.cursor}
        if self.position:
            state["position"] = iso(self.position)
        with self.engine.begin() as conn:
            conn.execute(update(m.SourceRun).where(m.SourceRun.id == report.run_id).values(message=report.message))
            conn.execute(update(m.Source).where(m.Source.id == self.source_id).values(pull_state=json.dumps(state)))


def _api_key(pull: Open311PullSpec) -> str | None:
    if not pull.api_key_env:
        return None
    key = os.environ.get(pull.api_key_env, "").strip()
    if not key:
        raise PullError(f"the environment variable {pull.api_key_env} (api_key_env) holding the API key is not set")
    return key


def _fetch(engine: Engine, profile: CityProfile, spec: SourceSpec, source_id: int, state: dict, now: datetime,
           result: PullReport) -> tuple[_Pull | None, str | None]:
    """Run the pull's HTTP part: the pull (with what it fetched) and the error that stopped it, if any."""
    secret, pull = None, None
    try:
        secret = _api_key(spec.open311)
        with Open311Client(spec.open311, secret) as client:
            pull = _Pull(engine, profile, spec, source_id, state, now, client)
            try:
                pull.fetch()
            finally:
                result.calls = client.calls
    except (PullError, SQLAlchemyError) as exc:  # the database: reading the open requests to ask for again
        message = f"{VIA}: {exc}"[:1000]
        return pull, message.replace(secret, "***") if secret else message
    return pull, None


def _store(pull: _Pull, result: PullReport) -> tuple[str | None, bool]:
    """Store the pull's batch and move its position: (the error, if any; whether a failed run was recorded)."""
    try:
        report = pull.batch()
    except SQLAlchemyError as exc:  # the batch has recorded its failed run
        return f"{VIA}: storing failed: {exc}"[:1000], True
    except (LookupError, WrongFeed) as exc:
        return f"{VIA}: storing failed: {exc}", False
    result.received, result.accepted = report.received, report.count(*ACCEPTED)
    result.rejected, result.message = report.count("rejected", "duplicate"), report.message
    try:
        pull.save(report)
    except SQLAlchemyError as exc:
        return f"{VIA}: the records are stored, the position is not: {exc}"[:1000], False
    result.position = pull.position
    return None, False


def pull_source(engine: Engine, profile: CityProfile, source_key: str, *, now: datetime | None = None) -> PullReport:
    """Pull one source once. Never raises for what a server or the database does: a failure is a
    failed run on the source (when the database lets us) and a report saying why. A key that is
    not a pulled source of the profile raises ``LookupError``."""
    spec = next((s for s in pulled_sources(profile) if s.key == source_key), None)
    if spec is None:
        raise LookupError(f"{profile.slug} has no source {source_key!r} with an open311 block "
                          f"(those with one: {', '.join(s.key for s in pulled_sources(profile)) or 'none'})")
    now = now or datetime.now(timezone.utc)
    started, result = time.perf_counter(), PullReport(source_key)
    try:
        with engine.connect() as conn:
            source_id = find_source(conn, profile.code, source_key).id
        state, enabled = _state(engine, source_id)
    except (LookupError, SQLAlchemyError) as exc:
        result.status, result.message = "failed", f"{VIA}: {exc}"
        log.warning("%s", result.line())
        return result
    result.position = _position(state)
    if not enabled:
        result.status, result.message = "skipped", "the source is disabled"
        return result
    pull, error = _fetch(engine, profile, spec, source_id, state, now, result)
    recorded = False
    if pull is not None and (error is None or pull.records or pull.position != result.position):
        stored_error, recorded = _store(pull, result)  # what came before a failure is kept: the position moves
        error = error or stored_error
    if error:
        if not recorded:
            record_failure(engine, source_id, now, error)
        before = f" (stored before it: {result.message})" if result.message else ""
        result.status, result.message = "failed", error + before
        log.warning("%s", result.line())
    result.seconds = time.perf_counter() - started
    return result


def pull_all(engine: Engine, profile: CityProfile, *, only: str | None = None,
             now: datetime | None = None) -> list[PullReport]:
    """Pull every source with an ``open311`` block (or only ``only``) once."""
    keys = [only] if only else [s.key for s in pulled_sources(profile)]
    return [pull_source(engine, profile, key, now=now) for key in keys]


def jobs(engine: Engine, profile: CityProfile, *, only: str | None = None,
         now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> list[tuple[str, Callable, float]]:
    """One scheduler job per pulled source, on its ``interval_seconds``: (name, function, seconds)."""
    return [(f"open311 {s.key}", lambda key=s.key: pull_source(engine, profile, key, now=now()).line(),
             s.open311.interval_seconds) for s in pulled_sources(profile) if only in (None, s.key)]


def main(argv: list[str] | None = None) -> int:
    from cities import load_profile
    from data_sources.db import make_engine
    from data_sources.schedule import run_forever
    from settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m data_sources.ingest.open311_pull",
                                     description="Pull complaints from the Open311 GeoReport v2 servers of the "
                                                 "city profile's sources.")
    parser.add_argument("--source", help="only this source (its key); default: every source with an open311 block")
    parser.add_argument("--once", action="store_true", help="pull once and exit (default: on each source's interval)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines would show the api_key
    settings = load_settings()
    profile = load_profile(settings.city)
    known = [s.key for s in pulled_sources(profile)]
    if not known or (args.source and args.source not in known):
        print(f"{profile.slug}: no source {'named ' + repr(args.source) + ' ' if args.source else ''}with an "
              f"open311 block (with one: {', '.join(known) or 'none'})")
        return 2
    engine = make_engine(settings.database_url)
    try:
        if not args.once:
            run_forever(jobs(engine, profile, only=args.source))
            return 0
        reports = pull_all(engine, profile, only=args.source)
        for report in reports:
            print(report.line())
        return 0 if all(r.status != "failed" for r in reports) else 1
    finally:
        engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
