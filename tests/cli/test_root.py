"""The `plc` command as a user types it: help, version, and one-line errors for bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plc_console import __version__
from plc_console.cli.main import app

runner = CliRunner()


def test_help_lists_every_command_on_one_line() -> None:
    result = runner.invoke(app, ["--help"], prog_name="plc")
    assert result.exit_code == 0
    commands = result.output.split("Commands:")[1].strip("\n").splitlines()
    names = [line.split()[0] for line in commands if line.startswith("  ") and line.strip()]
    assert names == [
        "demo",
        "screenshots",
        "template",
        "import",
        "report",
        "db",
        "board",
        "experts",
        "meetings",
        "products",
        "export",
        "buffers",
        "terms",
        "privacy",
    ]
    assert all(not line.rstrip().endswith("...") for line in commands)


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"plc-console {__version__}"


def test_python_dash_m_is_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "plc_console", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"plc-console {__version__}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "de", "db", "status"], "unsupported language 'de'"),
        (["db", "status", "--db", "{tmp}"], "is a folder, not a database file"),
        (["db", "status", "--db", "{tmp}/missing/plc.sqlite3"], "does not exist"),
        (["db", "status", "--db", "{tmp}/notes.txt"], "is not an SQLite database"),
        (["db", "status", "--db", "mysql://x@localhost/db"], "unsupported database 'mysql'"),
        (
            ["db", "status", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"],
            "cannot reach database",
        ),
    ],
)
def test_bad_input_gives_one_clear_line_and_a_non_zero_exit(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "notes.txt").write_text("not a database", encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert message in lines[0]
    assert "Traceback" not in result.output


def test_unsupported_language_from_the_environment_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLC_LANG", "fr")
    result = runner.invoke(app, ["db", "status"])
    assert result.exit_code == 1
    assert "unsupported language 'fr'" in result.stderr


def test_messages_follow_the_language(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["--lang", "ru", "db", "upgrade", "--db", str(tmp_path / "a.sqlite3")]
    )
    assert result.exit_code == 0
    assert "обновлена" in result.output
