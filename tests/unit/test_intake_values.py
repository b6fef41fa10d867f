"""What people type into a cell, and the value (or the refusal) each parser makes of it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import pytest

from plc_console.domain import Channel, HelpWanted, Role
from plc_console.locale import Translator, catalog
from plc_console.services.intake.values import (
    PARSERS,
    ValueProblem,
    display,
    parse_channel,
    parse_column,
    parse_consent,
    parse_contact,
    parse_date,
    parse_experience,
    parse_grade,
    parse_help_wanted,
    parse_problem,
    parse_role,
    parse_text,
)


def _reason(parser: Callable[[object], Any], raw: object) -> str:
    with pytest.raises(ValueProblem) as caught:
        parser(raw)
    return caught.value.reason


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (date(2026, 11, 4), date(2026, 11, 4)),
        (datetime(2026, 11, 4, 15, 30), date(2026, 11, 4)),  # a date cell with a time
        (46330.0, date(2026, 11, 4)),  # an Excel serial number (a date cell without format)
        (46330, date(2026, 11, 4)),
        ("46330", date(2026, 11, 4)),  # the same, exported to CSV
        ("04.11.2026", date(2026, 11, 4)),
        ("4.11.2026", date(2026, 11, 4)),
        ("4.11.26", date(2026, 11, 4)),
        (" 04.11.2026 ", date(2026, 11, 4)),
        ("04.11.2026 г.", date(2026, 11, 4)),
        ("04.11.2026 0:00", date(2026, 11, 4)),  # a datetime as Russian Excel exports it
        ("04-11-2026", date(2026, 11, 4)),
        ("2026-11-04", date(2026, 11, 4)),
        ("2026-11-04 00:00:00", date(2026, 11, 4)),
        ("2026-11-04T10:15", date(2026, 11, 4)),
        ("4 ноября 2026", date(2026, 11, 4)),
        ("4 ноября 2026 г.", date(2026, 11, 4)),
        ("4 Nov 2026", date(2026, 11, 4)),
        ("25/11/2026", date(2026, 11, 25)),  # a slash date only one way round
        ("11/25/2026", date(2026, 11, 25)),
        ("04/04/2026", date(2026, 4, 4)),  # both ways the same day
        (None, None),
        ("", None),
        ("   ", None),
        ("-", None),
    ],
)
def test_dates(raw: object, expected: date | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("вчера", "intake.bad_date"),
        ("4 брюмера 2026", "intake.bad_date"),
        ("2026", "intake.bad_date"),
        ("04.11", "intake.bad_date"),
        (True, "intake.bad_date"),
        (time(10, 0), "intake.bad_date"),
        (-3.0, "intake.bad_date"),
        (float("nan"), "intake.bad_date"),
        ("31.02.2026", "intake.no_such_date"),
        ("32.01.2026", "intake.no_such_date"),
        ("11.25.2026", "intake.no_such_date"),  # dotted dates are day first: no month 25
        ("2026-13-01", "intake.no_such_date"),
        ("04/05/2026", "intake.ambiguous_date"),  # 4 May or 5 April?
        ("04.11.1026", "intake.early_date"),  # a typing mistake, not a thousand-year-old form
        (date(1999, 12, 31), "intake.early_date"),
        (45.0, "intake.early_date"),  # a number typed into the date column
    ],
)
def test_dates_refused(raw: object, reason: str) -> None:
    assert _reason(parse_date, raw) == reason


# --- vocabularies ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "role"),
    [
        ("учитель", Role.TEACHER), ("Учитель", Role.TEACHER), ("УЧИТЕЛЬ ", Role.TEACHER),
        ("учительница", Role.TEACHER), ("педагог", Role.TEACHER),
        ("педагог-психолог", Role.TEACHER), ("преподаватель", Role.TEACHER),
        ("классный руководитель", Role.TEACHER), ("учитель математики", Role.TEACHER),
        ("teacher", Role.TEACHER),
        ("родитель", Role.PARENT), ("Родитель", Role.PARENT), ("родители", Role.PARENT),
        ("мама", Role.PARENT), ("папа", Role.PARENT), ("мать", Role.PARENT),
        ("отец", Role.PARENT), ("законный представитель", Role.PARENT),
        ("Законный представитель ребёнка", Role.PARENT), ("опекун", Role.PARENT),
        ("мама ученика 5 класса", Role.PARENT), ("parent", Role.PARENT),
        ("ученик", Role.STUDENT), ("ученица", Role.STUDENT), ("обучающийся", Role.STUDENT),
        ("обучающаяся", Role.STUDENT), ("Обучающийся 9 класса", Role.STUDENT),
        ("школьник", Role.STUDENT), ("школьница", Role.STUDENT), ("студент", Role.STUDENT),
        ("учащийся", Role.STUDENT), ("student", Role.STUDENT), ("pupil", Role.STUDENT),
        ("другое", Role.OTHER), ("Другое (директор)", Role.OTHER), ("иное", Role.OTHER),
        ("other", Role.OTHER),
        (None, None), ("", None),
    ],
)  # fmt: skip
def test_roles(raw: object, role: Role | None) -> None:
    assert parse_role(raw) == role


@pytest.mark.parametrize("raw", ["директор", "математика", "кот", 5.0])
def test_roles_refused(raw: object) -> None:
    assert _reason(parse_role, raw) == "intake.unknown_role"


@pytest.mark.parametrize(
    ("raw", "channel"),
    [
        (None, Channel.BOX), ("", Channel.BOX), ("ящик", Channel.BOX),
        ("Почтовый ящик", Channel.BOX), ("бумажная анкета", Channel.BOX),
        ("сайт", Channel.WEB), ("форма на сайте", Channel.WEB), ("website", Channel.WEB),
        ("Дневник.ру", Channel.DNEVNIK), ("дневник", Channel.DNEVNIK),
        ("Дневник ру", Channel.DNEVNIK), ("Dnevnik.ru", Channel.DNEVNIK),
        ("e-mail", Channel.EMAIL), ("E-mail", Channel.EMAIL), ("email", Channel.EMAIL),
        ("почта", Channel.EMAIL), ("электронная почта", Channel.EMAIL),
        ("эл. почта", Channel.EMAIL), ("по почте", Channel.EMAIL),
        ("лично", Channel.IN_PERSON), ("на приёме", Channel.IN_PERSON),
        ("in person", Channel.IN_PERSON),
        ("телефон", Channel.PHONE), ("по телефону", Channel.PHONE), ("звонок", Channel.PHONE),
    ],
)  # fmt: skip
def test_channels(raw: object, channel: Channel) -> None:
    assert parse_channel(raw) is channel


def test_channels_refused() -> None:
    assert _reason(parse_channel, "голубь") == "intake.unknown_channel"
    assert _reason(parse_channel, "факс") == "intake.unknown_channel"


@pytest.mark.parametrize(
    ("raw", "help_wanted"),
    [
        ("консультация", HelpWanted.CONSULTATION), ("Консультации", HelpWanted.CONSULTATION),
        ("нужен совет", HelpWanted.CONSULTATION), ("встреча", HelpWanted.MEETING),
        ("личная встреча", HelpWanted.MEETING), ("материалы", HelpWanted.MATERIALS),
        ("методические материалы", HelpWanted.MATERIALS), ("вебинар", HelpWanted.WEBINAR),
        ("мастер-класс", HelpWanted.MASTER_CLASS), ("Мастер класс", HelpWanted.MASTER_CLASS),
        ("мастер–класс", HelpWanted.MASTER_CLASS), ("master class", HelpWanted.MASTER_CLASS),
        ("консультация, встреча", HelpWanted.CONSULTATION),  # one value: the first named
        (None, None), ("", None), ("—", None),
    ],
)  # fmt: skip
def test_help_wanted(raw: object, help_wanted: HelpWanted | None) -> None:
    assert parse_help_wanted(raw) == help_wanted


def test_help_wanted_refused() -> None:
    assert _reason(parse_help_wanted, "деньги") == "intake.unknown_help_wanted"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_label_the_template_offers_is_read_back(lang: str) -> None:
    """The template's drop-downs show the catalog labels: each must parse to its value."""
    t = Translator(lang)
    for role in Role:
        assert parse_role(t.label(role)) is role
    for channel in Channel:
        assert parse_channel(t.label(channel)) is channel
    for help_wanted in HelpWanted:
        assert parse_help_wanted(t.label(help_wanted)) is help_wanted
    assert parse_consent(catalog(lang)["template.consent_yes"]) is True


