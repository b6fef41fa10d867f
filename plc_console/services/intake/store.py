"""Store the planned forms: the batch, the people, the requests and their events.

Each table gets one bulk insert a column at a time (:func:`~plc_console.db.bulk.insert_columns`):
100,000 forms are stored in about the time SQLite itself needs. New rows are numbered
from one counter UPDATE per year. Ids are read back by the batch (requests) and by the
moment of the import (people), since SQLite returns no ids from an executemany.

The search index's trigger is set aside while the requests go in and the batch is
indexed in one statement afterwards (:mod:`plc_console.db.search`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from plc_console.db.bulk import Same, highest_id, ids_inserted, insert_columns, select_in
from plc_console.db.models import Event, ImportBatch, Person, Request
from plc_console.db.search import index_batch_and_resume, suspend_insert_trigger
from plc_console.domain import EventKind, Stage, request_number, request_search_text
from plc_console.services.intake.dedup import Form, PersonKey, Plan, Ref, chunks
from plc_console.services.requests import reserve_serials

__all__ = ["NEAR_DUPLICATE_NOTE", "number_of", "store_forms"]

#: The note a near-duplicate's ``created`` event carries (the coordinator merges them).
NEAR_DUPLICATE_NOTE = "possible duplicate of {number}"

#: Person fields a later form of the same person may fill in (None leaves them be).
_PERSON_DETAILS = ("organization", "subject", "experience_years", "grade")


def number_of(ref: Ref | None, numbers: Sequence[str]) -> str:
    """The request number a reference names (a new form's, by index, or a stored one)."""
    if isinstance(ref, int):
        return numbers[ref]
    return ref or ""


def store_forms(
    session: Session,
    plan: Plan,
    *,
    file_name: str,
    checksum: str,
    rows_total: int,
    actor: str,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> tuple[int | None, list[str]]:
    """Insert everything the plan holds; the batch id and the new numbers in row order.

    ``progress`` is told how many requests are stored so far.
    """
    forms = plan.forms
    if not forms:
        return None, []
    batch = ImportBatch(
        file_name=file_name,
        checksum=checksum,
        imported_at=now,
        actor=actor,
        rows_total=rows_total,
        rows_imported=len(forms),
    )
    session.add(batch)
    session.flush()
    batch_id = batch.id
    person_ids = _store_people(session, plan, now)
    numbers = _numbers(session, forms)
    connection = session.connection()
    requests = cast(Table, Request.__table__)
    trigger_sql = suspend_insert_trigger(connection)
    before = highest_id(connection, requests)
    news = [form.new for form in forms]
    names = [form.person[0] for form in forms]
    problems = [new.problem for new in news]
    insert_columns(
        connection,
        requests,
        {
            "number": numbers,
            "person_id": [person_ids[form.person] for form in forms],
            "received_on": [new.received_on for new in news],
            "channel": [new.channel for new in news],
            "form_no": [new.form_no for new in news],
            "problem": problems,
            "help_wanted": [new.help_wanted for new in news],
            "stage": Same(Stage.RECEIVED),
            "stage_since": Same(now),
            "search_text": list(map(request_search_text, numbers, names, problems)),
            "import_batch_id": Same(batch_id),
            "import_row": [form.row for form in forms],
            "created_at": Same(now),
            "updated_at": Same(now),
            "version": Same(1),
        },
        repeating=frozenset({"received_on", "channel", "help_wanted"}),
        progress=progress,
    )
    if trigger_sql is not None:
        index_batch_and_resume(connection, trigger_sql, batch_id)
    request_ids: Sequence[int] | None = ids_inserted(connection, requests, before, len(forms))
    if request_ids is None:
        by_number = dict(
            select_in(connection, requests, ("number", "id"), "import_batch_id", [batch_id])
        )
        request_ids = [by_number[number] for number in numbers]
    insert_columns(
        connection,
        cast(Table, Event.__table__),
        {
            "request_id": request_ids,
            "at": Same(now),
            "actor": Same(actor),
            "kind": Same(EventKind.CREATED),
            "from_stage": Same(None),
            "to_stage": Same(Stage.RECEIVED),
            "note": [
                None
                if form.similar_to is None
                else NEAR_DUPLICATE_NOTE.format(number=number_of(form.similar_to, numbers))
                for form in forms
            ],
        },
    )
    return batch_id, numbers


def _numbers(session: Session, forms: Sequence[Form]) -> list[str]:
    """Each new request's number, in row order: one counter UPDATE per year."""
    years = [form.new.received_on.year for form in forms]
    per_year: dict[int, int] = {}
    for year in years:
        per_year[year] = per_year.get(year, 0) + 1
    next_serial = {
        year: reserve_serials(session, year, count) - count + 1 for year, count in per_year.items()
    }
    numbers = []
    for year in years:
        numbers.append(request_number(year, next_serial[year]))
        next_serial[year] += 1
    return numbers


def _merged_people(forms: Sequence[Form]) -> dict[PersonKey, list[Any]]:
    """Each person's details as create_request would leave them after all their forms:
    the last form's role, and the last organisation, subject, experience and grade given.
    Values: [role, organization, subject, experience_years, grade]."""
    merged: dict[PersonKey, list[Any]] = {}
    for form in forms:
        new = form.new
        values = merged.get(form.person)
        if values is None:
            merged[form.person] = [
                new.role, new.organization, new.subject, new.experience_years, new.grade
            ]  # fmt: skip
            continue
        values[0] = new.role
        for index, name in enumerate(_PERSON_DETAILS, start=1):
            value = getattr(new, name)
            if value is not None:
                values[index] = value
    return merged


def _store_people(session: Session, plan: Plan, now: datetime) -> dict[PersonKey, int]:
    """Add the new people and bring the known ones up to date; every person's id."""
    merged = _merged_people(plan.forms)
    ids = dict(plan.people)
    fresh = [key for key in merged if key not in ids]
    if fresh:
        ids.update(_add_people(session, fresh, merged, now))
    known = [key for key in merged if key in plan.people]
    if known:
        _update_people(session, known, ids, merged, now)
    return ids


def _add_people(
    session: Session,
    fresh: Sequence[PersonKey],
    merged: dict[PersonKey, list[Any]],
    now: datetime,
) -> dict[PersonKey, int]:
    connection = session.connection()
    people = cast(Table, Person.__table__)
    before = highest_id(connection, people)
    details = [merged[key] for key in fresh]
    insert_columns(
        connection,
        people,
        {
            "full_name": [name for name, _ in fresh],
            "contact": [contact for _, contact in fresh],
            "role": [values[0] for values in details],
            "organization": [values[1] for values in details],
            "subject": [values[2] for values in details],
            "experience_years": [values[3] for values in details],
            "grade": [values[4] for values in details],
            "consent_given": Same(True),
            "consent_at": Same(now),
            "created_at": Same(now),
        },
        repeating=frozenset({"role"}),
    )
    ids = ids_inserted(connection, people, before, len(fresh))
    if ids is not None:
        return dict(zip(fresh, ids, strict=True))
    # Another desk added people meanwhile: ours are read back by contact, those above
    # the highest id before, told apart from theirs by name.
    wanted = set(fresh)
    rows = select_in(
        connection,
        people,
        ("id", "full_name", "contact"),
        "contact",
        list({c for _, c in fresh}),
    )
    added: dict[PersonKey, int] = {}
    for person_id, name, contact in sorted(rows):
        if person_id > before and (name, contact) in wanted:
            added.setdefault((name, contact), person_id)
    return added


def _update_people(
    session: Session,
    known: Sequence[PersonKey],
    ids: dict[PersonKey, int],
    merged: dict[PersonKey, list[Any]],
    now: datetime,
) -> None:
    """Known people get the role of their last form and any detail their forms give."""
    people = cast(Table, Person.__table__)
    # Every known person gets every column (unchanged ones keep their value), so one
    # executemany statement serves them all.
    change = (
        update(people)
        .where(people.c.id == bindparam("person_id"))
        .values(
            role=bindparam("new_role"),
            organization=bindparam("new_organization"),
            subject=bindparam("new_subject"),
            experience_years=bindparam("new_experience_years"),
            grade=bindparam("new_grade"),
            consent_given=True,
            consent_at=now,
        )
    )
    current = {
        person_id: row
        for chunk in chunks(sorted(ids[key] for key in known))
        for person_id, *row in session.execute(
            select(
                Person.id, Person.organization, Person.subject, Person.experience_years,
                Person.grade,
            ).where(Person.id.in_(chunk))
        )
    }  # fmt: skip
    updates = []
    for key in known:
        person_id = ids[key]
        role, *given = merged[key]
        kept = current[person_id]
        values = [new if new is not None else old for new, old in zip(given, kept, strict=True)]
        details = zip(_PERSON_DETAILS, values, strict=True)
        updates.append(
            {
                "person_id": person_id,
                "new_role": role,
                **{f"new_{name}": value for name, value in details},
            }
        )
    session.execute(change, updates)
    # Person objects the session holds would read the old values: load them afresh.
    session.expire_all()
