"""Importing typed-up forms: all-or-nothing, partial, dry run, duplicates, batches."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plc_console.db.models import Event, ImportBatch, Person, Request
from plc_console.domain import EventKind, Role, Stage
from plc_console.services.board import BoardFilter, column_counts
from plc_console.services.intake.importer import ImportReport, file_checksum, import_file
from plc_console.services.requests import NewRequest, create_request, get_request
from tests.conftest import NOW
from tests.unit.intake_files import HEADERS_RU, form_row, write_xlsx


def _person(n: int) -> dict[str, object]:
    """A different requester per ``n`` (so rows are not near-duplicates of each other)."""
    return {"full_name": f"Петрова Анна {n}", "contact": f"anna{n}@mail.ru"}


def _forms(*numbers: int) -> list[list[object]]:
    return [form_row(n, **_person(n)) for n in numbers]  # type: ignore[arg-type]


def _import(session: Session, path: Path, **options: object) -> ImportReport:
    report = import_file(session, path, actor="staff", now=NOW, **options)  # type: ignore[arg-type]
    session.commit()
    return report


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_clean_file_is_stored_with_its_batch_and_rows(session: Session, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, *_forms(1, 2, 3)])
    report = _import(session, path)
    assert (report.new, report.duplicates, report.refused, report.blank) == (3, 0, (), 0)
    assert report.stored and not report.same_file_before
    (batch,) = session.scalars(select(ImportBatch)).all()
    assert (batch.file_name, batch.actor, batch.rows_total, batch.rows_imported) == (
        "forms.xlsx",
        "staff",
        3,
        3,
    )
    assert batch.checksum == file_checksum(path)
    assert batch.imported_at == NOW
    requests = session.scalars(select(Request).order_by(Request.id)).all()
    assert [r.import_row for r in requests] == [2, 3, 4]
    assert {r.import_batch_id for r in requests} == {batch.id}
    assert [r.number for r in requests] == list(report.numbers)
    assert [r.number for r in requests] == ["З-2026-00001", "З-2026-00002", "З-2026-00003"]
    assert {r.stage for r in requests} == {Stage.RECEIVED}
    detail = get_request(session, requests[0].id)
    assert detail.form_no == "Я-000001"
    assert detail.summary.requester == "Петрова Анна 1"
    assert detail.contact == "anna1@mail.ru"
    assert detail.summary.role is Role.TEACHER
    assert detail.consent_given
    assert [(e.kind, e.to_stage, e.actor) for e in detail.events] == [
        (EventKind.CREATED, Stage.RECEIVED, "staff")
    ]
    # Search finds imported requests (search_text filled; SQLite's FTS follows it).
    found = column_counts(session, BoardFilter(search="Петрова"), now=NOW)
    assert found[Stage.RECEIVED] == 3
    # The bulk path's search indexing leaves the per-row indexing as it was.
    later = NewRequest(date(2026, 11, 5), "Петрова Ольга", Role.PARENT, "o@mail.ru", "Вопрос", True)
    create_request(session, later, actor="desk", now=NOW)
    session.commit()
    assert column_counts(session, BoardFilter(search="Петрова"), now=NOW)[Stage.RECEIVED] == 4
    assert column_counts(session, BoardFilter(search="Ольга"), now=NOW)[Stage.RECEIVED] == 1


def test_numbers_continue_the_year_counter(session: Session, tmp_path: Path) -> None:
    new = NewRequest(date(2026, 11, 1), "Сидоров Пётр", Role.PARENT, "p@mail.ru", "Вопрос", True)
    create_request(session, new, actor="desk", now=NOW)
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, *_forms(1, 2)])
    report = _import(session, path)
    assert report.numbers == ("З-2026-00002", "З-2026-00003")
    create_request(session, replace(new, problem="Другое"), actor="d")
    assert session.scalar(select(func.max(Request.number))) == "З-2026-00004"


def test_one_refused_row_stores_nothing(session: Session, tmp_path: Path) -> None:
    bad = form_row(2, consent="нет", **_person(2))  # type: ignore[arg-type]
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, *_forms(1), bad, *_forms(3)])
    report = _import(session, path)
    assert not report.stored
    assert report.new == 2  # what would have been stored
    (refused,) = report.refused
    assert refused.row == 3
    assert [p.field for p in refused.problems] == ["consent"]
    assert refused.values[0] == "Я-000002" and refused.values[12] == "нет"  # kept as read
    assert _count(session, Request) == _count(session, ImportBatch) == 0
    assert _count(session, Person) == _count(session, Event) == 0


def test_partial_stores_the_valid_rows(session: Session, tmp_path: Path) -> None:
    bad = form_row(2, received_on="31.02.2026", contact="", **{"full_name": "X"})
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, *_forms(1), bad, *_forms(3)])
    report = _import(session, path, partial=True)
    assert report.stored and report.new == 2
    (refused,) = report.refused
    assert {p.field for p in refused.problems} == {"received_on", "contact"}
    assert sorted(session.scalars(select(Request.import_row))) == [2, 4]
    batch = session.scalars(select(ImportBatch)).one()
    assert (batch.rows_total, batch.rows_imported) == (3, 2)


def test_dry_run_stores_nothing_and_reports_the_same(session: Session, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, *_forms(1, 2), [None] * 13])
    dry = _import(session, path, dry_run=True)
    assert not dry.stored and dry.dry_run
    assert _count(session, Request) == _count(session, ImportBatch) == 0
    real = _import(session, path)
    assert (dry.new, dry.duplicates, dry.blank, dry.numbers) == (
        real.new,
        real.duplicates,
        real.blank,
        real.numbers,
    )
    assert real.stored and _count(session, Request) == 2


def test_the_same_file_twice_adds_nothing(session: Session, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, *_forms(1, 2, 3)])
    _import(session, path)
    again = _import(session, path)
    assert again.same_file_before
    assert (again.new, again.duplicates) == (0, 3)
    assert _count(session, Request) == 3
    assert _count(session, ImportBatch) == 1
    # A corrected file (one new row) adds just that row, though its checksum differs.
    corrected = write_xlsx(tmp_path / "corrected.xlsx", [HEADERS_RU, *_forms(1, 2, 3, 4)])
    third = _import(session, corrected)
    assert not third.same_file_before
    assert (third.new, third.duplicates) == (1, 3)


def test_duplicates_by_person_date_and_problem(session: Session, tmp_path: Path) -> None:
    """Without form numbers, the same person, date and problem is the same form."""
    rows = [form_row(1, form_no=None, **_person(1)), form_row(1, form_no=None, **_person(1))]
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, *rows])  # type: ignore[list-item]
    report = _import(session, path)
    assert (report.new, report.duplicates, report.flagged) == (1, 1, ())
    again = write_xlsx(
        tmp_path / "renumbered.xlsx", [HEADERS_RU, form_row(9, **_person(1), problem=rows[0][10])]
    )  # type: ignore[arg-type]
    assert _import(session, again).duplicates == 1


def test_duplicate_form_number_within_a_file(session: Session, tmp_path: Path) -> None:
    first = form_row(7, **_person(1))  # type: ignore[arg-type]
    retyped = form_row(7, **_person(2))  # type: ignore[arg-type]
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, first, retyped])
    report = _import(session, path)
    assert (report.new, report.duplicates) == (1, 1)


def test_a_near_duplicate_is_stored_and_flagged(session: Session, tmp_path: Path) -> None:
    person = _person(1)
    rows = [
        form_row(1, problem="Ученики не выполняют домашние задания по физике.", **person),  # type: ignore[arg-type]
        form_row(2, problem="Ученики не выполняют домашние задания по физике!!", **person),  # type: ignore[arg-type]
        form_row(3, problem="Как провести родительское собрание?", **person),  # type: ignore[arg-type]
    ]
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, *rows])
    report = _import(session, path)
    assert report.new == 3
    (flagged,) = report.flagged
    assert (flagged.row, flagged.number, flagged.similar_number) == (
        3,
        "З-2026-00002",
        "З-2026-00001",
    )
    event = session.scalars(
        select(Event).join(Request).where(Request.number == "З-2026-00002")
    ).one()
    assert event.note == "possible duplicate of З-2026-00001"
    assert _count(session, Person) == 1
    # Against requests already stored, too.
    later = write_xlsx(
        tmp_path / "later.xlsx",
        [HEADERS_RU, form_row(4, problem="Как провести родительское собрание??", **person)],  # type: ignore[arg-type]
    )
    (flag,) = _import(session, later).flagged
    assert flag.similar_number == "З-2026-00003"


def test_a_known_person_is_reused_and_updated(session: Session, tmp_path: Path) -> None:
    new = NewRequest(
        date(2026, 11, 1), "Петрова Анна 1", Role.PARENT, "anna1@mail.ru", "Вопрос", True
    )
    create_request(session, new, actor="desk", now=NOW)
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, *_forms(1)])
    _import(session, path)
    person = session.scalars(select(Person)).one()
    assert person.role is Role.TEACHER  # the latest form's role
    assert person.experience_years == 2


@pytest.mark.parametrize("partial", [False, True])
def test_progress_is_reported(session: Session, tmp_path: Path, partial: bool) -> None:
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, *_forms(1, 2)])
    seen: list[tuple[int, int]] = []
    import_file(
        session, path, actor="s", now=NOW, partial=partial, progress=lambda *a: seen.append(a)
    )
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)


def test_when_another_desk_adds_rows_meanwhile_ids_are_read_back(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path reckons new ids from the highest id before; when another desk's
    rows are among them it reads ours back instead, and every request still gets its
    own person and its own event."""
    from plc_console.services.intake import store

    known = NewRequest(date(2026, 11, 1), "Петрова Анна 2", Role.PARENT, "anna2@mail.ru", "В", True)
    create_request(session, known, actor="desk", now=NOW)
    session.commit()
    monkeypatch.setattr(store, "ids_inserted", lambda *args: None)
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, *_forms(1, 2, 3)])
    report = _import(session, path)
    assert report.new == 3
    rows = session.execute(
        select(Request.number, Person.full_name, Person.contact)
        .join(Person)
        .where(Request.import_batch_id.is_not(None))
        .order_by(Request.number)
    ).all()
    assert [tuple(row) for row in rows] == [
        (report.numbers[n - 1], f"Петрова Анна {n}", f"anna{n}@mail.ru") for n in (1, 2, 3)
    ]
    assert _count(session, Person) == 3
    events = session.execute(
        select(Request.number, Event.kind).join(Event).where(Request.import_batch_id.is_not(None))
    ).all()
    assert sorted(tuple(e) for e in events) == [(n, EventKind.CREATED) for n in report.numbers]


def test_the_callers_rollback_undoes_an_import(session: Session, tmp_path: Path) -> None:
    """The import is part of the caller's transaction on both databases: a caller that
    rolls back (a failure after the import) leaves nothing behind."""
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, *_forms(1, 2)])
    report = import_file(session, path, actor="staff", now=NOW)
    assert report.stored and _count(session, Request) == 2
    session.rollback()
    assert _count(session, Request) == _count(session, ImportBatch) == 0
    assert _count(session, Person) == _count(session, Event) == 0