# --- consent ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["да", "Да", "ДА", "да ", "Да.", "+", "yes", "Yes", "y", "✓", "✔", "V", "согласен",
     "Согласна", "согласие получено", "да, согласен", "1", "true", "TRUE", "ИСТИНА", True, 1.0],
)  # fmt: skip
def test_consent_given(raw: object) -> None:
    assert parse_consent(raw) is True


@pytest.mark.parametrize(
    "raw", ["нет", "Нет", "-", "—", "no", "n", "0", "false", "ЛОЖЬ", "не согласен", "отказ",
            "", "  ", None, False, 0.0],
)  # fmt: skip
def test_consent_not_given(raw: object) -> None:
    assert parse_consent(raw) is False


@pytest.mark.parametrize("raw", ["может быть", "?", 2.0, "подпись"])
def test_consent_that_says_neither(raw: object) -> None:
    assert _reason(parse_consent, raw) == "intake.bad_consent"


# --- whole numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "years"),
    [("5", 5), (5.0, 5), (5, 5), ("5 лет", 5), ("5лет", 5), ("1 год", 1), ("2 года", 2),
     ("3 г.", 3), ("0", 0), ("27,0", 27), ("10 years", 10), ("-1", -1), ("", None),
     (None, None), ("-", None)],
)  # fmt: skip
def test_experience(raw: object, years: int | None) -> None:
    """Out-of-range numbers pass here: the request's own check refuses them (0–60)."""
    assert parse_experience(raw) == years


