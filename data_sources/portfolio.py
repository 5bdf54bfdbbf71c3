"""The city's application portfolio (the evaluation's technology support): each application's
name, group, owner agency, address, whether it is on the city's single sign-on and how many
used it last month; and its availability, watched as a device of kind ``app`` (``cities.APP_KIND``)
that the worker's HTTP probe checks at the application's health address.

Apps are kept out of the profile's ``devices`` (the kinds on the map, with their pages, tiles
and briefing lines): their rules are the profile's ``applications`` block, which the roll-ups
and retention read through ``CityProfile.device_rules`` and the silence rules through
``refresh_app_states``.

``python -m data_sources.portfolio import FILE.csv`` reads a CSV (or .xlsx) file with the columns
``code, name, group, agency, url, health_url, sso_ready, users_last_month`` (Indonesian names
too: kode, nama, kelompok, opd, alamat, url_kesehatan, siap_sso, pengguna_bulan_lalu; only code,
name and group are required), creates or updates each application by its code, and ends with
the line ``received N, created N, updated N, rejected N``. Exit status: 0 when the file was read
(rows may have been refused, each named with its row number and reason), 1 when the file is not a
table at all, 2 for a usage error or a file without the required columns.
"""
from __future__ import annotations

import argparse
import getpass
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, insert, select, update

from cities import APP_KIND, CityProfile
from data_sources import audit
from data_sources import models as m
from data_sources.ingest.spreadsheet import Table, UnreadableFile, read_table
from data_sources.queries.evidence import APP_GROUPS
from data_sources.rules.device_state import refresh_states

REQUIRED = ("code", "name", "group")
COLUMNS = {  # field -> the header names it is read from (lower case, spaces and hyphens as underscores)
    "code": ("code", "kode", "kode_aplikasi", "id"),
    "name": ("name", "nama", "nama_aplikasi", "aplikasi", "application"),
    "group": ("group", "app_group", "kelompok", "kategori", "category"),
    "agency": ("agency", "opd", "perangkat_daerah", "pemilik", "owner", "owner_agency"),
    "url": ("url", "alamat", "alamat_url", "tautan", "link"),
    "health_url": ("health_url", "check_url", "url_kesehatan", "url_cek", "healthcheck"),
    "sso_ready": ("sso_ready", "sso", "siap_sso"),
    "users_last_month": ("users_last_month", "users", "pengguna", "pengguna_bulan_lalu"),
}
_YES = {"1", "y", "ya", "yes", "true", "benar", "siap", "sudah", "x", "✓"}
_NO = {"", "0", "n", "no", "tidak", "false", "salah", "belum", "-"}


@dataclass(frozen=True)
class AppRecord:
    """One application as checked: ``agency_id`` resolved, ``health_url`` defaulting to ``url``."""

    code: str
    name: str
    group: str
    agency_id: int | None
    url: str | None
    health_url: str | None
    sso_ready: bool
    users_last_month: int | None


@dataclass
class ImportReport:
    received: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    problems: list[str] = field(default_factory=list)  # "row 4: ..." per refused row, or why the file is unusable

    def line(self) -> str:
        return (f"received {self.received}, created {self.created}, updated {self.updated}, "
                f"rejected {self.rejected}")


class WrongColumns(ValueError):
    """The file lacks a required column."""


# --- reading --------------------------------------------------------------------------------------


def _key(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(header).strip().lower())


def column_map(columns: list[str]) -> dict[str, str]:
    """field -> the file's column holding it; raises ``WrongColumns`` naming what is missing."""
    by_key = {_key(c): c for c in columns}
    found = {name: next((by_key[a] for a in aliases if a in by_key), None) for name, aliases in COLUMNS.items()}
    missing = [name for name in REQUIRED if found[name] is None]
    if missing:
        raise WrongColumns(f"the file has no column for {', '.join(missing)} (its columns: "
                           f"{', '.join(map(str, columns))[:300]}); required: {', '.join(REQUIRED)}")
    return {name: column for name, column in found.items() if column is not None}


def _group(value) -> str:
    key = _key(value).replace("_", "")
    for group in APP_GROUPS:
        if key == group.replace("_", ""):
            return group
    raise ValueError(f"group {str(value)[:40]!r} is not one of {', '.join(APP_GROUPS)}")


def _url(value, what: str) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    parts = urlsplit(text)
    if len(text) > 500 or parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in text:
        raise ValueError(f"{what} {text[:60]!r} is not an http(s) address")
    return text


