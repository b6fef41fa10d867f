"""`plc export requests`: the file by its suffix or --format, a stage by key or name,
one-line errors with their exit codes, and the file imported back with `plc import`."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from plc_console.cli import common
from plc_console.cli.main import app
from plc_console.db.engine import transaction
from plc_console.domain import Stage
from plc_console.services.database import open_database
from plc_console.services.requests import find_request_id, get_request, move_request
from tests.unit.intake_files import HEADERS_RU, form_row, write_xlsx

runner = CliRunner()


def _database(tmp_path: Path) -> Path:
    """A database with three imported forms, one of them moved on to triage."""
    db = tmp_path / "plc.sqlite3"
    rows = [
        form_row(n, full_name=f"Петрова Анна {n}", contact=f"anna{n}@mail.ru") for n in (1, 2, 3)
    ]
    forms = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, *rows])
    result = runner.invoke(app, ["import", str(forms), "--db", str(db)])
    assert result.exit_code == 0, result.output
    database = open_database(str(db))
    try:
        with transaction(database.sessions) as session:
            request = get_request(session, find_request_id(session, "З-2026-00002")).summary
            move_request(session, request.id, request.version, Stage.TRIAGE, actor="t")
    finally:
        database.engine.dispose()
    return db


def _export(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--lang", "ru", "export", "requests", *args, "--db", str(db)])
    return result.exit_code, result.stdout, result.stderr


def _numbers(path: Path) -> list[str]:
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    return [str(row[13]) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_every_request_by_the_suffix_and_imported_back_unchanged(tmp_path: Path) -> None:
    db = _database(tmp_path)
    out = tmp_path / "requests.xlsx"
    code, stdout, _ = _export(db, "--out", str(out))
    assert code == 0
    assert stdout.strip() == f"Записано заявок: 3 → {out}"
    assert _numbers(out) == ["З-2026-00001", "З-2026-00002", "З-2026-00003"]
    again = runner.invoke(app, ["import", str(out), "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert "0 new, 0 duplicate, 0 flagged, 0 refused" in again.output
    assert "3 rows carry the number of a stored request with the same form fields" in again.output


def test_a_stage_by_key_or_name_and_the_format_for_a_bare_name(tmp_path: Path) -> None:
    db = _database(tmp_path)
    for typed in ("triage", "обработка и подбор  экспертов", "Triage & experts"):
        code, stdout, _ = _export(db, "--out", str(tmp_path / "triage"), "--stage", typed)
        assert code == 0, typed
        written = tmp_path / "triage.xlsx"
        assert (
            stdout.strip()
            == f"Записано заявок на этапе «Обработка и подбор экспертов»: 1 → {written}"
        )
    assert _numbers(tmp_path / "triage.xlsx") == ["З-2026-00002"]
    code, stdout, _ = _export(db, "--out", str(tmp_path / "all"), "--format", "csv")
    assert code == 0
    text = (tmp_path / "all.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("№ формы;Дата обращения;") and text.count("З-2026-") == 3


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--out", "r.xlsx", "--stage", "somewhere"], "there is no stage “somewhere”; stages: "),
        (["--out", "r.ods"], "give a file name ending in .xlsx or .csv"),
        (["--out", "r.csv", "--format", "xlsx"], "the suffix .csv does not fit --format xlsx"),
        (["--out", "missing/r.xlsx"], "does not exist"),
        (["--out", "folder"], "is a folder"),
        (["--out", "r.xlsx", "--lang", "de"], "unsupported language 'de'"),
    ],
)
def test_a_wrong_request_is_refused_in_one_line_with_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], says: str
) -> None:
    db = _database(tmp_path)
    (tmp_path / "folder").mkdir()
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    result = runner.invoke(app, ["export", "requests", *args, "--db", str(db)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and says in lines[0], result.stderr
    assert sorted(tmp_path.rglob("*")) == before


def test_without_out_the_usage_is_shown_with_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "requests", "--db", str(tmp_path / "x.sqlite3")])
    assert result.exit_code == 2
    assert "Missing option '--out'" in result.stderr


def test_an_unwritable_place_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _database(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    real_open = os.open

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        if str(path).startswith(str(out)):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    result = runner.invoke(
        app, ["export", "requests", "--out", str(out / "r.xlsx"), "--db", str(db)]
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: cannot write {out / 'r.xlsx'}: Permission denied"
    assert list(out.iterdir()) == []


def test_the_progress_bar_appears_for_large_work_only(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[tuple[str, float | None, float | None]] = []

    class Bar:
        def __init__(self, **_: object) -> None:
            pass

        def __enter__(self) -> Bar:
            return self

        def __exit__(self, *_: object) -> None:
            shown.append(("closed", None, None))

        def add_task(self, label: str, total: float) -> int:
            shown.append((label, 0, total))
            return 1

        def update(self, task: int, *, completed: float, total: float) -> None:
            shown.append(("update", completed, total))

    monkeypatch.setattr("rich.progress.Progress", Bar)
    with common.progress_bar("small", least=10) as advance:
        advance(0, 9)
        advance(9, 9)
    assert shown == []
    with common.progress_bar("large", least=10) as advance:
        advance(0, 20)
        advance(20, 20)
    assert shown == [
        ("large", 0, 20),
        ("update", 0, 20),
        ("update", 20, 20),
        ("closed", None, None),
    ]