@pytest.mark.parametrize("raw", ["пять", "1,5", 1.5, "5-6 лет", "более 20", True])
def test_experience_refused(raw: object) -> None:
    assert _reason(parse_experience, raw) == "intake.not_whole"


@pytest.mark.parametrize(
    ("raw", "grade"),
    [("5", 5), (5.0, 5), ("5 класс", 5), ("5 «Б»", 5), ("5Б", 5), ("5 б", 5), ("5-Б", 5),
     ('5 "Б"', 5), ("5-й класс", 5), ("11 кл.", 11), ("10А класс", 10), ("12", 12),
     ("", None)],
)  # fmt: skip
def test_grade(raw: object, grade: int | None) -> None:
    assert parse_grade(raw) == grade


@pytest.mark.parametrize("raw", ["пятый", "5.5", "5 и 7", 2.5])
def test_grade_refused(raw: object) -> None:
    assert _reason(parse_grade, raw) == "intake.not_whole"


# --- text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "contact"),
    [
        ("+7 937 138-21-65", "+7 937 138-21-65"),
        ("  user@mail.ru ", "user@mail.ru"),
        ("8 (937)  138-21-65, user@mail.ru", "8 (937) 138-21-65, user@mail.ru"),
        (79371382165.0, "79371382165"),  # a phone typed as a number
        ("2-15-37", "2-15-37"),
        ("", None),
    ],
)
def test_contact(raw: object, contact: str | None) -> None:
    assert parse_contact(raw) == contact


@pytest.mark.parametrize("raw", ["Вконтакте", "user@mail", "12-34", "позвонить в школу"])
def test_contact_refused(raw: str) -> None:
    assert _reason(parse_contact, raw) == "intake.bad_contact"


