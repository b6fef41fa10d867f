"""Which column is which: the headers people really type, --map, and refusals that explain."""

from __future__ import annotations

import pytest

from plc_console.locale import Translator
from plc_console.services.intake.errors import (
    BadMapping,
    DuplicateColumns,
    MissingColumns,
    UnknownField,
    UnusedMapping,
)
from plc_console.services.intake.form import FORM_FIELDS
from plc_console.services.intake.headers import (
    find_header_row,
    map_columns,
    normalise_header,
    parse_mapping,
    recognise,
)
from tests.unit.intake_files import HEADERS_EN, HEADERS_RU

SAMPLE_HEADERS = [
    "№ формы", "Дата обращения", "Канал", "ФИО", "Кто обращается",
    "Образовательная организация", "Предмет", "Педагогический стаж (лет)", "Класс",
    "Контакты", "Описание проблемы", "Какая помощь нужна", "Согласие на обработку ПДн",
]  # fmt: skip
KEYS = [field.key for field in FORM_FIELDS]


@pytest.mark.parametrize("headers", [SAMPLE_HEADERS, HEADERS_RU, HEADERS_EN])
def test_the_templates_and_the_sample_files_headers_are_recognised(headers: list[str]) -> None:
    assert [recognise(header) for header in headers] == KEYS
    assert map_columns(headers, source="forms.xlsx") == dict(enumerate(KEYS))


@pytest.mark.parametrize(
    ("header", "key"),
    [
        # case, spaces, punctuation, ё, words in brackets
        ("ф.и.о.", "full_name"),
        ("Ф. И. О.", "full_name"),
        ("  ФИО  ", "full_name"),
        ("ФАМИЛИЯ, ИМЯ, ОТЧЕСТВО", "full_name"),
        ("ФИО заявителя", "full_name"),
        ("Стаж (лет)", "experience_years"),
        ("Стаж", "experience_years"),
        ("педагогический  стаж", "experience_years"),
        ("Контакты (телефон или e-mail)", "contact"),
        ("Телефон / e-mail", "contact"),
        ("Номер телефона", "contact"),
        ("E-mail", "contact"),
        ("Тел./e-mail", "contact"),
        ("Дата", "received_on"),
        ("Дата заполнения", "received_on"),
        ("Дата обращения (дд.мм.гггг)", "received_on"),
        ("Кто вы", "role"),
        ("Роль", "role"),
        ("Кто обращается (учитель / родитель / обучающийся)", "role"),
        ("Класс ребёнка", "grade"),
        ("Класс ребенка", "grade"),
        ("№", "form_no"),
        ("Номер формы", "form_no"),
        ("№ бланка", "form_no"),
        ("Согласие", "consent"),
        ("Согласие на обработку персональных данных (да/нет)", "consent"),
        ("Какая помощь нужна?", "help_wanted"),
        ("Вид помощи", "help_wanted"),
        ("Школа", "organization"),
        ("ОО", "organization"),
        ("Описание проблемы (затруднения)", "problem"),
        ("Суть обращения", "problem"),
        ("Канал поступления", "channel"),
        ("Предмет (для учителей)", "subject"),
        # English
        ("Form No.", "form_no"),
        ("#", "form_no"),
        ("Date received", "received_on"),
        ("FULL NAME", "full_name"),
        ("Name", "full_name"),
        ("Who", "role"),
        ("Organisation", "organization"),
        ("Years of experience", "experience_years"),
        ("Class", "grade"),
        ("Phone or e-mail", "contact"),
        ("Problem description", "problem"),
        ("Type of help", "help_wanted"),
        ("Consent to data processing", "consent"),
    ],
)
def test_variants_people_type(header: str, key: str) -> None:
    assert recognise(header) == key


@pytest.mark.parametrize(
    "header",
    ["№ п/п", "Дата рождения", "Классный руководитель", "ФИО и контакты", "Примечание", "", "  "],
)
def test_headers_of_no_field_or_of_two_fields_are_not_guessed(header: str) -> None:
    assert recognise(header) is None


def test_normalisation() -> None:
    assert normalise_header("Ф.И.О.") == normalise_header("ФИО") == "фио"
    assert normalise_header("Педагогический стаж (лет)") == "педагогический стаж"
    assert normalise_header("Телефон / e-mail") == "телефон email"
    assert normalise_header("Класс ребёнка") == "класс ребенка"
    assert normalise_header("№ формы") == "номер формы"


