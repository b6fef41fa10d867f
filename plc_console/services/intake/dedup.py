"""Which checked forms are new, which are stored already, which look like another.

A form is a duplicate, skipped and counted, when a request with its form number and
date is stored (or comes earlier in the same file), or when its person has a request of
the same date and the same problem text (spacing and case aside). A form whose problem
is very like one of its person's other problems is a near-duplicate: stored, and
flagged for the coordinator to merge.

The checked values are clean already (the parsers collapse whitespace), so a person is
keyed by their name and contact exactly as checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, cast

from rapidfuzz import fuzz, utils
from sqlalchemy import Table
from sqlalchemy.orm import Session

from plc_console.db.bulk import select_in
from plc_console.db.models import Person, Request
from plc_console.services.requests import NewRequest

__all__ = ["NEAR_DUPLICATE_SCORE", "Form", "PersonKey", "Plan", "plan_forms"]

#: rapidfuzz ``token_set_ratio`` from which one person's two problems are "very similar".
NEAR_DUPLICATE_SCORE = 90
#: Values per ``IN (…)`` lookup (SQLite allows 32,766 bound values; PostgreSQL 65,535).
LOOKUP = 10_000
_REQUESTS = cast(Table, Request.__table__)
_PEOPLE = cast(Table, Person.__table__)

#: A person as (full name, contact).
PersonKey = tuple[str, str]
#: A reference to a request: a stored one's number (str) or a new form's index (int).
Ref = str | int
#: One of a person's problems: (date, problem text, its request).
_Earlier = tuple[date, str, Ref]


@dataclass(slots=True)
class Form:
    """A form to store: its spreadsheet row, the request, and its near-duplicate if any."""

    row: int
    new: NewRequest
    person: PersonKey
    similar_to: Ref | None = None


@dataclass
class Plan:
    forms: list[Form]
    duplicates: int
    #: The people already stored, by key → id.
    people: dict[PersonKey, int]


def chunks(values: Sequence[Any], size: int = LOOKUP) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@lru_cache(maxsize=4096)
def _problem_key(problem: str) -> str:
    return " ".join(problem.split()).casefold()


def plan_forms(session: Session, valid: Sequence[tuple[int, NewRequest]]) -> Plan:
    """The forms to store, in row order, and how many were duplicates (see the module)."""
    if not valid:
        return Plan([], 0, {})
    stored_forms = _stored_forms(session, valid)
    people = _stored_people(session, valid)
    earlier = _earlier_problems(session, people)
    forms: list[Form] = []
    duplicates = 0
    for row, new in valid:
        form_no = new.form_no
        if form_no is not None:
            form_key = (form_no, new.received_on)
            if form_key in stored_forms:
                duplicates += 1
                continue
        person = (new.full_name, new.contact)
        theirs = earlier.get(person)
        similar: Ref | None = None
        if theirs is None:
            # Most people have one form: nothing to compare it with.
            earlier[person] = [(new.received_on, new.problem, len(forms))]
        else:
            key = _problem_key(new.problem)
            if any(day == new.received_on and _problem_key(text) == key for day, text, _ in theirs):
                duplicates += 1
                continue
            similar = _similar(new.problem, theirs)
            theirs.append((new.received_on, new.problem, len(forms)))
        if form_no is not None:
            stored_forms.add(form_key)
        forms.append(Form(row, new, person, similar))
    return Plan(forms, duplicates, people)


def _stored_forms(
    session: Session, valid: Sequence[tuple[int, NewRequest]]
) -> set[tuple[str, date]]:
    """The (form number, date) pairs of the file that are stored already."""
    numbers = list({new.form_no for _, new in valid if new.form_no is not None})
    rows = select_in(
        session.connection(), _REQUESTS, ("form_no", "received_on"), "form_no", numbers
    )
    return {(form_no, received_on) for form_no, received_on in rows}


def _stored_people(
    session: Session, valid: Sequence[tuple[int, NewRequest]]
) -> dict[PersonKey, int]:
    """The file's people who are stored already (the first stored, if several match)."""
    keys = {(new.full_name, new.contact) for _, new in valid}
    contacts = list({contact for _, contact in keys})
    rows = select_in(
        session.connection(), _PEOPLE, ("id", "full_name", "contact"), "contact", contacts
    )
    people: dict[PersonKey, int] = {}
    for person_id, name, contact in sorted(rows):
        if (name, contact) in keys:
            people.setdefault((name, contact), person_id)
    return people


def _earlier_problems(
    session: Session, people: dict[PersonKey, int]
) -> dict[PersonKey, list[_Earlier]]:
    """Each stored person's requests so far, oldest first."""
    by_id = {person_id: key for key, person_id in people.items()}
    rows = select_in(
        session.connection(),
        _REQUESTS,
        ("id", "person_id", "received_on", "problem", "number"),
        "person_id",
        list(by_id),
    )
    earlier: dict[PersonKey, list[_Earlier]] = {}
    for _, person_id, received_on, problem, number in sorted(rows):
        earlier.setdefault(by_id[person_id], []).append((received_on, problem, number))
    return earlier


def _similar(problem: str, earlier: Sequence[_Earlier]) -> Ref | None:
    """The most similar of a person's earlier problems, if it is very similar."""
    best: tuple[float, Ref] | None = None
    for _, text, ref in earlier:
        score = fuzz.token_set_ratio(
            problem, text, processor=utils.default_process, score_cutoff=NEAR_DUPLICATE_SCORE
        )
        if score and (best is None or score > best[0]):
            best = (score, ref)
    return best[1] if best else None
