"""Import a spreadsheet of typed-up paper forms: check, deduplicate and store in bulk.

The file is read (:func:`~.readers.read_table`) and every row checked
(:class:`~.rows.RowChecker`). Forms already stored, or twice in the file, are skipped
and counted; near-duplicates (same person, a very similar problem) are stored with a
note in their ``created`` event (:mod:`.dedup`). A row carrying the number of a stored
request (a file of ``plc export requests``) is that request: counted as unchanged, or
refused when its form fields differ, never stored anew (:mod:`.known`). By default one
refused row stores nothing; a partial import stores the valid rows (:mod:`.store`).

The caller owns the transaction; the work is done inside a SAVEPOINT that is rolled
back when nothing is to be stored (a dry run, or refused rows without ``partial``), so
such a run does everything, constraints included, and leaves no trace.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from plc_console.db.models import ImportBatch
from plc_console.db.writing import begin_writing
from plc_console.services.intake.bulk import gc_paused
from plc_console.services.intake.dedup import NEAR_DUPLICATE_SCORE, plan_forms
from plc_console.services.intake.form import FIELDS_BY_KEY
from plc_console.services.intake.known import known_rows
from plc_console.services.intake.readers import Table, read_table
from plc_console.services.intake.rows import BLANK, RowChecker, RowProblem
from plc_console.services.intake.store import number_of, store_forms
from plc_console.services.requests import NewRequest

__all__ = [
    "NEAR_DUPLICATE_SCORE",
    "FlaggedRow",
    "ImportReport",
    "RefusedRow",
    "file_checksum",
    "import_file",
    "import_table",
]

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
    #: Rows carrying a stored request's number, its form fields as stored (skipped).
    unchanged: int = 0


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
    begin_writing(session)
    known = known_rows(session, table)
    refused = [
        RefusedRow(table.first_row + index, differences, tuple(table.rows[index]))
        for index, differences in known.items()
        if differences
    ]
    row_numbers: Sequence[int] = table.row_numbers
    rows = table.rows
    if known:  # the others are checked as forms
        positions = [index for index in range(total) if index not in known]
        row_numbers = [table.first_row + index for index in positions]
        rows = [rows[index] for index in positions]
    columns = {index: key for index, key in table.columns.items() if key in FIELDS_BY_KEY}
    results = RowChecker(columns, now.date()).check_all(rows)
    valid: list[tuple[int, NewRequest]] = []
    blank = 0
    for number, row, result in zip(row_numbers, rows, results, strict=True):
        if result is BLANK:
            blank += 1
        elif isinstance(result, list):
            refused.append(RefusedRow(number, tuple(result), tuple(row)))
        else:
            valid.append((number, result))
    refused.sort(key=lambda refusal: refusal.row)
    same_file_before = (
        session.scalar(select(ImportBatch.id).where(ImportBatch.checksum == checksum).limit(1))
        is not None
    )
    store = not dry_run and (partial or not refused)
    savepoint = session.begin_nested()
    try:
        plan = plan_forms(session, valid)
        batch_id, numbers = store_forms(
            session,
            plan,
            file_name=table.path.name,
            checksum=checksum,
            rows_total=total,
            actor=actor,
            now=now,
            progress=None if progress is None else lambda done: progress(done, total),
        )
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
        FlaggedRow(form.row, numbers[index], number_of(form.similar_to, numbers))
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
        unchanged=sum(1 for differences in known.values() if not differences),
    )
