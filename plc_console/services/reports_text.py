"""The term report as CSV files (one per table, UTF-8 with BOM so Excel reads Cyrillic)
or as one Markdown document, and :func:`write_report`, which picks the writer (the
workbook and the HTML page have their own modules).

CSV fields that a spreadsheet would take for a formula get a leading space
(:func:`plc_console.services.cells.csv_safe`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path

from plc_console.locale import Key, Translator
from plc_console.services.cells import csv_safe
from plc_console.services.files import write_bytes_whole
from plc_console.services.reports import Cell, TermReport

__all__ = ["FORMATS", "report_stem", "text_of", "write_csv", "write_md", "write_report"]

FORMATS = ("xlsx", "csv", "md", "html")
_UNSAFE = re.compile(r"[^\w.-]+")


def text_of(value: Cell, t: Translator) -> str:
    """A cell as text: labels for enum members and keys, ISO dates, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, StrEnum | Key):
        return str(t.value(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def report_stem(report: TermReport) -> str:
    """The files' name: ``report-<term name>`` or ``report-<start>_<end>``, file-safe."""
    label = report.name or f"{report.span.start.isoformat()}_{report.span.end.isoformat()}"
    return "report-" + (_UNSAFE.sub("-", label).strip("-") or "term")


def write_csv(report: TermReport, folder: Path, t: Translator) -> list[Path]:
    """One CSV per table (and one for the summary) in ``folder``/``<stem>``/."""
    target = folder / report_stem(report)
    target.mkdir(parents=True, exist_ok=True)
    tables = []
    for table in (report.summary_table(), *report.tables):
        header = [text_of(column, t) for column in table.columns]
        tables.append((table.key, header, [[text_of(v, t) for v in row] for row in table.rows]))
    written = []
    for key, header, rows in tables:
        path = target / f"{key}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            for values in [header, *rows]:
                writer.writerow([csv_safe(value) for value in values])
        written.append(path)
    return written


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def write_md(report: TermReport, path: Path, t: Translator) -> Path:
    """The whole report as one Markdown document: the summary, then a section per table."""
    lines = [f"# {t('report.md.title', name=report.name or '')}".rstrip()]
    for table in (report.summary_table(), *report.tables):
        lines += ["", f"## {text_of(table.title, t)}", ""]
        header = [_md_cell(text_of(column, t)) for column in table.columns]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join("---" for _ in header) + "|")
        for row in table.rows:
            lines.append("| " + " | ".join(_md_cell(text_of(v, t)) for v in row) + " |")
        if not table.rows:
            lines.append(f"\n{t('report.md.empty')}")
    document = ("\n".join(lines) + "\n").encode("utf-8")
    write_bytes_whole(path, document)
    return path


def write_report(
    report: TermReport,
    folder: Path,
    fmt: str,
    t: Translator,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write ``report`` into ``folder`` (created) as xlsx, csv, md or html; the files
    written. ``progress`` follows the workbook's sheets (the text formats take no time)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = report_stem(report)
    if fmt == "xlsx":
        from plc_console.services.reports_xlsx import write_xlsx

        return [write_xlsx(report, folder / f"{stem}.xlsx", t, progress)]
    if fmt == "csv":
        return write_csv(report, folder, t)
    if fmt == "md":
        return [write_md(report, folder / f"{stem}.md", t)]
    if fmt == "html":
        from plc_console.services.reports_html import write_html

        return [write_html(report, folder / f"{stem}.html", t)]
    raise ValueError(f"unknown report format {fmt!r}")
