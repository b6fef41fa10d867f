"""The term report as an Excel workbook: a summary sheet, then one sheet per table with
a frozen header, column widths, number formats and, where a picture helps, a native
Excel chart (bars for categories and throughput, stacked areas for the cumulative flow).

Text that a spreadsheet would take for a formula is stored as text
(:mod:`plc_console.services.cells`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from plc_console.locale import Key, Translator
from plc_console.services.cells import write_xlsx_text
from plc_console.services.files import write_whole
from plc_console.services.reports import Cell, Chart, ReportTable, TermReport

__all__ = ["write_xlsx"]

_DATE_FORMAT = "DD.MM.YYYY"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def shown(value: Cell, t: Translator) -> Any:
    """A cell as written: labels for enum members and catalog keys, others as they are."""
    if isinstance(value, StrEnum | Key):
        return str(t.value(value))
    return value


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _fill(sheet: Any, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        write_xlsx_text(cell)
    widths = [len(text) for text in header]
    for number, values in enumerate(rows, start=2):
        sheet.append(values)
        # The row's own cells (sheet[sheet.max_row] would look through every cell of the
        # sheet for each row written).
        for index in range(len(values)):
            cell = sheet.cell(row=number, column=index + 1)
            value = cell.value
            if isinstance(value, str):
                write_xlsx_text(cell)
            elif isinstance(value, date):
                cell.number_format = _DATE_FORMAT
            elif isinstance(value, float):
                cell.number_format = "0.0#"
            elif isinstance(value, int) and not isinstance(value, bool):
                cell.number_format = "0"
            shown_width = 10 if isinstance(value, date) else len(str(value or ""))
            widths[index] = max(widths[index], shown_width)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)


def _chart(sheet: Any, table: ReportTable, t: Translator) -> None:
    from openpyxl.chart import AreaChart, BarChart, LineChart, Reference

    if not table.rows or table.chart is None:
        return
    last = table.chart_columns().stop  # 0-based stop = 1-based last column
    chart: Any
    if table.chart is Chart.BAR:
        chart = BarChart()
        chart.type = "col"
        if last > 2:
            chart.grouping = "stacked"
            chart.overlap = 100
    elif table.chart is Chart.AREA:
        chart = AreaChart()
        chart.grouping = "stacked"
    else:
        chart = LineChart()
    chart.title = str(t.value(table.title))
    chart.height, chart.width = 9, 18
    rows = len(table.rows) + 1
    data = Reference(sheet, min_col=2, max_col=last, min_row=1, max_row=rows)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows))
    sheet.add_chart(chart, f"{_column(len(table.columns) + 2)}2")


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def write_xlsx(
    report: TermReport,
    path: Path,
    t: Translator,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write ``report`` to the workbook ``path`` and return it. ``progress`` is told
    (steps done, steps in all) after each sheet and when the file is saved."""
    from openpyxl import Workbook

    steps = len(report.tables) + 2

    def step(done: int) -> None:
        if progress is not None:
            progress(done, steps)

    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    taken: set[str] = set()
    summary.title = _sheet_title(t("report.sheet.summary"), taken)
    overview = report.summary_table()
    _fill(
        summary,
        [str(t.value(column)) for column in overview.columns],
        [[shown(value, t) for value in row] for row in overview.rows],
    )
    step(1)
    for done, table in enumerate(report.tables, start=2):
        sheet = workbook.create_sheet(_sheet_title(str(t.value(table.title)), taken))
        _fill(
            sheet,
            [str(t.value(column)) for column in table.columns],
            [[shown(value, t) for value in row] for row in table.rows],
        )
        _chart(sheet, table, t)
        step(done)
    write_whole(path, workbook.save)
    step(steps)
    return path
