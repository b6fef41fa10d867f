"""The blank paper-form spreadsheet staff type forms into (`plc template`).

Sheet 1 holds the form's headers (:data:`FORM_FIELDS`, in order) with drop-down lists,
number and date checks over :data:`DATA_ROWS`; sheet 2 explains every column in plain
words. Formats are set on whole columns rather than on thousands of empty cells, so the
file stays small and a reader sees only the header row until staff type something.

openpyxl is imported inside the functions: the console must start without it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from plc_console.domain import PlcError, Stage
from plc_console.locale import Translator
from plc_console.services.files import check_folder, write_whole
from plc_console.services.intake.form import (
    DEFAULT_CHANNEL,
    EARLIEST_DATE,
    FORM_FIELDS,
    FieldKind,
    FormField,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.worksheet import Worksheet

#: The rows (after the header) that carry the drop-downs and checks.
DATA_ROWS = 5000
LAST_ROW = DATA_ROWS + 1
DATE_FORMAT = "DD.MM.YYYY"
#: Dates before this are refused as typing mistakes (the form is a recent paper).
SUFFIX = ".xlsx"
CREATOR = "plc-console"

#: Column widths in characters; headers wrap, so a width fits the values, not the header.
WIDTHS: dict[str, float] = {
    "form_no": 12,
    "received_on": 14,
    "channel": 14,
    "full_name": 32,
    "role": 16,
    "organization": 34,
    "subject": 20,
    "experience_years": 14,
    "grade": 8,
    "contact": 26,
    "problem": 60,
    "help_wanted": 17,
    "consent": 15,
}
#: Columns typed as text, so Excel keeps "+7 937 …", "8937…" or "007" as written.
_TEXT_COLUMNS = ("form_no", "contact")
#: Widths of the instructions' columns: header, required, what to type, values and format.
GUIDE_WIDTHS = (30.0, 14.0, 60.0, 50.0)
#: Points per line of 11-point text, for rows whose wrapped text sets their height.
LINE_HEIGHT = 15
#: Excel's limits for a validation's title and messages.
_TITLE_MAX, _PROMPT_MAX = 32, 255


def write_template(path: Path, lang: str) -> Path:
    """Write the blank form spreadsheet in ``lang`` to ``path`` (.xlsx) and return the path.

    The file appears whole or not at all: it is written beside ``path`` under a temporary
    name and renamed over it at the end. A name without .xlsx, a folder, a missing or
    unwritable folder are refused with a :class:`PlcError`.
    """
    t = Translator(lang)
    check_target(path)
    save_whole(build_template(t), path)
    return path


def build_template(t: Translator) -> Workbook:
    """The template workbook in the translator's language, not yet saved."""
    from openpyxl import Workbook

    workbook = Workbook()
    forms = workbook.active
    assert forms is not None  # a new workbook has one sheet
    forms.title = t("template.sheet_forms")
    _fill_forms(forms, t)
    _fill_instructions(workbook.create_sheet(t("template.sheet_instructions")), t)
    workbook.active = 0
    describe_workbook(workbook, t, "template")
    return workbook


def describe_workbook(workbook: Workbook, t: Translator, prefix: str) -> None:
    """The file's properties: title and subject (``prefix.doc_title``, ``prefix.doc_subject``
    in the catalogs), the console as its author, and its language."""
    properties = workbook.properties
    properties.title = t(f"{prefix}.doc_title")
    properties.subject = t(f"{prefix}.doc_subject")
    properties.creator = CREATOR
    properties.lastModifiedBy = CREATOR
    properties.language = t.lang


def choice_labels(field: FormField, t: Translator) -> list[str]:
    """The values a drop-down column offers, as typed in the translator's language."""
    if field.kind is FieldKind.CONSENT:
        return [t("template.consent_yes")]
    return [t.label(choice) for choice in field.choices]


def check_target(path: Path) -> None:
    if path.is_dir():
        raise PlcError("template.is_folder", path=str(path))
    if path.suffix.lower() != SUFFIX:
        raise PlcError("template.not_xlsx", path=str(path))
    check_folder(path)


def save_whole(workbook: Workbook, path: Path) -> None:
    """Save under a temporary name in the same folder, then rename over ``path``."""
    write_whole(path, workbook.save)


def _fill_forms(sheet: Worksheet, t: Translator) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    header_alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    header_border = Border(bottom=Side(style="medium", color="808080"))
    for column, field in enumerate(FORM_FIELDS, start=1):
        letter = get_column_letter(column)
        cell = sheet.cell(row=1, column=column, value=field.header(t.lang))
        cell.font = Font(bold=field.required)
        cell.fill = required_fill if field.required else header_fill
        cell.alignment = header_alignment
        cell.border = header_border
        note = _header_note(field, t)
        cell.comment = Comment(note, CREATOR, height=110, width=260)
        dimension = sheet.column_dimensions[letter]
        dimension.width = WIDTHS[field.key]
        # Column styles format what staff type later without creating thousands of cells.
        if field.kind is FieldKind.DATE:
            dimension.number_format = DATE_FORMAT
        elif field.key in _TEXT_COLUMNS:
            dimension.number_format = "@"
        if field.key == "problem":
            dimension.alignment = Alignment(wrap_text=True, vertical="top")
        _add_validation(sheet, field, f"{letter}2:{letter}{LAST_ROW}", t)
    sheet.row_dimensions[1].height = 48
    last = get_column_letter(len(FORM_FIELDS))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last}{LAST_ROW}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _header_note(field: FormField, t: Translator) -> str:
    """The header's comment: required or not, then what to type."""
    status = t("template.required_note" if field.required else "template.optional_note")
    return f"{status}\n{_format_text(field, t)}"


