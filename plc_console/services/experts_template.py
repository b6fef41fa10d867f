"""The blank expert-registry spreadsheet (`plc experts template`).

Sheet 1 holds the registry's headers (:data:`~.experts_form.EXPERT_FIELDS`, in order)
with a whole-number check on the load limit and a да/нет list for "active"; topics are
free text, because an expert has several. Sheet 2 explains every column, lists the
topics to name (with their keys) and says how a second import updates the registry.
Built like the paper-form template (:mod:`.intake.template`), whose saving and layout
helpers it shares.

openpyxl is imported inside the functions: the console must start without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from plc_console.locale import Translator
from plc_console.services.experts import DEFAULT_LOAD, LOAD_RANGE
from plc_console.services.experts_form import EXPERT_FIELDS
from plc_console.services.intake.form import FieldKind, FormField
from plc_console.services.intake.template import (
    CREATOR,
    GUIDE_WIDTHS,
    LAST_ROW,
    LINE_HEIGHT,
    check_target,
    describe_workbook,
    list_formula,
    paragraph,
    save_whole,
    wrapped_lines,
)
from plc_console.services.reference import read_csv
from plc_console.services.views import TopicView

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["build_expert_template", "shipped_topics", "write_expert_template"]

#: Column widths in characters (headers wrap).
_WIDTHS: dict[str, float] = {
    "full_name": 32,
    "organization": 40,
    "contact": 26,
    "subjects": 22,
    "topics": 50,
    "load_limit": 16,
    "availability": 30,
    "active": 11,
}
#: Columns typed as text, so Excel keeps "+7 912 …" or "8912…" as written.
_TEXT_COLUMNS = ("contact",)
_WRAPPED_COLUMNS = ("organization", "topics", "availability")
_TITLE_MAX, _PROMPT_MAX = 32, 255


def shipped_topics() -> list[TopicView]:
    """The topics shipped in data/topics.csv (what a new database starts with)."""
    return [
        TopicView(index, row["key"], row["name_ru"], row["name_en"], True)
        for index, row in enumerate(read_csv("topics.csv"), start=1)
    ]


def write_expert_template(
    path: Path | str, lang: str, topics: Sequence[TopicView] | None = None
) -> Path:
    """Write the blank registry spreadsheet in ``lang`` to ``path`` (.xlsx), listing
    ``topics`` (the shipped ones by default) on its instructions sheet.

    Written whole or not at all; a name without .xlsx, a folder, a missing or
    unwritable folder are refused with a :class:`~plc_console.domain.PlcError`.
    """
    target = Path(path)
    t = Translator(lang)
    check_target(target)
    save_whole(build_expert_template(t, shipped_topics() if topics is None else topics), target)
    return target


def build_expert_template(t: Translator, topics: Sequence[TopicView]) -> Workbook:
    """The template workbook in the translator's language, not yet saved."""
    from openpyxl import Workbook

    workbook = Workbook()
    experts = workbook.active
    assert experts is not None  # a new workbook has one sheet
    experts.title = t("registry.template.sheet_experts")
    _fill_experts(experts, t)
    _fill_instructions(workbook.create_sheet(t("registry.template.sheet_instructions")), t, topics)
    workbook.active = 0
    describe_workbook(workbook, t, "registry.template")
    return workbook


def _yes_no(t: Translator) -> list[str]:
    return [t("registry.template.yes"), t("registry.template.no")]


def _format_text(field: FormField, t: Translator) -> str:
    """Accepted values and format of a column, in a sentence."""
    low, high = LOAD_RANGE
    yes, no = _yes_no(t)
    if field.key == "load_limit":
        return t("registry.template.format_load_limit", low=low, high=high, default=DEFAULT_LOAD)
    if field.key == "active":
        return t("registry.template.format_active", yes=yes, no=no)
    if field.key in ("contact", "topics", "availability"):
        return t(f"registry.template.format_{field.key}")
    return t("registry.template.format_text", limit=field.max_chars)


