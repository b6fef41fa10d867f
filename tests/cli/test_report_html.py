"""`plc report --format html`: one page with the tables and their charts, where asked."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plc_console.cli.main import app
from tests.unit.report_data import NAMES, report_db

runner = CliRunner()
DAYS = ["--from", "02.11.2026", "--to", "2026-11-15"]


@pytest.fixture
def db(tmp_path: Path) -> str:
    return report_db(tmp_path)


def test_report_as_html(db: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["report", *DAYS, "--format", "html", "--out", str(out), "--db", db]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    page = out / "report-2026-11-02_2026-11-15.html"
    assert page.name in result.output
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="en">' in text
    assert "<h2>Cumulative flow</h2>" in text and "<h2>Expert workload</h2>" in text
    svgs = re.findall(r"<svg\b.*?</svg>", text, re.DOTALL)
    assert len(svgs) == 5 and all(ET.fromstring(svg) is not None for svg in svgs)
    assert not any(name in text for name in NAMES)
    assert [path.name for path in out.iterdir()] == [page.name]


def test_report_as_html_with_names(db: str, tmp_path: Path) -> None:
    args = ["report", *DAYS, "--format", "html", "--out", str(tmp_path), "--with-names"]
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "report-2026-11-02_2026-11-15.html").read_text(encoding="utf-8")
    assert NAMES[1] in text


def test_help_names_the_html_format() -> None:
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    assert "html" in result.output
