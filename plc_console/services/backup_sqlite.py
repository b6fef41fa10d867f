"""SQLite files copied with the online backup API, page by page, while consoles write.

The source connection opens one read transaction before the first page and keeps it to
the last: in WAL mode (which every console connection sets) this is a snapshot that
writers do not disturb and are not blocked by, so the copy is consistent and the backup
never restarts because someone wrote in between steps.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from plc_console.services.backup import (
    PAGES_PER_STEP,
    BackupFileError,
    BackupKind,
    BackupRefused,
    BackupResult,
    Progress,
    publish,
    sqlite_connect,
    temporary_beside,
)


def backup_sqlite_file(
    source: Path,
    out: Path,
    progress: Progress | None,
    overwrite: bool,
    pages_per_step: int = PAGES_PER_STEP,
) -> BackupResult:
    """Copy ``source`` to ``out`` via a checked temporary file (see :func:`publish`)."""
    if not source.is_file():
        raise BackupRefused("backup.no_database", db=str(source))
    _ensure_wal(source)
    temporary = temporary_beside(out)
    try:
        with _snapshot(source) as reader:
            destination = sqlite_connect(temporary)
            try:
                _copy(reader, destination, progress, pages_per_step)
                # A backup is one self-contained file: no -wal beside it to lose on the way.
                destination.execute("PRAGMA journal_mode=DELETE")
                problems = [str(row[0]) for row in destination.execute("PRAGMA integrity_check")]
                revision = _revision(destination)
            finally:
                destination.close()
        if problems != ["ok"]:
            raise BackupRefused("backup.integrity", path=str(out), reason=problems[0])
        size = temporary.stat().st_size
        publish(temporary, out, overwrite)
    finally:
        temporary.unlink(missing_ok=True)
        temporary.with_name(f"{temporary.name}-journal").unlink(missing_ok=True)
    return BackupResult(out, BackupKind.SQLITE, size, revision)


def _ensure_wal(path: Path) -> None:
    """Put the file in WAL mode (as every console connection does) before the long read.

    In the old rollback-journal mode the snapshot's read lock would hold every writer off
    for the whole copy; in WAL mode writers go on beside it.
    """
    connection = sqlite_connect(path)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


def restore_sqlite_file(source: Path, target: Path, progress: Progress | None) -> None:
    """Replace the (checked empty) ``target`` with the backup's pages in one transaction.

    The backup API holds the target's write lock from the first page to the last and
    commits at the end: if the copy is interrupted, SQLite's journal rolls the target back.
    """
    with _snapshot(source) as reader:
        destination = sqlite_connect(target)
        try:
            _copy(reader, destination, progress, PAGES_PER_STEP)
        finally:
            destination.close()


def sqlite_revision(path: Path) -> str | None:
    """The schema revision stored in an SQLite backup; the file is checked on the way."""
    try:
        with _snapshot(path) as reader:
            problems = [str(row[0]) for row in reader.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise BackupFileError("backup.damaged", path=str(path), reason=problems[0])
            return _revision(reader)
    except sqlite3.Error as exc:
        raise BackupFileError("backup.damaged", path=str(path), reason=str(exc)) from exc


@contextmanager
def _snapshot(path: Path) -> Iterator[sqlite3.Connection]:
    """A raw connection holding one read transaction (a consistent snapshot) while open."""
    connection = sqlite_connect(path)
    try:
        connection.execute("BEGIN")
        # A read transaction starts at the first read, not at BEGIN.
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield connection
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        connection.close()


def _copy(
    source: sqlite3.Connection,
    destination: sqlite3.Connection,
    progress: Progress | None,
    pages_per_step: int,
) -> None:
    def report(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    source.backup(destination, pages=pages_per_step, progress=report)


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None  # no such table: not a plc-console database
    return str(row[0]) if row else None