def _format_text(field: FormField, t: Translator) -> str:
    """Accepted values and format of a column, in a sentence."""
    if field.kind is FieldKind.DATE:
        return t("template.format_date", earliest=EARLIEST_DATE.strftime("%d.%m.%Y"))
    if field.kind is FieldKind.NUMBER:
        assert field.bounds is not None
        low, high = field.bounds
        return t("template.format_number", low=low, high=high)
    if field.kind is FieldKind.CONSENT:
        return t("template.format_consent", yes=t("template.consent_yes"))
    if field.kind is FieldKind.CHOICE:
        values = " / ".join(choice_labels(field, t))
        if field.key == "channel":
            return t("template.format_channel", values=values, default=DEFAULT_CHANNEL)
        return t("template.format_choice", values=values)
    if field.max_chars is not None:
        return t("template.format_long_text", limit=field.max_chars)
    return t("template.format_text")


def _add_validation(sheet: Worksheet, field: FormField, cells: str, t: Translator) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    header = field.header(t.lang)
    if field.kind is FieldKind.DATE:
        earliest = EARLIEST_DATE.strftime("%d.%m.%Y")
        validation = DataValidation(
            type="date",
            operator="greaterThanOrEqual",
            # Dates are day numbers in a workbook (the 1900 system): 2000-01-01 is 36526.
            formula1=str((EARLIEST_DATE - date(1899, 12, 30)).days),
            error=t("template.error_date", earliest=earliest),
        )
    elif field.kind is FieldKind.NUMBER:
        assert field.bounds is not None
        low, high = field.bounds
        validation = DataValidation(
            type="whole",
            operator="between",
            formula1=str(low),
            formula2=str(high),
            error=t("template.error_number", low=low, high=high),
        )
    elif field.kind in (FieldKind.CHOICE, FieldKind.CONSENT):
        labels = choice_labels(field, t)
        validation = DataValidation(
            type="list",
            formula1=list_formula(labels),
            error=t("template.error_choice", values=" / ".join(labels)),
        )
    else:
        return
    validation.allow_blank = True
    validation.showErrorMessage = True
    validation.showInputMessage = True
    validation.errorStyle = "stop"
    validation.errorTitle = header[:_TITLE_MAX]
    validation.promptTitle = header[:_TITLE_MAX]
    validation.prompt = _format_text(field, t)[:_PROMPT_MAX]
    validation.add(cells)
    sheet.add_data_validation(validation)


def list_formula(labels: list[str]) -> str:
    """An in-cell list: comma-separated in quotes, at most 255 characters (Excel's limit)."""
    for label in labels:
        if "," in label or '"' in label:
            raise ValueError(f"a drop-down value cannot hold a comma or a quote: {label!r}")
    formula = '"' + ",".join(labels) + '"'
    if len(formula) > _PROMPT_MAX:
        raise ValueError(f"drop-down list longer than {_PROMPT_MAX} characters: {formula}")
    return formula


def _fill_instructions(sheet: Worksheet, t: Translator) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    for letter, width in zip("ABCD", GUIDE_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width

    row = 1
    title = sheet.cell(row=row, column=1, value=t("template.guide_title"))
    title.font = Font(bold=True, size=14)
    row += 1
    for key in ("template.guide_intro", "template.guide_headers"):
        row = paragraph(sheet, row, t(key, sheet=t("template.sheet_forms")), wrap)
    row += 1

    columns = (
        "template.guide_column",
        "template.guide_required",
        "template.guide_what",
        "template.guide_format",
    )
    for column, key in enumerate(columns, start=1):
        cell = sheet.cell(row=row, column=column, value=t(key))
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = wrap
    row += 1
    for field in FORM_FIELDS:
        required = t("template.required_yes" if field.required else "template.required_no")
        values = (
            field.header(t.lang),
            required,
            t(f"template.about_{field.key}"),
            _format_text(field, t),
        )
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.alignment = wrap
            if field.required and column <= 2:
                cell.font = bold
        lines = max(
            wrapped_lines(text, width) for text, width in zip(values, GUIDE_WIDTHS, strict=True)
        )
        sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 3
        row += 1
    row += 1

    required = ", ".join(f.header(t.lang) for f in FORM_FIELDS if f.required)
    rules = (t("template.note_required", required=required), t("template.note_consent"))
    steps = (
        t("template.note_import", stage=Stage.RECEIVED),
        t("template.note_dry_run"),
        t("template.note_refused"),
    )
    for heading, paragraphs in (("template.guide_rules", rules), ("template.guide_import", steps)):
        sheet.cell(row=row, column=1, value=t(heading)).font = bold
        row += 1
        for text in paragraphs:
            row = paragraph(sheet, row, text, wrap)
        row += 1


def paragraph(sheet: Worksheet, row: int, text: str, wrap: Alignment) -> int:
    """A paragraph over the four columns of the instructions; returns the next row."""
    cell = sheet.cell(row=row, column=1, value=text)
    cell.alignment = wrap
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    # A merged cell does not grow to fit its text: give the row room for its lines.
    sheet.row_dimensions[row].height = LINE_HEIGHT * wrapped_lines(text, sum(GUIDE_WIDTHS)) + 3
    return row + 1


def wrapped_lines(text: str, width: float) -> int:
    """About how many lines ``text`` wraps to in a column ``width`` characters wide."""
    per_line = max(1, int(width) - 2)
    return sum(max(1, -(-len(line) // per_line)) for line in text.splitlines() or [""])
