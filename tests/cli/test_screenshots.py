"""`plc screenshots` renders the real screens from demo data into SVG files."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from plc_console.cli.main import app
from plc_console.locale import Translator
from plc_console.tui.screenshots import SHOTS

runner = CliRunner()


def test_screenshots_are_written_from_demo_data(tmp_path: Path) -> None:
    out = tmp_path / "screens"
    result = runner.invoke(app, ["screenshots", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.glob("*.svg"))
    assert written == sorted(f"{shot.name}.svg" for shot in SHOTS)

    def shown(name: str) -> str:
        # SVG text uses &#160; for spaces.
        return (out / f"{name}.svg").read_text(encoding="utf-8").replace("&#160;", " ")

    ru, en = Translator("ru"), Translator("en")
    # Each picture shows the screen its keys lead to, made from the demo's requests.
    assert "Заявка получена" in shown("main-ru")
    assert "З-2026-" in shown("main-ru")
    assert "Received" in shown("main-en")
    assert "урок" in shown("search-ru")
    assert en("filters.title") in shown("filters-en")
    assert ru("request.pane_history") in shown("request-ru")
    assert en("request.pane_history") in shown("request-en")
    assert ru("form.title_new") in shown("new-request-ru")
    assert "З-2026-00042" in shown("palette-ru")
    assert ru("help.title") in shown("help-ru")
    # The term reports, from the demo's terms: the quarter under way is the one shown.
    assert ru("reportsui.terms_title") in shown("reports-ru")
    assert ru("report.summary.received") in shown("reports-ru")


def test_screenshots_refuse_a_file_as_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "not-a-folder"
    target.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["screenshots", "--out", str(target)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
