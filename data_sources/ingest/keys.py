"""API keys of the sources: each key writes only its own source's records.

A key is shown once, when it is made; the database keeps its SHA-256 (keys are long random
strings, so a fast hash is as safe as a slow one here and costs nothing per request), its
first characters to tell keys apart, when it was made, last used and revoked. A revoked key
stops working at once (every request looks it up).

    python -m data_sources.ingest.keys create SOURCE [--kind complaints|devices|kpis] [--name NAME]
    python -m data_sources.ingest.keys list [SOURCE]
    python -m data_sources.ingest.keys revoke PREFIX

``create`` makes the source if the city has none of that key (``--kind`` says what it carries,
default complaints) and prints the new key alone on its last line.
"""
from __future__ import annotations

import argparse
import hashlib
import secrets
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Connection, Engine, insert, select, update

from data_sources import models as m
from data_sources.ingest.batch import Source

KEY_PREFIX = "lrk_"
KINDS = ("complaints", "devices", "kpis")
NEW_SOURCE_BUDGET = {"complaints": 900, "devices": 300, "kpis": 40 * 86400}  # seconds until stale
LAST_USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per key


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class KeyOwner:
    key_id: int
    source: Source


def make_key(conn: Connection, source_id: int, name: str, now: datetime) -> str:
    """A new key for the source; returns the key itself (only its hash is stored)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    conn.execute(insert(m.SourceKey).values(source_id=source_id, name=name[:100], prefix=key[:12],
                                            key_hash=digest(key), created_at=now))
    return key


def owner_of(conn: Connection, key: str, now: datetime) -> KeyOwner | None:
    """The source a valid (known, not revoked) key belongs to, noting when it was used; None otherwise."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    row = conn.execute(select(m.SourceKey.id, m.SourceKey.last_used_at, m.Source.id, m.Source.key,
                              m.Source.city_code, m.Source.feed)
                       .join(m.Source, m.Source.id == m.SourceKey.source_id)
                       .where(m.SourceKey.key_hash == digest(key), m.SourceKey.revoked_at.is_(None))).first()
    if row is None:
        return None
    key_id, last_used = row[0], row[1]
    if last_used is None or now - last_used >= LAST_USED_EVERY:
        conn.execute(update(m.SourceKey).where(m.SourceKey.id == key_id).values(last_used_at=now))
    return KeyOwner(key_id, Source(*row[2:]))


def ensure_source(conn: Connection, city_code: str, source_key: str, kind: str) -> tuple[int, bool]:
    """The source's id, making it (an API source carrying ``kind``) if the city has none: (id, made)."""
    found = conn.execute(select(m.Source.id).where(m.Source.city_code == city_code,
                                                   m.Source.key == source_key)).scalar()
    if found is not None:
        return found, False
    made = conn.execute(insert(m.Source).values(
        city_code=city_code, key=source_key, name=source_key, kind="api", feed=kind,
        freshness_budget_seconds=NEW_SOURCE_BUDGET[kind], enabled=True).returning(m.Source.id)).scalar_one()
    return made, True


def list_keys(conn: Connection, city_code: str, source_key: str | None = None) -> list:
    """Keys (never the keys themselves): source, name, prefix, created, last used, revoked."""
    stmt = (select(m.Source.key.label("source"), m.SourceKey.name, m.SourceKey.prefix, m.SourceKey.created_at,
                   m.SourceKey.last_used_at, m.SourceKey.revoked_at)
            .join(m.Source, m.Source.id == m.SourceKey.source_id).where(m.Source.city_code == city_code)
            .order_by(m.Source.key, m.SourceKey.created_at))
    if source_key:
        stmt = stmt.where(m.Source.key == source_key)
    return conn.execute(stmt).all()


def revoke(conn: Connection, city_code: str, prefix: str, now: datetime) -> int:
    """Revoke the city's keys that start with ``prefix`` (at least 8 characters); returns how many."""
    if len(prefix) < 8:
        raise ValueError("give at least the first 8 characters of the key (as `list` shows them)")
    ids = conn.execute(select(m.SourceKey.id).join(m.Source, m.Source.id == m.SourceKey.source_id)
                       .where(m.Source.city_code == city_code, m.SourceKey.prefix.startswith(prefix[:12]),
                              m.SourceKey.revoked_at.is_(None))).scalars().all()
    if ids:
        conn.execute(update(m.SourceKey).where(m.SourceKey.id.in_(ids)).values(revoked_at=now))
    return len(ids)


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def main(argv: list[str] | None = None, engine: Engine | None = None) -> int:
    from cities import load_profile
    from data_sources.db import make_engine
    from settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m data_sources.ingest.keys", description="API keys of the sources.")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="a new key for SOURCE (made if missing); the key is the last line")
    create.add_argument("source")
    create.add_argument("--kind", choices=KINDS, default="complaints", help="what a new source carries")
    create.add_argument("--name", default="", help="what the key is for (default: the source's key and today)")
    listing = commands.add_parser("list", help="the keys (never the keys themselves)")
    listing.add_argument("source", nargs="?")
    withdraw = commands.add_parser("revoke", help="revoke the key that starts with PREFIX")
    withdraw.add_argument("prefix")
    args = parser.parse_args(argv)
    settings = load_settings()
    city = load_profile(settings.city).code
    now = settings.frozen_now or datetime.now(timezone.utc)
    own_engine = engine is None
    engine = engine or make_engine(settings.database_url)
    try:
        with engine.begin() as conn:
            if args.command == "create":
                source_id, made = ensure_source(conn, city, args.source, args.kind)
                if made:
                    print(f"source {args.source} created (carries {args.kind})")
                key = make_key(conn, source_id, args.name or f"{args.source} {now:%Y-%m-%d}", now)
                print("the key is shown only now; keep it in the sending system's settings:")
                print(key)
            elif args.command == "list":
                rows = list_keys(conn, city, args.source)
                for row in rows:
                    state = f"revoked {_when(row.revoked_at)}" if row.revoked_at else "active"
                    print(f"{row.source}\t{row.prefix}…\t{row.name}\tcreated {_when(row.created_at)}\t"
                          f"last used {_when(row.last_used_at)}\t{state}")
                if not rows:
                    print("no keys")
            else:
                count = revoke(conn, city, args.prefix, now)
                print(f"revoked {count} key(s)")
                if not count:
                    return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if own_engine:
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
