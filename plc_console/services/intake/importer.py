"""Import a spreadsheet of typed-up paper forms: check, deduplicate and store in bulk.

The file is read (:func:`~.readers.read_table`) and every row checked
(:class:`~.rows.RowChecker`). Forms already stored, or twice in the file, are skipped
and counted; near-duplicates (same person, a very similar problem) are stored with a
note in their ``created`` event. By default one refused row stores nothing; a partial
import stores the valid rows. Rows go in with Core ``executemany`` (people, requests,
events), numbered from one counter UPDATE per year: fast enough for 100,000 rows.

The caller owns the transaction; the work is done inside a SAVEPOINT that is rolled
back when nothing is to be stored (a dry run, or refused rows without ``partial``), so
such a run does everything, constraints included, and leaves no trace.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from rapidfuzz import fuzz, utils
from sqlalchemy import Table as DbTable
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from plc_console.db.models import Event, ImportBatch, Person, Request
from plc_console.db.search import index_batch_and_resume, suspend_insert_trigger
from plc_console.domain import EventKind, Stage, request_number, request_search_text
from plc_console.services.intake.bulk import gc_paused
from plc_console.services.intake.readers import Table, read_table
from plc_console.services.intake.rows import BLANK, RowChecker, RowProblem
from plc_console.services.requests import NewRequest, reserve_serials

__all__ = [
    "NEAR_DUPLICATE_SCORE",
    "FlaggedRow",
    "ImportReport",
    "RefusedRow",
    "file_checksum",
    "import_file",
    "import_table",
]

#: rapidfuzz ``token_set_ratio`` from which one person's two problems are "very similar".
NEAR_DUPLICATE_SCORE = 90
#: The note a near-duplicate's ``created`` event carries (the coordinator merges them).
NEAR_DUPLICATE_NOTE = "possible duplicate of {number}"
#: Rows per executemany (and per progress step).
_CHUNK = 5_000
#: Values per ``IN (…)`` lookup (SQLite allows 32,766 bound values; PostgreSQL 65,535).
_LOOKUP = 5_000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RefusedRow:
    """A row that cannot be taken: its row number, every problem, and the cells as read."""

    row: int
    problems: tuple[RowProblem, ...]
    values: tuple[object, ...]


@dataclass(frozen=True)
class FlaggedRow:
    """A stored row whose problem is very like another of the same person's requests."""

    row: int
    number: str
    similar_number: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, when ``stored`` is false, would have done)."""

    file: Path
    sheet: str | None
    rows_total: int
    new: int
    duplicates: int
    flagged: tuple[FlaggedRow, ...]
    refused: tuple[RefusedRow, ...]
    blank: int
    stored: bool
    same_file_before: bool
    dry_run: bool = False
    batch_id: int | None = None
    #: The numbers given to the new requests, in row order.
    numbers: tuple[str, ...] = field(default=())


def file_checksum(path: Path | str) -> str:
    """The file's sha256, hex: the same bytes imported again are recognised by it."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(
    session: Session,
    path: Path | str,
    *,
    sheet: str | None = None,
    overrides: Mapping[str, str | None] | None = None,
    partial: bool = False,
    dry_run: bool = False,
    actor: str,
    now: datetime,
    progress: Progress | None = None,
) -> ImportReport:
    """Read, check, deduplicate and store the forms in ``path`` (see the module).

    Raises :class:`~.errors.FileRefused` for a file that cannot be read as forms.
    """
    with gc_paused():
        table = read_table(path, sheet, overrides=overrides)
        return import_table(
            session,
            table,
            checksum=file_checksum(path),
            partial=partial,
            dry_run=dry_run,
            actor=actor,
            now=now,
            progress=progress,
        )


