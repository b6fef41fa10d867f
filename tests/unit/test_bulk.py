"""Bulk insert and lookup at the driver's speed, stored exactly as the ORM stores rows."""

from __future__ import annotations

from datetime import date
from typing import cast

import pytest
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from plc_console.db import bulk
from plc_console.db.bulk import Same, Values, highest_id, ids_inserted, insert_columns, select_in
from plc_console.db.models import Person
from plc_console.domain import Role
from tests.conftest import NOW

PEOPLE = cast(Table, Person.__table__)


def _people(count: int, start: int = 0) -> dict[str, Values]:
    return {
        "full_name": [f"Петрова Анна {n}" for n in range(start, start + count)],
        "contact": [f"anna{n}@mail.ru" for n in range(start, start + count)],
        "role": [Role.TEACHER if n % 2 else Role.PARENT for n in range(start, start + count)],
        "grade": [None if n % 3 else n % 11 + 1 for n in range(start, start + count)],
        "consent_given": Same(True),
        "consent_at": Same(NOW),
        "created_at": Same(NOW),
    }


def test_rows_inserted_in_bulk_load_as_the_orm_wrote_them(session: Session) -> None:
    columns = _people(7)
    assert insert_columns(session.connection(), PEOPLE, columns, repeating=frozenset({"role"})) == 7
    session.add(
        Person(
            full_name="Козлов Иван",
            contact="+7 937 138-21-65",
            role=Role.TEACHER,
            consent_given=True,
            consent_at=NOW,
            created_at=NOW,
        )
    )
    session.commit()
    people = session.scalars(select(Person).order_by(Person.id)).all()
    assert [p.full_name for p in people[:7]] == columns["full_name"]
    assert [p.role for p in people[:7]] == columns["role"]
    assert [p.grade for p in people[:7]] == columns["grade"]
    assert {p.created_at for p in people} == {NOW}  # same text as the ORM's: comparable
    assert session.scalar(select(Person.id).where(Person.created_at == NOW, Person.id == 1)) == 1


def test_a_large_insert_goes_in_chunks_and_reports_progress(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "CHUNK", 4)
    told: list[int] = []
    insert_columns(session.connection(), PEOPLE, _people(10), progress=told.append)
    assert told == [4, 8, 10]
    assert session.scalar(select(Person.full_name).where(Person.id == 10)) == "Петрова Анна 9"


def test_columns_of_different_lengths_are_refused(session: Session) -> None:
    columns = _people(3)
    columns["grade"] = [1, 2]
    with pytest.raises(ValueError, match="unequal"):
        insert_columns(session.connection(), PEOPLE, columns)


def test_the_new_rows_ids_are_known_when_no_one_else_wrote(session: Session) -> None:
    connection = session.connection()
    insert_columns(connection, PEOPLE, _people(2))
    before = highest_id(connection, PEOPLE)
    insert_columns(connection, PEOPLE, _people(3, start=2))
    ids = ids_inserted(connection, PEOPLE, before, 3)
    assert ids == range(before + 1, before + 4)
    names = dict(select_in(connection, PEOPLE, ("id", "full_name"), "id", list(ids)))
    assert [names[i] for i in ids] == ["Петрова Анна 2", "Петрова Анна 3", "Петрова Анна 4"]


def test_another_writers_rows_among_the_new_ones_leave_the_ids_unknown(session: Session) -> None:
    connection = session.connection()
    before = highest_id(connection, PEOPLE)
    insert_columns(connection, PEOPLE, _people(3))
    insert_columns(connection, PEOPLE, _people(1, start=100))
    assert ids_inserted(connection, PEOPLE, before, 3) is None


@pytest.mark.parametrize("stored", [3, 40], ids=["table-smaller-than-keys", "keys-looked-up"])
def test_select_in_finds_the_rows_by_key_either_way(session: Session, stored: int) -> None:
    connection = session.connection()
    insert_columns(connection, PEOPLE, _people(stored))
    wanted = ["anna1@mail.ru", "anna2@mail.ru", "nobody@mail.ru", "anna2@mail.ru"]
    rows = select_in(connection, PEOPLE, ("contact", "role", "consent_at"), "contact", wanted)
    assert sorted(rows) == [
        ("anna1@mail.ru", Role.TEACHER, NOW),
        ("anna2@mail.ru", Role.PARENT, NOW),
    ]
    assert select_in(connection, PEOPLE, ("id",), "contact", []) == []


def test_select_in_converts_dates_back(session: Session) -> None:
    from plc_console.db.models import Request

    requests = cast(Table, Request.__table__)
    connection = session.connection()
    insert_columns(connection, PEOPLE, _people(1))
    insert_columns(
        connection,
        requests,
        {
            "number": ["З-2026-00001"],
            "person_id": [1],
            "received_on": [date(2026, 11, 2)],
            "channel": ["box"],
            "problem": ["Текст"],
            "stage": Same("received"),
            "stage_since": Same(NOW),
            "created_at": Same(NOW),
            "updated_at": Same(NOW),
            "version": Same(1),
        },
    )
    assert select_in(connection, requests, ("received_on",), "person_id", [1]) == [
        (date(2026, 11, 2),)
    ]
