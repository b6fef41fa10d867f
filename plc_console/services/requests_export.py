"""Requests as a spreadsheet (`plc export requests`): the paper form's columns, then the
coordinator's, for people to read and correct and for ``plc import`` to read back.

The first columns are the paper-form template's (:data:`FORM_FIELDS`: its headers in
the chosen language, in its order), each written as the importer reads it back to the
same value: choices by the labels the template offers, dates as dates (xlsx) or
dd.mm.yyyy (csv), consent as the template's "yes". Then the request number, which the
importer recognises (a row with a stored request's number is that request:
:mod:`.intake.known`), and the coordinator's fields, which it does not read: stage,
category, topics, experts, the promised date, the day the request entered its stage
and why it was closed.

Rows are read from the database a chunk at a time and streamed into the file (openpyxl's
write-only workbook, or CSV in UTF-8 with a BOM so Excel reads Cyrillic), so a
municipality's requests fit in little memory. Every text cell passes the formula guard
(:mod:`.cells`). The file appears whole or not at all (:func:`.files.write_whole`).

openpyxl is imported inside the functions: the console must start without it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from plc_console.db.models import Assignment, Expert, Person, Request, Topic, request_topics
from plc_console.domain import Category, CloseReason, PlcError, Stage
from plc_console.locale import Translator
from plc_console.services.cells import csv_safe, looks_like_formula, write_xlsx_text
from plc_console.services.files import check_folder, write_whole
from plc_console.services.intake.form import (
    FIELDS_BY_KEY,
    FORM_FIELDS,
    NUMBER_FIELD,
    FieldKind,
    FormField,
)
from plc_console.services.intake.known import STORED_COLUMNS
from plc_console.services.intake.template import (
    CREATOR,
    DATE_FORMAT,
    WIDTHS,
    choice_labels,
    describe_workbook,
)

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = [
    "COORDINATOR_FIELDS",
    "EXPORT_FIELDS",
    "FORMATS",
    "Exported",
    "export_requests",
    "export_target",
]

FORMATS = ("xlsx", "csv")
#: Requests read from the database at a time (and per progress step).
CHUNK = 2_000
#: What separates topic and expert names in one cell.
NAMES_JOINER = "; "
#: The CSV separator Excel expects in each language (its list separator there).
CSV_DELIMITERS = {"ru": ";", "en": ","}
_CSV_DATE = "%d.%m.%Y"

#: The coordinator's columns, after the form's and the request number. The importer
#: recognises none of these headers (a test checks it), so it passes them over.
COORDINATOR_FIELDS: tuple[FormField, ...] = (
    FormField("stage", False, "Этап", "Stage", FieldKind.CHOICE, tuple(Stage)),
    FormField("category", False, "Категория", "Category", FieldKind.CHOICE, tuple(Category)),
    FormField("topics", False, "Темы", "Topics"),
    FormField("experts", False, "Эксперты", "Experts"),
    FormField("promised_on", False, "Обещанный срок", "Promised by", FieldKind.DATE),
    FormField("stage_since", False, "На этапе с", "In stage since", FieldKind.DATE),
    FormField(
        "close_reason",
        False,
        "Причина закрытия",
        "Close reason",
        FieldKind.CHOICE,
        tuple(CloseReason),
    ),
)
#: Every column of an export, in order.
EXPORT_FIELDS: tuple[FormField, ...] = (*FORM_FIELDS, NUMBER_FIELD, *COORDINATOR_FIELDS)
_WIDTHS: dict[str, float] = {
    **WIDTHS,
    NUMBER_FIELD.key: 15,
    "stage": 22,
    "category": 17,
    "topics": 40,
    "experts": 32,
    "promised_on": 14,
    "stage_since": 14,
    "close_reason": 26,
}
_FORM_FILL, _REQUIRED_FILL, _COORDINATOR_FILL = "DDEBF7", "FCE4D6", "E7E6E6"

Progress = Callable[[int, int], None]
#: One request's cells in :data:`EXPORT_FIELDS` order: text, whole numbers, dates, None.
Cells = list[str | int | date | None]


@dataclass(frozen=True)
class Exported:
    """What was written: the file, its format and how many requests it holds."""

    path: Path
    fmt: str
    count: int


def export_target(path: Path, fmt: str | None) -> tuple[Path, str]:
    """The file to write and its format: ``fmt``, else the one ``path``'s suffix names.

    A name without a suffix gets the format's (xlsx when neither is given). Refused with a
    :class:`PlcError`: a folder, another suffix, a suffix that contradicts ``fmt``.
    """
    if path.is_dir():
        raise PlcError("file.is_folder", path=str(path))
    suffix = path.suffix.lower()
    if not suffix:
        chosen = fmt or FORMATS[0]
        return path.with_name(f"{path.name}.{chosen}"), chosen
    named = suffix.lstrip(".")
    if named not in FORMATS:
        raise PlcError("requests_export.bad_suffix", path=str(path))
    if fmt is not None and fmt != named:
        raise PlcError("requests_export.format_mismatch", path=str(path), suffix=suffix, fmt=fmt)
    return path, named


def export_requests(
    session: Session,
    path: Path,
    *,
    fmt: str,
    lang: str,
    stage: Stage | None = None,
    progress: Progress | None = None,
) -> Exported:
    """Write the requests (of ``stage``, or all), by number, to ``path`` as ``fmt``.

    ``progress`` is told (requests written, requests to write) after each chunk. A folder
    that does not exist or cannot be written is a :class:`PlcError`; nothing is left
    under ``path`` (or beside it) when writing fails.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    check_folder(path)
    t = Translator(lang)
    total = session.scalar(_filtered(select(func.count()).select_from(Request), stage)) or 0
    if progress:
        progress(0, total)
    rows = _Rows(session, stage, t, total, progress)
    if fmt == "xlsx":
        write_whole(path, lambda stream: _write_xlsx(stream, rows, t))
    else:
        write_whole(path, lambda stream: _write_csv(stream, rows, t.lang))
    return Exported(path, fmt, rows.count)