def import_table(
    session: Session,
    table: Table,
    *,
    checksum: str,
    partial: bool = False,
    dry_run: bool = False,
    actor: str,
    now: datetime,
    progress: Progress | None = None,
) -> ImportReport:
    """:func:`import_file` on a table already read (``checksum``: the file's sha256)."""
    total = len(table.rows)
    if progress:
        progress(0, total)
    results = RowChecker(table.columns, now.date()).check_all(table.rows)
    valid: list[tuple[int, NewRequest]] = []
    refused: list[RefusedRow] = []
    blank = 0
    for number, row, result in zip(table.row_numbers, table.rows, results, strict=True):
        if result is BLANK:
            blank += 1
        elif isinstance(result, list):
            refused.append(RefusedRow(number, tuple(result), tuple(row)))
        else:
            valid.append((number, result))
    same_file_before = (
        session.scalar(select(ImportBatch.id).where(ImportBatch.checksum == checksum).limit(1))
        is not None
    )
    store = not dry_run and (partial or not refused)
    savepoint = session.begin_nested()
    try:
        plan = _plan(session, valid)
        batch_id, numbers = _store(session, table, plan, checksum, actor, now, total, progress)
    except BaseException:
        savepoint.rollback()
        raise
    if store:
        savepoint.commit()
    else:
        savepoint.rollback()
        batch_id = None
    if progress:
        progress(total, total)
    flagged = tuple(
        FlaggedRow(form.row, numbers[index], _number_of(form.similar_to, numbers))
        for index, form in enumerate(plan.forms)
        if form.similar_to is not None
    )
    return ImportReport(
        file=table.path,
        sheet=table.sheet,
        rows_total=total,
        new=len(plan.forms),
        duplicates=plan.duplicates,
        flagged=flagged,
        refused=tuple(refused),
        blank=blank,
        stored=store,
        same_file_before=same_file_before,
        dry_run=dry_run,
        batch_id=batch_id,
        numbers=tuple(numbers),
    )


# --- deduplication ---------------------------------------------------------------------


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(value.split()) or None


def _problem_key(problem: str) -> str:
    return " ".join(problem.split()).casefold()


#: A person as (full name, contact), both with their spaces collapsed.
PersonKey = tuple[str, str]


@dataclass
class _Form:
    row: int
    new: NewRequest
    person: PersonKey
    #: The similar request: an existing number (str) or the index of a new form (int).
    similar_to: str | int | None = None


@dataclass
class _Plan:
    forms: list[_Form]
    duplicates: int
    #: Existing people by key → id.
    people: dict[PersonKey, int]


def _chunks(values: Sequence[Any], size: int = _LOOKUP) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _plan(session: Session, valid: Sequence[tuple[int, NewRequest]]) -> _Plan:
    """Which valid rows are new, which are duplicates, and which are near-duplicates."""
    if not valid:
        return _Plan([], 0, {})
    form_keys_in_file = {
        (form_no, new.received_on)
        for _, new in valid
        if (form_no := _clean(new.form_no)) is not None
    }
    stored_forms: set[tuple[str, date]] = set()
    if form_keys_in_file:
        numbers = sorted({form_no for form_no, _ in form_keys_in_file})
        for chunk in _chunks(numbers):
            stored_forms.update(
                (form_no, received_on)
                for form_no, received_on in session.execute(
                    select(Request.form_no, Request.received_on).where(Request.form_no.in_(chunk))
                )
                if form_no is not None
            )
    keys = {(_clean(new.full_name) or "", _clean(new.contact) or "") for _, new in valid}
    people: dict[PersonKey, int] = {}
    contacts = sorted({contact for _, contact in keys})
    for chunk in _chunks(contacts):
        for person_id, name, contact in session.execute(
            select(Person.id, Person.full_name, Person.contact).where(Person.contact.in_(chunk))
        ):
            if (name, contact) in keys:
                people.setdefault((name, contact), person_id)
    # Each person's requests so far: (date, problem key, problem, number or new index).
    earlier: dict[PersonKey, list[tuple[date, str, str, str | int]]] = {}
    if people:
        by_id = {person_id: key for key, person_id in people.items()}
        for chunk in _chunks(sorted(by_id)):
            for person_id, received_on, problem, number in session.execute(
                select(
                    Request.person_id, Request.received_on, Request.problem, Request.number
                ).where(Request.person_id.in_(chunk))
            ):
                earlier.setdefault(by_id[person_id], []).append(
                    (received_on, _problem_key(problem), problem, number)
                )
    forms: list[_Form] = []
    duplicates = 0
    for row, new in valid:
        form_no = _clean(new.form_no)
        if form_no is not None:
            if (form_no, new.received_on) in stored_forms:
                duplicates += 1
                continue
        person: PersonKey = (_clean(new.full_name) or "", _clean(new.contact) or "")
        problem_key = _problem_key(new.problem)
        theirs = earlier.setdefault(person, [])
        if any(day == new.received_on and key == problem_key for day, key, _, _ in theirs):
            duplicates += 1
            continue
        if form_no is not None:
            stored_forms.add((form_no, new.received_on))
        form = _Form(row, new, person, _similar(new.problem, theirs))
        theirs.append((new.received_on, problem_key, new.problem, len(forms)))
        forms.append(form)
    return _Plan(forms, duplicates, people)


