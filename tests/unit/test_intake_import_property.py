"""Property: whatever a spreadsheet holds, an import accounts for every row and stores
all of the file or none of it.

Generated tables mix good forms (a few people, a few form numbers and dates, so real
duplicates and near-duplicates occur), forms with cells replaced by junk of every type
a spreadsheet cell can hold, blank and short rows, and exact repeats of earlier rows.
Each table is imported (plainly, ``partial`` or as a dry run) into one SQLite database,
inside a transaction rolled back after the example. A coordinator can rely on:

- the import never crashes, whatever the cells;
- new + duplicate + refused + blank is every row of the file;
- a refused row without ``partial`` (or a dry run) stores nothing at all: no request,
  person, batch, event or request number;
- a stored import adds exactly the new requests, each with its ``created`` event, one
  batch for them, and no person without a request;
- importing the same file again adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plc_console.db.models import Event, ImportBatch, Person, Request, RequestCounter
from plc_console.domain import EventKind, Stage
from plc_console.services.database import Database, open_database
from plc_console.services.intake.form import FIELDS_BY_KEY
from plc_console.services.intake.importer import ImportReport, import_table
from plc_console.services.intake.readers import Table
from tests.conftest import NOW
from tests.unit.intake_files import HEADERS_RU, form_row
from tests.unit.test_intake_rows import _raw_cells

KEYS = list(FIELDS_BY_KEY)
WIDTH = len(KEYS)
#: The template's columns, in its order (form_row writes them so).
COLUMNS = dict(enumerate(KEYS))
PEOPLE = [
    ("Петрова Анна Сергеевна", "anna@mail.ru"),
    ("Петрова Анна Сергеевна", "+7 937 138-21-65"),  # a namesake, another contact
    ("Козлов Иван Петрович", "+7 937 138-21-65"),
    ("Сидоров Пётр", "sidorov@school12.ru"),
]
DAYS = [date(2026, 11, 4), date(2026, 11, 5), date(2025, 12, 31)]
CHECKSUM = "c" * 64

Row = list[object]


@st.composite
def _good_rows(draw: st.DrawFn) -> Row:
    """A valid form from few people, numbers and dates: repeats and near-repeats occur
    (form_row's problem text differs only by the form's number)."""
    name, contact = draw(st.sampled_from(PEOPLE))
    number = draw(st.integers(min_value=1, max_value=6))
    changes: dict[str, object] = {
        "full_name": name,
        "contact": contact,
        "received_on": draw(st.sampled_from(DAYS)),
    }
    if draw(st.booleans()):
        changes["form_no"] = None  # told apart by person, date and problem only
    return form_row(number, **changes)


@st.composite
def _junk_rows(draw: st.DrawFn) -> Row:
    """A form with a few of its cells replaced by anything a cell can hold."""
    row = draw(_good_rows())
    for index, value in draw(
        st.lists(st.tuples(st.integers(0, WIDTH - 1), _raw_cells), min_size=1, max_size=4)
    ):
        row[index] = value
    return row


_EMPTY_CELLS: list[object] = [None, "", " ", "\t"]
_blank_rows = st.lists(st.sampled_from(_EMPTY_CELLS), max_size=WIDTH)  # short ones too


@st.composite
def _tables(draw: st.DrawFn) -> list[Row]:
    """Rows of every kind, in any order; a repeat copies an earlier row exactly."""
    rows: list[Row] = []
    kinds = st.sampled_from(["good", "good", "junk", "blank", "repeat"])
    for kind in draw(st.lists(kinds, max_size=12)):
        if kind == "repeat" and rows:
            rows.append(list(draw(st.sampled_from(rows))))
        elif kind == "blank":
            rows.append(draw(_blank_rows))
        elif kind == "junk":
            rows.append(draw(_junk_rows()))
        else:
            rows.append(draw(_good_rows()))
    return rows


@pytest.fixture(scope="module")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One migrated SQLite database for every example (each one rolls its work back)."""
    path = tmp_path_factory.mktemp("property") / "plc.sqlite3"
    database = open_database(f"sqlite:///{path}")
    try:
        yield database
    finally:
        database.engine.dispose()


