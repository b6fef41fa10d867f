"""`plc terms …` and `plc report`: terms named, the report written where asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from plc_console.cli.main import app
from tests.unit.report_data import NAMES, report_db

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return report_db(tmp_path)


def test_terms_add_and_list(db: str) -> None:
    empty = runner.invoke(app, ["terms", "list", "--db", db])
    assert empty.exit_code == 0 and "No terms yet" in empty.output
    added = runner.invoke(app, ["terms", "add", "2026-T2", "02.11.2026", "2026-11-15", "--db", db])
    assert added.exit_code == 0, added.output
    assert "2026-11-02 – 2026-11-15" in added.output
    listed = runner.invoke(app, ["terms", "list", "--db", db])
    assert listed.output.split() == ["2026-11-02", "2026-11-15", "2026-T2"]
    clash = runner.invoke(app, ["terms", "add", "X", "2026-11-10", "2026-11-20", "--db", db])
    assert clash.exit_code == 1 and "overlaps “2026-T2”" in clash.output


def test_report_by_term_as_xlsx(db: str, tmp_path: Path) -> None:
    runner.invoke(app, ["terms", "add", "2026-T2", "2026-11-02", "2026-11-15", "--db", db])
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "--term", "2026-T2", "--out", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out / "report-2026-T2.xlsx")
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Requests received"] == 5
    assert summary["Term"] == "2026-T2"


def test_report_by_dates_as_csv_with_names(db: str, tmp_path: Path) -> None:
    args = ["report", "--from", "02.11.2026", "--to", "15.11.2026", "--format", "csv"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path), "--with-names", "--db", db])
    assert result.exit_code == 0, result.output
    oldest = (tmp_path / "report-2026-11-02_2026-11-15" / "oldest_open.csv").read_text("utf-8-sig")
    assert NAMES[1] in oldest


def test_report_to_exports_by_default(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["report", "--from", "2026-11-02", "--to", "2026-11-15", "--format", "md", "--db", db]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "exports" / "report-2026-11-02_2026-11-15.md").read_text("utf-8")
    assert "Cumulative flow" in text
    assert not any(name in text for name in NAMES)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "choose the days"),
        (["--term", "T", "--from", "2026-11-02"], "choose the days"),
        (["--from", "2026-11-02"], "choose the days"),
        (["--term", "missing"], "no term called “missing”"),
        (["--from", "2026-11-15", "--to", "2026-11-02"], "ends (2026-11-02) before"),
        (["--from", "15/11/2026", "--to", "2026-11-02"], "is not a date"),
    ],
)
def test_report_refuses(db: str, tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["report", *args, "--out", str(tmp_path), "--db", db])
    assert result.exit_code != 0
    assert message in result.output


def test_report_help_explains() -> None:
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    for option in ("--term", "--from", "--to", "--format", "--out", "--with-names"):
        assert option in result.output
