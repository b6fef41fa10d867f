"""Backups taken while another console writes, and restores that never overwrite work."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from plc_console.db import schema
from plc_console.db.engine import make_engine, resolve_url
from plc_console.services.backup import (
    BackupFileError,
    BackupKind,
    BackupRefused,
    backup,
    backup_kind,
    plan_restore,
    restore,
)
from plc_console.services.database import open_database
from tests.unit.backup_helpers import fill_demo, fill_requests, table_dump
from tests.unit.test_migrations import make_first_revision_database

REPO = Path(__file__).resolve().parents[2]


def _count(url: str, sql: str) -> int:
    engine = make_engine(resolve_url(url))
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def _replayed_stages(path: Path) -> tuple[dict[int, str], dict[int, str]]:
    """Each request's stage, as stored and as replayed from its events in order."""
    with sqlite3.connect(path) as connection:
        stored = dict(connection.execute("SELECT id, stage FROM requests"))
        replayed: dict[int, str] = {}
        events = connection.execute(
            "SELECT request_id, to_stage FROM events WHERE to_stage IS NOT NULL ORDER BY id"
        )
        for request_id, stage in events:
            replayed[request_id] = stage
    connection.close()
    return stored, replayed


def test_sqlite_backup_is_a_snapshot_while_another_process_writes(
    sqlite_url: str, tmp_path: Path
) -> None:
    open_database(sqlite_url).engine.dispose()
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.unit.backup_helpers", sqlite_url, str(stop)], cwd=REPO
    )
    try:
        deadline = time.monotonic() + 60
        while _count(sqlite_url, "SELECT count(*) FROM requests") < 30:
            assert writer.poll() is None, "the writer stopped"
            assert time.monotonic() < deadline, "the writer wrote too little"
            time.sleep(0.1)
        steps: list[tuple[int, int]] = []

        def slowly(done: int, total: int) -> None:
            steps.append((done, total))
            time.sleep(0.02)  # let the writer commit between the steps

        out = tmp_path / "copy.sqlite3"
        result = backup(sqlite_url, out, slowly, pages_per_step=4)
    finally:
        stop.touch()
        assert writer.wait(timeout=60) == 0
    assert result.kind is BackupKind.SQLITE and result.revision == schema.head_revision()
    assert len(steps) > 5 and steps[-1][0] == steps[-1][1]
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)  # no restart
    with sqlite3.connect(out) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        requests = copy.execute("SELECT count(*) FROM requests").fetchone()[0]
        created = copy.execute("SELECT count(*) FROM events WHERE kind = 'created'").fetchone()[0]
        received = copy.execute("SELECT count(*) FROM requests WHERE stage = 'received'")
        assert received.fetchone()[0] == 1  # the writer moves the previous one with each new
    copy.close()
    stored, replayed = _replayed_stages(out)
    assert requests == created == len(stored) >= 30
    assert stored == replayed
    # The writer went on during the copy: the copy is an earlier, whole state.
    assert _count(sqlite_url, "SELECT count(*) FROM requests") > requests
    assert not list(tmp_path.glob(".copy.sqlite3.*"))  # no temporary file left


def test_backup_never_replaces_a_file_unless_told(sqlite_url: str, tmp_path: Path) -> None:
    open_database(sqlite_url).engine.dispose()
    out = tmp_path / "copy.sqlite3"
    out.write_text("keep me")
    with pytest.raises(BackupRefused) as refused:
        backup(sqlite_url, out)
    assert refused.value.code == "backup.exists"
    assert out.read_text() == "keep me"
    backup(sqlite_url, out, overwrite=True)
    assert backup_kind(out) is BackupKind.SQLITE
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database (every kind of record), made once: it takes a while."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    fill_demo(str(path))
    return path


