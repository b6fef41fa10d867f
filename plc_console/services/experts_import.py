"""Import the expert registry from a spreadsheet (`plc experts import`).

The file is read by the paper form's readers with the registry's columns
(:data:`~.experts_form.EXPERT_SCHEMA`), so it may be .xlsx, .xlsm, .ods or .csv (UTF-8
or cp1251, ";" or ","), with headers in Russian or English and ``--map`` for the rest.
Every row is checked by the registry's own rules (:func:`~.experts.field_problems`):
each problem is reported with its row, column, value and reason.

A row is matched to an expert already in the registry by contact (a phone number or
e-mail in common), else by name and organisation (case, ё and spaces aside), and
updates that expert in place; a row that changes nothing is counted as unchanged, so
importing the same file twice changes nothing. A column left out of the file leaves
that field as stored; an empty cell clears it (load limit and active keep theirs).

By default one refused row stores nothing; ``partial`` stores the valid rows. The
caller owns the transaction; the work is done in a SAVEPOINT rolled back when nothing is
to be stored (a dry run, or refused rows without ``partial``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plc_console.db.models import Expert, Topic
from plc_console.locale import Key
from plc_console.services.experts import (
    NewExpert,
    clean_expert,
    contact_keys,
    field_problems,
    name_key,
)
from plc_console.services.experts_cells import PARSERS, TopicIndex, is_empty
from plc_console.services.experts_form import EXPERT_SCHEMA, LABEL_PREFIX
from plc_console.services.intake.errors import FileRefused
from plc_console.services.intake.headers import PAPER_FORM, recognise
from plc_console.services.intake.importer import RefusedRow
from plc_console.services.intake.readers import Table, read_table
from plc_console.services.intake.rows import RowProblem
from plc_console.services.intake.values import ValueProblem, display
from plc_console.services.meta import set_meta

__all__ = [
    "LAST_IMPORT",
    "ExpertImportReport",
    "ExpertRow",
    "import_expert_table",
    "import_experts",
    "read_experts",
]

#: app_meta key: when, by whom and from which file the registry was last imported.
LAST_IMPORT = "registry_last_import"
Outcome = Literal["new", "updated", "unchanged"]
#: Columns whose empty cell keeps what is stored (they have no "empty" value).
_KEEP_WHEN_EMPTY = ("load_limit", "active")
#: Service fields as the file's columns.
_COLUMN_OF = {"topic_keys": "topics"}
_FIELD_OF = {"topics": "topic_keys"}
_ORDER = {f.key: i for i, f in enumerate(EXPERT_SCHEMA.fields)}
#: Paper-form columns no expert file has: two of them mean the wrong file was given.
_PAPER_ONLY = frozenset({"received_on", "role", "problem", "consent", "help_wanted"})


@dataclass(frozen=True)
class ExpertRow:
    """What one good row did (or would do): a new expert, an update, or nothing."""

    row: int
    outcome: Outcome
    full_name: str
    expert_id: int | None
    #: The fields an update changes (NewExpert field names), in the form's order.
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExpertImportReport:
    """What an import did (or, when ``stored`` is false, would have done)."""

    file: Path
    sheet: str | None
    rows_total: int
    new: int
    updated: int
    unchanged: int
    refused: tuple[RefusedRow, ...]
    blank: int
    stored: bool
    dry_run: bool = False
    rows: tuple[ExpertRow, ...] = ()


def read_experts(
    path: Path | str,
    sheet: str | None = None,
    *,
    overrides: Mapping[str, str | None] | None = None,
) -> Table:
    """Read a registry spreadsheet (see :func:`~.intake.readers.read_table`); a file of
    paper forms given by mistake is refused."""
    table = read_table(path, sheet, overrides=overrides, schema=EXPERT_SCHEMA)
    paper = {recognise(header, PAPER_FORM) for header in table.headers if header}
    if len(paper & _PAPER_ONLY) >= 2:
        refusal = FileRefused("paper_forms", path)
        refusal.code = "registry.import.paper_forms"
        raise refusal
    return table


def import_experts(
    session: Session,
    path: Path | str,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    partial: bool = False,
    overrides: Mapping[str, str | None] | None = None,
    actor: str,
    now: datetime,
) -> ExpertImportReport:
    """Read, check and store the experts in ``path`` (see the module).

    Raises :class:`~.intake.errors.FileRefused` for a file that cannot be read.
    """
    table = read_experts(path, sheet, overrides=overrides)
    return import_expert_table(
        session, table, dry_run=dry_run, partial=partial, actor=actor, now=now
    )


def import_expert_table(
    session: Session,
    table: Table,
    *,
    dry_run: bool = False,
    partial: bool = False,
    actor: str,
    now: datetime,
) -> ExpertImportReport:
    """:func:`import_experts` on a table already read by :func:`read_experts`."""
    registry = _Registry(session)
    topics = TopicIndex(session.scalars(select(Topic)))
    planned: list[tuple[ExpertRow, NewExpert]] = []
    refused: list[RefusedRow] = []
    blank = 0
    for number, cells in table.records():
        if all(is_empty(raw) for raw in cells.values()):
            blank += 1
            continue
        result = _check(registry, topics, number, cells)
        if isinstance(result, list):
            values = table.rows[number - table.first_row]
            refused.append(RefusedRow(number, tuple(result), tuple(values)))
        else:
            planned.append(result)
    store = not dry_run and (partial or not refused)
    savepoint = session.begin_nested()
    try:
        done = [_store(session, registry, topics, row, new) for row, new in planned]
        stamp = f"{now.isoformat(timespec='seconds')} {actor} {table.path.name}"
        set_meta(session, LAST_IMPORT, stamp)
        session.flush()
    except BaseException:
        savepoint.rollback()
        raise
    if store:
        savepoint.commit()
    else:
        savepoint.rollback()
    counts = Counter(row.outcome for row, _ in planned)
    return ExpertImportReport(
        file=table.path,
        sheet=table.sheet,
        rows_total=len(table.rows),
        new=counts["new"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        refused=tuple(refused),
        blank=blank,
        stored=store,
        dry_run=dry_run,
        rows=tuple(done) if store else tuple(row for row, _ in planned),
    )


# --- the registry as the file sees it --------------------------------------------------


class _Registry:
    """The experts stored, and those the file adds, by contact and by name; which row
    took which expert (new ones have negative numbers until stored)."""

    def __init__(self, session: Session) -> None:
        query = select(Expert).options(selectinload(Expert.competences))
        self.experts: dict[int, Expert] = {e.id: e for e in session.scalars(query)}
        self.contacts: dict[int, frozenset[str]] = {}
        self.names: dict[int, tuple[str, str]] = {}
        self.shown: dict[int, str] = {}
        for expert in self.experts.values():
            self.remember(expert.id, expert.full_name, expert.organization, expert.contact)
        self.claimed: dict[int, int] = {}
        self._last_new = 0

    def remember(self, ref: int, name: str, organization: str | None, contact: str | None) -> None:
        self.contacts[ref] = contact_keys(contact)
        self.names[ref] = name_key(name, organization)
        self.shown[ref] = name

    def add(self, new: NewExpert, row: int) -> None:
        self._last_new -= 1
        self.remember(self._last_new, new.full_name, new.organization, new.contact)
        self.claimed[self._last_new] = row

    def match(self, new: NewExpert) -> tuple[int | None, tuple[int, ...]]:
        """The expert a row describes (by contact, else by name and organisation), or
        the two it could be when that is not clear."""
        keys = contact_keys(new.contact)
        wanted = name_key(new.full_name, new.organization)
        by_contact = sorted((r for r, known in self.contacts.items() if keys & known), key=abs)
        by_name = sorted((r for r, known in self.names.items() if known == wanted), key=abs)
        if len(by_contact) > 1:
            return None, (by_contact[0], by_contact[1])
        if by_contact:
            others = [r for r in by_name if r != by_contact[0]]
            if by_name and others == by_name:
                return None, (by_contact[0], by_name[0])
            return by_contact[0], ()
        if len(by_name) > 1:
            return None, (by_name[0], by_name[1])
        return (by_name[0] if by_name else None), ()


def _check(
    registry: _Registry, topics: TopicIndex, number: int, cells: Mapping[str, object]
) -> tuple[ExpertRow, NewExpert] | list[RowProblem]:
    """One row: what it will do and the expert as it will be stored, or its problems."""
    values: dict[str, Any] = {}
    problems: dict[str, RowProblem] = {}
    for key, raw in cells.items():
        try:
            values[key] = PARSERS[key](raw, topics)
        except ValueProblem as problem:
            problems[key] = _problem(key, raw, problem.reason, problem.params)
    ref, ambiguous = registry.match(_from_cells(values, None))
    stored = registry.experts.get(ref) if ref is not None else None
    new = clean_expert(_from_cells(values, stored))
    for refusal in field_problems(new):
        key = _COLUMN_OF.get(refusal.field, refusal.field)
        if key not in problems:
            problems[key] = _problem(key, cells.get(key), refusal.code, refusal.params)
    identity = "contact" if contact_keys(new.contact) else "full_name"
    if ambiguous and identity not in problems:
        first, second = (registry.shown[r] for r in ambiguous)
        params = {"first": first, "second": second}
        problems[identity] = _problem(
            identity, cells.get(identity), "registry.invalid.two_experts", params
        )
    elif ref is not None and ref in registry.claimed and identity not in problems:
        problems[identity] = _problem(
            identity,
            cells.get(identity),
            "registry.invalid.same_as_row",
            {"row": registry.claimed[ref]},
        )
    if problems:
        return sorted(problems.values(), key=lambda p: _ORDER.get(p.field, len(_ORDER)))
    if stored is None:
        registry.add(new, number)
        return ExpertRow(number, "new", new.full_name, None), new
    registry.claimed[stored.id] = number
    changed = _changes(stored, new)
    outcome: Outcome = "updated" if changed else "unchanged"
    return ExpertRow(number, outcome, new.full_name, stored.id, changed), new


def _from_cells(values: Mapping[str, Any], stored: Expert | None) -> NewExpert:
    """The expert a row describes: its columns over what is stored (or the defaults)."""
    base = _as_new(stored) if stored is not None else NewExpert(full_name="")
    changes: dict[str, Any] = {}
    for key, value in values.items():
        field = _FIELD_OF.get(key, key)
        if value is None and key in _KEEP_WHEN_EMPTY:
            continue
        if value is None and key in ("full_name", "topics"):
            value = "" if key == "full_name" else ()
        changes[field] = value
    return replace(base, **changes)


def _as_new(expert: Expert) -> NewExpert:
    return NewExpert(
        full_name=expert.full_name,
        organization=expert.organization,
        contact=expert.contact,
        subjects=expert.subjects,
        load_limit=expert.load_limit,
        availability=expert.availability,
        topic_keys=tuple(t.key for t in expert.competences),
        active=expert.active,
    )


def _changes(stored: Expert, new: NewExpert) -> tuple[str, ...]:
    before = _as_new(stored)
    changed = []
    for item in fields(NewExpert):
        old, now = getattr(before, item.name), getattr(new, item.name)
        if item.name == "topic_keys":
            old, now = frozenset(old), frozenset(now)
        if old != now:
            changed.append(item.name)
    return tuple(changed)


def _store(
    session: Session, registry: _Registry, topics: TopicIndex, row: ExpertRow, new: NewExpert
) -> ExpertRow:
    if row.outcome == "unchanged":
        return row
    if row.expert_id is None:
        expert = Expert()
        session.add(expert)
    else:
        expert = registry.experts[row.expert_id]
    expert.full_name = new.full_name
    expert.organization = new.organization
    expert.contact = new.contact
    expert.subjects = new.subjects
    expert.load_limit = new.load_limit
    expert.availability = new.availability
    expert.active = new.active
    if row.expert_id is None or "topic_keys" in row.changed:
        expert.competences = [topics.by_key[key] for key in new.topic_keys]
    session.flush()
    return replace(row, expert_id=expert.id)


def _problem(key: str, raw: object, reason: str, params: Mapping[str, object]) -> RowProblem:
    shown = {**params, "field": Key(f"{LABEL_PREFIX}{key}"), "value": display(raw)}
    return RowProblem(key, raw, reason, shown)
