"""The term report tells its progress: after each table, and after each sheet written."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from plc_console.locale import Translator
from plc_console.services.reports import term_report
from plc_console.services.reports_text import write_report
from tests.unit.report_data import END, START, build


def test_term_report_and_workbook_report_each_step(session: Session, tmp_path: Path) -> None:
    build(session)
    steps: list[tuple[int, int]] = []
    report = term_report(session, START, END, progress=lambda *step: steps.append(step))
    totals = {total for _, total in steps}
    assert len(totals) == 1 and [done for done, _ in steps] == list(range(1, len(steps) + 1))
    assert steps[-1][0] == steps[-1][1] >= len(report.tables)
    sheets: list[tuple[int, int]] = []
    write_report(report, tmp_path, "xlsx", Translator("en"), lambda *step: sheets.append(step))
    assert sheets == [(n, len(report.tables) + 2) for n in range(1, len(report.tables) + 3)]
    assert write_report(report, tmp_path, "md", Translator("en"), sheets.append)
