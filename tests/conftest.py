"""Shared fixtures: a fresh migrated database per test on SQLite and on PostgreSQL.

PostgreSQL tests use ``PLC_TEST_PG_URL`` (default: the local server, user postgres) and
create a throw-away database for each test; they are skipped, with the reason shown,
only when no server answers.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from plc_console.services.database import Database, open_database

PG_URL = os.environ.get("PLC_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
#: A fixed "now" so dates and days-in-stage in tests never depend on the calendar.
NOW = datetime(2026, 11, 20, 10, 0, 0)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's real database, language or user name."""
    monkeypatch.delenv("PLC_DB_URL", raising=False)
    monkeypatch.setenv("PLC_LANG", "en")
    monkeypatch.setenv("PLC_ACTOR", "tester")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


def _pg_admin_url() -> str:
    return PG_URL


def _pg_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        engine = create_engine(_pg_admin_url())
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except OperationalError as exc:
        return f"PostgreSQL not reachable at {PG_URL}: {str(exc.orig).splitlines()[0]}"
    return None


@pytest.fixture(scope="session")
def pg_reason() -> str | None:
    return _pg_available()


@contextmanager
def _pg_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (a copy of ``template`` if given), dropped afterwards."""
    name = f"plc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_template(pg_reason: str | None) -> Iterator[str]:
    """A migrated, seeded database that each test's database is copied from (fast)."""
    if pg_reason:
        pytest.skip(pg_reason)
    with _pg_database() as url:
        open_database(url).engine.dispose()
        yield make_url(url).database or ""


@pytest.fixture
def pg_empty_url(pg_reason: str | None) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test."""
    if pg_reason:
        pytest.skip(pg_reason)
    with _pg_database() as url:
        yield url


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """A new PostgreSQL database at the current schema for one test, dropped afterwards."""
    with _pg_database(template=pg_template) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'plc.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The URL of a fresh database, once per backend."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest) -> str:
    """The URL of a database with no tables at all, once per backend."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_empty_url"))


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    """A fresh, migrated database with topics seeded."""
    db = open_database(db_url)
    try:
        yield db
    finally:
        db.engine.dispose()


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """A session whose work the test commits itself (as the services' callers do)."""
    with database.sessions() as session:
        yield session
