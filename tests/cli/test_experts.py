"""`plc experts template | import | list`: the files, the report, exit codes and the table."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from plc_console.cli.main import app
from plc_console.services.database import open_database
from plc_console.services.experts import list_experts
from plc_console.services.views import ExpertView
from tests.unit.expert_files import EXPERT_HEADERS_EN, EXPERT_HEADERS_RU, expert_row
from tests.unit.intake_files import write_csv, write_xlsx

runner = CliRunner()


def _run(tmp_path: Path, *args: str, lang: str = "en") -> tuple[int, str]:
    db = tmp_path / "plc.sqlite3"
    result = runner.invoke(app, ["--lang", lang, "experts", *args, "--db", str(db)])
    return result.exit_code, result.output


def _stored(tmp_path: Path) -> list[ExpertView]:
    database = open_database(f"sqlite:///{tmp_path / 'plc.sqlite3'}")
    try:
        with database.sessions() as session:
            return list_experts(session)
    finally:
        database.engine.dispose()


# --- template ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "headers", "yes_no", "topic"),
    [
        ("ru", EXPERT_HEADERS_RU, '"да,нет"', "подбор заданий"),
        ("en", EXPERT_HEADERS_EN, '"yes,no"', "choosing tasks"),
    ],
)
def test_the_template_has_the_headers_checks_and_the_topics(
    tmp_path: Path, lang: str, headers: list[str], yes_no: str, topic: str
) -> None:
    out = tmp_path / "experts.xlsx"
    code, output = _run(tmp_path, "template", str(out), "--lang", lang)
    assert code == 0, output
    assert str(out) in output
    book = openpyxl.load_workbook(out)
    experts, guide = book.worksheets
    assert [c.value for c in experts[1]] == headers
    assert experts.max_row == 1  # blank: nothing below the headers
    assert experts.freeze_panes == "A2"
    assert experts["A1"].font.bold and not experts["B1"].font.bold
    assert experts.column_dimensions["E"].width == 50
    assert experts.column_dimensions["C"].number_format == "@"  # phones stay as typed
    checks = {
        str(v.sqref): (v.type, v.formula1, v.formula2)
        for v in experts.data_validations.dataValidation
    }
    assert checks["F2:F5001"] == ("whole", "1", "20")
    assert checks["H2:H5001"] == ("list", yes_no, None)
    texts = [c.value for row in guide.iter_rows() for c in row if c.value]
    assert topic in texts and "task_choice" in texts


def test_the_template_lists_the_database_s_topics(tmp_path: Path) -> None:
    from plc_console.db.models import Topic

    database = open_database(f"sqlite:///{tmp_path / 'plc.sqlite3'}")
    with database.sessions() as session:
        session.add(Topic(key="robotics", name_ru="робототехника", name_en="robotics", position=99))
        session.commit()
    database.engine.dispose()
    out = tmp_path / "experts.xlsx"
    assert _run(tmp_path, "template", str(out), lang="ru")[0] == 0
    guide = openpyxl.load_workbook(out).worksheets[1]
    assert "робототехника" in [c.value for row in guide.iter_rows() for c in row]


def test_the_template_refuses_a_name_without_xlsx(tmp_path: Path) -> None:
    code, output = _run(tmp_path, "template", str(tmp_path / "experts.csv"))
    assert code == 1
    assert "give a file name ending in .xlsx" in output


# --- import ------------------------------------------------------------------------------


def test_a_good_file_exits_0_and_a_second_import_changes_nothing(tmp_path: Path) -> None:
    rows = [EXPERT_HEADERS_RU, expert_row(0), expert_row(1), [None] * 8, expert_row(2)]
    path = write_xlsx(tmp_path / "experts.xlsx", rows)
    code, output = _run(tmp_path, "import", str(path))
    assert code == 0, output
    assert "experts.xlsx: 3 new, 0 updated, 0 unchanged, 0 refused, 1 blank rows skipped" in output
    assert "Stored: 3 new experts, 0 updated." in output
    code, output = _run(tmp_path, "import", str(path))
    assert code == 0
    assert "0 new, 0 updated, 3 unchanged" in output
    assert len(_stored(tmp_path)) == 3


def test_a_refused_row_exits_1_names_row_header_value_and_stores_nothing(tmp_path: Path) -> None:
    rows = [EXPERT_HEADERS_RU, expert_row(0), expert_row(1, contact="спросить у завуча")]
    path = write_xlsx(tmp_path / "experts.xlsx", rows)
    code, output = _run(tmp_path, "import", str(path))
    assert code == 1, output
    assert (
        "experts.xlsx:3: Контакты «спросить у завуча»: "
        "“спросить у завуча” is neither a phone number nor an e-mail address"
    ) in output.splitlines()
    assert "Nothing stored: 1 rows refused." in output
    assert _stored(tmp_path) == []


def test_russian_messages(tmp_path: Path) -> None:
    rows = [EXPERT_HEADERS_RU, expert_row(0, availability="когда смогу")]
    path = write_xlsx(tmp_path / "experts.xlsx", rows)
    code, output = _run(tmp_path, "import", str(path), lang="ru")
    assert code == 1
    assert (
        "experts.xlsx:2: Дни и часы работы «когда смогу»: в «когда смогу» нет ни дня недели"
        in output
    )
    assert "Ничего не сохранено: отклонено строк — 1." in output


def test_partial_with_an_errors_file(tmp_path: Path) -> None:
    bad = expert_row(1, load_limit=50, subjects="=1+1")
    rows = [EXPERT_HEADERS_RU, expert_row(0), bad, expert_row(2)]
    path = write_csv(tmp_path / "experts.csv", rows, encoding="cp1251", delimiter=";")
    out = tmp_path / "errors.xlsx"
    code, output = _run(tmp_path, "import", str(path), "--partial", "--errors", str(out))
    assert code == 1, output
    assert "2 new, 0 updated, 0 unchanged, 1 refused" in output
    assert "the 1 refused rows were not stored" in output
    assert f"Refused rows written to {out}" in output
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    header, row = list(sheet.iter_rows(values_only=True))
    assert header == (*EXPERT_HEADERS_RU, "Reason")
    assert row[0] == "Белов Андрей Николаевич"
    assert row[3] == "=1+1"  # written as text, not as a formula
    assert row[-1] == "Нагрузка (заявок одновременно) must be between 1 and 20, not 50"
    assert sorted(e.full_name for e in _stored(tmp_path)) == [
        "Кравченко Ольга Петровна",
        "Соколова Ирина Викторовна",
    ]


def test_dry_run_stores_nothing(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "e.xlsx", [EXPERT_HEADERS_EN, expert_row(0, active="yes")])
    code, output = _run(tmp_path, "import", str(path), "--dry-run")
    assert code == 0
    assert "1 new" in output and "Dry run: nothing stored." in output
    assert _stored(tmp_path) == []


def test_map_names_an_odd_column(tmp_path: Path) -> None:
    rows = [["ФИО", "Кто такой", "Контакты"], ["Белов Андрей", "ЦНППМ", "a@b.ru"]]
    path = write_xlsx(tmp_path / "e.xlsx", rows)
    code, output = _run(tmp_path, "import", str(path), "--map", "Кто такой=organization")
    assert code == 0, output
    assert _stored(tmp_path)[0].organization == "ЦНППМ"
    code, output = _run(tmp_path, "import", str(path), "--map", "Кто такой=role")
    assert code == 2
    assert "there is no field “role”" in output


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("e.txt", b"", "e.txt is empty: there are no experts in it"),
        ("e.pdf", b"%PDF", "not a file the import reads"),
        ("e.xlsx", b"not a workbook", "e.xlsx is not a spreadsheet"),
    ],
)
def test_an_unreadable_file_exits_2(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, output = _run(tmp_path, "import", str(path))
    assert code == 2
    assert message in output


# --- list --------------------------------------------------------------------------------


def test_list_searches_and_hides_inactive_experts(tmp_path: Path) -> None:
    rows = [
        EXPERT_HEADERS_RU,
        expert_row(0),
        expert_row(1, topics="engagement"),
        expert_row(3, active="нет"),
    ]
    assert _run(tmp_path, "import", str(write_xlsx(tmp_path / "e.xlsx", rows)))[0] == 0
    code, output = _run(tmp_path, "list")
    assert code == 0
    lines = output.splitlines()
    assert lines[0].split()[:2] == ["Name", "Organisation"]
    assert [line.split()[0] for line in lines[2:-1]] == ["Белов", "Соколова"]
    assert "0/4" in output and "engaging students" in output
    assert lines[-1] == "Experts: 2"
    code, output = _run(tmp_path, "list", "--inactive", "--search", "КОРОЛЕВА")
    assert "Королёва Вера Михайловна (inactive)" in output
    assert output.splitlines()[-1] == "Experts: 1"
    code, output = _run(tmp_path, "list", "--search", "нет такого", lang="ru")
    assert code == 0 and output.strip() == "Эксперты не найдены."


def test_help_explains_the_commands() -> None:
    result = runner.invoke(app, ["experts", "--help"])
    assert result.exit_code == 0
    for command in ("template", "import", "list"):
        assert f"  {command} " in result.output
    result = runner.invoke(app, ["experts", "import", "--help"])
    assert "updated, not added twice" in " ".join(result.output.split())
    assert "--partial" in result.output and "--errors" in result.output
