"""The paper form's fields (DESIGN.md section 3): one definition for template and import.

The blank template writes these headers in this order; the importer recognises the
same headers (and the variants people type) and checks the same required fields.
Russian headers are canonical; English ones are accepted too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from plc_console.domain import Channel, HelpWanted, Role
from plc_console.services.requests import EXPERIENCE_RANGE, GRADE_RANGE, PROBLEM_MAX_CHARS

#: The earliest date a form can carry: anything before is a typo (the template's date
#: check and the importer's agree on it).
EARLIEST_DATE = date(2000, 1, 1)


class FieldKind(StrEnum):
    """What a cell of the column holds, so template and importer treat it alike."""

    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    CHOICE = "choice"
    CONSENT = "consent"


@dataclass(frozen=True)
class FormField:
    """One column of the paper-form spreadsheet."""

    key: str
    required: bool
    header_ru: str
    header_en: str
    kind: FieldKind = FieldKind.TEXT
    #: The values a CHOICE column offers (their labels in the catalogs: ``role.teacher`` …).
    choices: tuple[StrEnum, ...] = ()
    #: Inclusive bounds of a NUMBER column; the longest text of a TEXT one is ``max_chars``.
    bounds: tuple[int, int] | None = None
    max_chars: int | None = None

    def header(self, lang: str) -> str:
        """The header in ``lang`` ("ru" or "en")."""
        return self.header_ru if lang == "ru" else self.header_en


#: The channels a paper form names; a telephone call is registered at the desk instead.
PAPER_CHANNELS: tuple[Channel, ...] = (
    Channel.BOX,
    Channel.WEB,
    Channel.DNEVNIK,
    Channel.EMAIL,
    Channel.IN_PERSON,
)
#: A form with no channel came through the paper box.
DEFAULT_CHANNEL = Channel.BOX

#: The columns in the order of the form.
FORM_FIELDS: tuple[FormField, ...] = (
    FormField("form_no", False, "№ формы", "Form No"),
    FormField("received_on", True, "Дата обращения", "Date", FieldKind.DATE),
    FormField("channel", False, "Канал", "Channel", FieldKind.CHOICE, PAPER_CHANNELS),
    FormField("full_name", True, "ФИО", "Full name"),
    FormField("role", True, "Кто обращается", "Role", FieldKind.CHOICE, tuple(Role)),
    FormField("organization", False, "Образовательная организация", "School"),
    FormField("subject", False, "Предмет", "Subject"),
    FormField(
        "experience_years",
        False,
        "Педагогический стаж (лет)",
        "Teaching experience (years)",
        FieldKind.NUMBER,
        bounds=EXPERIENCE_RANGE,
    ),
    FormField("grade", False, "Класс", "Grade", FieldKind.NUMBER, bounds=GRADE_RANGE),
    FormField("contact", True, "Контакты", "Contact"),
    FormField("problem", True, "Описание проблемы", "Problem", max_chars=PROBLEM_MAX_CHARS),
    FormField(
        "help_wanted",
        False,
        "Какая помощь нужна",
        "Help wanted",
        FieldKind.CHOICE,
        tuple(HelpWanted),
    ),
    FormField("consent", True, "Согласие на обработку ПДн", "Consent", FieldKind.CONSENT),
)

FIELDS_BY_KEY: dict[str, FormField] = {f.key: f for f in FORM_FIELDS}

#: Not a field of the paper form: the console's request number, which ``plc export
#: requests`` writes after the form's columns. The importer recognises it, and a row that
#: carries the number of a stored request is that request (:mod:`.known`).
NUMBER_FIELD = FormField("request_number", False, "Заявка №", "Request No.")
REQUIRED_KEYS: tuple[str, ...] = tuple(f.key for f in FORM_FIELDS if f.required)
