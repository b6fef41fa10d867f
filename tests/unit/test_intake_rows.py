"""A typed-up form → a checked request, or every problem in it (with field and value)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from plc_console.domain import Channel, HelpWanted, Role
from plc_console.locale import Key, Translator, catalog
from plc_console.services.intake.form import FIELDS_BY_KEY
from plc_console.services.intake.rows import BLANK, RowChecker, RowProblem, check_row
from plc_console.services.requests import NewRequest
from tests.conftest import NOW
from tests.unit.intake_files import form_row

TODAY = NOW.date()
KEYS = list(FIELDS_BY_KEY)


def _cells(**changes: object) -> dict[str, object]:
    return dict(zip(KEYS, form_row(**changes), strict=True))


def _problems(result: object) -> dict[str, tuple[object, str]]:
    assert isinstance(result, list), result
    return {p.field: (p.value, p.reason_key) for p in result}


def test_a_good_row_becomes_a_request() -> None:
    cells = _cells(
        received_on="04.11.2026",
        role="Педагог",
        experience_years="2 года",
        consent="Да ",
        channel="Дневник.ру",
        help_wanted="Мастер-класс",
        problem="  Не получается\r\nзаинтересовать  учеников. ",
    )
    assert check_row(cells, TODAY) == NewRequest(
        received_on=date(2026, 11, 4),
        full_name="Козлов Иван Петрович",
        role=Role.TEACHER,
        contact="+7 937 138-21-65",
        problem="Не получается\nзаинтересовать учеников.",
        consent=True,
        channel=Channel.DNEVNIK,
        organization="МБОУ СОШ № 12",
        subject="физика",
        experience_years=2,
        grade=None,
        help_wanted=HelpWanted.MASTER_CLASS,
        form_no="Я-000001",
    )


def test_optional_columns_may_be_absent_and_the_channel_defaults_to_the_box() -> None:
    cells = {
        "received_on": date(2026, 11, 4),
        "full_name": "Петрова Анна",
        "role": "мама",
        "contact": "anna@mail.ru",
        "problem": "Ребёнок не хочет учиться.",
        "consent": "+",
    }
    result = check_row(cells, TODAY)
    assert isinstance(result, NewRequest)
    assert result.channel is Channel.BOX and result.role is Role.PARENT
    assert result.grade is None and result.form_no is None


def test_a_row_with_several_problems_reports_all_of_them_with_field_and_value() -> None:
    cells = _cells(
        received_on="31.02.2026",
        full_name="  ",
        role="директор",
        experience_years="пять",
        grade="12",
        contact="Вконтакте",
        problem="я" * 5001,
        help_wanted="деньги",
        consent="нет",
    )
    result = check_row(cells, TODAY)
    assert _problems(result) == {
        "received_on": ("31.02.2026", "intake.no_such_date"),
        "full_name": ("  ", "invalid.required"),
        "role": ("директор", "intake.unknown_role"),
        "experience_years": ("пять", "intake.not_whole"),
        "grade": ("12", "invalid.range"),
        "contact": ("Вконтакте", "intake.bad_contact"),
        "problem": ("я" * 5001, "invalid.too_long"),
        "help_wanted": ("деньги", "intake.unknown_help_wanted"),
        "consent": ("нет", "invalid.no_consent"),
    }
    assert isinstance(result, list)
    assert [p.field for p in result] == [k for k in KEYS if k in _problems(result)]  # form order


def test_the_boards_rules_apply_future_date_range_consent_length() -> None:
    tomorrow = TODAY + timedelta(days=1)
    assert _problems(check_row(_cells(received_on=tomorrow), TODAY)) == {
        "received_on": (tomorrow, "invalid.future")
    }
    assert _problems(check_row(_cells(experience_years=61), TODAY)) == {
        "experience_years": (61, "invalid.range")
    }
    assert _problems(check_row(_cells(consent=None), TODAY)) == {
        "consent": (None, "invalid.no_consent")
    }
    assert isinstance(check_row(_cells(problem="я" * 5000), TODAY), NewRequest)
    assert _problems(check_row(_cells(problem="я" * 5001), TODAY)) == {
        "problem": ("я" * 5001, "invalid.too_long")
    }


def test_missing_required_values_are_each_reported() -> None:
    result = check_row({"form_no": "Я-1", "subject": "физика"}, TODAY)
    assert _problems(result) == {
        "received_on": (None, "invalid.required"),
        "full_name": (None, "invalid.required"),
        "role": (None, "invalid.required"),
        "contact": (None, "invalid.required"),
        "problem": (None, "invalid.required"),
        "consent": (None, "invalid.no_consent"),
    }


def test_problems_read_well_in_both_languages() -> None:
    result = check_row(_cells(received_on="31.12.2026", role="директор"), TODAY)
    assert isinstance(result, list)
    en, ru = Translator("en"), Translator("ru")
    date_problem, role_problem = result
    assert date_problem.params["field"] == Key("field.received_on")
    assert en(date_problem.reason_key, **date_problem.params) == "Date: 31.12.2026 is in the future"
    assert en(role_problem.reason_key, **role_problem.params) == (
        "Role: “директор” is not a role; write one of: teacher, parent, student, other"
    )
    assert ru(role_problem.reason_key, **role_problem.params) == (
        "Кто обращается: «директор» — не роль заявителя; укажите одно из: "
        "учитель, родитель, обучающийся, другое"
    )


def test_a_blank_row_is_blank_not_refused() -> None:
    assert check_row(dict.fromkeys(KEYS, ""), TODAY) is BLANK
    assert check_row(dict.fromkeys(KEYS), TODAY) is BLANK
    assert check_row({"full_name": "  ", "problem": "\n"}, TODAY) is BLANK
    # A dash is something typed: the row is checked (and refused), not skipped.
    assert isinstance(check_row({"full_name": "-"}, TODAY), list)


def test_the_checker_reads_rows_as_lists_short_rows_included() -> None:
    checker = RowChecker(dict(enumerate(KEYS)), TODAY)
    good = form_row()
    assert isinstance(checker(good), NewRequest)
    assert checker(good[:11]) == checker([*good[:11], None, None])  # no help wanted, no consent
    assert checker([]) is BLANK


def test_checking_a_whole_table_gives_what_checking_each_row_gives() -> None:
    columns = {
        0: "received_on", 2: "full_name", 3: "role", 4: "contact", 5: "problem", 7: "consent",
        8: "grade",
    }  # fmt: skip
    rows: list[list[object]] = [
        ["04.11.2026", "x", "Иванов", "учитель", "+7 900 000-00-00", "проблема", "", "да", "5Б"],
        ["", "", "", "", "", "", "note", "", ""],  # blank in the mapped columns
        ["31.02.2026", "", "Петров", "кот", "почта", "проблема", "", "нет", "12"],
        [date(2026, 11, 4), None, "Сидоров", "ученик", "a@b.ru", "p", None, True, 7.0],
        [46330.0, None, "Сидоров", "ученик", "a@b.ru", "p", None, True, 13.0],  # grade 13
        ["04.11.2026", "x", "Иванов"],  # short
    ]
    checker = RowChecker(columns, TODAY)
    assert checker.check_all(rows) == [checker(row) for row in rows]
    assert checker.check_all([]) == []


# --- property: no row crashes the check ----------------------------------------------

#: Values staff really type, so generated rows often reach the request's own checks.
_TYPED = [
    "да", "нет", "+", "-", "учитель", "мама", "ученица", "ящик", "почта", "5 «Б»", "5 лет",
    "04.11.2026", "31.02.2026", "04/05/2026", "2026-11-04", "вебинар", "user@mail.ru",
    "+7 937 138-21-65", "  ", "—", "46330", "ИСТИНА",
]  # fmt: skip
_raw_cells = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(_TYPED),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(max_value=timedelta(days=10**6), min_value=timedelta(days=-(10**6))),
)
_rows = st.fixed_dictionaries({}, optional=dict.fromkeys(KEYS, _raw_cells))


@settings(max_examples=400, deadline=None)
@given(cells=_rows, today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_no_generated_row_crashes_the_check(cells: dict[str, Any], today: date) -> None:
    result = check_row(cells, today)
    if isinstance(result, NewRequest):
        assert result.consent is True and result.received_on <= today
        return
    if result is BLANK:
        assert all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values())
        return
    assert isinstance(result, list) and result
    messages = catalog("en")
    for problem in result:
        assert isinstance(problem, RowProblem)
        assert problem.field in FIELDS_BY_KEY
        assert problem.value is cells.get(problem.field)
        assert problem.reason_key in messages
        Translator("ru")(problem.reason_key, **problem.params)  # every message fills


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.lists(_raw_cells, max_size=14), max_size=8))
def test_a_generated_table_checks_the_same_at_once_as_row_by_row(rows: list[list[object]]) -> None:
    checker = RowChecker(dict(enumerate(KEYS)), TODAY)
    assert checker.check_all(rows) == [checker(row) for row in rows]