def _stored(session: Session) -> dict[str, int]:
    """What the board and the history hold, in counts (and request numbers handed out)."""

    def count(model: type) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    numbers_used = select(func.coalesce(func.sum(RequestCounter.last), 0))
    return {
        "requests": count(Request),
        "people": count(Person),
        "import batches": count(ImportBatch),
        "events": count(Event),
        "numbers used": session.scalar(numbers_used) or 0,
    }


def _import(session: Session, table: Table, *, partial: bool, dry_run: bool) -> ImportReport:
    return import_table(
        session,
        table,
        checksum=CHECKSUM,
        partial=partial,
        dry_run=dry_run,
        actor="staff",
        now=NOW,
    )


def _check_accounting(report: ImportReport, table: Table) -> None:
    """Every row is counted once: new, duplicate, refused or blank."""
    assert report.rows_total == len(table.rows)
    assert report.new + report.duplicates + len(report.refused) + report.blank == len(table.rows)
    refused_rows = [refused.row for refused in report.refused]
    assert refused_rows == sorted(set(refused_rows))
    assert set(refused_rows) <= set(table.row_numbers)
    assert all(refused.problems for refused in report.refused)
    assert len(report.numbers) == report.new
    assert {flagged.number for flagged in report.flagged} <= set(report.numbers)


@settings(max_examples=40, deadline=None)
@given(rows=_tables(), partial=st.booleans(), dry_run=st.booleans())
def test_an_import_stores_all_of_a_file_or_nothing_and_accounts_for_every_row(
    sqlite_database: Database, rows: list[Row], partial: bool, dry_run: bool
) -> None:
    """Any file: every row accounted for, all of it stored or none, and a second import
    of it stores nothing more."""
    table = Table(
        path=Path("forms.xlsx"),
        sheet="Заявки",
        header_row=1,
        headers=tuple(HEADERS_RU),
        columns=COLUMNS,
        rows=rows,
    )
    with sqlite_database.sessions() as session:
        try:
            before = _stored(session)
            assert before == dict.fromkeys(before, 0)  # the last example left nothing
            _check_example(session, table, partial=partial, dry_run=dry_run)
        finally:
            session.rollback()


def _check_example(session: Session, table: Table, *, partial: bool, dry_run: bool) -> None:
    report = _import(session, table, partial=partial, dry_run=dry_run)
    _check_accounting(report, table)
    after = _stored(session)
    assert report.stored == (not dry_run and (partial or not report.refused))
    if not report.stored:
        assert after == dict.fromkeys(after, 0), report
        assert report.batch_id is None
    else:
        assert after["requests"] == after["events"] == after["numbers used"] == report.new
        assert after["import batches"] == (1 if report.new else 0)
        assert (report.batch_id is not None) == bool(report.new)
        created_events = (
            select(Request.number, func.count(Event.id))
            .join(Event, Event.request_id == Request.id)
            .where(Event.kind == EventKind.CREATED, Event.to_stage == Stage.RECEIVED)
            .group_by(Request.number)
        )
        created = {number: events for number, events in session.execute(created_events)}
        assert created == dict.fromkeys(report.numbers, 1)
        with_requests = session.scalar(select(func.count(func.distinct(Request.person_id))))
        assert after["people"] == with_requests  # no person without a request

    again = _import(session, table, partial=partial, dry_run=dry_run)
    _check_accounting(again, table)
    assert _stored(session) == after  # the same file a second time adds nothing
    assert again.refused == report.refused and again.blank == report.blank
    assert again.same_file_before == (report.stored and report.new > 0)
    if report.stored:
        assert again.new == 0
        assert again.duplicates == report.new + report.duplicates
    else:
        assert (again.new, again.duplicates) == (report.new, report.duplicates)