def _filtered(query: Any, stage: Stage | None) -> Any:
    return query if stage is None else query.where(Request.stage == stage)


# --- reading ---------------------------------------------------------------------------

_Kept = aliased(Request)
_COLUMNS = (
    Request.id,
    *STORED_COLUMNS.values(),
    Request.number,
    Request.stage,
    Request.category,
    Request.promised_on,
    Request.stage_since,
    Request.close_reason,
    _Kept.number,
)
#: By number: the year, then the serial (a longer serial is a larger one).
_BY_NUMBER = (func.substr(Request.number, 3, 4), func.length(Request.number), Request.number)


class _Rows:
    """The requests' cells, a chunk of requests read at a time; ``count`` so far."""

    def __init__(
        self,
        session: Session,
        stage: Stage | None,
        t: Translator,
        total: int,
        progress: Progress | None,
    ) -> None:
        self.session, self.stage, self.t = session, stage, t
        self.total, self.progress = total, progress
        self.count = 0

    def __iter__(self) -> Iterator[Cells]:
        session, t = self.session, self.t
        name = Topic.name_ru if t.lang == "ru" else Topic.name_en
        topics = {
            topic_id: (position, topic_id, text)
            for topic_id, position, text in session.execute(select(Topic.id, Topic.position, name))
        }
        experts = {
            expert_id: full_name
            for expert_id, full_name in session.execute(select(Expert.id, Expert.full_name))
        }
        labels = _Labels(t)
        query = _filtered(
            select(*_COLUMNS)
            .join(Person, Person.id == Request.person_id)
            .outerjoin(_Kept, _Kept.id == Request.duplicate_of_id)
            .order_by(*_BY_NUMBER),
            self.stage,
        )
        result = session.execute(query.execution_options(yield_per=CHUNK))
        for chunk in result.partitions():
            ids = [row[0] for row in chunk]
            topics_of = _topics_of(session, ids, topics)
            experts_of = _experts_of(session, ids, experts)
            for row in chunk:
                yield labels.cells(row, topics_of.get(row[0]), experts_of.get(row[0]))
            self.count += len(chunk)
            if self.progress:
                self.progress(self.count, max(self.total, self.count))


def _topics_of(
    session: Session, ids: Sequence[int], topics: dict[int, tuple[int, int, str]]
) -> dict[int, str]:
    """The requests' topic names in the topics' own order, joined, by request id."""
    found: dict[int, list[tuple[int, int, str]]] = {}
    linked = request_topics.c
    pairs = select(linked.request_id, linked.topic_id).where(linked.request_id.in_(ids))
    for request_id, topic_id in session.execute(pairs):
        found.setdefault(request_id, []).append(topics[topic_id])
    return {
        key: NAMES_JOINER.join(name for *_, name in sorted(names)) for key, names in found.items()
    }


def _experts_of(session: Session, ids: Sequence[int], experts: dict[int, str]) -> dict[int, str]:
    """The requests' experts in the order they were assigned, joined, by request id."""
    found: dict[int, list[str]] = {}
    assigned = (
        select(Assignment.request_id, Assignment.expert_id)
        .where(Assignment.request_id.in_(ids))
        .order_by(Assignment.id)
    )
    for request_id, expert_id in session.execute(assigned):
        found.setdefault(request_id, []).append(experts[expert_id])
    return {key: NAMES_JOINER.join(names) for key, names in found.items()}