def _fill_experts(sheet: Worksheet, t: Translator) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    header_alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    header_border = Border(bottom=Side(style="medium", color="808080"))
    for column, field in enumerate(EXPERT_FIELDS, start=1):
        letter = get_column_letter(column)
        cell = sheet.cell(row=1, column=column, value=field.header(t.lang))
        cell.font = Font(bold=field.required)
        cell.fill = required_fill if field.required else header_fill
        cell.alignment = header_alignment
        cell.border = header_border
        status = t(f"registry.template.{'required' if field.required else 'optional'}_note")
        note = f"{status}\n{_format_text(field, t)}"
        cell.comment = Comment(note, CREATOR, height=130, width=280)
        dimension = sheet.column_dimensions[letter]
        dimension.width = _WIDTHS[field.key]
        if field.key in _TEXT_COLUMNS:
            dimension.number_format = "@"
        if field.key in _WRAPPED_COLUMNS:
            dimension.alignment = Alignment(wrap_text=True, vertical="top")
        _add_validation(sheet, field, f"{letter}2:{letter}{LAST_ROW}", t)
    sheet.row_dimensions[1].height = 48
    last = get_column_letter(len(EXPERT_FIELDS))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last}{LAST_ROW}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _add_validation(sheet: Worksheet, field: FormField, cells: str, t: Translator) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    if field.kind is FieldKind.NUMBER:
        low, high = LOAD_RANGE
        validation = DataValidation(
            type="whole",
            operator="between",
            formula1=str(low),
            formula2=str(high),
            error=t("registry.template.error_number", low=low, high=high),
        )
    elif field.kind is FieldKind.CHOICE:
        labels = _yes_no(t)
        validation = DataValidation(
            type="list",
            formula1=list_formula(labels),
            error=t("registry.template.error_choice", values=" / ".join(labels)),
        )
    else:
        validation = DataValidation(type=None)  # no check: only the hint on the cell
    header = field.header(t.lang)
    validation.allow_blank = True
    validation.errorStyle = "stop"
    validation.showErrorMessage = field.kind in (FieldKind.NUMBER, FieldKind.CHOICE)
    validation.showInputMessage = True
    validation.errorTitle = header[:_TITLE_MAX]
    validation.promptTitle = header[:_TITLE_MAX]
    validation.prompt = _format_text(field, t)[:_PROMPT_MAX]
    validation.add(cells)
    sheet.add_data_validation(validation)


def _fill_instructions(sheet: Worksheet, t: Translator, topics: Sequence[TopicView]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    heading_fill = PatternFill("solid", fgColor="DDEBF7")
    for letter, width in zip("ABCD", GUIDE_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width

    row = 1
    sheet.cell(row=row, column=1, value=t("registry.template.guide_title")).font = Font(
        bold=True, size=14
    )
    row += 1
    sheet_name = t("registry.template.sheet_experts")
    for key in ("registry.template.guide_intro", "registry.template.guide_headers"):
        row = paragraph(sheet, row, t(key, sheet=sheet_name), wrap)
    row += 1

    columns = ("guide_column", "guide_required", "guide_what", "guide_format")
    row = _table_row(sheet, row, [t(f"registry.template.{c}") for c in columns], wrap, bold)
    for column in range(1, 5):
        sheet.cell(row=row - 1, column=column).fill = heading_fill
    for field in EXPERT_FIELDS:
        required = t(
            "registry.template.required_yes" if field.required else "registry.template.required_no"
        )
        values = [
            field.header(t.lang),
            required,
            t(f"registry.template.about_{field.key}"),
            _format_text(field, t),
        ]
        row = _table_row(sheet, row, values, wrap, bold if field.required else None)
    row += 1

    sheet.cell(row=row, column=1, value=t("registry.template.guide_topics")).font = bold
    row += 1
    row = paragraph(sheet, row, t("registry.template.note_topics"), wrap)
    headers = [t("registry.template.topic_name"), t("registry.template.topic_key")]
    row = _table_row(sheet, row, headers, wrap, bold)
    for column in range(1, 3):
        sheet.cell(row=row - 1, column=column).fill = heading_fill
    for topic in topics:
        row = _table_row(sheet, row, [topic.name(t.lang), topic.key], wrap, None)
    row += 1

    sections = (
        ("guide_update", ("note_match", "note_columns", "note_again")),
        ("guide_import", ("note_import", "note_dry_run", "note_refused")),
    )
    for heading, paragraphs in sections:
        sheet.cell(row=row, column=1, value=t(f"registry.template.{heading}")).font = bold
        row += 1
        for key in paragraphs:
            row = paragraph(sheet, row, t(f"registry.template.{key}"), wrap)
        row += 1


def _table_row(
    sheet: Worksheet, row: int, values: Sequence[str], wrap: Alignment, font: Font | None
) -> int:
    """One row of a table on the instructions sheet, tall enough for its wrapped text."""
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.alignment = wrap
        if font is not None and column <= 2:
            cell.font = font
    lines = max(
        wrapped_lines(text, width) for text, width in zip(values, GUIDE_WIDTHS, strict=False)
    )
    sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 3
    return row + 1
