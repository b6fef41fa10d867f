"""The term report: every figure against a hand-built term whose answers are known."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from plc_console.domain import Category, FeedbackUsable, MeetingStatus, ProductKind, Role, Stage
from plc_console.locale import Key, Translator
from plc_console.services.cells import FORMULA_STARTS, csv_safe, looks_like_formula
from plc_console.services.reports import TermReport, term_report
from plc_console.services.reports_flow import percentile
from plc_console.services.reports_text import write_report
from tests.unit.report_data import END, EXPERTS, INJECTED_NAME, NAMES, START, build

T = Translator("en")


@pytest.fixture
def report(session: Session) -> TermReport:
    build(session)
    return term_report(session, START, END, name="=SUM(A1)", lang="ru")


def _rows(report: TermReport, key: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in report.table(key).rows]


def test_requests_by_category_and_role(report: TermReport) -> None:
    assert _rows(report, "by_category_role") == [
        (Category.THEORETICAL, 1, 0, 0, 0, 1),
        (Category.METHODOLOGICAL, 2, 0, 0, 0, 2),
        (Category.ORGANISATIONAL, 0, 1, 0, 0, 1),
        (Category.MOTIVATIONAL, 0, 0, 0, 0, 0),
        (Key("report.value.no_category"), 0, 0, 1, 0, 1),
    ]
    assert report.table("by_category_role").columns[1:5] == tuple(Role)


def test_young_and_experienced_teachers(report: TermReport) -> None:
    assert _rows(report, "young_experienced") == [
        (Category.THEORETICAL, 0, 1, 0, 1),
        (Category.METHODOLOGICAL, 1, 0, 1, 2),
        (Category.ORGANISATIONAL, 0, 0, 0, 0),
        (Category.MOTIVATIONAL, 0, 0, 0, 0),
    ]


def test_top_topics(report: TermReport) -> None:
    assert _rows(report, "top_topics") == [("мотивация обучающихся", 3), ("подбор заданий", 1)]


def test_throughput_per_week(report: TermReport) -> None:
    assert _rows(report, "throughput") == [(date(2026, 11, 2), 0), (date(2026, 11, 9), 2)]


def test_lead_times_per_stage_and_end_to_end(report: TermReport) -> None:
    rows = {row[0]: row[1:] for row in _rows(report, "lead_times")}
    assert rows[Stage.RECEIVED] == (5, 1.0, 4.0)  # 1, 1, 1, 1, 4 days
    assert rows[Stage.TRIAGE] == (3, 1.0, 2.0)  # 2, 1, 1
    assert rows[Stage.PRODUCT] == (3, 1.0, 1.0)
    assert rows[Stage.FEEDBACK] == (3, 1.0, 1.0)
    assert rows[Key("report.value.end_to_end")] == (2, 8.5, 9.0)


def test_percentile_is_nearest_rank() -> None:
    assert percentile(list(range(1, 11)), 0.85) == 9
    assert percentile([4.0], 0.85) == 4.0


def test_rework(report: TermReport) -> None:
    assert [row[1] for row in _rows(report, "rework")] == [20, 2, 4, 2, 50.0]


def test_feedback(report: TermReport) -> None:
    assert _rows(report, "feedback") == [
        (FeedbackUsable.YES, 1, 50.0, 5.0),
        (FeedbackUsable.PARTLY, 0, 0.0, None),
        (FeedbackUsable.NO, 1, 50.0, 2.0),
        (Key("report.column.total"), 2, 100.0, 3.5),
    ]


def test_products(report: TermReport) -> None:
    rows = {row[0]: row[1:] for row in _rows(report, "products")}
    assert rows[ProductKind.ARTICLE] == (0, 1, 0, 0, 0, 0)
    assert rows[ProductKind.WEBINAR] == (0, 0, 0, 0, 0, 0)


def test_backlog_at_term_end(report: TermReport) -> None:
    rows = {row[0]: row[1:] for row in _rows(report, "backlog")}
    assert rows[Stage.RECEIVED] == (0, 2, 0, 0, 2)  # R0 (26 days), C (11)
    assert rows[Stage.TRIAGE] == (1, 1, 0, 0, 2)  # E (5), B (12)
    assert rows[Stage.SCHEDULED] == (0, 0, 0, 0, 0)


def test_cumulative_flow(report: TermReport) -> None:
    rows = _rows(report, "cumulative_flow")
    assert len(rows) == 14
    first, last = rows[0], rows[-1]
    assert first == (date(2026, 11, 2), 3, 0, 0, 0, 0, 0, 0, 0)
    # received: R0, C; triage: B, E; done: A, D
    assert last == (date(2026, 11, 15), 2, 2, 0, 0, 0, 0, 0, 2)
    assert all(sum(v for v in row[1:] if isinstance(v, int)) >= 3 for row in rows)


def test_meetings_and_attendance(report: TermReport) -> None:
    table = report.table("meetings")
    assert table.title == Key("report.people.meetings_title")
    assert _rows(report, "meetings") == [
        (MeetingStatus.PLANNED, 1, None, None, None, None),  # the last day, 18:00
        (MeetingStatus.ANNOUNCED, 0, None, None, None, None),
        (MeetingStatus.HELD, 1, 3, 2, 66.7, 1),  # the one on the 16th is after the term
        (MeetingStatus.CANCELLED, 1, None, None, None, None),
        (Key("report.column.total"), 3, None, None, None, None),
    ]


def test_expert_workload(report: TermReport) -> None:
    assert report.table("workload").title == Key("report.people.workload_title")
    # open at term end, assigned in the term, done in the term, load limit
    assert _rows(report, "workload") == [
        (EXPERTS[1], 2, 3, 1, 2),  # B, C open; D done; ties on open load go by name
        (EXPERTS[0], 2, 2, 1, 3),  # R0 (assigned before the term), E open; A done
        (EXPERTS[2], 0, 0, 0, 4),  # C assigned after the term
    ]  # EXPERTS[3] is inactive


def test_meetings_and_workload_in_every_format(report: TermReport, tmp_path: Path) -> None:
    ru = Translator("ru")
    (md,) = write_report(report, tmp_path, "md", ru)
    text = md.read_text(encoding="utf-8")
    assert "## Встречи и посещаемость" in text and "## Загрузка экспертов" in text
    assert "| проведена | 1 | 3 | 2 | 66.7 | 1 |" in text
    assert f"| {EXPERTS[1]} | 2 | 3 | 1 | 2 |" in text
    paths = {path.name: path for path in write_report(report, tmp_path, "csv", T)}
    workload = paths["workload.csv"].read_text(encoding="utf-8-sig").splitlines()
    assert workload[0] == "Expert,Open at term end,Assigned in term,Done in term,Load limit"
    assert workload[1] == f"{EXPERTS[1]},2,3,1,2"
    meetings = paths["meetings.csv"].read_text(encoding="utf-8-sig").splitlines()
    assert meetings[3] == "held,1,3,2,66.7,1"
    (path,) = write_report(report, tmp_path, "xlsx", T)
    sheet = load_workbook(path)["Meetings and attendance"]
    assert [cell.value for cell in sheet[4]] == ["held", 1, 3, 2, 66.7, 1]
    assert load_workbook(path)["Expert workload"]["A2"].value == EXPERTS[1]


def test_summary(report: TermReport) -> None:
    values = [value for _, value in report.summary]
    assert values == ["=SUM(A1)", START, END, 5, 2, 4, 50.0, 3.5]


def test_names_only_when_asked(session: Session, tmp_path: Path) -> None:
    build(session)
    plain = term_report(session, START, END)
    for fmt in ("md", "csv"):
        for path in write_report(plain, tmp_path / "plain", fmt, T):
            text = path.read_text(encoding="utf-8-sig")
            assert not any(name in text for name in NAMES), path
    named = term_report(session, START, END, with_names=True)
    assert [row[-1] for row in named.table("oldest_open").rows] == [
        "Орлов Олег",
        NAMES[1],
        NAMES[2],
        INJECTED_NAME,
    ]
    assert all(name not in str(row) for row in plain.table("oldest_open").rows for name in NAMES)


def test_xlsx_cells_are_never_formulas(session: Session, tmp_path: Path) -> None:
    build(session)
    named = term_report(session, START, END, with_names=True, name="=SUM(A1)")
    (path,) = write_report(named, tmp_path, "xlsx", T)
    workbook = load_workbook(path)
    assert workbook.sheetnames[0] == "Summary"
    risky = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if looks_like_formula(cell.value)
    ]
    assert {cell.value for cell in risky} == {"=SUM(A1)", INJECTED_NAME}
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in risky)
    flow = workbook[T("report.table.cumulative_flow")]
    assert flow.freeze_panes == "A2"
    for title in ("cumulative_flow", "by_category_role", "throughput"):
        sheet: Any = workbook[T(f"report.table.{title}")]
        assert len(sheet._charts) == 1, title  # openpyxl keeps a sheet's charts here


def test_csv_cells_are_never_formulas(session: Session, tmp_path: Path) -> None:
    build(session)
    named = term_report(session, START, END, with_names=True, name="=SUM(A1)")
    paths = write_report(named, tmp_path, "csv", T)
    assert {path.name for path in paths} >= {"summary.csv", "cumulative_flow.csv"}
    cells = [
        value
        for path in paths
        for row in csv.reader(path.read_text(encoding="utf-8-sig").splitlines())
        for value in row
    ]
    assert not any(looks_like_formula(value) for value in cells)
    assert " =SUM(A1)" in cells and f" {INJECTED_NAME}" in cells


def test_csv_safe_spaces_only_formula_like_text() -> None:
    assert [csv_safe(v) for v in FORMULA_STARTS] == [f" {v}" for v in FORMULA_STARTS]
    assert csv_safe("-1") == " -1" and csv_safe("Иванов") == "Иванов" and csv_safe("") == ""


def test_markdown_is_one_document(report: TermReport, tmp_path: Path) -> None:
    (path,) = write_report(report, tmp_path, "md", Translator("ru"))
    text = path.read_text(encoding="utf-8")
    # The summary (beside the term before) and then every table, each its own section.
    assert text.count("\n## ") == 1 + len(report.tables)
    assert "| Поступило заявок | 5 | 1 | 4 |" in text
    assert "| мотивация обучающихся | 3 |" in text