def test_unrecognised_columns_are_left_out_and_the_order_does_not_matter() -> None:
    headers = ["№ п/п", "ФИО", "Примечание", "Дата", "Кто вы", "Телефон", "Проблема", "Согласие"]
    assert map_columns(headers, source="f.csv") == {
        1: "full_name", 3: "received_on", 4: "role", 5: "contact", 6: "problem", 7: "consent"
    }  # fmt: skip


def test_missing_required_columns_are_refused_with_the_headers_found_and_the_ones_missing() -> None:
    headers = ["№", "Дата", "Фамилия", "Телефон", None, "Что случилось"]
    with pytest.raises(MissingColumns) as caught:
        map_columns(headers, source="/tmp/ноябрь.xlsx")
    error = caught.value
    assert error.missing == ("role", "problem", "consent")
    assert error.found == ("№", "Дата", "Фамилия", "Телефон", "Что случилось")
    en = Translator("en")(error.code, **error.params)
    assert en.startswith("ноябрь.xlsx: required columns not found: Role, Problem, Consent.")
    assert "“Что случилось”" in en and "--map" in en
    ru = Translator("ru")(error.code, **error.params)
    assert "Кто обращается, Описание проблемы, Согласие на обработку ПДн" in ru
    assert "“Фамилия”" in ru


def test_a_field_in_two_columns_is_refused() -> None:
    headers = [*HEADERS_RU, "Телефон"]
    with pytest.raises(DuplicateColumns) as caught:
        map_columns(headers, source="f.xlsx")
    assert caught.value.field == "contact"
    assert caught.value.headers == ("Контакты", "Телефон")
    message = Translator("en")(caught.value.code, **caught.value.params)
    assert "Contact is in more than one column (“Контакты”, “Телефон”)" in message


def test_map_names_columns_ignores_them_and_wins_over_recognition() -> None:
    headers = ["Когда пришло", "Кто", "Имя", "Тел.", "Моя колонка", "Галочка", "Телефон"]
    overrides = parse_mapping(
        ["Когда пришло=received_on", "Моя колонка=problem", "галочка = Согласие", "Телефон=-"]
    )
    assert overrides == {
        "Когда пришло": "received_on",
        "Моя колонка": "problem",
        "галочка": "consent",
        "Телефон": None,
    }
    assert map_columns(headers, overrides, source="f.xlsx") == {
        0: "received_on", 1: "role", 2: "full_name", 3: "contact", 4: "problem", 5: "consent"
    }  # fmt: skip


def test_a_mapped_column_wins_over_a_recognised_one_for_the_same_field() -> None:
    headers = [*HEADERS_RU, "Телефон"]
    overrides = parse_mapping(["Телефон=contact"])
    assert map_columns(headers, overrides, source="f.xlsx")[13] == "contact"
    assert 9 not in map_columns(headers, overrides, source="f.xlsx")


@pytest.mark.parametrize(
    ("value", "field"),
    [("Моя колонка=problem", "problem"), ("X=Full name", "full_name"), ("X=full-name", "full_name"),
     ("A=B=grade", "grade"), ("X=ФИО", "full_name"), ("X=ignore", None)],
)  # fmt: skip
def test_parse_mapping(value: str, field: str | None) -> None:
    assert list(parse_mapping([value]).values()) == [field]


def test_parse_mapping_refuses_what_it_cannot_read() -> None:
    with pytest.raises(BadMapping) as bad:
        parse_mapping(["Моя колонка"])
    assert Translator("en")(bad.value.code, **bad.value.params).startswith(
        "--map “Моя колонка”: write it as"
    )
    with pytest.raises(BadMapping):
        parse_mapping(["=problem"])
    with pytest.raises(UnknownField) as unknown:
        parse_mapping(["Моя колонка=заметки"])
    message = Translator("en")(unknown.value.code, **unknown.value.params)
    assert "there is no field “заметки”" in message
    assert "form_no, received_on, channel, full_name" in message


def test_a_map_header_the_file_does_not_have_is_refused() -> None:
    with pytest.raises(UnusedMapping) as caught:
        map_columns(HEADERS_RU, parse_mapping(["Опечатка=problem"]), source="f.xlsx")
    assert caught.value.header == "Опечатка"


def test_the_header_row_is_the_first_with_three_recognised_headers() -> None:
    rows: list[list[object]] = [
        ["Заявки за ноябрь 2026", None, None],
        [None, None, None],
        ["ФИО", "Примечание", None],
        ["ФИО", "Дата", "Роль"],
        ["Козлов", "04.11.2026", "учитель"],
    ]
    assert find_header_row(rows) == 3
    assert find_header_row(rows[:3]) is None
    assert find_header_row([["Имя", "X", "Y"]], parse_mapping(["X=problem", "Y=consent"])) == 0