class _Labels:
    """Stored values as the export writes them, in one language."""

    def __init__(self, t: Translator) -> None:
        self.t = t
        self.labels: dict[tuple[type, str], str] = {}
        consent = FIELDS_BY_KEY["consent"]
        self.consent_yes = choice_labels(consent, t)[0]

    def label(self, value: StrEnum | None) -> str | None:
        """A choice's label, looked up once per choice (enums of equal values kept apart)."""
        if value is None:
            return None
        key = (type(value), value)
        found = self.labels.get(key)
        if found is None:
            found = self.labels[key] = self.t.label(value)
        return found

    def cells(self, row: Sequence[Any], topics: str | None, experts: str | None) -> Cells:
        (
            _,
            form_no,
            received_on,
            channel,
            full_name,
            role,
            organization,
            subject,
            experience_years,
            grade,
            contact,
            problem,
            help_wanted,
            consent,
            number,
            stage,
            category,
            promised_on,
            stage_since,
            close_reason,
            kept,
        ) = row
        reason = self.label(close_reason)
        if reason is not None and kept is not None:
            reason = f"{reason} {kept}"
        since = stage_since.date() if isinstance(stage_since, datetime) else stage_since
        return [
            form_no,
            received_on,
            self.label(channel),
            full_name,
            self.label(role),
            organization,
            subject,
            experience_years,
            grade,
            contact,
            problem,
            self.label(help_wanted),
            self.consent_yes if consent else None,
            number,
            self.label(stage),
            self.label(category),
            topics,
            experts,
            promised_on,
            since,
            reason,
        ]


# --- writing ---------------------------------------------------------------------------


def headers(lang: str) -> list[str]:
    """The export's headers in ``lang``, in column order."""
    return [field.header(lang) for field in EXPORT_FIELDS]


def _write_xlsx(stream: BinaryIO, rows: Iterable[Cells], t: Translator) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(t("requests_export.sheet"))
    for column, field in enumerate(EXPORT_FIELDS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = _WIDTHS[field.key]
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, t))
    count = 0
    try:
        for values in rows:
            sheet.append([_xlsx_value(sheet, value) for value in values])
            count += 1
    except BaseException:
        # openpyxl streams the rows into a temporary file of its own: end it cleanly
        # (it deletes the file when Python exits).
        sheet.close()
        raise
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(EXPORT_FIELDS))}{count + 1}"
    describe_workbook(workbook, t, "requests_export")
    workbook.save(stream)


def _header_cells(sheet: WriteOnlyWorksheet, t: Translator) -> list[Any]:
    """The header row: the form's columns coloured as in the template (required ones in
    bold), the coordinator's in grey with a note saying the import does not read them."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    cells = []
    for field in EXPORT_FIELDS:
        cell = WriteOnlyCell(sheet, field.header(t.lang))
        write_xlsx_text(cell)
        cell.alignment = alignment
        cell.font = Font(bold=field.required)
        if field.key in FIELDS_BY_KEY:
            cell.fill = PatternFill(
                "solid", fgColor=_REQUIRED_FILL if field.required else _FORM_FILL
            )
        else:
            cell.fill = PatternFill("solid", fgColor=_COORDINATOR_FILL)
            note = "number_note" if field is NUMBER_FIELD else "coordinator_note"
            cell.comment = Comment(t(f"requests_export.{note}"), CREATOR, height=140, width=300)
        cells.append(cell)
    return cells


def _xlsx_value(sheet: WriteOnlyWorksheet, value: str | int | date | None) -> Any:
    """A value as a write-only sheet takes it: as it is, or a cell that keeps a date's
    format or keeps text that looks like a formula (or an error code) as text."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

        if ILLEGAL_CHARACTERS_RE.search(value):  # control characters a workbook cannot hold
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not looks_like_formula(value) and value not in ERROR_CODES:
            return value
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value)
        write_xlsx_text(cell)
        return cell
    if isinstance(value, date):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet)
        cell.value = value
        cell.number_format = DATE_FORMAT
        return cell
    return value


def _write_csv(stream: BinaryIO, rows: Iterable[Cells], lang: str) -> None:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=CSV_DELIMITERS[lang])
    writer.writerow([csv_safe(header) for header in headers(lang)])
    writer.writerows([_csv_field(value) for value in values] for values in rows)
    text.flush()
    text.detach()  # the stream is closed by its owner


def _csv_field(value: str | int | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_safe(value)
    if isinstance(value, date):
        return value.strftime(_CSV_DATE)
    return str(value)
