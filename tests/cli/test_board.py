"""`plc board wip`: the WIP limits every desk's board shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from plc_console.cli.main import app
from plc_console.domain import Stage
from plc_console.services.board import wip_limits
from plc_console.services.database import open_database

runner = CliRunner()


def _limits(target: Path) -> dict[Stage, int]:
    database = open_database(str(target))
    try:
        with database.sessions() as session:
            return wip_limits(session)
    finally:
        database.engine.dispose()


def test_set_list_and_remove_a_limit(tmp_path: Path) -> None:
    target = tmp_path / "plc.sqlite3"
    db = ["--db", str(target)]
    set_it = runner.invoke(app, ["board", "wip", "triage", "5", *db])
    assert set_it.exit_code == 0, set_it.output
    assert _limits(target) == {Stage.TRIAGE: 5}
    listed = runner.invoke(app, ["--lang", "en", "board", "wip", *db])
    lines = {line.split()[0]: line.split()[-1] for line in listed.output.splitlines()}
    assert lines["triage"] == "5"
    assert lines["received"] == "limit"  # "no limit"
    assert "done" not in lines  # Done only grows: it takes no limit
    removed = runner.invoke(app, ["board", "wip", "TRIAGE", "off", *db])
    assert removed.exit_code == 0
    assert _limits(target) == {}


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["triag", "5"], "use one of: received, triage"),
        (["done", "5"], "use one of"),
        (["triage", "five"], "whole number of at least 1"),
        (["triage", "0"], "must be at least 1, not 0"),
    ],
)
def test_bad_limits_are_refused_in_one_line(tmp_path: Path, args: list[str], says: str) -> None:
    target = tmp_path / "plc.sqlite3"
    result = runner.invoke(app, ["--lang", "en", "board", "wip", *args, "--db", str(target)])
    assert result.exit_code == 1
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    if target.exists():
        assert _limits(target) == {}
