"""The expert registry's spreadsheet: its columns, and the headers people type over them.

One definition for the blank template (:mod:`.experts_template`) and the import
(:mod:`.experts_import`), read by the paper form's machinery (:mod:`.intake.headers`,
:mod:`.intake.readers`) through :data:`EXPERT_SCHEMA`. Russian headers are canonical;
English ones are accepted too.
"""

from __future__ import annotations

from plc_console.services.experts import LOAD_RANGE, MAX_CHARS
from plc_console.services.intake.form import FieldKind, FormField
from plc_console.services.intake.headers import Schema

__all__ = ["EXPERT_FIELDS", "EXPERT_SCHEMA", "LABEL_PREFIX"]

#: Field names in messages are ``registry.field.<key>``.
LABEL_PREFIX = "registry.field."

#: The columns in the template's order.
EXPERT_FIELDS: tuple[FormField, ...] = (
    FormField("full_name", True, "ФИО", "Full name", max_chars=MAX_CHARS["full_name"]),
    FormField(
        "organization",
        False,
        "Организация",
        "Organisation",
        max_chars=MAX_CHARS["organization"],
    ),
    FormField("contact", False, "Контакты", "Contact", max_chars=MAX_CHARS["contact"]),
    FormField("subjects", False, "Предметы", "Subjects", max_chars=MAX_CHARS["subjects"]),
    FormField("topics", False, "Компетенции (темы)", "Competences (topics)"),
    FormField(
        "load_limit",
        False,
        "Нагрузка (заявок одновременно)",
        "Load limit (open requests)",
        FieldKind.NUMBER,
        bounds=LOAD_RANGE,
    ),
    FormField(
        "availability",
        False,
        "Дни и часы работы",
        "Availability (days and hours)",
        max_chars=MAX_CHARS["availability"],
    ),
    FormField("active", False, "Активен", "Active", FieldKind.CHOICE),
)

_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": (
        "Ф.И.О.", "ФИО эксперта", "Фамилия Имя Отчество", "Фамилия, имя, отчество", "Эксперт",
        "Имя", "Специалист", "Name", "Expert", "Expert name",
    ),
    "organization": (
        "Место работы", "Образовательная организация", "Учреждение", "Организация, должность",
        "ОО", "Школа", "Organization", "Institution", "Workplace", "Employer", "School",
    ),
    "contact": (
        "Контакт", "Контактные данные", "Телефон", "Тел.", "E-mail", "Эл. почта", "Почта",
        "Электронная почта", "Телефон / e-mail", "Телефон, e-mail", "Contacts", "Phone",
        "Email", "Phone / e-mail", "Contact details",
    ),
    "subjects": (
        "Предмет", "Учебные предметы", "Преподаваемые предметы", "Дисциплины", "Subject",
    ),
    "topics": (
        "Компетенции", "Темы", "Темы консультаций", "Направления", "Направления работы",
        "Область экспертизы", "Специализация", "Competences", "Competencies", "Topics",
        "Expertise", "Areas of expertise",
    ),
    "load_limit": (
        "Нагрузка", "Лимит нагрузки", "Лимит", "Лимит заявок", "Максимум заявок",
        "Макс. заявок", "Заявок одновременно", "Load", "Load limit", "Max requests",
        "Capacity",
    ),
    "availability": (
        "Доступность", "Когда доступен", "Когда может", "Дни и часы", "Время работы",
        "Расписание", "График", "Удобное время", "Availability", "Schedule", "When available",
        "Hours",
    ),
    "active": ("Активна", "Активный", "Действующий", "Статус", "Is active", "Status"),
}  # fmt: skip

_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("full_name", r"\bфио\b|\bфамили|\bfull ?name\b|^name\b|^эксперт\b|^expert\b"),
    ("organization", r"\bорганизаци|\bучреждени|\bместо работы|\bschool\b|\borgani[sz]ation"),
    ("contact", r"\bконтакт|\bтелефон|\bтел\b|\bemail\b|\bпочт|\bcontact|\bphone\b"),
    ("subjects", r"\bпредмет|\bдисциплин|\bsubject"),
    ("topics", r"\bкомпетенц|\bтем[аы]?\b|\bнаправлени|\bэкспертиз|\bcompeten|\btopics?\b"),
    ("load_limit", r"\bнагрузк|\bлимит|\bзаяв|\bload\b|\bcapacity\b"),
    (
        "availability",
        r"^когда\b|\bдоступн|\bграфик|\bрасписани|\bвремя\b|\bдни\b|\bavailab|\bschedule",
    ),
    ("active", r"\bактивн|\bдействующ|\bстатус\b|\bactive\b|\bstatus\b"),
)

#: The registry's columns, with the paper form's header recognition: a header row needs
#: two recognised headers (a name and anything else), and only the name is required.
EXPERT_SCHEMA = Schema(
    "experts",
    EXPERT_FIELDS,
    _ALIASES,
    _KEYWORDS,
    min_recognised=2,
    label_prefix=LABEL_PREFIX,
    messages={
        "empty_file": "registry.import.empty_file",
        "no_data": "registry.import.no_data",
        "no_header": "registry.import.no_header",
    },
)
