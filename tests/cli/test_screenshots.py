"""`plc screenshots` renders the real screens from demo data into SVG files."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from plc_console.cli.main import app

runner = CliRunner()


def test_screenshots_are_written_from_demo_data(tmp_path: Path) -> None:
    out = tmp_path / "screens"
    result = runner.invoke(app, ["screenshots", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.glob("*.svg"))
    assert written == ["help-ru.svg", "main-en.svg", "main-ru.svg"]
    # The pictures show the demo's requests in each language (SVG text uses &#160; for spaces).
    russian = (out / "main-ru.svg").read_text(encoding="utf-8").replace("&#160;", " ")
    english = (out / "main-en.svg").read_text(encoding="utf-8").replace("&#160;", " ")
    assert "Заявка получена" in russian
    assert "Received" in english
    assert "З-2026-" in russian


def test_screenshots_refuse_a_file_as_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "not-a-folder"
    target.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["screenshots", "--out", str(target)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
