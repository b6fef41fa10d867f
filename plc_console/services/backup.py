"""Backups of the whole database, taken while consoles run, and restores into an empty one.

The data are personal data (152-FZ), so two promises hold throughout:

* nothing half-written: a backup is written to a temporary file beside OUT and renamed
  only once it is complete and checked, so OUT is either the old file or the new copy;
  a restore runs as one transaction on the target (SQLite's backup API, or
  ``pg_restore --single-transaction``), so a failure leaves the target as it was;
* nothing lost: a restore goes only into an *empty* database (see :func:`first_data`),
  never over someone's work.

SQLite files are copied with the online backup API (this module); PostgreSQL databases
with ``pg_dump``/``pg_restore`` (:mod:`plc_console.services.backup_pg`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Connection, Engine, func, inspect, select, table, text

from plc_console.db import schema
from plc_console.db.engine import SQLITE_BUSY_TIMEOUT_MS, describe, make_engine, resolve_url
from plc_console.db.models import Base
from plc_console.domain import PlcError

#: Called with (pages copied, pages in all) while an SQLite file is copied.
Progress = Callable[[int, int], None]

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
#: Pages copied per backup step (4 MiB at the usual page size): small enough for a smooth
#: progress bar, large enough that the copy is not slowed by the steps.
PAGES_PER_STEP = 1024
#: Tables the console fills by itself when it first opens a database: the schema version,
#: its own settings and the shipped topic list. A database holding nothing else is empty.
SELF_FILLED = frozenset({"alembic_version", "app_meta", "topics"})


class BackupKind(StrEnum):
    SQLITE = "SQLite"
    POSTGRESQL = "PostgreSQL"


class BackupRefused(PlcError):
    """The database's state forbids the operation (exit code 1): nothing was changed."""


class BackupFileError(PlcError):
    """The file named by the user cannot be used (exit code 2): nothing was changed."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    kind: BackupKind
    size: int
    revision: str | None


@dataclass(frozen=True)
class RestorePlan:
    """What a restore would do, checked before anything is changed."""

    source: Path
    kind: BackupKind
    revision: str
    target: str  # the target database, password hidden


@dataclass(frozen=True)
class RestoreResult:
    plan: RestorePlan
    revision: str  # the schema after the restore (upgraded when the backup was older)


def backup(
    engine_or_url: Engine | str | None,
    out: Path,
    progress: Progress | None = None,
    *,
    overwrite: bool = False,
    pages_per_step: int = PAGES_PER_STEP,
) -> BackupResult:
    """Copy the whole database to ``out`` consistently, even while others write to it."""
    out = out.expanduser().absolute()
    if out.is_dir():
        raise BackupFileError("backup.is_folder", path=str(out))
    if not out.parent.is_dir():
        raise BackupFileError("backup.no_folder", path=str(out.parent))
    if out.exists() and not overwrite:
        raise BackupRefused("backup.exists", path=str(out))
    with _engine(engine_or_url) as engine:
        if engine.dialect.name == "sqlite":
            from plc_console.services.backup_sqlite import backup_sqlite_file

            source = _sqlite_path(engine)
            beside = [source.with_name(source.name + end) for end in ("", "-wal", "-shm")]
            if out.resolve() in {path.resolve() for path in beside}:
                # --overwrite must never replace the database (or its log) with a copy.
                raise BackupRefused("backup.same_file", path=str(out))
            return backup_sqlite_file(source, out, progress, overwrite, pages_per_step)
        from plc_console.services.backup_pg import dump

        return dump(engine, out, overwrite)


def plan_restore(engine_or_url: Engine | str | None, source: Path) -> RestorePlan:
    """Check everything a restore needs, changing nothing; raise what stands in the way."""
    with _engine(engine_or_url) as engine:
        return _plan(engine, source)


def restore(
    engine_or_url: Engine | str | None, source: Path, progress: Progress | None = None
) -> RestoreResult:
    """Restore ``source`` into an empty database, then bring it to this console's schema."""
    with _engine(engine_or_url) as engine:
        plan = _plan(engine, source)
        if plan.kind is BackupKind.SQLITE:
            from plc_console.services.backup_sqlite import restore_sqlite_file

            engine.dispose()  # our pooled connections must not hold the file during the copy
            restore_sqlite_file(plan.source, _sqlite_path(engine), progress)
        else:
            from plc_console.services.backup_pg import restore_dump

            restore_dump(engine, plan.source)
        engine.dispose()
        if plan.revision != schema.head_revision():
            schema.upgrade(engine)
        revision = schema.current_revision(engine)
    assert revision is not None
    return RestoreResult(plan, revision)


