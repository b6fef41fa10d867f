"""Where the database is and how to connect to it.

One coordinator works on an SQLite file in the user's data folder; several share a
PostgreSQL server named by ``PLC_DB_URL`` (or ``--db``). A plain file path is taken as
an SQLite file, which is what people type.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from plc_console.db.unstorable import refuse_unstorable_values

APP_NAME = "plc-console"
DB_URL_ENV = "PLC_DB_URL"
#: SQLite waits this long for another writer instead of failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 15_000
#: SQLite's page cache per connection (KiB). The default 2 MiB holds less than the board
#: index of 100,000 requests, so every keystroke would read it again through the OS.
#: Bounded because every pooled connection has its own (see SQLITE_POOL).
SQLITE_CACHE_KIB = 16_384
#: At most this many SQLite connections at once (pool size, overflow): a desk's workers
#: need a few, and each one holds a page cache of its own.
SQLITE_POOL = (4, 4)
#: SQLite reads the file through a memory map up to this size: no copy per page read,
#: and the pages are shared by every connection (and desk) on the machine.
SQLITE_MMAP_BYTES = 256 << 20


class DatabaseConfigError(Exception):
    """The database URL or path cannot be used; the message says why in one line."""


def data_dir() -> Path:
    """The user's data folder for plc-console (created on demand)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_db_path(demo: bool = False) -> Path:
    """The coordinator's own database, or the separate demo database."""
    return data_dir() / ("demo.sqlite3" if demo else "plc.sqlite3")


def resolve_url(given: str | None, *, demo: bool = False) -> str:
    """Turn ``--db``/``PLC_DB_URL``/the default into a SQLAlchemy URL, checking it on the way."""
    raw = given if given else os.environ.get(DB_URL_ENV) or None
    if raw is None:
        path = default_db_path(demo)
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    raw = raw.strip()
    if "://" not in raw:
        return _sqlite_url_for_path(Path(raw).expanduser())
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise DatabaseConfigError(f"not a database URL: {raw!r}") from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database and url.database != ":memory:":
            return _sqlite_url_for_path(Path(url.database).expanduser())
        return raw
    if backend == "postgresql":
        if url.get_driver_name() not in ("psycopg", "psycopg2"):
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    raise DatabaseConfigError(
        f"unsupported database {backend!r}: use sqlite:///FILE or postgresql+psycopg://…"
    )


def _sqlite_url_for_path(path: Path) -> str:
    if path.is_dir():
        raise DatabaseConfigError(f"{path} is a folder, not a database file")
    if not path.parent.exists():
        raise DatabaseConfigError(f"folder {path.parent} does not exist")
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise DatabaseConfigError(f"{path} is not an SQLite database")
    return f"sqlite:///{path.resolve()}"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings the console relies on for each backend."""
    try:
        if is_sqlite(url):
            if "poolclass" not in kwargs:
                kwargs.setdefault("pool_size", SQLITE_POOL[0])
                kwargs.setdefault("max_overflow", SQLITE_POOL[1])
            engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                **kwargs,
            )
            event.listen(engine, "connect", _sqlite_on_connect)
        else:
            engine = create_engine(url, pool_pre_ping=True, **kwargs)
        refuse_unstorable_values(engine)
        return engine
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseConfigError(f"cannot use database URL: {exc}") from exc


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets a board read while another desk writes; foreign keys are off by default
    # in SQLite; busy_timeout turns "database is locked" into waiting.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Reading speed for the board: a bigger page cache, the file mapped into memory, and
    # temporary tables and sorts (the search's hits, ORDER BY) kept in memory.
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def check_connection(engine: Engine) -> None:
    """Fail early, in one line, when the database cannot be reached."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseConfigError(f"cannot reach database {describe(engine)}: {reason}") from exc


def describe(engine: Engine) -> str:
    """The database's URL with any password hidden, for messages."""
    return engine.url.render_as_string(hide_password=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: services hand out plain data built before commit anyway,
    # and nothing should lazy-load after a session closes.
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    with factory() as session, session.begin():
        yield session