def _similar(problem: str, earlier: Sequence[tuple[date, str, str, str | int]]) -> str | int | None:
    """The most similar of a person's earlier problems, if it is very similar."""
    best: tuple[float, str | int] | None = None
    for _, _, text, ref in earlier:
        score = fuzz.token_set_ratio(
            problem, text, processor=utils.default_process, score_cutoff=NEAR_DUPLICATE_SCORE
        )
        if score and (best is None or score > best[0]):
            best = (score, ref)
    return best[1] if best else None


def _number_of(ref: str | int | None, numbers: Sequence[str]) -> str:
    if isinstance(ref, int):
        return numbers[ref]
    return ref or ""


# --- storing ---------------------------------------------------------------------------


def _store(
    session: Session,
    table: Table,
    plan: _Plan,
    checksum: str,
    actor: str,
    now: datetime,
    total: int,
    progress: Progress | None,
) -> tuple[int | None, list[str]]:
    """Insert the batch, the people, the requests and their events; the numbers given."""
    forms = plan.forms
    if not forms:
        return None, []
    batch = ImportBatch(
        file_name=table.path.name,
        checksum=checksum,
        imported_at=now,
        actor=actor,
        rows_total=total,
        rows_imported=len(forms),
    )
    session.add(batch)
    session.flush()
    batch_id = batch.id
    person_ids = _store_people(session, plan, now)
    numbers = _numbers(session, forms)
    requests = cast(DbTable, Request.__table__)
    events = cast(DbTable, Event.__table__)
    # Plain executemany, no RETURNING: SQLite would return the ids of an ordered
    # insertmanyvalues one row per statement. The ids are read back by batch instead.
    add_request = insert(requests)
    trigger_sql = suspend_insert_trigger(session.connection())
    done = 0
    for start in range(0, len(forms), _CHUNK):
        chunk = forms[start : start + _CHUNK]
        rows = []
        for offset, form in enumerate(chunk):
            new = form.new
            number = numbers[start + offset]
            problem = new.problem.strip()
            rows.append(
                {
                    "number": number,
                    "person_id": person_ids[form.person],
                    "received_on": new.received_on,
                    "channel": new.channel,
                    "form_no": _clean(new.form_no),
                    "problem": problem,
                    "help_wanted": new.help_wanted,
                    "stage": Stage.RECEIVED,
                    "stage_since": now,
                    "search_text": request_search_text(number, form.person[0], problem),
                    "import_batch_id": batch_id,
                    "import_row": form.row,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
        session.execute(add_request, rows)
        done += len(chunk)
        if progress:
            progress(min(done, total), total)
    if trigger_sql is not None:
        index_batch_and_resume(session.connection(), trigger_sql, batch_id)
    request_ids = {
        number: request_id
        for number, request_id in session.execute(
            select(Request.number, Request.id).where(Request.import_batch_id == batch_id)
        )
    }
    created = [
        {
            "request_id": request_ids[number],
            "at": now,
            "actor": actor,
            "kind": EventKind.CREATED,
            "from_stage": None,
            "to_stage": Stage.RECEIVED,
            "note": None
            if form.similar_to is None
            else NEAR_DUPLICATE_NOTE.format(number=_number_of(form.similar_to, numbers)),
        }
        for number, form in zip(numbers, forms, strict=True)
    ]
    for chunk_of_events in _chunks(created, _CHUNK):
        session.execute(insert(events), chunk_of_events)
    return batch_id, numbers


def _numbers(session: Session, forms: Sequence[_Form]) -> list[str]:
    """Each new request's number, in row order: one counter UPDATE per year."""
    per_year: dict[int, int] = {}
    for form in forms:
        year = form.new.received_on.year
        per_year[year] = per_year.get(year, 0) + 1
    next_serial = {
        year: reserve_serials(session, year, count) - count + 1 for year, count in per_year.items()
    }
    numbers = []
    for form in forms:
        year = form.new.received_on.year
        numbers.append(request_number(year, next_serial[year]))
        next_serial[year] += 1
    return numbers


def _store_people(session: Session, plan: _Plan, now: datetime) -> dict[PersonKey, int]:
    """Add the new people and bring the known ones up to date, as create_request does
    row by row: the last form's role, and any organisation, subject, experience or
    grade it gives."""
    merged: dict[PersonKey, dict[str, Any]] = {}
    for form in plan.forms:
        new = form.new
        values = merged.setdefault(form.person, {})
        values["role"] = new.role
        for name, value in (
            ("organization", _clean(new.organization)),
            ("subject", _clean(new.subject)),
            ("experience_years", new.experience_years),
            ("grade", new.grade),
        ):
            if value is not None:
                values[name] = value
    ids = dict(plan.people)
    people = cast(DbTable, Person.__table__)
    fresh = [key for key in merged if key not in ids]
    # Ids read back afterwards (see _store): the people added are those above the
    # highest id before, and this transaction holds the table's write lock on SQLite.
    before = session.scalar(select(func.max(Person.id))) or 0
    for chunk in _chunks(fresh, _CHUNK):
        rows = [
            {
                "full_name": name,
                "contact": contact,
                "role": merged[(name, contact)]["role"],
                "organization": merged[(name, contact)].get("organization"),
                "subject": merged[(name, contact)].get("subject"),
                "experience_years": merged[(name, contact)].get("experience_years"),
                "grade": merged[(name, contact)].get("grade"),
                "consent_given": True,
                "consent_at": now,
                "created_at": now,
            }
            for name, contact in chunk
        ]
        session.execute(insert(people), rows)
    if fresh:
        wanted = set(fresh)
        for person_id, name, contact in session.execute(
            select(Person.id, Person.full_name, Person.contact)
            .where(Person.id > before, Person.created_at == now)
            .order_by(Person.id)
        ):
            if (name, contact) in wanted:
                ids.setdefault((name, contact), person_id)
    known = [key for key in merged if key in plan.people]
    if known:
        # Every known person gets every column (unchanged ones keep their value), so
        # one executemany statement serves them all.
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
            for chunk in _chunks(sorted(ids[key] for key in known))
            for person_id, *row in session.execute(
                select(
                    Person.id,
                    Person.organization,
                    Person.subject,
                    Person.experience_years,
                    Person.grade,
                ).where(Person.id.in_(chunk))
            )  # fmt: skip
        }
        updates = []
        for key in known:
            person_id = ids[key]
            organization, subject, experience, grade = current[person_id]
            values = merged[key]
            updates.append(
                {
                    "person_id": person_id,
                    "new_role": values["role"],
                    "new_organization": values.get("organization", organization),
                    "new_subject": values.get("subject", subject),
                    "new_experience_years": values.get("experience_years", experience),
                    "new_grade": values.get("grade", grade),
                }
            )
        session.execute(change, updates)
        # Person objects the session holds would read the old values: load them afresh.
        session.expire_all()
    return ids
