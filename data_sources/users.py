"""People's accounts and wall screens: create, check a password, disable; make and revoke a
wall screen's device token. Passwords are hashed with argon2 (``argon2-cffi``); a wall token,
a long random string, is stored as its SHA-256.

    python -m data_sources.users create NAME --role ROLE [--password-stdin]
    python -m data_sources.users list
    python -m data_sources.users disable NAME
    python -m data_sources.users wall create SCREEN [--pages overview,complaints,cctv,wifi]
    python -m data_sources.users wall revoke SCREEN

``create`` prints the generated password alone on its last line (or reads one from standard
input with ``--password-stdin``); ``wall create`` prints the screen's sign-in address's token
alone on its last line.
"""
from __future__ import annotations

import argparse
import hashlib
import secrets
import sys
from dataclasses import dataclass
from datetime import datetime, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, func, insert, select, update

from data_sources import models as m
from data_sources.rules.access import PEOPLE_ROLES, WALL_PAGES

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password")  # checked against when a name is unknown (same time as a real check)
MIN_PASSWORD = 10


class AccountError(ValueError):
    """A name, role or password that cannot be used."""


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    role: str


@dataclass(frozen=True)
class Screen:
    id: int
    name: str
    pages: tuple[str, ...]


def new_password() -> str:
    return secrets.token_urlsafe(15)


def _check_name(name: str) -> str:
    name = name.strip()
    if not (2 <= len(name) <= 100) or any(c.isspace() for c in name):
        raise AccountError("a name has 2 to 100 characters and no spaces")
    return name


def create_user(conn: Connection, username: str, role: str, password: str, now: datetime) -> Person:
    if role not in PEOPLE_ROLES:
        raise AccountError(f"role must be one of {', '.join(PEOPLE_ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")
    username = _check_name(username)
    if conn.execute(select(m.User.id).where(func.lower(m.User.username) == username.lower())).first():
        raise AccountError(f"there is a user {username} already")
    user_id = conn.execute(insert(m.User).values(username=username, role=role, password_hash=_hasher.hash(password),
                                                 active=True, created_at=now).returning(m.User.id)).scalar_one()
    return Person(user_id, username, role)


def check_password(conn: Connection, username: str, password: str, now: datetime) -> Person | None:
    """The active person with this name and password, noting the sign-in; None otherwise. Takes
    the same time whether or not the name exists."""
    row = conn.execute(select(m.User.id, m.User.username, m.User.role, m.User.password_hash, m.User.active)
                       .where(func.lower(m.User.username) == str(username).strip().lower()[:100])).first()
    try:
        _hasher.verify(row.password_hash if row and row.password_hash else _DUMMY_HASH, str(password)[:1000])
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active or not row.password_hash:
        return None
    conn.execute(update(m.User).where(m.User.id == row.id).values(last_login_at=now))
    return Person(row.id, row.username, row.role)


def sso_person(conn: Connection, subject: str, username: str, role: str, now: datetime) -> Person | None:
    """The account of a person signed in by the city's single sign-on (``subject`` is the
    provider's id for them), made on their first sign-in; its role follows the provider's claim
    at every sign-in. None for an account an admin has disabled. A local account with the same
    name is not taken over: the name then gets the suffix ``@sso``."""
    if role not in PEOPLE_ROLES:
        raise AccountError(f"role must be one of {', '.join(PEOPLE_ROLES)}")
    row = conn.execute(select(m.User.id, m.User.username, m.User.active).where(m.User.oidc_subject == subject)).first()
    if row is None:
        name = "".join(str(username or subject).split())[:90] or "sso"
        if conn.execute(select(m.User.id).where(func.lower(m.User.username) == name.lower())).first():
            name = f"{name}@sso"
        user_id = conn.execute(insert(m.User).values(username=name, role=role, password_hash=None, active=True,
                                                     oidc_subject=subject, created_at=now, last_login_at=now)
                               .returning(m.User.id)).scalar_one()
        return Person(user_id, name, role)
    if not row.active:
        return None
    conn.execute(update(m.User).where(m.User.id == row.id).values(role=role, last_login_at=now))
    return Person(row.id, row.username, role)


def person(conn: Connection, user_id: int) -> Person | None:
    row = conn.execute(select(m.User.id, m.User.username, m.User.role)
                       .where(m.User.id == user_id, m.User.active.is_(True))).first()
    return Person(*row) if row else None


def set_active(conn: Connection, username: str, active: bool) -> bool:
    result = conn.execute(update(m.User).where(func.lower(m.User.username) == username.lower()).values(active=active))
    return bool(result.rowcount)


def has_users(conn: Connection) -> bool:
    return conn.execute(select(func.count()).select_from(m.User)).scalar_one() > 0


