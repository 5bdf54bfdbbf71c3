"""The database engine: created once from settings, shared by queries and ingest."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def make_engine(database_url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout so the
    simulator can write while the pages read."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def describe_url(database_url: str) -> dict:
    """The database's dialect, host and name, never its credentials."""
    url = make_url(database_url)
    return {
        "dialect": url.get_backend_name(),
        "host": url.host,
        "port": url.port,
        "database": Path(url.database).name if url.get_backend_name() == "sqlite" and url.database else url.database,
    }


class Database:
    """Holds the one engine of this process. ``configure`` is called by the app factory
    and by each command-line entry point; queries read ``database.engine``."""

    def __init__(self) -> None:
        self._engine: Engine | None = None
        self.url: str | None = None

    def configure(self, database_url: str) -> Engine:
        if self._engine is not None and self.url == database_url:
            return self._engine
        if self._engine is not None:
            self._engine.dispose()
        self._engine = make_engine(database_url)
        self.url = database_url
        return self._engine

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("The database is not configured: call database.configure(url) first.")
        return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self._engine = None
        self.url = None


database = Database()
