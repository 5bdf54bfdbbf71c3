"""Bring a database to the newest schema: ``python -m data_sources.migrate [upgrade|downgrade REV]``."""
from __future__ import annotations

import sys

from alembic import command
from alembic.config import Config

from settings import PROJECT_ROOT, load_settings


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    action = argv[0] if argv else "upgrade"
    url = load_settings().database_url
    if action == "upgrade":
        upgrade(url, argv[1] if len(argv) > 1 else "head")
    elif action == "downgrade":
        downgrade(url, argv[1] if len(argv) > 1 else "base")
    else:
        print("usage: python -m data_sources.migrate [upgrade [REV] | downgrade [REV]]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
