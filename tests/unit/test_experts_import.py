"""Importing the expert registry: row problems, all-or-nothing, partial, re-import updates."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plc_console.db.models import Expert
from plc_console.locale import Translator
from plc_console.services.experts import NewExpert, add_expert, list_experts
from plc_console.services.experts_form import EXPERT_FIELDS, EXPERT_SCHEMA
from plc_console.services.experts_import import (
    ExpertImportReport,
    import_experts,
    read_experts,
)
from plc_console.services.intake.errors import FileRefused, MissingColumns
from plc_console.services.intake.errors_file import describe_problem
from plc_console.services.intake.headers import (
    PAPER_FORM,
    find_header_row,
    map_columns,
    parse_mapping,
    recognise,
)
from plc_console.services.views import ExpertView
from tests.conftest import NOW
from tests.unit.expert_files import EXPERT_HEADERS_EN, EXPERT_HEADERS_RU, expert_row
from tests.unit.intake_files import HEADERS_RU, form_row, write_csv, write_ods, write_xlsx

KEYS = [field.key for field in EXPERT_FIELDS]


def _import(session: Session, path: Path, **options: object) -> ExpertImportReport:
    report = import_experts(session, path, actor="staff", now=NOW, **options)  # type: ignore[arg-type]
    session.commit()
    return report


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Expert)) or 0


def _by_name(session: Session) -> dict[str, ExpertView]:
    return {e.full_name: e for e in list_experts(session)}


def _counts(report: ExpertImportReport) -> tuple[int, int, int, int, int]:
    return report.new, report.updated, report.unchanged, len(report.refused), report.blank


# --- the columns ------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [EXPERT_HEADERS_RU, EXPERT_HEADERS_EN])
def test_the_template_s_headers_are_recognised(headers: list[str]) -> None:
    assert [recognise(h, EXPERT_SCHEMA) for h in headers] == KEYS
    assert map_columns(headers, source="e.xlsx", schema=EXPERT_SCHEMA) == dict(enumerate(KEYS))


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Ф.И.О. эксперта", "full_name"),
        ("Место работы", "organization"),
        ("Телефон / e-mail", "contact"),
        ("Темы консультаций", "topics"),
        ("Область экспертизы", "topics"),
        ("Макс. заявок", "load_limit"),
        ("Когда может консультировать", "availability"),
        ("Schedule", "availability"),
        ("Активен (да/нет)", "active"),
        ("Описание проблемы", None),
    ],
)
def test_headers_people_type(header: str, key: str | None) -> None:
    assert recognise(header, EXPERT_SCHEMA) == key


def test_the_paper_form_stays_the_default_schema() -> None:
    assert recognise("Предмет") == "subject" and recognise("Предмет", EXPERT_SCHEMA) == "subjects"
    assert find_header_row([["ФИО", "Контакты"]]) is None  # the paper form wants three
    assert find_header_row([["ФИО", "Контакты"]], schema=EXPERT_SCHEMA) == 0
    assert PAPER_FORM.required == (
        "received_on",
        "full_name",
        "role",
        "contact",
        "problem",
        "consent",
    )
    assert EXPERT_SCHEMA.required == ("full_name",)
    assert parse_mapping(["Кто=topics"], EXPERT_SCHEMA) == {"Кто": "topics"}
    with pytest.raises(MissingColumns) as caught:
        map_columns(["Организация", "Контакты"], source="e.xlsx", schema=EXPERT_SCHEMA)
    message = Translator("en")(caught.value.code, **caught.value.params)
    assert "required columns not found: Full name" in message


# --- good files --------------------------------------------------------------------------


def test_a_good_file_adds_every_expert(session: Session, tmp_path: Path) -> None:
    rows = [
        EXPERT_HEADERS_RU,
        expert_row(0),
        expert_row(
            1,
            topics="engaging students, Subject methodology",
            load_limit="5 заявок",
            availability="онлайн, пн–пт",
            active="",
        ),
        [None] * 8,
        expert_row(2, topics="psychology;ОВЗ", load_limit=None, active="нет", subjects=""),
    ]
    report = _import(session, write_xlsx(tmp_path / "experts.xlsx", rows))
    assert _counts(report) == (3, 0, 0, 0, 1)
    assert report.stored and report.rows_total == 4
    assert [(r.row, r.outcome) for r in report.rows] == [(2, "new"), (3, "new"), (5, "new")]
    experts = _by_name(session)
    sokolova = experts["Соколова Ирина Викторовна"]
    assert sokolova.topic_keys == ("task_choice", "lesson_organisation")
    assert (sokolova.load_limit, sokolova.availability, sokolova.active) == (
        4,
        "вт, чт после 15:00",
        True,
    )
    belov = experts["Белов Андрей Николаевич"]
    assert belov.topic_keys == ("engagement", "subject_methods")
    assert (belov.load_limit, belov.active) == (5, True)
    kravchenko = experts["Кравченко Ольга Петровна"]
    assert kravchenko.topic_keys == ("disabilities", "psychology")
    assert (kravchenko.load_limit, kravchenko.active, kravchenko.subjects) == (3, False, None)


def test_english_headers_ods_and_a_cp1251_semicolon_csv(session: Session, tmp_path: Path) -> None:
    english = write_xlsx(
        tmp_path / "en.xlsx",
        [EXPERT_HEADERS_EN, expert_row(0, topics="choosing tasks", active="yes")],
    )
    assert _counts(_import(session, english)) == (1, 0, 0, 0, 0)
    ods = write_ods(tmp_path / "e.ods", [EXPERT_HEADERS_RU, expert_row(1)])
    assert _counts(_import(session, ods)) == (1, 0, 0, 0, 0)
    rows = [EXPERT_HEADERS_RU, expert_row(2), expert_row(3)]
    csv = write_csv(tmp_path / "e.csv", rows, encoding="cp1251", delimiter=";")
    assert _counts(_import(session, csv)) == (2, 0, 0, 0, 0)
    assert "Королёва Вера Михайловна" in _by_name(session)
    assert _count(session) == 4


def test_a_title_above_the_headers_and_a_map_for_an_odd_header(
    session: Session, tmp_path: Path
) -> None:
    headers = ["ФИО", "Кто такой", "Контакты"]
    rows = [["Реестр экспертов"], [], headers, ["Белов Андрей", "ЦНППМ", "a@b.ru"]]
    path = write_xlsx(tmp_path / "e.xlsx", rows)
    report = _import(
        session, path, overrides=parse_mapping(["Кто такой=organization"], EXPERT_SCHEMA)
    )
    assert report.new == 1
    assert _by_name(session)["Белов Андрей"].organization == "ЦНППМ"


# --- refused rows --------------------------------------------------------------------------


def test_bad_rows_name_row_header_value_and_reason_and_nothing_is_stored(
    session: Session, tmp_path: Path
) -> None:
    rows = [
        EXPERT_HEADERS_RU,
        expert_row(0),
        expert_row(1, contact="спросить у завуча", load_limit=50),
        expert_row(2, topics="подбор заданий; астрология", availability="как получится"),
        expert_row(3, full_name="", active="может быть", load_limit="три"),
    ]
    report = _import(session, write_xlsx(tmp_path / "e.xlsx", rows))
    assert not report.stored and _count(session) == 0
    assert _counts(report) == (1, 0, 0, 3, 0)
    by_row = {r.row: [(p.field, p.reason_key) for p in r.problems] for r in report.refused}
    assert by_row == {
        3: [("contact", "intake.bad_contact"), ("load_limit", "invalid.range")],
        4: [
            ("topics", "registry.invalid.unknown_topic_name"),
            ("availability", "registry.invalid.availability"),
        ],
        5: [
            ("full_name", "invalid.required"),
            ("load_limit", "intake.not_whole"),
            ("active", "registry.invalid.active"),
        ],
    }
    t = Translator("ru")
    problem = report.refused[1].problems[0]
    assert problem.params["value"] == "подбор заданий; астрология"
    text = describe_problem(problem, t, "Компетенции (темы)")
    assert text.startswith("Компетенции (темы): темы «астрология» нет в списке")
    assert report.refused[0].values[2] == "спросить у завуча"  # the row as read


def test_partial_stores_the_valid_rows(session: Session, tmp_path: Path) -> None:
    rows = [EXPERT_HEADERS_RU, expert_row(0), expert_row(1, load_limit=0), expert_row(2)]
    report = _import(session, write_xlsx(tmp_path / "e.xlsx", rows), partial=True)
    assert report.stored and _counts(report) == (2, 0, 0, 1, 0)
    assert sorted(_by_name(session)) == ["Кравченко Ольга Петровна", "Соколова Ирина Викторовна"]
    assert all(r.expert_id is not None for r in report.rows)


def test_a_dry_run_stores_nothing(session: Session, tmp_path: Path) -> None:
    report = _import(session, write_xlsx(tmp_path / "e.xlsx", [EXPERT_HEADERS_RU, expert_row(0)]))
    assert report.stored
    path = write_xlsx(
        tmp_path / "f.xlsx", [EXPERT_HEADERS_RU, expert_row(0, load_limit=7), expert_row(1)]
    )
    dry = _import(session, path, dry_run=True)
    assert (dry.stored, dry.dry_run, _counts(dry)) == (False, True, (1, 1, 0, 0, 0))
    assert _count(session) == 1
    assert _by_name(session)["Соколова Ирина Викторовна"].load_limit == 4


def test_the_same_expert_twice_in_a_file(session: Session, tmp_path: Path) -> None:
    twice = expert_row(1, full_name="Белов А. Н.", contact="A.Belov@cnppm-pedagog.ru")
    rows = [EXPERT_HEADERS_RU, expert_row(1), twice]
    report = _import(session, write_xlsx(tmp_path / "e.xlsx", rows))
    (refused,) = report.refused
    assert refused.row == 3
    assert [(p.field, p.reason_key, p.params["row"]) for p in refused.problems] == [
        ("contact", "registry.invalid.same_as_row", 2)
    ]


def test_a_row_that_fits_two_experts_is_refused(session: Session, tmp_path: Path) -> None:
    add_expert(session, NewExpert("Соколова Ирина Викторовна", "ИРО", "+7 912 405-18-33"))
    add_expert(session, NewExpert("Белов Андрей Николаевич", "ЦНППМ", "a.belov@cnppm-pedagog.ru"))
    session.commit()
    row = expert_row(0, organization="ИРО", contact="a.belov@cnppm-pedagog.ru")
    report = _import(session, write_xlsx(tmp_path / "e.xlsx", [EXPERT_HEADERS_RU, row]))
    (refused,) = report.refused
    (problem,) = refused.problems
    assert problem.reason_key == "registry.invalid.two_experts"
    assert {problem.params["first"], problem.params["second"]} == {
        "Соколова Ирина Викторовна",
        "Белов Андрей Николаевич",
    }


# --- importing again ---------------------------------------------------------------------


def test_re_import_updates_in_place_and_a_second_identical_import_changes_nothing(
    session: Session, tmp_path: Path
) -> None:
    first = [EXPERT_HEADERS_RU, expert_row(0), expert_row(1), expert_row(2)]
    assert _counts(_import(session, write_xlsx(tmp_path / "a.xlsx", first))) == (3, 0, 0, 0, 0)
    ids = {e.full_name: e.id for e in list_experts(session)}
    # The same phone written differently; a new organisation, load and topics.
    corrected = [
        EXPERT_HEADERS_RU,
        expert_row(
            0,
            contact="8 (912) 405-18-33",
            organization="МБОУ Гимназия № 2",
            load_limit=6,
            topics="организация урока; подбор заданий",  # the same topics, another order
        ),
        expert_row(1, topics="мотивация обучающихся"),
        expert_row(2),
        expert_row(3),
    ]
    path = write_xlsx(tmp_path / "b.xlsx", corrected)
    report = _import(session, path)
    assert _counts(report) == (1, 2, 1, 0, 0)
    changed = {r.full_name: r.changed for r in report.rows if r.outcome == "updated"}
    assert changed == {
        "Соколова Ирина Викторовна": ("organization", "contact", "load_limit"),
        "Белов Андрей Николаевич": ("topic_keys",),
    }
    experts = _by_name(session)
    assert len(experts) == 4
    assert experts["Соколова Ирина Викторовна"].id == ids["Соколова Ирина Викторовна"]
    assert experts["Соколова Ирина Викторовна"].organization == "МБОУ Гимназия № 2"
    assert experts["Белов Андрей Николаевич"].topic_keys == ("engagement",)
    again = _import(session, path)
    assert _counts(again) == (0, 0, 4, 0, 0)
    assert _by_name(session) == experts


def test_matched_by_name_and_organisation_without_a_contact(
    session: Session, tmp_path: Path
) -> None:
    add_expert(session, NewExpert("Королёва Вера Михайловна", "ППМС-центр «Доверие»", load_limit=2))
    session.commit()
    row = expert_row(3, full_name="КОРОЛЕВА  вера михайловна", contact="", load_limit=5)
    report = _import(session, write_xlsx(tmp_path / "e.xlsx", [EXPERT_HEADERS_RU, row]))
    assert _counts(report) == (0, 1, 0, 0, 0)
    (expert,) = list_experts(session)
    assert (expert.full_name, expert.load_limit) == ("КОРОЛЕВА вера михайловна", 5)


def test_an_empty_cell_clears_and_a_missing_column_keeps(session: Session, tmp_path: Path) -> None:
    full = [EXPERT_HEADERS_RU, expert_row(0, load_limit=7, active="нет")]
    _import(session, write_xlsx(tmp_path / "a.xlsx", full))
    # Empty subjects and topics clear them; empty load limit and active keep theirs.
    emptied = expert_row(0, subjects=None, topics=None, load_limit=None, active=None)
    report = _import(session, write_xlsx(tmp_path / "b.xlsx", [EXPERT_HEADERS_RU, emptied]))
    assert report.rows[0].changed == ("subjects", "topic_keys")
    (expert,) = list_experts(session)
    assert (expert.subjects, expert.topic_keys) == (None, ())
    assert (expert.load_limit, expert.active) == (7, False)
    # A file of names and contacts only leaves everything else as stored.
    short = [["ФИО", "Контакты"], ["Соколова Ирина Викторовна", "+7 912 405-18-33"]]
    report = _import(session, write_xlsx(tmp_path / "c.xlsx", short))
    assert _counts(report) == (0, 0, 1, 0, 0)
    assert list_experts(session) == [expert]


# --- files that are refused whole ------------------------------------------------------------


def test_a_file_of_paper_forms_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "forms.xlsx", [HEADERS_RU, form_row(1)])
    with pytest.raises(FileRefused) as caught:
        read_experts(path)
    assert caught.value.code == "registry.import.paper_forms"


def test_the_blank_template_has_no_experts(tmp_path: Path) -> None:
    from plc_console.services.experts_template import write_expert_template

    path = write_expert_template(tmp_path / "blank.xlsx", "ru")
    with pytest.raises(FileRefused) as caught:
        read_experts(path)
    assert caught.value.code == "registry.import.no_data"
    message = Translator("ru")(caught.value.code, **caught.value.params)
    assert (
        message
        == "blank.xlsx: на листе «Эксперты» есть заголовки, но под ними нет ни одного эксперта"
    )


def test_a_file_without_a_name_column(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "e.xlsx", [["Организация", "Контакты"], ["ИРО", "a@b.ru"]])
    with pytest.raises(MissingColumns) as caught:
        read_experts(path)
    assert caught.value.missing == ("full_name",)
