"""`plc db backup` and `plc db restore`: exit codes, confirmation, messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plc_console.cli.main import app
from plc_console.services.database import open_database
from tests.unit.backup_helpers import fill_requests, table_dump

runner = CliRunner()


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]] | None:
    return table_dump(str(path)) if path.exists() and path.stat().st_size else None


def test_group_help_lists_backup_and_restore() -> None:
    result = runner.invoke(app, ["db", "--help"])
    assert result.exit_code == 0
    assert "backup" in result.output and "restore" in result.output


def test_backup_then_restore_after_confirmation(tmp_path: Path) -> None:
    source = tmp_path / "plc.sqlite3"
    fill_requests(str(source))
    out = tmp_path / "copy.sqlite3"
    made = runner.invoke(app, ["db", "backup", str(out), "--db", str(source)])
    assert made.exit_code == 0, made.output
    assert f"written to {out}" in made.stdout
    target = tmp_path / "new.sqlite3"
    restored = runner.invoke(app, ["db", "restore", str(out), "--db", str(target)], input="y\n")
    assert restored.exit_code == 0, restored.output
    assert f"Restore {out} into the database sqlite:///{target}?" in restored.stderr
    assert "Restored" in restored.stdout
    assert table_dump(str(target)) == table_dump(str(source))


def test_declining_the_confirmation_changes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "plc.sqlite3"
    fill_requests(str(source))
    out = tmp_path / "copy.sqlite3"
    assert runner.invoke(app, ["db", "backup", str(out), "--db", str(source)]).exit_code == 0
    target = tmp_path / "new.sqlite3"
    open_database(str(target)).engine.dispose()  # the console's schema, no work yet
    before = table_dump(str(target))
    declined = runner.invoke(app, ["db", "restore", str(out), "--db", str(target)], input="n\n")
    assert declined.exit_code == 1
    assert "Nothing restored." in declined.stderr
    assert table_dump(str(target)) == before


def test_refusals_exit_1_and_unusable_files_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "plc.sqlite3"
    fill_requests(str(source))
    out = tmp_path / "copy.sqlite3"
    out.write_text("someone's file")
    exists = runner.invoke(app, ["db", "backup", str(out), "--db", str(source)])
    assert exists.exit_code == 1 and "--overwrite" in exists.stderr
    assert out.read_text() == "someone's file"
    replaced = runner.invoke(app, ["db", "backup", str(out), "--overwrite", "--db", str(source)])
    assert replaced.exit_code == 0, replaced.output

    before = table_dump(str(source))
    busy = runner.invoke(app, ["db", "restore", str(out), "--yes", "--db", str(source)])
    assert busy.exit_code == 1 and "is not empty" in busy.stderr
    assert table_dump(str(source)) == before

    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    for given, says in ((notes, "is not a plc-console backup"), (tmp_path / "gone", "Cannot read")):
        bad = runner.invoke(app, ["db", "restore", str(given), "-y", "--db", str(tmp_path / "n")])
        assert bad.exit_code == 2, bad.output
        assert says in bad.stderr and str(given) in bad.stderr
        assert "Traceback" not in bad.output


def test_messages_are_translated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLC_LANG", "ru")
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    result = runner.invoke(app, ["db", "restore", str(notes), "-y", "--db", str(tmp_path / "n")])
    assert result.exit_code == 2
    assert "не резервная копия plc-console" in result.stderr


@pytest.mark.postgres
def test_postgresql_without_pg_dump_says_what_to_install(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = runner.invoke(app, ["db", "backup", str(tmp_path / "pg.dump"), "--db", pg_url])
    assert result.exit_code == 1
    assert "pg_dump is not installed" in result.stderr
    assert "postgresql-client-" in result.stderr
    assert not (tmp_path / "pg.dump").exists()


@pytest.mark.postgres
def test_postgresql_backup_and_restore(pg_url: str, pg_empty_url: str, tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    fill_requests(pg_url)
    out = tmp_path / "pg.dump"
    made = runner.invoke(app, ["db", "backup", str(out), "--db", pg_url])
    assert made.exit_code == 0, made.output
    restored = runner.invoke(app, ["db", "restore", str(out), "--yes", "--db", pg_empty_url])
    assert restored.exit_code == 0, restored.output
    assert table_dump(pg_empty_url) == table_dump(pg_url)
    sqlite_target = tmp_path / "plc.sqlite3"
    wrong = runner.invoke(app, ["db", "restore", str(out), "--yes", "--db", str(sqlite_target)])
    assert wrong.exit_code == 2
    assert f"{out} is a backup of a database in PostgreSQL" in wrong.stderr


def test_a_large_file_shows_progress_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("plc_console.cli.db.PROGRESS_BYTES", 0)
    source = tmp_path / "plc.sqlite3"
    fill_requests(str(source))
    out = tmp_path / "copy.sqlite3"
    made = runner.invoke(app, ["db", "backup", str(out), "--db", str(source)])
    assert made.exit_code == 0, made.output
    assert "Copying plc.sqlite3" not in made.stdout  # the bar stays off stdout
    target = tmp_path / "new.sqlite3"
    restored = runner.invoke(app, ["db", "restore", str(out), "-y", "--db", str(target)])
    assert restored.exit_code == 0, restored.output
    assert table_dump(str(target)) == table_dump(str(source))
