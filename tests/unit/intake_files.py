"""Small spreadsheets the intake tests write themselves: .xlsx (openpyxl), .csv, .ods.

openpyxl cannot write OpenDocument, so :func:`write_ods` writes the few XML parts an
.ods needs by hand (LibreOffice and calamine read them).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook

#: The template's headers, in its order (DESIGN.md section 3).
HEADERS_RU = [
    "№ формы", "Дата обращения", "Канал", "ФИО", "Кто обращается",
    "Образовательная организация", "Предмет", "Педагогический стаж (лет)", "Класс",
    "Контакты", "Описание проблемы", "Какая помощь нужна", "Согласие на обработку ПДн",
]  # fmt: skip
HEADERS_EN = [
    "Form No", "Date", "Channel", "Full name", "Role", "School", "Subject",
    "Teaching experience (years)", "Grade", "Contact", "Problem", "Help wanted", "Consent",
]  # fmt: skip

Cell = object
Rows = Sequence[Sequence[Cell]]


def form_row(number: int = 1, **changes: Cell) -> list[Cell]:
    """A valid form (a teacher's), in the template's column order, with ``changes``."""
    values: dict[str, Cell] = {
        "form_no": f"Я-{number:06d}",
        "received_on": date(2026, 11, 4),
        "channel": "ящик",
        "full_name": "Козлов Иван Петрович",
        "role": "учитель",
        "organization": "МБОУ СОШ № 12",
        "subject": "физика",
        "experience_years": 2,
        "grade": None,
        "contact": "+7 937 138-21-65",
        "problem": f"Не получается заинтересовать учеников на уроках ({number}).",
        "help_wanted": "консультация",
        "consent": "да",
    }
    unknown = set(changes) - set(values)
    assert not unknown, unknown
    values.update(changes)
    return list(values.values())


def write_xlsx(
    path: Path,
    rows: Rows,
    *,
    sheet: str = "Заявки",
    extra_sheets: Sequence[str] = (),
    merge: str | None = None,
) -> Path:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    if merge:
        worksheet.merge_cells(merge)
    for name in extra_sheets:
        workbook.create_sheet(name)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: Rows, *, encoding: str, delimiter: str) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if cell is None else _csv_text(cell) for cell in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _csv_text(cell: Cell) -> str:
    if isinstance(cell, date):
        return cell.strftime("%d.%m.%Y")
    return str(cell)


def write_ods(path: Path, rows: Rows, *, sheet: str = "Заявки") -> Path:
    """A minimal OpenDocument spreadsheet: text, numbers and dates as typed cells."""
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(cell) for cell in row) + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        "<office:document-content"
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(sheet)}">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def _ods_cell(cell: Cell) -> str:
    if cell is None or cell == "":
        return "<table:table-cell/>"
    if isinstance(cell, datetime | date):
        day = cell.date() if isinstance(cell, datetime) else cell
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{day.isoformat()}">'
            f"<text:p>{day.strftime('%d.%m.%Y')}</text:p></table:table-cell>"
        )
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return (
            f'<table:table-cell office:value-type="float" office:value="{cell}">'
            f"<text:p>{cell}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(cell))}</text:p>'
        "</table:table-cell>"
    )
