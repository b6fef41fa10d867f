"""`plc template OUT.xlsx`: the blank paper-form spreadsheet, read back with openpyxl."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles.numbers import is_date_format
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from plc_console.cli.main import app
from plc_console.domain import Channel, HelpWanted, Role
from plc_console.locale import Translator
from plc_console.services.intake.form import FORM_FIELDS, PAPER_CHANNELS

runner = CliRunner()

#: DESIGN.md section 3, as staff see it: a change here is a change of the paper form.
HEADERS_RU = [
    "№ формы",
    "Дата обращения",
    "Канал",
    "ФИО",
    "Кто обращается",
    "Образовательная организация",
    "Предмет",
    "Педагогический стаж (лет)",
    "Класс",
    "Контакты",
    "Описание проблемы",
    "Какая помощь нужна",
    "Согласие на обработку ПДн",
]
HEADERS_EN = [
    "Form No",
    "Date",
    "Channel",
    "Full name",
    "Role",
    "School",
    "Subject",
    "Teaching experience (years)",
    "Grade",
    "Contact",
    "Problem",
    "Help wanted",
    "Consent",
]
REQUIRED = {"Дата обращения", "ФИО", "Кто обращается", "Контакты", "Описание проблемы"}
REQUIRED |= {"Согласие на обработку ПДн"}
LETTERS = {f.key: "ABCDEFGHIJKLM"[i] for i, f in enumerate(FORM_FIELDS)}


def _write(tmp_path: Path, *args: str, name: str = "forms.xlsx") -> Workbook:
    out = tmp_path / name
    result = runner.invoke(app, ["template", str(out), *args])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == [f"Wrote {out}"]
    return openpyxl.load_workbook(out)


def _validations(sheet: Worksheet) -> dict[str, DataValidation]:
    """Each validation by the column it covers (each covers one column's data rows)."""
    found: dict[str, DataValidation] = {}
    for validation in sheet.data_validations.dataValidation:
        (cells,) = str(validation.sqref).split()
        found[cells.split(":")[0].rstrip("0123456789")] = validation
    return found


def _list_values(validation: DataValidation) -> list[str]:
    formula = validation.formula1 or ""
    assert formula.startswith('"') and formula.endswith('"'), formula
    return formula[1:-1].split(",")


@pytest.mark.parametrize(
    ("lang", "headers", "sheets"),
    [
        ("ru", HEADERS_RU, ["Заявки", "Инструкция"]),
        ("en", HEADERS_EN, ["Requests", "Instructions"]),
    ],
)
def test_headers_in_the_form_order(
    tmp_path: Path, lang: str, headers: list[str], sheets: list[str]
) -> None:
    book = _write(tmp_path, "--lang", lang)
    assert book.sheetnames == sheets
    forms = book.worksheets[0]
    assert [cell.value for cell in forms[1]] == headers
    assert forms.max_row == 1  # nothing below the header until staff type
    assert forms.freeze_panes == "A2"
    assert forms.auto_filter.ref == "A1:M5001"
    assert book.properties.creator == "plc-console"
    assert book.properties.title


def test_required_headers_are_bold_with_a_note(tmp_path: Path) -> None:
    forms = _write(tmp_path, "--lang", "ru").worksheets[0]
    for cell in forms[1]:
        required = cell.value in REQUIRED
        assert bool(cell.font.bold) is required, cell.value
        assert cell.comment is not None
        assert ("Обязательное поле" in cell.comment.text) is required, cell.value
    english = _write(tmp_path, "--lang", "en", name="en.xlsx").worksheets[0]
    assert english["B1"].comment is not None
    assert "Required field" in english["B1"].comment.text


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_drop_downs_offer_the_labels_of_the_language(tmp_path: Path, lang: str) -> None:
    t = Translator(lang)
    rules = _validations(_write(tmp_path, "--lang", lang).worksheets[0])
    expected = {
        "role": [t.label(role) for role in Role],
        "channel": [t.label(channel) for channel in PAPER_CHANNELS],
        "help_wanted": [t.label(help_wanted) for help_wanted in HelpWanted],
        "consent": ["да" if lang == "ru" else "yes"],
    }
    for key, labels in expected.items():
        rule = rules[LETTERS[key]]
        assert rule.type == "list", key
        assert _list_values(rule) == labels
        assert not rule.showDropDown  # in Excel's XML, True would hide the arrow
    assert Channel.PHONE not in PAPER_CHANNELS  # a call is registered at the desk


def test_numbers_and_dates_are_checked_over_the_data_rows(tmp_path: Path) -> None:
    rules = _validations(_write(tmp_path).worksheets[0])
    experience, grade = rules[LETTERS["experience_years"]], rules[LETTERS["grade"]]
    assert (experience.type, experience.operator) == ("whole", "between")
    assert (experience.formula1, experience.formula2) == ("0", "60")
    assert (grade.type, grade.formula1, grade.formula2) == ("whole", "1", "11")
    received = rules[LETTERS["received_on"]]
    assert (received.type, received.operator, received.formula1) == (
        "date",
        "greaterThanOrEqual",
        "36526",  # 1 January 2000 as a workbook day number
    )
    assert received.prompt and "dd.mm.yyyy" in received.prompt
    assert set(rules) == {LETTERS[k] for k in ("received_on", "channel", "role")} | {
        LETTERS[k] for k in ("experience_years", "grade", "help_wanted", "consent")
    }
    for letter, rule in rules.items():
        assert str(rule.sqref) == f"{letter}2:{letter}5001"
        assert rule.allow_blank and rule.showErrorMessage and rule.showInputMessage
        assert rule.errorStyle == "stop"
        # Excel refuses a workbook whose validation texts pass its limits.
        assert len(rule.errorTitle or "") <= 32 and len(rule.promptTitle or "") <= 32
        assert len(rule.prompt or "") <= 255 and 0 < len(rule.error or "") <= 225


def test_columns_are_formatted_for_what_staff_type(tmp_path: Path) -> None:
    forms = _write(tmp_path).worksheets[0]
    columns = forms.column_dimensions
    date_format = columns[LETTERS["received_on"]].number_format
    assert date_format == "DD.MM.YYYY" and is_date_format(date_format)
    assert columns[LETTERS["problem"]].alignment.wrap_text
    assert columns[LETTERS["contact"]].number_format == "@"  # phone numbers stay text
    assert columns[LETTERS["form_no"]].number_format == "@"
    widths = [columns[letter].width for letter in LETTERS.values()]
    assert all(8 <= width <= 60 for width in widths)
    assert columns[LETTERS["problem"]].width == max(widths)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_instructions_explain_every_column_and_the_import(tmp_path: Path, lang: str) -> None:
    guide = _write(tmp_path, "--lang", lang).worksheets[1]
    text = "\n".join(str(v) for row in guide.iter_rows(values_only=True) for v in row if v)
    headers = HEADERS_RU if lang == "ru" else HEADERS_EN
    for header in headers:
        assert header in text
    assert "plc import" in text and "--dry-run" in text
    assert "{" not in text  # every placeholder filled
    assert ("согласия" if lang == "ru" else "without consent") in text
    table = {row[0].value: row[1].value for row in guide.iter_rows() if row[0].value in headers}
    yes = Translator(lang)("template.required_yes")
    required = {HEADERS_EN[HEADERS_RU.index(h)] for h in REQUIRED} if lang == "en" else REQUIRED
    assert {header for header, flag in table.items() if flag == yes} == required


def test_the_language_follows_the_console_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "forms.xlsx"
    assert runner.invoke(app, ["--lang", "ru", "template", str(out)]).exit_code == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Заявки"
    monkeypatch.setenv("PLC_LANG", "en")
    result = runner.invoke(app, ["template", str(out)])
    assert result.exit_code == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Requests"  # replaced whole
    russian = runner.invoke(app, ["--lang", "ru", "template", str(out), "--lang", "en"])
    assert russian.output.startswith("Записан файл")  # messages in the console's language


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("forms.csv", "give a file name ending in .xlsx"),
        ("forms", "give a file name ending in .xlsx"),
        ("folder.xlsx", "is a folder"),
        ("missing/forms.xlsx", "does not exist"),
        ("notes.txt/forms.xlsx", "does not exist"),
    ],
)
def test_a_bad_out_is_refused_in_one_line(tmp_path: Path, target: str, says: str) -> None:
    (tmp_path / "folder.xlsx").mkdir()
    (tmp_path / "notes.txt").write_text("a file, not a folder", encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    result = runner.invoke(app, ["template", str(tmp_path / target)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and says in lines[0], result.stderr
    assert sorted(tmp_path.rglob("*")) == before


def test_an_unknown_language_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["template", str(tmp_path / "forms.xlsx"), "--lang", "de"])
    assert result.exit_code == 1
    assert "unsupported language 'de'" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = runner.invoke(app, ["template", str(locked / "forms.xlsx")])
    finally:
        locked.chmod(0o700)
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "Permission denied" in result.stderr
    assert list(locked.iterdir()) == []


def test_an_unwritable_place_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)
    result = runner.invoke(app, ["template", str(tmp_path / "forms.xlsx")])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [f"Error: cannot write {tmp_path / 'forms.xlsx'}: Permission denied"]
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_writing_leaves_the_old_file_and_no_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "forms.xlsx"
    out.write_bytes(b"the previous template")

    def disk_full(self: Workbook, stream: object) -> None:
        stream.write(b"PK half a zip")  # type: ignore[attr-defined]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", disk_full)
    result = runner.invoke(app, ["template", str(out)])
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert list(tmp_path.iterdir()) == [out]
    assert out.read_bytes() == b"the previous template"
