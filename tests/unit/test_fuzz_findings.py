"""What fuzzing the services found (tests/unit/test_fuzz_services.py), one example each.

Every input here used to escape as a traceback (OverflowError, sqlite3's "unterminated
string", PostgreSQL's DataError, Python's date overflow in a report) and is now either
taken or refused with a :class:`PlcError` the CLI and the TUI show as one line.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from plc_console.db.models import Person
from plc_console.db.unstorable import ValueNotStorable
from plc_console.domain import Role, Stage, fold_for_search
from plc_console.services.board import BoardFilter, column_counts
from plc_console.services.errors import NotFound
from plc_console.services.intake.importer import import_table
from plc_console.services.intake.readers import Table
from plc_console.services.intake.values import parse_text
from plc_console.services.meetings import create_meeting
from plc_console.services.meetings_views import MeetingForm
from plc_console.services.requests import NewRequest, create_request, get_request, list_requests
from plc_console.services.terms import DayOutOfRange, add_term, parse_day
from tests.conftest import NOW
from tests.unit.intake_files import HEADERS_RU, form_row
from tests.unit.test_intake_import_property import COLUMNS


def _request(session: Session, full_name: str = "Петрова Анна") -> int:
    form = NewRequest(NOW.date(), full_name, Role.TEACHER, "a@b.ru", "Как?", True)
    return create_request(session, form, actor="t", now=NOW).id


def test_an_id_beyond_64_bits_is_not_found_or_refused(session: Session) -> None:
    """SQLite's driver raised OverflowError for an id like 99999999999999999999."""
    with pytest.raises((ValueNotStorable, NotFound)):  # SQLite refuses, PostgreSQL finds none
        get_request(session, 2**63)
    session.rollback()
    assert get_request(session, _request(session)).summary.stage is Stage.RECEIVED


def test_a_number_too_large_to_store_is_refused(session: Session) -> None:
    """A meeting's capacity of 2**63 raised OverflowError (SQLite) or DataError (PostgreSQL)."""
    form = MeetingForm("Встреча", datetime(2026, 12, 1, 15), capacity=2**63, place="ауд. 1")
    with pytest.raises(ValueNotStorable) as caught:
        create_meeting(session, form, actor="t", now=NOW)
    assert caught.value.code == "fuzzfix.not_storable_number"
    session.rollback()


def test_a_nul_in_text_is_stored_or_refused_by_name(session: Session) -> None:
    """PostgreSQL refuses NUL in text (DataError); SQLite stores it."""
    dialect = session.get_bind().dialect.name
    try:
        _request(session, full_name="Петрова\x00Анна")
    except ValueNotStorable as refused:
        assert dialect == "postgresql"
        assert refused.code == "fuzzfix.not_storable_text"
        session.rollback()
    else:
        assert dialect == "sqlite"
    assert _request(session) > 0  # the session still works


def test_a_nul_in_a_search_is_a_space(session: Session) -> None:
    """SQLite's full-text query failed with "unterminated string" on a NUL."""
    _request(session)
    assert fold_for_search("Петрова\x00АННА\x07") == "петрова анна"
    counts = column_counts(session, BoardFilter(search="Петр\x00Анна"), now=NOW)
    assert counts[Stage.RECEIVED] == 1


def test_a_nul_in_a_spreadsheet_cell_is_dropped(session: Session) -> None:
    """A CSV's NUL reached PostgreSQL through an import (DataError)."""
    assert parse_text("Петрова\x00 Анна") == "Петрова Анна"
    table = Table(
        path=Path("forms.csv"),
        sheet="",
        header_row=1,
        headers=tuple(HEADERS_RU),
        columns=COLUMNS,
        rows=[form_row(1, full_name="Козлов\x00 Иван")],
    )
    report = import_table(session, table, checksum="c" * 64, actor="t", now=NOW)
    assert report.new == 1
    assert session.scalar(select(Person.full_name)) == "Козлов Иван"


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "31.12.9999"])
def test_a_day_at_the_calendars_end_is_refused(typed: str) -> None:
    """`plc report --from 0001-01-01 --to 9999-12-31` crashed with OverflowError."""
    with pytest.raises(DayOutOfRange) as caught:
        parse_day(typed)
    assert caught.value.code == "fuzzfix.day_out_of_range"


def test_a_term_at_the_calendars_end_is_refused(session: Session) -> None:
    """Its report would compute the day after 9999-12-31."""
    with pytest.raises(DayOutOfRange):
        add_term(session, "Вечность", date(2026, 9, 1), date(9999, 12, 31))
    assert add_term(session, "Осень", date(2026, 9, 1), date(2026, 12, 31)).name == "Осень"


def test_a_negative_window_of_requests_is_empty_or_whole(session: Session) -> None:
    """PostgreSQL refused LIMIT -1 and OFFSET -1 with a DataError."""
    _request(session)
    assert list_requests(session, limit=-1) == []
    assert len(list_requests(session, offset=-5)) == 1
