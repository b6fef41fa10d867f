"""Rows of the expert registry's spreadsheet, for the tests to write with intake_files'
writers (write_xlsx, write_csv, write_ods)."""

from __future__ import annotations

from tests.unit.intake_files import Cell

#: The template's headers, in its order.
EXPERT_HEADERS_RU = [
    "ФИО", "Организация", "Контакты", "Предметы", "Компетенции (темы)",
    "Нагрузка (заявок одновременно)", "Дни и часы работы", "Активен",
]  # fmt: skip
EXPERT_HEADERS_EN = [
    "Full name", "Organisation", "Contact", "Subjects", "Competences (topics)",
    "Load limit (open requests)", "Availability (days and hours)", "Active",
]  # fmt: skip

_PEOPLE = [
    ("Соколова Ирина Викторовна", "ГАУ ДПО «Институт развития образования»", "+7 912 405-18-33"),
    ("Белов Андрей Николаевич", "ЦНППМ «Педагог будущего»", "a.belov@cnppm-pedagog.ru"),
    ("Кравченко Ольга Петровна", "ППМС-центр «Доверие»", "+7 917 228-64-10"),
    ("Королёва Вера Михайловна", "ППМС-центр «Доверие»", "+7 920 674-38-12"),
]


def expert_row(n: int = 0, **changes: Cell) -> list[Cell]:
    """A valid expert (one of four people, by ``n``) in the template's order, with ``changes``."""
    name, organization, contact = _PEOPLE[n]
    values: dict[str, Cell] = {
        "full_name": name,
        "organization": organization,
        "contact": contact,
        "subjects": "математика",
        "topics": "подбор заданий; организация урока",
        "load_limit": 4,
        "availability": "вт, чт после 15:00",
        "active": "да",
    }
    unknown = set(changes) - set(values)
    assert not unknown, unknown
    values.update(changes)
    return list(values.values())
