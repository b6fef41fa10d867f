"""The refused rows of an import as a spreadsheet staff can correct and import again.

The file's own headers come first, then a reason column naming every problem of the
row in words. Text that a spreadsheet would take for a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is written as text, so opening the
file runs nothing. The file is written beside its final name and then renamed, so a
crash never leaves half a file under that name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from plc_console.locale import Key, Translator
from plc_console.services.cells import FORMULA_STARTS, write_xlsx_text
from plc_console.services.files import write_whole
from plc_console.services.intake.importer import RefusedRow
from plc_console.services.intake.readers import Table
from plc_console.services.intake.rows import RowProblem
from plc_console.services.intake.values import display

__all__ = ["FORMULA_STARTS", "Refusals", "describe_problem", "write_errors"]
_DATE_FORMAT = "DD.MM.YYYY"


class Refusals(Protocol):
    """What has refused rows: a paper-form import's report, or the registry's."""

    @property
    def refused(self) -> Sequence[RefusedRow]: ...


def describe_problem(problem: RowProblem, t: Translator, header: str = "") -> str:
    """One problem in words, the column named by the file's header when there is one."""
    params = dict(problem.params)
    if header:
        params["field"] = header
    elif "field" not in params:
        params["field"] = Key(f"field.{problem.field}")
    return t(problem.reason_key, **params)


def write_errors(path: Path | str, table: Table, report: Refusals, t: Translator) -> Path:
    """Write the refused rows of ``report`` (read from ``table``) to an .xlsx at ``path``."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    target = Path(path)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = t("import.errors_sheet")[:31]
    headers = list(table.headers)
    reason_header = t("import.reason_header")
    width = len(headers)
    sheet.append([*headers, reason_header])
    for cell in sheet[1]:
        # The headers are the file's own: one typed as "=…" must stay text too.
        write_xlsx_text(cell)
    for refused in report.refused:
        values = list(refused.values[:width])
        values += [None] * (width - len(values))
        reason = "; ".join(
            describe_problem(problem, t, table.header_of(problem.field))
            for problem in refused.problems
        )
        sheet.append([_cell_value(value) for value in values] + [reason])
        for cell in sheet[sheet.max_row]:
            value = cell.value
            if isinstance(value, str):
                write_xlsx_text(cell)
            elif isinstance(value, date | datetime):
                cell.number_format = _DATE_FORMAT
    sheet.freeze_panes = "A2"
    for index, header in enumerate([*headers, reason_header], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(len(header) + 2, 12), 60)
    write_whole(target, workbook.save)
    return target


def _cell_value(value: object) -> object:
    """A raw cell as openpyxl can write it (odd types as the text a report shows)."""
    if value is None or value == "":
        return None
    if isinstance(value, str | int | float | bool | date | datetime):
        return value
    return display(value)
