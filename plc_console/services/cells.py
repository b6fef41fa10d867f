"""Text cells that a spreadsheet must not run: the shared guard against formula injection.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel and LibreOffice as a formula. In .xlsx such a cell is stored as text with Excel's
quote-prefix flag (the way of :mod:`plc_console.services.intake.errors_file`): the value
itself is unchanged and no apostrophe becomes part of it. In CSV, which has no such flag,
the text gets a leading space, which spreadsheets read as text.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMULA_STARTS", "csv_safe", "looks_like_formula", "write_xlsx_text"]

#: What makes a spreadsheet read a text cell as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """Whether a spreadsheet would take ``value`` for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value: str) -> str:
    """``value`` as a CSV field a spreadsheet reads as text, never as a formula."""
    return f" {value}" if looks_like_formula(value) else value


def write_xlsx_text(cell: Any) -> None:
    """Mark an openpyxl cell holding a string as text (quote-prefixed when formula-like).

    Without this openpyxl stores "=…" as a formula."""
    value = cell.value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
