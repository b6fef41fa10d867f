"""The report's summary beside the term before it: which span is compared, and the change."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from plc_console.locale import Key
from plc_console.services.reports import TermReport, term_report
from plc_console.services.terms import add_term
from tests.unit.report_data import END, START, build


def _overview(report: TermReport) -> dict[str, tuple[object, ...]]:
    assert report.overview is not None
    return {str(row[0]).rsplit(".", 1)[-1]: tuple(row[1:]) for row in report.overview.rows}


def test_compared_with_the_days_just_before(session: Session) -> None:
    build(session)
    rows = _overview(term_report(session, START, END))
    # 2–15 November is compared with 19 October – 1 November, which holds R0 only.
    assert rows["start"] == (START, date(2026, 10, 19), None)
    assert rows["end"] == (END, date(2026, 11, 1), None)
    assert rows["received"] == (5, 1, 4)
    assert rows["done"] == (2, 0, 2)
    assert rows["open_at_end"] == (4, 1, 3)
    assert rows["rework_rate"] == (50.0, None, None)
    assert rows["usefulness"] == (3.5, None, None)


def test_compared_with_the_stored_term_before(session: Session) -> None:
    build(session)
    add_term(session, "Октябрь", date(2026, 10, 1), date(2026, 10, 25))
    add_term(session, "Ноябрь", START, END)
    report = term_report(session, START, END, name="Ноябрь")
    rows = _overview(report)
    assert rows["term"] == ("Ноябрь", "Октябрь", None)
    assert rows["start"] == (START, date(2026, 10, 1), None)
    assert rows["received"] == (5, 1, 4)
    # The plain summary keeps this term's figures, the same as the overview's first column.
    assert [value for _, value in report.summary][3:] == [5, 2, 4, 50.0, 3.5]
    assert report.overview is not None
    assert report.overview.columns[1:] == (
        Key("report.compare.this_term"),
        Key("report.compare.previous"),
        Key("report.compare.change"),
    )


def test_a_first_term_compares_with_nothing_stored(session: Session) -> None:
    build(session)
    add_term(session, "Ноябрь", START, END)
    rows = _overview(term_report(session, START, END, name="Ноябрь"))
    # No term before it: the 14 days before stand in, unnamed.
    assert rows["term"] == ("Ноябрь", "", None)
    assert rows["start"][1] == date(2026, 10, 19)