def _flag(value) -> bool:
    text = str(value if value is not None else "").strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"sso_ready {str(value)[:20]!r} is not yes or no (ya/tidak)")


def _count(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip().replace(" ", "")
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):  # 12.345 or 12,345: thousands
            text = re.sub(r"[.,]", "", text)
        if not re.fullmatch(r"\d+", text):
            raise ValueError(f"users_last_month {str(value)[:20]!r} is not a whole number")
        number = int(text)
    if number < 0 or number != int(number) or number > 2**31 - 1:
        raise ValueError(f"users_last_month {value!r} is not a whole number of users")
    return int(number)


def agency_lookup(conn: Connection, city_code: str) -> dict[str, int]:
    """Agency code, name and English name (lower case) -> its id."""
    out: dict[str, int] = {}
    for agency_id, code, name, name_en in conn.execute(
            select(m.Agency.id, m.Agency.code, m.Agency.name, m.Agency.name_en).where(m.Agency.city_code == city_code)):
        for label in (code, name, name_en):
            if label:
                out.setdefault(str(label).strip().lower(), agency_id)
    return out


def parse_row(cells: dict, columns: dict[str, str], agencies: dict[str, int]) -> AppRecord:
    """One row as an ``AppRecord``; raises ValueError naming the column that is wrong."""
    value = lambda name: cells.get(columns[name]) if name in columns else None  # noqa: E731
    code = str(value("code") or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,63}", code):
        raise ValueError(f"code {code[:70]!r} must be 1-64 letters, digits, '.', '_' or '-'")
    name = " ".join(str(value("name") or "").split())
    if not name or len(name) > 200:
        raise ValueError("name is empty" if not name else "name is longer than 200 characters")
    agency_text = " ".join(str(value("agency") or "").split())
    agency_id = None
    if agency_text:
        agency_id = agencies.get(agency_text.lower())
        if agency_id is None:
            raise ValueError(f"agency {agency_text[:60]!r} is not an agency of the city (code or name)")
    url = _url(value("url"), "url")
    return AppRecord(code, name, _group(value("group")), agency_id, url, _url(value("health_url"), "health_url") or url,
                     _flag(value("sso_ready")), _count(value("users_last_month")))


# --- storing ---------------------------------------------------------------------------------------


def app_source_id(conn: Connection, profile: CityProfile) -> int | None:
    """The id of the source the apps' samples are counted for (None: the city does not watch them)."""
    if profile.applications is None:
        return None
    return conn.execute(select(m.Source.id).where(m.Source.city_code == profile.code,
                                                  m.Source.key == profile.applications.source)).scalar()


def device_values(profile: CityProfile, record: AppRecord, source_id: int, now: datetime, *,
                  check_method: str = "http") -> dict:
    """A new ``app`` device's columns for ``record`` (no place: an application is not on the map)."""
    rules = profile.applications
    return dict(city_code=profile.code, kind=APP_KIND, source_id=source_id, external_id=f"app-{record.code}",
                name=record.name[:200], check_method=check_method, check_url=record.health_url,
                expected_interval_seconds=rules.expected_interval_seconds, uptime_target=rules.uptime_target,
                state="pending", installed_at=now, active=True)


def store(conn: Connection, profile: CityProfile, records: list[AppRecord], now: datetime) -> tuple[int, int]:
    """Create or update each application by its code, and its ``app`` device: probed over HTTP at
    ``health_url``; an application without an address is not watched (its device switched off).
    Returns (created, updated)."""
    source_id = app_source_id(conn, profile)
    known = {row.code: row for row in conn.execute(
        select(m.Application.code, m.Application.id, m.Application.device_id)
        .where(m.Application.city_code == profile.code, m.Application.code.in_([r.code for r in records])))} \
        if records else {}
    created = updated = 0
    for record in records:
        values = dict(name=record.name, app_group=record.group, agency_id=record.agency_id, url=record.url,
                      sso_ready=record.sso_ready, users_last_month=record.users_last_month)
        row = known.get(record.code)
        device_id = _watch(conn, profile, record, row.device_id if row else None, source_id, now)
        if row is None:
            conn.execute(insert(m.Application).values(city_code=profile.code, code=record.code, device_id=device_id,
                                                      **values))
            created += 1
        else:
            conn.execute(update(m.Application).where(m.Application.id == row.id).values(device_id=device_id, **values))
            updated += 1
    return created, updated