# --- wall screens -------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def create_screen(conn: Connection, name: str, pages: tuple[str, ...], now: datetime) -> str:
    """A wall screen allowed ``pages``; returns its token (only the hash is kept)."""
    name = _check_name(name)
    unknown = [p for p in pages if p not in WALL_PAGES]
    if unknown or not pages:
        raise AccountError(f"a wall screen shows some of {', '.join(WALL_PAGES)}; not {', '.join(unknown) or 'none'}")
    if conn.execute(select(m.WallScreen.id).where(m.WallScreen.name == name)).first():
        raise AccountError(f"there is a wall screen {name} already")
    token = "lrw_" + secrets.token_urlsafe(32)
    conn.execute(insert(m.WallScreen).values(name=name, token_hash=_digest(token), pages=",".join(pages),
                                             created_at=now))
    return token


def screen_for_token(conn: Connection, token: str, now: datetime) -> Screen | None:
    row = conn.execute(select(m.WallScreen.id, m.WallScreen.name, m.WallScreen.pages)
                       .where(m.WallScreen.token_hash == _digest(str(token)[:200]),
                              m.WallScreen.revoked_at.is_(None))).first()
    if row is None:
        return None
    conn.execute(update(m.WallScreen).where(m.WallScreen.id == row.id).values(last_seen_at=now))
    return Screen(row.id, row.name, tuple(p for p in row.pages.split(",") if p))


def screen(conn: Connection, screen_id: int) -> Screen | None:
    """A wall screen that is not revoked."""
    row = conn.execute(select(m.WallScreen.id, m.WallScreen.name, m.WallScreen.pages)
                       .where(m.WallScreen.id == screen_id, m.WallScreen.revoked_at.is_(None))).first()
    return Screen(row.id, row.name, tuple(p for p in row.pages.split(",") if p)) if row else None


def revoke_screen(conn: Connection, name: str, now: datetime) -> bool:
    result = conn.execute(update(m.WallScreen).where(m.WallScreen.name == name, m.WallScreen.revoked_at.is_(None))
                          .values(revoked_at=now))
    return bool(result.rowcount)


# --- command line -------------------------------------------------------------------------------


def main(argv: list[str] | None = None, engine: Engine | None = None, stdin=None) -> int:
    from data_sources.db import make_engine
    from settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m data_sources.users", description="Accounts and wall screens.")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="a new account; the password is the last line printed")
    create.add_argument("name")
    create.add_argument("--role", required=True, choices=PEOPLE_ROLES)
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    commands.add_parser("list", help="the accounts")
    disable = commands.add_parser("disable", help="stop an account signing in")
    disable.add_argument("name")
    wall = commands.add_parser("wall", help="wall screens' device logins")
    wall_commands = wall.add_subparsers(dest="wall_command", required=True)
    wall_create = wall_commands.add_parser("create", help="a new wall screen; its token is the last line printed")
    wall_create.add_argument("name")
    wall_create.add_argument("--pages", default="overview,complaints,cctv,wifi")
    wall_revoke = wall_commands.add_parser("revoke", help="stop a wall screen at its next refresh")
    wall_revoke.add_argument("name")
    args = parser.parse_args(argv)
    settings = load_settings()
    now = settings.frozen_now or datetime.now(timezone.utc)
    own = engine is None
    engine = engine or make_engine(settings.database_url)
    try:
        with engine.begin() as conn:
            return _run(conn, args, now, stdin or sys.stdin)
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if own:
            engine.dispose()


def _run(conn: Connection, args, now: datetime, stdin) -> int:
    if args.command == "create":
        password = stdin.readline().rstrip("\n") if args.password_stdin else new_password()
        created = create_user(conn, args.name, args.role, password, now)
        print(f"user {created.username} ({created.role}) created")
        if not args.password_stdin:
            print("the password is shown only now:")
            print(password)
    elif args.command == "list":
        for row in conn.execute(select(m.User.username, m.User.role, m.User.active, m.User.last_login_at)
                                .order_by(m.User.username)):
            print(f"{row.username}\t{row.role}\t{'active' if row.active else 'disabled'}\tlast sign-in "
                  f"{row.last_login_at or '-'}")
    elif args.command == "disable":
        if not set_active(conn, args.name, False):
            raise AccountError(f"no user {args.name}")
        print(f"user {args.name} disabled")
    elif args.wall_command == "create":
        token = create_screen(conn, args.name, tuple(p.strip() for p in args.pages.split(",") if p.strip()), now)
        print(f"wall screen {args.name} created; sign it in once at /login/wall?token=<the token below>")
        print(token)
    elif not revoke_screen(conn, args.name, now):
        raise AccountError(f"no active wall screen {args.name}")
    else:
        print(f"wall screen {args.name} revoked")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
