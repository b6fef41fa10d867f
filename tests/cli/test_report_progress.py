"""`plc report` shows a progress bar on stderr while a long report runs, and leaves it
off the output: the bar is transient, and stdout only names the files written."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from plc_console.cli import report as report_cli
from plc_console.cli.main import app
from tests.unit.report_data import report_db

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return report_db(tmp_path)


def test_a_long_report_shows_progress_on_stderr(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[tuple[str, float, float]] = []

    class Bar:
        """Stands in for rich's Progress: records what the bar would show."""

        def __init__(self, **options: object) -> None:
            assert options["transient"] is True

        def start(self) -> None: ...

        def stop(self) -> None: ...

        def add_task(self, label: str, total: float) -> int:
            return 1

        def update(self, task: int, *, description: str, completed: float, total: float) -> None:
            drawn.append((description, completed, total))

    monkeypatch.setattr(report_cli, "PROGRESS_AFTER_S", 0.0)
    monkeypatch.setattr("rich.progress.Progress", Bar)
    monkeypatch.setattr("rich.console.Console", partial(Console, force_terminal=True))
    args = ["report", "--from", "2026-11-02", "--to", "2026-11-15", "--out", str(tmp_path)]
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Written: {tmp_path / 'report-2026-11-02_2026-11-15.xlsx'}"
    ]
    tables = [step for step in drawn if step[0] == "Term report: the tables"]
    writing = [step for step in drawn if step[0] == "Term report: writing xlsx"]
    assert tables[-1][1] == tables[-1][2] and writing[-1][1] == writing[-1][2]
    assert drawn == tables + writing


def test_no_bar_when_stderr_is_not_a_terminal(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_cli, "PROGRESS_AFTER_S", 0.0)
    args = ["report", "--from", "2026-11-02", "--to", "2026-11-15", "--format", "md"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path), "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