def _watch(conn: Connection, profile: CityProfile, record: AppRecord, device_id: int | None, source_id: int | None,
           now: datetime) -> int | None:
    """The id of the device that watches ``record`` (made or updated), or None when it is not watched."""
    if source_id is None or not record.health_url:
        if device_id is not None:
            conn.execute(update(m.Device).where(m.Device.id == device_id).values(active=False))
        return None
    if device_id is None:  # an earlier import may have left one under the same external id
        device_id = conn.execute(select(m.Device.id).where(m.Device.source_id == source_id,
                                                           m.Device.external_id == f"app-{record.code}")).scalar()
    if device_id is None:
        return conn.execute(insert(m.Device).values(**device_values(profile, record, source_id, now))
                            .returning(m.Device.id)).scalar_one()
    conn.execute(update(m.Device).where(m.Device.id == device_id).values(
        name=record.name[:200], check_url=record.health_url, check_method="http", active=True))
    return device_id


def import_table(conn: Connection, profile: CityProfile, table: Table, now: datetime) -> ImportReport:
    """Check every row of ``table`` and store the good ones (one transaction: ``conn``'s).
    Raises ``WrongColumns`` when a required column is missing."""
    report = ImportReport(received=len(table.rows))
    columns = column_map(table.columns)
    agencies = agency_lookup(conn, profile.code)
    records: dict[str, AppRecord] = {}
    first_row: dict[str, int] = {}
    for position, number, cells in table.records():
        try:
            if position in table.problems:
                raise ValueError(table.problems[position])
            record = parse_row(cells, columns, agencies)
            if record.code in records:
                raise ValueError(f"code {record.code!r} appears again (first in row {first_row[record.code]})")
        except ValueError as exc:
            report.rejected += 1
            report.problems.append(f"row {number}: {exc}")
            continue
        records[record.code] = record
        first_row[record.code] = number
    report.created, report.updated = store(conn, profile, list(records.values()), now)
    return report


def import_file(engine: Engine, profile: CityProfile, payload: bytes, *, now: datetime, actor: str,
                file_name: str | None = None) -> ImportReport:
    """Read and import ``payload``; the import and its audit entry are one transaction.
    Raises ``UnreadableFile`` (not a table) and ``WrongColumns``."""
    table = read_table(payload)
    with engine.begin() as conn:
        report = import_table(conn, profile, table, now)
        audit.record(conn, now, actor, None, "admin_change",
                     f"application portfolio imported{f' from {file_name}' if file_name else ''}: {report.line()}")
    return report


# --- the apps' state rules --------------------------------------------------------------------------


def refresh_app_states(conn: Connection, profile: CityProfile, now: datetime,
                       watching_since: datetime | None = None) -> dict:
    """The silence and flapping rules for the ``app`` devices, with the profile's
    ``applications`` rules (``device_state.refresh_states`` covers the kinds of ``devices``, so it
    is given a view of the profile whose only kind is ``app``)."""
    if profile.applications is None:
        return {"to_unknown": 0, "to_offline": 0, "flapping": 0}
    return refresh_states(conn, profile.model_copy(update={"devices": {APP_KIND: profile.applications}}), now,
                          watching_since)


# --- command line ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    from cities import load_profile
    from data_sources.db import make_engine
    from settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m data_sources.portfolio", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("import", help="create or update applications from a CSV (or .xlsx) file")
    load.add_argument("file", type=Path)
    load.add_argument("--actor", default=None, help="who imports, for the audit log (default: cli:<user>)")
    args = parser.parse_args(argv)
    settings = load_settings()
    profile = load_profile(settings.city)
    engine = make_engine(settings.database_url)
    report = ImportReport()
    try:
        payload = args.file.read_bytes()
    except OSError as exc:
        print(f"cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        print(report.line())
        return 2
    try:
        report = import_file(engine, profile, payload, now=datetime.now(timezone.utc),
                             actor=args.actor or f"cli:{getpass.getuser()}", file_name=args.file.name)
    except UnreadableFile as exc:
        print(f"{args.file.name}: {exc}", file=sys.stderr)
        print(report.line())
        return 1
    except WrongColumns as exc:
        print(f"{args.file.name}: {exc}", file=sys.stderr)
        table = read_table(payload)
        print(ImportReport(received=len(table.rows), rejected=len(table.rows)).line())
        return 2
    finally:
        engine.dispose()
    for problem in report.problems:
        print(problem)
    print(report.line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