def test_text_is_trimmed_and_collapsed_and_dashes_are_empty() -> None:
    assert parse_text("  Козлов \t Иван\nПетрович ") == "Козлов Иван Петрович"
    assert parse_text("Иванов\xa0Иван") == "Иванов Иван"
    assert parse_text(123.0) == "123"  # a form number typed as a number
    assert parse_text("—") is None
    assert parse_text(" - ") is None
    assert parse_text("...") is None
    assert parse_text(None) is None


def test_the_problem_keeps_its_line_breaks() -> None:
    typed = "  Первая   строка.\r\n\r\n\r\n\r\nВторая\tстрока.  \nТретья. "
    assert parse_problem(typed) == "Первая строка.\n\nВторая строка.\nТретья."
    assert parse_problem("одна строка  ") == "одна строка"
    assert parse_problem("старый\rMac") == "старый\nMac"
    assert parse_problem("\n\n") is None


def test_display_shows_a_cell_as_staff_typed_it() -> None:
    assert display(date(2026, 11, 4)) == "04.11.2026"
    assert display(27.0) == "27"
    assert display(None) == ""
    assert display("a\n b") == "a b"
    assert len(display("я" * 500)) == 80


# --- whole columns ---------------------------------------------------------------------

COLUMN_CELLS: list[object] = [
    None, "", " ", "-", "да", "Да", "нет", "+", "учитель", "мама", "директор", "04.11.2026",
    "31.02.2026", date(2026, 11, 4), datetime(2026, 11, 4, 10, 0), 46330.0, 5.0, 5.5, 1.0,
    True, False, "5 лет", "5 «Б»", "пять", "user@mail.ru", "+7 937 138-21-65", "Вконтакте",
    "  два  пробела ", "строка\nещё", "Иванов\xa0Иван", "мастер-класс", "ящик", "голубь",
]  # fmt: skip


@pytest.mark.parametrize("key", list(PARSERS))
def test_a_column_parsed_at_once_gives_what_each_cell_gives(key: str) -> None:
    def one(raw: object) -> object:
        try:
            return PARSERS[key](raw)
        except ValueProblem as problem:
            return ("refused", problem.reason)

    values, refused_at = parse_column(key, COLUMN_CELLS)
    shown = [
        ("refused", value.reason) if i in refused_at else value for i, value in enumerate(values)
    ]
    assert shown == [one(raw) for raw in COLUMN_CELLS]


def test_every_reason_a_parser_gives_has_a_message() -> None:
    used = {
        problem.reason for key in PARSERS for problem in _problems(PARSERS[key], COLUMN_CELLS)
    } | {"intake.ambiguous_date", "intake.early_date", "intake.unknown_help_wanted"}
    for lang in ("ru", "en"):
        assert used <= set(catalog(lang))


def _problems(parser: Callable[[object], Any], cells: list[object]) -> list[ValueProblem]:
    problems = []
    for raw in cells:
        try:
            parser(raw)
        except ValueProblem as problem:
            problems.append(problem)
    return problems


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_template_drop_down_value_is_accepted(lang: str) -> None:
    """What the blank template offers staff must import as the value it names."""
    from plc_console.services.intake.form import FORM_FIELDS, FieldKind
    from plc_console.services.intake.template import choice_labels
    from plc_console.services.intake.values import PARSERS

    t = Translator(lang)
    checked = 0
    for field in FORM_FIELDS:
        if field.kind not in (FieldKind.CHOICE, FieldKind.CONSENT):
            continue
        labels = choice_labels(field, t)
        parsed = [PARSERS[field.key](label) for label in labels]
        if field.kind is FieldKind.CONSENT:
            assert parsed == [True]
        else:
            assert parsed == list(field.choices)
        checked += len(labels)
    assert checked >= 4 + 5 + 5 + 1  # roles, channels, help wanted, consent