def test_sqlite_restore_into_an_empty_database_gives_the_same_rows(
    demo_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "backup.plc"
    assert backup(str(demo_file), out).kind is BackupKind.SQLITE is backup_kind(out)
    target = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    assert restore(target, out).revision == schema.head_revision()
    original, restored = table_dump(str(demo_file)), table_dump(target)
    assert restored == original
    assert len(original["requests"]) > 50 and original["meetings"] and original["products"]
    fill_requests(target, 1)  # the console works on the restored database


@pytest.mark.postgres
def test_postgresql_round_trip_into_a_fresh_database(
    pg_url: str, pg_empty_url: str, tmp_path: Path
) -> None:
    if not _has("pg_dump"):
        pytest.skip("pg_dump is not installed")
    fill_requests(pg_url)
    out = tmp_path / "backup.pgdump"
    made = backup(pg_url, out)
    assert made.kind is BackupKind.POSTGRESQL is backup_kind(out)
    assert made.revision == schema.head_revision()
    assert restore(pg_empty_url, out).revision == schema.head_revision()
    assert table_dump(pg_empty_url) == table_dump(pg_url)
    # Sequences came along: new rows do not collide with restored ones.
    fill_requests(pg_empty_url, 1)
    assert _count(pg_empty_url, "SELECT count(*) FROM requests") == 13


@pytest.mark.postgres
def test_postgresql_restore_replaces_an_unused_schema(
    pg_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A database the console has only opened counts as empty (see first_data)."""
    if not _has("pg_dump"):
        pytest.skip("pg_dump is not installed")
    fill_requests(pg_url)
    out = tmp_path / "backup.pgdump"
    backup(pg_url, out)
    target = request.getfixturevalue("pg_empty_url")
    open_database(target).engine.dispose()
    restore(target, out)
    assert table_dump(target) == table_dump(pg_url)


def test_restore_into_a_database_with_work_is_refused_and_changes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    if db_url.startswith("postgresql") and not _has("pg_dump"):
        pytest.skip("pg_dump is not installed")
    fill_requests(db_url)
    out = tmp_path / "backup"
    backup(db_url, out)
    before = table_dump(db_url)
    with pytest.raises(BackupRefused) as refused:
        restore(db_url, out)
    assert refused.value.code == "backup.not_empty"
    assert refused.value.params["table"] == "events"
    assert table_dump(db_url) == before


def test_a_backup_from_a_newer_console_is_refused(sqlite_url: str, tmp_path: Path) -> None:
    open_database(sqlite_url).engine.dispose()
    out = tmp_path / "backup.sqlite3"
    backup(sqlite_url, out)
    with sqlite3.connect(out) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    connection.close()
    target = tmp_path / "new.sqlite3"
    with pytest.raises(schema.SchemaMismatch) as mismatch:
        restore(str(target), out)
    assert mismatch.value.newer and "update plc-console" in str(mismatch.value)
    with sqlite3.connect(target) as connection:
        assert connection.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    connection.close()


def test_a_backup_from_an_older_console_is_upgraded(tmp_path: Path) -> None:
    old = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    make_first_revision_database(old).dispose()
    out = tmp_path / "old-backup.sqlite3"
    assert backup(old, out).revision == "0001"
    target = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    plan = plan_restore(target, out)
    result = restore(target, out)
    assert (plan.revision, result.revision) == ("0001", schema.head_revision())
    assert _count(target, "SELECT count(*) FROM requests") == 2


def test_files_that_are_no_backup_or_of_the_other_kind_are_named(
    sqlite_url: str, tmp_path: Path
) -> None:
    open_database(sqlite_url).engine.dispose()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a backup")
    with pytest.raises(BackupFileError) as refused:
        restore(str(tmp_path / "a.sqlite3"), text_file)
    assert refused.value.code == "backup.not_a_backup" and refused.value.params["path"] == str(
        text_file
    )
    dump = tmp_path / "pg.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(100))
    with pytest.raises(BackupFileError) as wrong:
        restore(str(tmp_path / "b.sqlite3"), dump)
    assert wrong.value.code == "backup.wrong_kind"
    assert wrong.value.params == {"path": str(dump), "kind": "PostgreSQL", "backend": "SQLite"}
    with pytest.raises(BackupFileError) as missing:
        restore(str(tmp_path / "c.sqlite3"), tmp_path / "nothing.sqlite3")
    assert missing.value.code == "backup.unreadable"


@pytest.mark.postgres
def test_a_sqlite_backup_is_not_restored_into_postgresql(pg_empty_url: str, tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'plc.sqlite3'}"
    open_database(source).engine.dispose()
    out = tmp_path / "backup.sqlite3"
    backup(source, out)
    with pytest.raises(BackupFileError) as wrong:
        restore(pg_empty_url, out)
    assert wrong.value.params["kind"] == "SQLite"


@pytest.mark.postgres
def test_without_pg_dump_the_message_says_what_to_install(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(BackupRefused) as refused:
        backup(pg_url, tmp_path / "pg.dump")
    assert refused.value.code == "backup.tool_missing"
    assert refused.value.params["tool"] == "pg_dump"
    assert not list(tmp_path.glob("*pg.dump*"))


@pytest.mark.postgres
def test_an_older_or_failing_pg_dump_leaves_no_file(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text('#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(BackupRefused) as old:
        backup(pg_url, tmp_path / "pg.dump")
    assert old.value.code == "backup.tool_old" and old.value.params["found"] == 9
    # The right version, but it fails half-way: nothing appears at OUT.
    fake.write_text(
        '#!/bin/sh\n[ "$1" = --version ] && { echo "pg_dump (PostgreSQL) 99"; exit 0; }\n'
        'for a; do case $a in --file=*) echo partial > "${a#--file=}";; esac; done\n'
        'echo "pg_dump: error: connection lost" >&2; exit 1\n'
    )
    with pytest.raises(BackupRefused) as failed:
        backup(pg_url, tmp_path / "pg.dump")
    assert failed.value.code == "backup.tool_failed"
    assert failed.value.params["reason"] == "pg_dump: error: connection lost"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]


def _has(tool: str) -> bool:
    import shutil

    return shutil.which(tool) is not None


def test_someone_elses_table_keeps_a_database_from_being_restored_into(
    sqlite_url: str, tmp_path: Path
) -> None:
    open_database(sqlite_url).engine.dispose()
    out = tmp_path / "backup.sqlite3"
    backup(sqlite_url, out)
    target = tmp_path / "theirs.sqlite3"
    with sqlite3.connect(target) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()
    with pytest.raises(BackupRefused) as refused:
        restore(str(target), out)
    assert refused.value.code == "backup.foreign_table" and refused.value.params["table"] == "notes"
    with sqlite3.connect(target) as connection:
        names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]
    connection.close()
    assert names == ["notes"]


def test_a_backup_never_replaces_the_database_itself(sqlite_url: str, tmp_path: Path) -> None:
    fill_requests(sqlite_url)
    live = tmp_path / "plc.sqlite3"
    for out in (live, tmp_path / "plc.sqlite3-wal"):
        with pytest.raises(BackupRefused) as refused:
            backup(sqlite_url, out, overwrite=True)
        assert refused.value.code == "backup.same_file"
    assert _count(sqlite_url, "SELECT count(*) FROM requests") == 12
