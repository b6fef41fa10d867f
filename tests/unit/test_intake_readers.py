"""Reading spreadsheets of forms: every format, row numbers as shown, and one clear refusal
for each kind of file that cannot be read."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from plc_console.domain import Role
from plc_console.locale import Translator
from plc_console.services.intake.errors import FileRefused, MissingColumns
from plc_console.services.intake.headers import parse_mapping
from plc_console.services.intake.readers import Table, read_table
from plc_console.services.intake.rows import BLANK, RowChecker
from plc_console.services.requests import NewRequest
from tests.conftest import NOW
from tests.unit.intake_files import (
    HEADERS_EN,
    HEADERS_RU,
    form_row,
    write_csv,
    write_ods,
    write_xlsx,
)

SAMPLE = Path("/work/shared/forms/sample-paper-forms.xlsx")
TODAY = NOW.date()
ALL_FIELDS = dict(enumerate(
    ["form_no", "received_on", "channel", "full_name", "role", "organization", "subject",
     "experience_years", "grade", "contact", "problem", "help_wanted", "consent"]
))  # fmt: skip


def _refusal(path: Path, **kwargs: object) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        read_table(path, **kwargs)  # type: ignore[arg-type]
    return caught.value


def _message(error: FileRefused, lang: str = "en") -> str:
    return Translator(lang)(error.code, **error.params)


def _checked(table: Table) -> list[object]:
    return RowChecker(table.columns, TODAY).check_all(table.rows)


# --- formats ---------------------------------------------------------------------------


def test_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, form_row(1), form_row(2, grade=5)])
    table = read_table(path)
    assert (table.sheet, table.header_row, list(table.row_numbers)) == ("Заявки", 1, [2, 3])
    assert table.columns == ALL_FIELDS
    assert table.headers == tuple(HEADERS_RU)
    assert table.rows[0][1] == date(2026, 11, 4)  # a date cell arrives as a date
    assert table.rows[1][8] == 5.0
    assert table.header_of("consent") == "Согласие на обработку ПДн"
    number, cells = next(table.records())
    assert number == 2 and cells["full_name"] == "Козлов Иван Петрович"
    assert all(isinstance(result, NewRequest) for result in _checked(table))


def test_formulas_are_never_evaluated_the_stored_result_is_read(tmp_path: Path) -> None:
    """openpyxl stores formulas without a computed value: the reader sees an empty cell and
    the "=…" text never reaches a request."""
    row = form_row(1, full_name='=HYPERLINK("http://x";"Козлов")', grade="=2+3")
    table = read_table(write_xlsx(tmp_path / "f.xlsx", [HEADERS_RU, row]))
    assert table.rows[0][3] == "" and table.rows[0][8] == ""
    problems = _checked(table)[0]
    assert isinstance(problems, list)
    assert [(p.field, p.reason_key) for p in problems] == [("full_name", "invalid.required")]


def test_a_formulas_stored_result_is_read(tmp_path: Path) -> None:
    """Excel keeps each formula's last result beside it: that text is what staff saw, and
    what is imported. (openpyxl writes no results, so one is put into the XML here.)"""
    path = write_xlsx(tmp_path / "f.xlsx", [HEADERS_RU, form_row(1, full_name="placeholder")])
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    cell = re.search(r'<c r="D2"[^>]*>.*?</c>', sheet)
    assert cell is not None
    formula = '<c r="D2" t="str"><f>CONCATENATE("Козлов ";"Иван")</f><v>Козлов Иван</v></c>'
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(cell.group(0), formula).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    (result,) = _checked(read_table(path))
    assert isinstance(result, NewRequest) and result.full_name == "Козлов Иван"


def test_csv_from_russian_excel_cp1251_with_semicolons(tmp_path: Path) -> None:
    rows = [
        HEADERS_RU,
        form_row(1, received_on="04.11.2026", experience_years="5", grade=""),
        form_row(2, problem="Текст; с точкой с запятой,\nи второй строкой", grade="5 «Б»"),
    ]
    table = read_table(write_csv(tmp_path / "forms.csv", rows, encoding="cp1251", delimiter=";"))
    assert table.sheet is None and table.columns == ALL_FIELDS
    assert table.rows[1][10] == "Текст; с точкой с запятой,\nи второй строкой"
    first, second = _checked(table)
    assert isinstance(first, NewRequest) and first.experience_years == 5
    assert isinstance(second, NewRequest) and second.grade == 5


def test_csv_utf8_with_bom_and_commas_english_headers(tmp_path: Path) -> None:
    rows = [HEADERS_EN, form_row(1, role="parent", problem='He said "no", then left')]
    path = write_csv(tmp_path / "forms.csv", rows, encoding="utf-8-sig", delimiter=",")
    table = read_table(path)
    assert table.headers[0] == "Form No"  # the BOM is not part of the first header
    (result,) = _checked(table)
    assert isinstance(result, NewRequest)
    assert result.role is Role.PARENT and result.problem == 'He said "no", then left'


def test_csv_utf8_without_bom_tab_separated(tmp_path: Path) -> None:
    rows = [HEADERS_RU, form_row(1), form_row(2)]
    table = read_table(write_csv(tmp_path / "forms.tsv", rows, encoding="utf-8", delimiter="\t"))
    assert len(table.rows) == 2 and table.columns == ALL_FIELDS


def test_csv_with_excels_sep_line(tmp_path: Path) -> None:
    path = tmp_path / "forms.csv"
    write_csv(path, [HEADERS_RU, form_row(1)], encoding="utf-8", delimiter=",")
    path.write_bytes(b"sep=,\r\n" + path.read_bytes())
    table = read_table(path)
    assert table.header_row == 1 and list(table.row_numbers) == [2]


def test_ods(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "forms.ods", [HEADERS_RU, form_row(1), form_row(2, grade=7)])
    table = read_table(path)
    assert table.columns == ALL_FIELDS and table.rows[0][1] == date(2026, 11, 4)
    assert all(isinstance(result, NewRequest) for result in _checked(table))


def test_a_workbook_under_a_csv_name_is_still_read_as_a_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, form_row(1)])
    renamed = path.rename(tmp_path / "forms.csv")
    assert read_table(renamed).sheet == "Заявки"


# --- where the table is ----------------------------------------------------------------


def test_titles_and_blank_lines_above_the_header_are_skipped(tmp_path: Path) -> None:
    rows = [
        ["Заявки участников ПОС, ноябрь 2026"],
        [],
        [None, "заполнила: Петрова"],
        HEADERS_RU,
        form_row(1),
        [],  # a blank line between forms: kept, so numbers stay true, and reported as blank
        form_row(2),
        [],
        [],
    ]
    path = write_xlsx(tmp_path / "forms.xlsx", rows, merge="A1:F1")  # a merged title is fine
    table = read_table(path)
    assert table.header_row == 4
    assert list(table.row_numbers) == [5, 6, 7]  # trailing blank rows are dropped
    results = _checked(table)
    assert isinstance(results[0], NewRequest) and results[1] is BLANK
    assert isinstance(results[2], NewRequest) and results[2].form_no == "Я-000002"


def test_row_numbers_are_the_spreadsheets(tmp_path: Path) -> None:
    rows = [[], HEADERS_RU, form_row(1), form_row(2, consent="нет")]
    table = read_table(write_xlsx(tmp_path / "forms.xlsx", rows))
    numbered = dict(zip(table.row_numbers, _checked(table), strict=True))
    assert isinstance(numbered[3], NewRequest)
    refused = numbered[4]
    assert isinstance(refused, list) and refused[0].reason_key == "invalid.no_consent"


def test_the_named_sheet_or_else_the_first_with_forms(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "Инструкция"
    notes.append(["Как заполнять таблицу"])
    forms = workbook.create_sheet("Ноябрь")
    for row in (HEADERS_RU, form_row(1)):
        forms.append(row)
    october = workbook.create_sheet("Октябрь")
    for row in (HEADERS_RU, form_row(7), form_row(8)):
        october.append(row)
    path = tmp_path / "forms.xlsx"
    workbook.save(path)
    assert read_table(path).sheet == "Ноябрь"
    assert len(read_table(path, "Октябрь").rows) == 2
    assert read_table(path, " октябрь ").sheet == "Октябрь"


def test_map_helps_find_the_header_row(tmp_path: Path) -> None:
    headers = ["Когда", "Кто написал", "Кто", "Связь", "Суть", "Галочка"]
    row = ["04.11.2026", "Козлов Иван", "учитель", "+7 937 138-21-65", "Проблема", "да"]
    path = write_xlsx(tmp_path / "forms.xlsx", [headers, row])
    with pytest.raises(MissingColumns):
        read_table(path)
    overrides = parse_mapping(["Кто написал=full_name", "Связь=contact", "Галочка=consent"])
    table = read_table(path, overrides=overrides)
    (result,) = _checked(table)
    assert isinstance(result, NewRequest) and result.full_name == "Козлов Иван"


# --- refusals --------------------------------------------------------------------------


def test_an_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "forms.docx"
    path.write_bytes(b"PK\x03\x04whatever")
    error = _refusal(path)
    assert error.kind == "unknown_extension"
    assert _message(error).startswith("forms.docx: not a file the import reads")


def test_an_empty_file(tmp_path: Path) -> None:
    for name in ("empty.xlsx", "empty.csv"):
        (tmp_path / name).write_bytes(b"")
        error = _refusal(tmp_path / name)
        assert error.kind == "empty_file"
        assert _message(error, "ru") == f"Файл {name} пуст: форм в нём нет"
    (tmp_path / "blank.csv").write_bytes(b"\xef\xbb\xbf;;;\r\n;;\r\n")
    assert _refusal(tmp_path / "blank.csv").kind == "empty_file"


def test_a_workbook_with_nothing_in_it(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "blank.xlsx", [])
    assert _refusal(path).kind == "empty_file"
    assert _refusal(path, sheet="Заявки").kind == "empty_sheet"


def test_headers_only(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, [], [None, "  "]])
    error = _refusal(path)
    assert error.kind == "no_data"
    assert _message(error) == "forms.xlsx: “Заявки” has the headers but no forms below them"
    csv_path = write_csv(tmp_path / "forms.csv", [HEADERS_RU], encoding="utf-8", delimiter=";")
    assert _refusal(csv_path).kind == "no_data"


def test_a_text_file_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "forms.xlsx"
    path.write_text("Это не таблица, а письмо.\n", encoding="utf-8")
    error = _refusal(path)
    assert error.kind == "not_a_spreadsheet"
    assert _message(error).startswith("forms.xlsx is not a spreadsheet")


def test_a_binary_file_renamed_csv(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert _refusal(path).kind == "not_a_spreadsheet"


def test_a_damaged_workbook(tmp_path: Path) -> None:
    whole = write_xlsx(tmp_path / "whole.xlsx", [HEADERS_RU, form_row(1)]).read_bytes()
    path = tmp_path / "forms.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    error = _refusal(path)
    assert error.kind == "corrupt"
    assert _message(error).startswith("forms.xlsx cannot be read: the workbook is damaged")


def test_a_password_protected_workbook(tmp_path: Path) -> None:
    """Excel saves an encrypted .xlsx as an OLE container holding an "EncryptedPackage"
    stream. (No encrypting writer is at hand, so this file has just those markers.)"""
    path = tmp_path / "secret.xlsx"
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)
    path.write_bytes(ole + "EncryptionInfo".encode("utf-16-le") + bytes(64)
                     + "EncryptedPackage".encode("utf-16-le") + bytes(2048))  # fmt: skip
    error = _refusal(path)
    assert error.kind == "protected"
    assert "remove the password" in _message(error)
    assert "снимите пароль" in _message(error, "ru")


def test_a_sheet_that_does_not_exist(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "forms.xlsx", [HEADERS_RU, form_row(1)], extra_sheets=["Инструкция"]
    )
    error = _refusal(path, sheet="Декабрь")
    assert error.kind == "no_sheet"
    assert _message(error) == (
        "forms.xlsx has no sheet “Декабрь”; its sheets are: “Заявки”, “Инструкция”"
    )


def test_merged_cells_in_the_table(tmp_path: Path) -> None:
    rows = [HEADERS_RU, form_row(1), form_row(2)]
    path = write_xlsx(tmp_path / "forms.xlsx", rows, merge="D2:D3")  # one name for two forms
    error = _refusal(path)
    assert error.kind == "merged_cells"
    assert _message(error).startswith("forms.xlsx: the sheet “Заявки” has merged cells (D2:D3)")


def test_required_columns_missing(tmp_path: Path) -> None:
    rows = [["ФИО", "Дата", "Телефон", "Примечание"], ["Козлов", "04.11.2026", "+7 900", "-"]]
    path = write_xlsx(tmp_path / "forms.xlsx", rows)
    with pytest.raises(MissingColumns) as caught:
        read_table(path)
    assert caught.value.missing == ("role", "problem", "consent")
    assert caught.value.found == ("ФИО", "Дата", "Телефон", "Примечание")


def test_a_file_that_cannot_be_opened(tmp_path: Path) -> None:
    assert _refusal(tmp_path / "absent.xlsx").kind == "cannot_open"


# --- the sample file -------------------------------------------------------------------


@pytest.mark.skipif(not SAMPLE.exists(), reason=f"{SAMPLE} is not here")
def test_the_sample_file_every_form_is_taken(tmp_path: Path) -> None:
    """The staff's sample: 40 forms, Excel dates and dates typed as text (13.11.2026),
    "Родитель" with a capital, consent "да " with a space; all are good forms."""
    path = tmp_path / SAMPLE.name
    shutil.copyfile(SAMPLE, path)
    table = read_table(path)
    assert (table.sheet, table.header_row, table.columns) == ("Заявки", 1, ALL_FIELDS)
    assert list(table.row_numbers) == list(range(2, 42))
    results = _checked(table)
    assert all(isinstance(result, NewRequest) for result in results)
    requests = [r for r in results if isinstance(r, NewRequest)]
    by_form = {r.form_no: r for r in requests}
    assert len(by_form) == 40
    assert by_form["Я-100004"].received_on == date(2026, 11, 13)  # typed as text
    assert by_form["Я-100001"].experience_years == 27 and by_form["Я-100001"].grade is None
    assert by_form["Я-100032"].role is Role.PARENT  # "Родитель"
    assert by_form["Я-100020"].consent is True  # "да "
    roles = {r.role for r in requests}
    assert roles == {Role.TEACHER, Role.PARENT, Role.STUDENT}
