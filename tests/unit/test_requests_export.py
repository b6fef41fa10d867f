"""Exporting requests (`plc export requests`) on SQLite and PostgreSQL: the template's
columns and the coordinator's, text that looks like a formula, the stage filter, and the
round trip: imported back into the same database nothing changes, into an empty one the
same forms arrive."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from plc_console.db.models import (
    Assignment,
    Event,
    ImportBatch,
    Person,
    Request,
    request_topics,
)
from plc_console.domain import (
    Category,
    Channel,
    CloseReason,
    HelpWanted,
    PlcError,
    Role,
    Stage,
)
from plc_console.locale import Translator
from plc_console.services import requests_export as rx
from plc_console.services.assignments import assign_expert
from plc_console.services.database import Database, open_database
from plc_console.services.experts import NewExpert, add_expert
from plc_console.services.intake.form import FORM_FIELDS
from plc_console.services.intake.headers import recognise
from plc_console.services.intake.importer import ImportReport, import_file
from plc_console.services.intake.known import STORED_COLUMNS
from plc_console.services.intake.template import build_template
from plc_console.services.requests import (
    NewRequest,
    close_request,
    create_request,
    move_request,
    set_triage,
)
from tests.conftest import NOW, _pg_database

PAPER = len(FORM_FIELDS)
FORMULAS = ("=1+2 формула", "+7 плюс", "-5 минус", "@home собака")
TEACHER = NewRequest(
    received_on=date(2026, 11, 2),
    full_name="Козлов Иван Петрович",
    role=Role.TEACHER,
    contact="+7 937 138-21-65",
    problem="Не получается заинтересовать учеников 7 класса на уроках.\n\nЧто делать?",
    consent=True,
    channel=Channel.PHONE,
    organization="МБОУ СОШ № 12",
    subject="физика",
    experience_years=2,
    help_wanted=HelpWanted.MASTER_CLASS,
    form_no="Я-000017",
)


def _fill(session: Session) -> dict[str, int]:
    """Requests of every kind: a full desk form, a parent's at triage with category,
    topics and an expert, one closed as a duplicate, a student's of last year, and four
    whose problem starts like a formula."""
    made: dict[str, int] = {}
    teacher = create_request(session, TEACHER, actor="t", now=NOW)
    made["teacher"] = teacher.id
    parent = create_request(
        session,
        NewRequest(
            date(2026, 11, 5),
            "Смирнова Ольга",
            Role.PARENT,
            "olga@mail.ru",
            "Ребёнок не хочет делать домашние задания",
            True,
            Channel.DNEVNIK,
            grade=5,
            help_wanted=HelpWanted.CONSULTATION,
        ),
        actor="t",
        now=NOW,
    )
    made["parent"] = parent.id
    parent = move_request(session, parent.id, parent.version, Stage.TRIAGE, actor="t", now=NOW)
    parent = set_triage(
        session,
        parent.id,
        parent.version,
        category=Category.MOTIVATIONAL,
        topic_keys=["parents", "engagement"],
        actor="t",
        now=NOW,
    )
    expert = add_expert(session, NewExpert(full_name="Орлова Нина", topic_keys=("parents",)))
    assign_expert(session, parent.id, expert.id, actor="t", now=NOW)
    again = create_request(
        session, replace(TEACHER, problem="Ученики не слушают", form_no=None), actor="t", now=NOW
    )
    close_request(
        session,
        again.id,
        again.version,
        CloseReason.DUPLICATE,
        actor="t",
        duplicate_of=teacher.id,
        now=NOW,
    )
    made["closed"] = again.id
    student = create_request(
        session,
        NewRequest(
            date(2025, 12, 20),
            "Петров Пётр",
            Role.STUDENT,
            "petrov@school.ru",
            "Не понимаю, зачем нужна технология",
            True,
            Channel.IN_PERSON,
            grade=9,
        ),
        actor="t",
        now=NOW,
    )
    made["student"] = student.id
    for n, problem in enumerate(FORMULAS, start=1):
        new = NewRequest(
            date(2026, 11, 10), f"Учитель {n}", Role.TEACHER, f"t{n}@mail.ru", problem, True
        )
        made[problem] = create_request(session, new, actor="t", now=NOW).id
    session.commit()
    return made


def _export(session: Session, path: Path, **options: Any) -> rx.Exported:
    options.setdefault("lang", "ru")
    options.setdefault("fmt", path.suffix.lstrip("."))
    return rx.export_requests(session, path, **options)


def _rows(path: Path, lang: str = "ru") -> list[list[Any]]:
    """The file's rows as read (xlsx: openpyxl's values; csv: text)."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle, delimiter=rx.CSV_DELIMITERS[lang]))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _import(session: Session, path: Path, **options: Any) -> ImportReport:
    report = import_file(session, path, actor="staff", now=NOW + timedelta(days=1), **options)
    session.commit()
    return report


