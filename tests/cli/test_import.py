"""`plc import FILE…`: exit codes, the row-by-row report, the errors spreadsheet, atomicity."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from plc_console.cli.main import app
from plc_console.db.models import ImportBatch, Request
from plc_console.services.database import open_database
from tests.unit.intake_files import HEADERS_EN, HEADERS_RU, form_row, write_csv, write_xlsx

runner = CliRunner()
SAMPLE = Path("/work/shared/forms/sample-paper-forms.xlsx")


def _row(n: int, **changes: object) -> list[object]:
    values: dict[str, object] = {"full_name": f"Петрова Анна {n}", "contact": f"a{n}@mail.ru"}
    return form_row(n, **{**values, **changes})


def _run(tmp_path: Path, *args: str) -> tuple[int, str]:
    db = tmp_path / "plc.sqlite3"
    result = runner.invoke(app, ["import", *args, "--db", str(db)])
    return result.exit_code, result.output


def _stored(tmp_path: Path) -> tuple[int, int]:
    database = open_database(f"sqlite:///{tmp_path / 'plc.sqlite3'}")
    try:
        with database.sessions() as session:
            requests = session.scalar(select(func.count()).select_from(Request)) or 0
            batches = session.scalar(select(func.count()).select_from(ImportBatch)) or 0
    finally:
        database.engine.dispose()
    return requests, batches


def test_a_clean_file_exits_0_with_a_summary(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, _row(1), _row(2), [None] * 13, _row(3)])
    code, output = _run(tmp_path, str(path))
    assert code == 0, output
    assert "forms.xlsx: 3 new, 0 duplicate, 0 flagged, 0 refused, 1 blank rows skipped" in output
    assert "Stored 3 new requests" in output
    assert _stored(tmp_path) == (3, 1)
    code, output = _run(tmp_path, str(path))
    assert code == 0
    assert "was imported before" in output
    assert "0 new, 3 duplicate" in output
    assert _stored(tmp_path) == (3, 1)


def test_a_refused_row_exits_1_names_row_column_value_and_stores_nothing(
    tmp_path: Path,
) -> None:
    bad = _row(2, received_on="31.02.2026")
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, _row(1), bad, _row(3, consent="")])
    code, output = _run(tmp_path, str(path))
    assert code == 1, output
    lines = output.splitlines()
    assert "forms.xlsx:3: Дата обращения «31.02.2026»: there is no such date as 31.02.2026" in lines
    assert any(line.startswith("forms.xlsx:4: Согласие на обработку ПДн") for line in lines)
    assert "Nothing stored: 2 rows refused." in output
    assert _stored(tmp_path) == (0, 0)


def test_partial_stores_the_valid_rows_and_writes_the_errors_file(tmp_path: Path) -> None:
    bad = _row(2, received_on="31.02.2026", problem="=1+1")
    rows = [HEADERS_RU, _row(1), bad, _row(3, consent="нет")]
    # CSV: a typed "=1+1" arrives as text (an .xlsx would hold a formula).
    path = write_csv(tmp_path / "forms.csv", rows, encoding="utf-8-sig", delimiter=";")
    out = tmp_path / "errors.xlsx"
    code, output = _run(tmp_path, str(path), "--partial", "--errors", str(out))
    assert code == 1, output
    assert "Stored 1 new requests; the 2 refused rows were not stored." in output
    assert f"Refused rows written to {out}" in output
    assert _stored(tmp_path) == (1, 1)
    sheet = openpyxl.load_workbook(out).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [*HEADERS_RU, "Reason"]
    assert rows[1][0] == "Я-000002"
    assert rows[1][10] == "=1+1"
    assert sheet.cell(row=2, column=11).data_type == "s"  # text, never a formula
    assert "there is no such date as 31.02.2026" in str(rows[1][13])
    assert rows[2][12] == "нет"
    assert "consent" in str(rows[2][13])
    # The errors file, corrected, imports as it is (its reason column is ignored).
    fixed = openpyxl.load_workbook(out)
    forms = fixed.worksheets[0]
    forms["B2"] = "05.11.2026"
    forms["K2"] = "Исправленный текст"
    forms["M3"] = "да"
    fixed.save(out)
    code, output = _run(tmp_path, str(out))
    assert code == 0, output
    assert _stored(tmp_path) == (3, 2)


def test_errors_file_without_partial_stores_nothing(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, _row(1), _row(2, contact="")])
    out = tmp_path / "errors.xlsx"
    code, _ = _run(tmp_path, str(path), "--errors", str(out))
    assert code == 1
    rows = list(openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "Я-000002"
    assert _stored(tmp_path) == (0, 0)


def test_dry_run_says_nothing_stored(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, _row(1)])
    code, output = _run(tmp_path, str(path), "--dry-run")
    assert code == 0
    assert "Dry run: nothing stored." in output
    assert _stored(tmp_path) == (0, 0)


def test_an_unreadable_file_exits_2_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.xlsx").write_text("not a workbook", encoding="utf-8")
    good = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, _row(1)])
    code, output = _run(tmp_path, str(tmp_path / "notes.xlsx"), str(good))
    assert code == 2
    assert "Error: notes.xlsx is not a spreadsheet" in output
    assert _stored(tmp_path) == (1, 1)  # the other file was imported in its own transaction


def test_bad_map_exits_2(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, _row(1)])
    code, output = _run(tmp_path, str(path), "--map", "no equals sign")
    assert code == 2
    assert "--map" in output


def test_map_names_an_unrecognised_column(tmp_path: Path) -> None:
    headers = [*HEADERS_EN]
    headers[10] = "What went wrong"
    path = write_csv(tmp_path / "forms.csv", [headers, _row(1)], encoding="cp1251", delimiter=";")
    code, output = _run(tmp_path, str(path))
    assert code == 2, output
    code, output = _run(tmp_path, str(path), "--map", "What went wrong=problem")
    assert code == 0, output
    assert _stored(tmp_path) == (1, 1)


def test_the_russian_report(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, _row(1), _row(2, consent="нет")])
    result = runner.invoke(
        app, ["--lang", "ru", "import", str(path), "--db", str(tmp_path / "plc.sqlite3")]
    )
    assert result.exit_code == 1
    assert "новых — 1" in result.output
    assert "Ничего не сохранено" in result.output


def test_the_sample_file_imports_every_form(tmp_path: Path) -> None:
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is absent")
    copy = Path(shutil.copyfile(SAMPLE, tmp_path / SAMPLE.name))
    code, output = _run(tmp_path, str(copy))
    assert code == 0, output
    requests, batches = _stored(tmp_path)
    assert batches == 1 and requests > 0
    assert f"{requests} new" in output


def test_a_failure_mid_import_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plc_console.services.intake import store

    calls = {"n": 0}
    real = store.request_search_text

    def failing(*args: str) -> str:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(5, "disk failed")
        return real(*args)

    monkeypatch.setattr(store, "request_search_text", failing)
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, *(_row(n) for n in range(1, 6))])
    code, output = _run(tmp_path, str(path))
    assert code != 0
    assert "disk failed" in output
    assert _stored(tmp_path) == (0, 0)
    with sqlite3.connect(tmp_path / "plc.sqlite3") as connection:
        triggers = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "requests_search_insert" in triggers  # dropped for the bulk insert, rolled back


def test_the_errors_file_never_holds_a_formula_not_even_in_a_header(tmp_path: Path) -> None:
    # An extra column typed by someone as "=HYPERLINK(…)" is kept in the errors file, as text.
    header = '=HYPERLINK("http://x.ru","Примечание")'
    bad = [*_row(2, contact="", problem="@SUM(1)"), "+79001234567"]
    rows = [[*HEADERS_RU, header], [*_row(1), "-"], bad]
    path = write_csv(tmp_path / "forms.csv", rows, encoding="utf-8-sig", delimiter=";")
    out = tmp_path / "errors.xlsx"
    code, output = _run(tmp_path, str(path), "--errors", str(out))
    assert code == 1, output
    sheet = openpyxl.load_workbook(out).worksheets[0]
    risky = [
        cell
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@"))
    ]
    assert {cell.value for cell in risky} >= {header, "@SUM(1)", "+79001234567"}
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in risky)
