"""Rows that carry the number of a stored request: a file of ``plc export requests``.

Such a row is that request and is never stored as a new form. When each of its
paper-form cells says what the request holds, the row is *unchanged* (counted, skipped);
when a cell says something else, the row is refused, the stored value shown beside the
typed one. An import never changes a stored request: a correction is made in the
console, where it is checked against the version on screen and recorded as an edit, and
a file from another database (whose numbers name other requests here) is refused rather
than written over them. A number this database does not have is no reference: the row
is a new form like any other (an export imported into a new database).

A cell is compared by what the importer reads from it, so the same request written as
xlsx or csv, in Russian or English, with dd.mm.yyyy or ISO dates, compares equal. A
value the importer itself would refuse (a contact typed at the desk with neither a phone
nor an e-mail) is compared as text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from plc_console.db.models import Person, Request
from plc_console.domain import typed_request_number
from plc_console.locale import Key
from plc_console.services.intake.dedup import chunks
from plc_console.services.intake.form import FIELDS_BY_KEY, NUMBER_FIELD
from plc_console.services.intake.readers import Table
from plc_console.services.intake.rows import RowProblem
from plc_console.services.intake.values import (
    PARSERS,
    ValueProblem,
    display,
    parse_text,
    plain_text,
)

__all__ = ["STORED_COLUMNS", "known_rows"]

#: Where each paper-form field of a request is stored (the requester's on the person).
STORED_COLUMNS: Mapping[str, InstrumentedAttribute[Any]] = {
    "form_no": Request.form_no,
    "received_on": Request.received_on,
    "channel": Request.channel,
    "full_name": Person.full_name,
    "role": Person.role,
    "organization": Person.organization,
    "subject": Person.subject,
    "experience_years": Person.experience_years,
    "grade": Person.grade,
    "contact": Person.contact,
    "problem": Request.problem,
    "help_wanted": Request.help_wanted,
    "consent": Person.consent_given,
}
assert tuple(STORED_COLUMNS) == tuple(FIELDS_BY_KEY), "one stored column per form field"

#: Fields stored as typed text: the stored value is read like a cell before comparing.
_TEXT_FIELDS = frozenset({"form_no", "full_name", "organization", "subject", "contact", "problem"})
_EMPTY_SHOWN = "—"


def known_rows(session: Session, table: Table) -> dict[int, tuple[RowProblem, ...]]:
    """The rows (by position in ``table.rows``) that carry a stored request's number, each
    with its differences from that request: none for an unchanged row."""
    at = next((i for i, key in table.columns.items() if key == NUMBER_FIELD.key), None)
    if at is None:
        return {}
    typed: dict[int, str] = {}
    for index, row in enumerate(table.rows):
        text = parse_text(row[at]) if at < len(row) else None
        if text:
            typed[index] = typed_request_number(text)
    stored = _stored(session, sorted(set(typed.values())))
    paper = [(i, key) for i, key in table.columns.items() if key in FIELDS_BY_KEY]
    header = table.headers[at]
    known: dict[int, tuple[RowProblem, ...]] = {}
    for index, number in typed.items():
        values = stored.get(number)
        if values is None:
            continue
        row = table.rows[index]
        width = len(row)
        known[index] = tuple(
            _differs(key, raw, values[key], number, header)
            for i, key in paper
            if not _same(key, raw := row[i] if i < width else None, values[key])
        )
    return known


def _stored(session: Session, numbers: Sequence[str]) -> dict[str, dict[str, object]]:
    """The paper-form fields of the stored requests among ``numbers``, by number."""
    found: dict[str, dict[str, object]] = {}
    query = select(Request.number, *STORED_COLUMNS.values()).join(
        Person, Person.id == Request.person_id
    )
    for chunk in chunks(numbers):
        for number, *values in session.execute(query.where(Request.number.in_(chunk))):
            found[number] = dict(zip(STORED_COLUMNS, values, strict=True))
    return found


def _same(key: str, raw: object, stored: object) -> bool:
    """Whether a cell reads as the stored value of its field."""
    try:
        typed = PARSERS[key](raw)
    except ValueProblem:
        return plain_text(raw) == plain_text(stored)
    return bool(typed == _as_read(key, stored))


def _as_read(key: str, stored: object) -> object:
    """A stored value as the importer would read it back from a cell."""
    if key not in _TEXT_FIELDS or stored is None:
        return stored
    try:
        return PARSERS[key](stored)
    except ValueProblem:
        return plain_text(stored)


def _differs(key: str, raw: object, stored: object, number: str, header: str) -> RowProblem:
    return RowProblem(
        key,
        raw,
        "intake.differs_from_stored",
        {
            "field": Key(f"field.{key}"),
            "value": display(raw),
            "number": number,
            "stored": _shown(stored),
            "column": header,
        },
    )


def _shown(stored: object) -> object:
    """A stored value as the message shows it (a choice by its label)."""
    if stored is None or stored == "":
        return _EMPTY_SHOWN
    if isinstance(stored, bool):
        return Key("template.consent_yes") if stored else _EMPTY_SHOWN
    if isinstance(stored, StrEnum):
        return stored
    return display(stored)