def _dump(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables an import writes to."""
    tables = {
        "requests": Request.__table__,
        "people": Person.__table__,
        "events": Event.__table__,
        "import_batches": ImportBatch.__table__,
        "request_topics": request_topics,
        "assignments": Assignment.__table__,
    }
    return {
        name: sorted(tuple(row) for row in session.execute(select(table)))  # type: ignore[call-overload]
        for name, table in tables.items()
    }


def _forms(session: Session) -> list[tuple[Any, ...]]:
    """The paper-form fields of every request, in a fixed order."""
    query = select(*STORED_COLUMNS.values()).join(Person, Person.id == Request.person_id)
    return sorted((tuple(row) for row in session.execute(query)), key=repr)


@pytest.fixture
def other_database(
    db_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Database]:
    """A second fresh database on the same backend as ``database``."""
    if db_url.startswith("sqlite"):
        other = open_database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
        try:
            yield other
        finally:
            other.engine.dispose()
        return
    with _pg_database(template=request.getfixturevalue("pg_template")) as url:
        other = open_database(url)
        try:
            yield other
        finally:
            other.engine.dispose()


# --- columns -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_columns_are_the_templates_then_the_coordinators(
    session: Session, tmp_path: Path, lang: str
) -> None:
    _fill(session)
    path = _export(session, tmp_path / "requests.xlsx", lang=lang).path
    header = _rows(path)[0]
    template = build_template(Translator(lang)).worksheets[0]
    assert header[:PAPER] == [cell.value for cell in template[1]]
    assert header[:PAPER] == [field.header(lang) for field in FORM_FIELDS]
    assert header == rx.headers(lang)
    coordinator = header[PAPER:]
    # The import recognises the number and nothing else of the coordinator's columns.
    assert [recognise(text) for text in coordinator] == ["request_number"] + [None] * (
        len(coordinator) - 1
    )
    csv_path = _export(session, tmp_path / "requests.csv", lang=lang).path
    assert _rows(csv_path, lang)[0] == header


def test_values_are_written_as_the_template_offers_them(session: Session, tmp_path: Path) -> None:
    _fill(session)
    path = _export(session, tmp_path / "requests.xlsx").path
    by_number = {row[PAPER]: row for row in _rows(path)[1:]}
    teacher = by_number["З-2026-00001"]
    assert teacher[:PAPER] == [
        "Я-000017",
        teacher[1],  # a date cell, checked below
        "телефон",
        "Козлов Иван Петрович",
        "учитель",
        "МБОУ СОШ № 12",
        "физика",
        2,
        None,
        "+7 937 138-21-65",
        TEACHER.problem,
        "мастер-класс",
        "да",
    ]
    assert teacher[1].date() == date(2026, 11, 2)
    parent = by_number["З-2026-00002"]
    assert parent[2] == "Дневник.ру" and parent[4] == "родитель" and parent[8] == 5
    assert parent[PAPER + 1 :] == [
        "Обработка и подбор экспертов",
        "мотивационное",
        "мотивация обучающихся; работа с родителями",  # the topics' own order
        "Орлова Нина",
        parent[PAPER + 5],  # promised date
        NOW.replace(hour=0),
        None,
    ]
    assert parent[PAPER + 5] is not None
    closed = by_number["З-2026-00003"]
    assert closed[PAPER + 1] == "Закрыта досрочно"
    assert closed[-1] == "дубликат З-2026-00001"


def test_requests_are_in_number_order_year_by_year(session: Session, tmp_path: Path) -> None:
    made = _fill(session)
    # Serials past 99999 are six digits long: still after the five-digit ones.
    session.execute(
        update(Request).where(Request.id == made["teacher"]).values(number="З-2026-100000")
    )
    session.commit()
    path = _export(session, tmp_path / "requests.csv").path
    numbers = [row[PAPER] for row in _rows(path)[1:]]
    assert numbers[0] == "З-2025-00001"
    assert numbers[-1] == "З-2026-100000"
    assert numbers[1:-1] == sorted(numbers[1:-1])


def test_text_that_looks_like_a_formula_stays_text(session: Session, tmp_path: Path) -> None:
    _fill(session)
    path = _export(session, tmp_path / "requests.xlsx").path
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    problems = {str(row[10].value): row[10] for row in sheet.iter_rows(min_row=2)}
    for text in FORMULAS:
        cell = problems[text]
        assert cell.data_type == "s" and cell.quotePrefix, text
    contact = next(row[9] for row in sheet.iter_rows(min_row=2) if row[9].value == TEACHER.contact)
    assert contact.data_type == "s" and contact.quotePrefix
    plain = next(row[3] for row in sheet.iter_rows(min_row=2) if row[3].value == "Петров Пётр")
    assert not plain.quotePrefix
    rows = _rows(_export(session, tmp_path / "requests.csv").path)
    csv_problems = {row[10] for row in rows[1:]}
    assert {f" {text}" for text in FORMULAS} <= csv_problems
    assert f" {TEACHER.contact}" in {row[9] for row in rows[1:]}


def test_dates_are_dates_in_xlsx_and_day_first_in_csv(session: Session, tmp_path: Path) -> None:
    _fill(session)
    sheet = openpyxl.load_workbook(_export(session, tmp_path / "r.xlsx").path).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    dates = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.is_date and cell.number_format == "DD.MM.YYYY" for cell in dates)
    rows = _rows(_export(session, tmp_path / "r.csv").path)
    assert rows[1][1] == "20.12.2025"


def test_a_stage_alone(session: Session, tmp_path: Path) -> None:
    _fill(session)
    exported = _export(session, tmp_path / "triage.xlsx", stage=Stage.TRIAGE)
    rows = _rows(exported.path)
    assert exported.count == len(rows) - 1 == 1
    assert rows[1][PAPER : PAPER + 2] == ["З-2026-00002", "Обработка и подбор экспертов"]
    closed = _export(session, tmp_path / "closed.csv", stage=Stage.CLOSED, lang="en")
    assert [row[PAPER + 1] for row in _rows(closed.path, "en")[1:]] == ["Closed early"]
    empty = _export(session, tmp_path / "done.xlsx", stage=Stage.DONE)
    assert empty.count == 0 and _rows(empty.path) == [rx.headers("ru")]


def test_progress_is_told_chunk_by_chunk(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(session)
    monkeypatch.setattr(rx, "CHUNK", 3)
    told: list[tuple[int, int]] = []
    _export(session, tmp_path / "r.csv", progress=lambda done, total: told.append((done, total)))
    assert told == [(0, 8), (3, 8), (6, 8), (8, 8)]


# --- files ---------------------------------------------------------------------------


def test_the_target_and_its_format() -> None:
    assert rx.export_target(Path("a.xlsx"), None) == (Path("a.xlsx"), "xlsx")
    assert rx.export_target(Path("a.CSV"), None) == (Path("a.CSV"), "csv")
    assert rx.export_target(Path("a"), None) == (Path("a.xlsx"), "xlsx")
    assert rx.export_target(Path("a"), "csv") == (Path("a.csv"), "csv")
    assert rx.export_target(Path("a.csv"), "csv") == (Path("a.csv"), "csv")
    with pytest.raises(PlcError) as refused:
        rx.export_target(Path("a.ods"), None)
    assert refused.value.code == "requests_export.bad_suffix"
    with pytest.raises(PlcError) as refused:
        rx.export_target(Path("a.csv"), "xlsx")
    assert refused.value.code == "requests_export.format_mismatch"


def test_a_failed_export_leaves_the_old_file_and_no_other(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(session)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "requests.xlsx"
    target.write_bytes(b"the old file")

    def broken(*_: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(rx._Labels, "cells", broken)
    for fmt in rx.FORMATS:
        with pytest.raises(RuntimeError):
            _export(session, target, fmt=fmt)
    assert target.read_bytes() == b"the old file"
    assert os.listdir(folder) == ["requests.xlsx"]
    with pytest.raises(PlcError) as refused:
        _export(session, tmp_path / "missing" / "r.xlsx")
    assert refused.value.code == "file.no_folder"


# --- the round trip ------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "lang"), [(".xlsx", "ru"), (".csv", "ru"), (".csv", "en")])
def test_imported_back_into_the_same_database_nothing_changes(
    session: Session, tmp_path: Path, suffix: str, lang: str
) -> None:
    _fill(session)
    before = _dump(session)
    path = _export(session, tmp_path / f"requests{suffix}", lang=lang).path
    report = _import(session, path)
    assert (report.new, report.duplicates, report.unchanged, report.refused) == (0, 0, 8, ())
    assert _dump(session) == before


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_imported_into_an_empty_database_the_same_forms_arrive(
    session: Session, other_database: Database, tmp_path: Path, suffix: str
) -> None:
    _fill(session)
    path = _export(session, tmp_path / f"requests{suffix}").path
    with other_database.sessions() as other:
        report = _import(other, path)
        assert (report.new, report.duplicates, report.unchanged, report.refused) == (8, 0, 0, ())
        assert _forms(other) == _forms(session)
        again = _export(other, tmp_path / f"again{suffix}").path
    first, second = _rows(path), _rows(again)
    assert [row[:PAPER] for row in second] == [row[:PAPER] for row in first]


def test_a_changed_form_field_of_a_stored_request_is_refused(
    session: Session, tmp_path: Path
) -> None:
    _fill(session)
    path = _export(session, tmp_path / "requests.xlsx").path
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows(min_row=2) if r[PAPER].value == "З-2026-00002")
    row[10].value = "Ребёнок не хочет делать уроки"
    row[4].value = "учитель"
    row[PAPER + 2].value = "организационное"  # the coordinator's columns are not read
    workbook.save(path)
    before = _dump(session)
    report = _import(session, path, partial=True)
    assert report.new == 0 and report.unchanged == 7
    (refused,) = report.refused
    assert refused.row == row[0].row
    problems = {p.field: p for p in refused.problems}
    assert set(problems) == {"role", "problem"}
    problem = problems["problem"]
    assert problem.reason_key == "intake.differs_from_stored"
    assert problem.params["number"] == "З-2026-00002"
    assert problem.params["stored"] == "Ребёнок не хочет делать домашние задания"
    assert problem.params["column"] == "Заявка №"
    assert problems["role"].params["stored"] is Role.PARENT
    assert _dump(session) == before


def test_a_number_this_database_does_not_have_is_a_new_form(
    session: Session, tmp_path: Path
) -> None:
    _fill(session)
    path = _export(session, tmp_path / "requests.xlsx").path
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2))
    rows[0][PAPER].value = "З-2030-00001"  # a stored form under a foreign number
    rows[1][PAPER].value = None  # a stored form without its number
    rows[2][PAPER].value = "з-2030-00002"
    rows[2][10].value = "Совсем другая проблема"  # a new form under a foreign number
    workbook.save(path)
    report = _import(session, path)
    # Stored forms are still recognised: by person, date and problem, by form number.
    assert (report.new, report.duplicates, report.unchanged, report.refused) == (1, 2, 5, ())