def backup_kind(path: Path) -> BackupKind:
    """The kind of backup a file holds, from its first bytes (never from its name)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupFileError("backup.unreadable", path=str(path), reason=_reason(exc)) from exc
    if head == SQLITE_MAGIC:
        return BackupKind.SQLITE
    if head.startswith(PGDUMP_MAGIC):
        return BackupKind.POSTGRESQL
    raise BackupFileError("backup.not_a_backup", path=str(path))


def first_data(connectable: Engine | Connection) -> tuple[str, int] | None:
    """The first table holding data of people's work, with its row count; None when empty.

    "Empty" means a new database (no tables at all) or one the console has only opened:
    its tables exist but hold nothing beyond :data:`SELF_FILLED` (and SQLite's full-text
    search indexes, which only mirror other tables). Any other table with rows, ours or
    not, makes it non-empty.
    """
    if isinstance(connectable, Engine):
        with connectable.connect() as connection:
            return first_data(connection)
    derived = _search_indexes(connectable)
    for name in sorted(inspect(connectable).get_table_names()):
        if name in SELF_FILLED or name.startswith(derived):
            continue
        rows = connectable.execute(select(func.count()).select_from(table(name))).scalar_one()
        if rows:
            return name, int(rows)
    return None


def _search_indexes(connection: Connection) -> tuple[str, ...]:
    """SQLite's virtual tables and the prefix of their shadow tables (``NAME_data`` …)."""
    if connection.dialect.name != "sqlite":
        return ()
    query = "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
    names = [str(name) for name in connection.execute(text(query)).scalars()]
    return tuple(names) + tuple(f"{name}_" for name in names)


def check_empty(connectable: Engine | Connection) -> None:
    """Refuse a target holding work (:func:`first_data`) or tables that are not ours.

    Someone else's tables are refused even when empty: a restore replaces the whole
    SQLite file, and on PostgreSQL the unused schema is dropped first.
    """
    if isinstance(connectable, Engine):
        with connectable.connect() as connection:
            return check_empty(connection)
    db = describe(connectable.engine)
    ours = set(Base.metadata.tables) | {"alembic_version"}
    derived = _search_indexes(connectable)
    for name in sorted(inspect(connectable).get_table_names()):
        if name not in ours and not name.startswith(derived):
            raise BackupRefused("backup.foreign_table", db=db, table=name)
    found = first_data(connectable)
    if found is not None:
        name, rows = found
        raise BackupRefused("backup.not_empty", db=db, table=name, rows=rows)


def check_revision(revision: str | None, source: Path) -> str:
    """Refuse a backup that is not ours, or one from a newer console (as `plc db upgrade`)."""
    if revision is None:
        raise BackupFileError("backup.not_ours", path=str(source))
    head = schema.head_revision()
    if revision != head and revision not in schema.known_revisions():
        raise schema.SchemaMismatch(revision, head, newer=True)
    return revision


def _plan(engine: Engine, source: Path) -> RestorePlan:
    source = source.expanduser().absolute()
    kind = backup_kind(source)
    backend = BackupKind.SQLITE if engine.dialect.name == "sqlite" else BackupKind.POSTGRESQL
    if kind is not backend:
        raise BackupFileError(
            "backup.wrong_kind", path=str(source), kind=kind.value, backend=backend.value
        )
    if kind is BackupKind.SQLITE:
        from plc_console.services.backup_sqlite import sqlite_revision

        _sqlite_path(engine)  # refuse an in-memory target before anything else
        found = sqlite_revision(source)
    else:
        from plc_console.services.backup_pg import dump_revision, server_major

        found = dump_revision(source, server_major(engine))
    revision = check_revision(found, source)
    check_empty(engine)
    return RestorePlan(source, kind, revision, describe(engine))


@contextlib.contextmanager
def _engine(engine_or_url: Engine | str | None) -> Iterator[Engine]:
    """The given engine, or one made (and disposed of afterwards) from a URL or path."""
    if isinstance(engine_or_url, Engine):
        yield engine_or_url
        return
    engine = make_engine(resolve_url(engine_or_url))
    try:
        yield engine
    finally:
        engine.dispose()


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupRefused("backup.memory", db=describe(engine))
    return Path(database)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def sqlite_connect(path: Path) -> sqlite3.Connection:
    """A raw connection of our own, outside the engine's pool, waiting for busy writers."""
    connection = sqlite3.connect(
        path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    return connection


def publish(temporary: Path, out: Path, overwrite: bool) -> None:
    """Move a finished, synced copy into place in one step; OUT is never half-written.

    Without ``overwrite`` a hard link claims the name atomically, so a file that appeared
    at OUT meanwhile is not replaced; file systems without links (FAT on a USB stick) fall
    back to a check just before the rename.
    """
    _fsync(temporary)
    if overwrite:
        os.replace(temporary, out)
    else:
        try:
            os.link(temporary, out)
        except FileExistsError as exc:
            raise BackupRefused("backup.exists", path=str(out)) from exc
        except OSError:
            if out.exists():
                raise BackupRefused("backup.exists", path=str(out)) from None
            os.replace(temporary, out)
        else:
            temporary.unlink()
    _fsync_folder(out.parent)


def temporary_beside(out: Path) -> Path:
    """A new, empty file in OUT's folder (so the final rename stays on one file system)."""
    import tempfile

    handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(handle)
    return Path(name)


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder for fsync; its rename is durable enough
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
