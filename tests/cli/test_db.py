"""`plc db upgrade` and the console's refusal to open a database of another schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from plc_console.cli.main import app
from plc_console.db import schema
from plc_console.db.engine import make_engine
from plc_console.services.database import open_database
from tests.unit.test_migrations import make_first_revision_database

runner = CliRunner()


def test_upgrade_creates_a_new_database_then_says_it_is_current(tmp_path: Path) -> None:
    target = tmp_path / "plc.sqlite3"
    first = runner.invoke(app, ["db", "upgrade", "--db", str(target)])
    assert first.exit_code == 0, first.output
    assert "Upgraded" in first.output
    again = runner.invoke(app, ["db", "upgrade", "--db", str(target)])
    assert again.exit_code == 0
    assert "already at the current schema" in again.output
    assert list(tmp_path.glob("*.bak")) == []  # nothing to back up on a new file


def test_db_url_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("PLC_DB_URL", f"sqlite:///{target}")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0
    assert target.exists()


def _stamp(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def test_console_on_an_older_schema_says_what_to_run(tmp_path: Path) -> None:
    target = tmp_path / "old.sqlite3"
    make_first_revision_database(f"sqlite:///{target}").dispose()
    for args in (["--db", str(target)], ["demo", "--no-open", "--db", str(target)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert "run `plc db upgrade`" in result.stderr
        assert "Traceback" not in result.output


def test_upgrade_backs_up_an_sqlite_file_first(tmp_path: Path) -> None:
    target = tmp_path / "old.sqlite3"
    make_first_revision_database(f"sqlite:///{target}").dispose()
    result = runner.invoke(app, ["db", "upgrade", "--db", str(target)])
    assert result.exit_code == 0, result.output
    assert f"from 0001 to {schema.head_revision()}" in result.output
    backups = list(tmp_path.glob("old.sqlite3.*.bak"))
    assert len(backups) == 1
    # The backup is a working database at the old schema; the file itself is upgraded.
    backup = make_engine(f"sqlite:///{backups[0]}")
    assert schema.current_revision(backup) == "0001"
    backup.dispose()
    upgraded = make_engine(f"sqlite:///{target}")
    assert schema.current_revision(upgraded) == schema.head_revision()
    upgraded.dispose()


def test_a_database_newer_than_the_console_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "new.sqlite3"
    database = open_database(str(target))
    _stamp(database.engine, "ffff_from_the_future")
    database.engine.dispose()
    for args in (["db", "upgrade", "--db", str(target)], ["--db", str(target)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert "newer than this console" in result.stderr
