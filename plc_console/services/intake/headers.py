"""Which column holds which field, from the headers people really type.

A header is compared after normalisation (case, ё, spaces, punctuation, a trailing
"(лет)" or any other words in brackets, "№" read as "номер"): first against a list of
aliases in Russian and English, then against a few unambiguous key words ("стаж",
"согласие", "телефон" …). ``--map "Header=field"`` settles the rest.

The fields, aliases and key words of one kind of spreadsheet make a :class:`Schema`;
the paper form's (:data:`PAPER_FORM`) is every function's default. The expert registry
brings its own (:mod:`plc_console.services.experts_import`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from plc_console.services.intake.errors import (
    BadMapping,
    DuplicateColumns,
    MissingColumns,
    UnknownField,
    UnusedMapping,
)
from plc_console.services.intake.form import FORM_FIELDS, NUMBER_FIELD, FormField

__all__ = [
    "HEADER_SCAN_ROWS",
    "MIN_RECOGNISED",
    "PAPER_FORM",
    "Schema",
    "count_recognised",
    "find_header_row",
    "header_text",
    "map_columns",
    "normalise_header",
    "parse_mapping",
    "recognise",
]

#: The header row is looked for among this many first rows (titles may sit above it).
HEADER_SCAN_ROWS = 10
#: A row is the header row when at least this many of its cells are recognised headers.
MIN_RECOGNISED = 3

#: What people write over each column, besides the template's own headers.
_ALIASES: dict[str, tuple[str, ...]] = {
    "form_no": (
        "№", "номер", "№ формы", "номер формы", "№ бланка", "номер бланка", "№ заявки",
        "номер заявки", "№ анкеты", "номер анкеты", "№ обращения", "номер обращения",
        "рег. №", "регистрационный номер", "No", "No.", "#", "number", "form number",
        "form #", "form id", "serial", "serial no",
    ),
    "received_on": (
        "Дата", "Дата заполнения", "Дата подачи", "Дата поступления", "Дата получения",
        "Дата заявки", "Дата регистрации", "Когда", "Date received", "Received",
        "Received on", "Date of request", "Request date",
    ),
    "channel": (
        "Канал поступления", "Канал обращения", "Способ подачи", "Способ обращения",
        "Способ поступления", "Откуда", "Источник", "Source", "Via",
    ),
    "full_name": (
        "Ф.И.О.", "ФИО заявителя", "ФИО обратившегося", "Фамилия Имя Отчество",
        "Фамилия, имя, отчество", "Фамилия И.О.", "Имя", "Заявитель", "Name", "Requester",
        "Name of requester",
    ),
    "role": (
        "Кто вы", "Кто", "Роль", "Статус", "Категория заявителя", "Статус заявителя",
        "Who", "Who asks", "Requester type", "You are",
    ),
    "organization": (
        "Организация", "ОО", "ОУ", "Школа", "Учреждение", "Образовательное учреждение",
        "Учебное заведение", "Место работы", "Место учёбы", "Место работы / учёбы",
        "Organization", "Organisation", "Institution",
    ),
    "subject": ("Преподаваемый предмет", "Учебный предмет", "Дисциплина"),
    "experience_years": (
        "Педагогический стаж", "Стаж", "Стаж работы", "Педстаж", "Опыт работы", "Опыт",
        "Лет стажа", "Teaching experience", "Experience", "Years of experience",
    ),
    "grade": (
        "Класс ребёнка", "Класс обучающегося", "Класс ученика", "Class",
    ),
    "contact": (
        "Контакт", "Контактные данные", "Контактная информация", "Телефон", "Тел.",
        "Телефон / e-mail", "Телефон или e-mail", "Телефон, e-mail", "Эл. почта",
        "E-mail", "Почта", "Электронная почта", "Как связаться", "Contacts", "Phone",
        "Phone / e-mail", "Phone or e-mail", "Contact details",
    ),
    "problem": (
        "Проблема", "Описание", "Затруднение", "Описание затруднения", "Суть", "Суть проблемы",
        "Суть обращения", "Текст обращения", "Обращение", "Вопрос", "Description",
        "Problem description", "Issue", "Question",
    ),
    "help_wanted": (
        "Помощь", "Вид помощи", "Форма помощи", "Формат помощи", "Нужная помощь",
        "Требуемая помощь", "Какая помощь требуется", "Help", "Help needed", "Type of help",
        "Kind of help",
    ),
    "consent": (
        "Согласие", "Согласие на обработку персональных данных", "Согласие на обработку ПД",
        "Согласие ПДн", "ПДн", "Согласен", "Consent to data processing", "Data consent",
    ),
}  # fmt: skip

#: Key words that name one field wherever they stand in a header. A header with key words
#: of two fields ("ФИО и контакты") is left unrecognised rather than guessed.
_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("form_no", r"^номер (формы|бланка|заявки|анкеты|обращения)\b|^form (no|number)\b"),
    ("received_on", r"^дата\b(?!.*рожден)|\bdate\b(?!.*birth)"),
    ("channel", r"\bканал|\bспособ (подачи|обращения|поступления)|\bchannel"),
    ("full_name", r"\bфио\b|\bфамили|\bfull ?name\b|^name\b"),
    ("role", r"\bроль\b|^кто\b|\bкатегория заявител|\brole\b"),
    ("organization", r"\bорганизаци|\bучреждени|\bшкол[аы]\b|\bschool\b|\borgani[sz]ation"),
    ("subject", r"\bпредмет|\bsubject\b"),
    ("experience_years", r"\bстаж|\bexperience\b"),
    ("grade", r"\bкласс\b|\bgrade\b"),
    ("contact", r"\bконтакт|\bтелефон|\bтел\b|\bemail\b|\bпочт|\bcontact|\bphone\b"),
    ("problem", r"\bпроблем|\bзатруднени|\bописани|\bproblem\b|\bdescription\b"),
    ("help_wanted", r"\bпомощ|\bhelp\b"),
    ("consent", r"\bсоглас|\bconsent\b|\bпдн\b"),
)

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")
_JOINERS = re.compile(r"[.\-'’`ʼ]")
_NOT_WORD = re.compile(r"[\W_]+")
#: Column values of ``--map`` that mean "ignore this column".
_IGNORE = frozenset({"", "-", "—", "ignore", "skip", "none", "пропустить", "нет"})


def header_text(cell: object) -> str:
    """A header cell as the file shows it: text with whitespace collapsed ("" when empty)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split())


@lru_cache(maxsize=1024)
def normalise_header(text: str) -> str:
    """Lower case, ё as е, "№"/"#" as "номер", words in brackets and punctuation dropped.

    "Ф.И.О." and "ФИО" both give "фио"; "Педагогический стаж (лет)" gives
    "педагогический стаж"; "Телефон / e-mail" gives "телефон email".
    """
    folded = text.casefold().replace("ё", "е").replace("№", " номер ").replace("#", " номер ")
    without_brackets = _BRACKETS.sub(" ", folded)
    if without_brackets.strip():
        folded = without_brackets
    joined = _JOINERS.sub("", folded)
    return " ".join(_NOT_WORD.sub(" ", joined).split())


def _compact(text: str) -> str:
    return normalise_header(text).replace(" ", "")


@dataclass(frozen=True, eq=False)
class Schema:
    """The columns of one kind of spreadsheet and how their headers are recognised.

    ``fields`` in the template's order (their keys, headers and whether required);
    ``aliases``: what people write over each field's column besides its headers;
    ``keywords``: (field key, regular expression on the normalised header) for words
    that name one field wherever they stand. A row is the header row when at least
    ``min_recognised`` of its cells are recognised. ``label_prefix`` + key is the
    catalog key of a field's name in messages; ``messages`` replaces the catalog key of
    a refusal (``FileRefused.kind`` → key) where the ``intake.*`` words do not fit.
    Compared by identity: each schema is made once, at import.
    """

    name: str
    fields: tuple[FormField, ...]
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    keywords: tuple[tuple[str, str], ...] = ()
    min_recognised: int = 3
    label_prefix: str = "field."
    messages: Mapping[str, str] = field(default_factory=dict)
    by_alias: Mapping[str, str] = field(init=False, repr=False)
    patterns: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        table: dict[str, str] = {}
        for form_field in self.fields:
            names = (form_field.key, form_field.header_ru, form_field.header_en)
            for name in (*names, *self.aliases.get(form_field.key, ())):
                known = table.setdefault(_compact(name), form_field.key)
                assert known == form_field.key, f"alias {name!r} names two fields"
        unknown = (set(self.aliases) | {key for key, _ in self.keywords}) - set(self.keys)
        assert not unknown, f"aliases or key words of no field: {unknown}"
        object.__setattr__(self, "by_alias", table)
        patterns = tuple((key, re.compile(pattern)) for key, pattern in self.keywords)
        object.__setattr__(self, "patterns", patterns)

    @property
    def keys(self) -> tuple[str, ...]:
        """The field keys, in order."""
        return tuple(f.key for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        """The keys of the fields a file must have a column for."""
        return tuple(f.key for f in self.fields if f.required)


#: The paper form (DESIGN.md section 3), and the request number of an exported file: the
#: default schema of every function here.
PAPER_FORM = Schema(
    "paper_form",
    (*FORM_FIELDS, NUMBER_FIELD),
    _ALIASES,
    _KEYWORDS,
    min_recognised=MIN_RECOGNISED,
)


def recognise(header: str, schema: Schema = PAPER_FORM) -> str | None:
    """The field key a header names, or None when it names none (or more than one)."""
    return _recognise(header, schema)


@lru_cache(maxsize=2048)
def _recognise(header: str, schema: Schema) -> str | None:
    normal = normalise_header(header)
    if not normal:
        return None
    found = schema.by_alias.get(normal.replace(" ", ""))
    if found is not None:
        return found
    hits = {key for key, pattern in schema.patterns if pattern.search(normal)}
    return hits.pop() if len(hits) == 1 else None


def parse_mapping(values: Iterable[str], schema: Schema = PAPER_FORM) -> dict[str, str | None]:
    """``--map`` values ``"Header=field"`` as {header: field key}; ``"Header=-"`` ignores a column.

    The field is a key (``problem``, ``full_name``) or any header the importer recognises
    (``ФИО``, ``Full name``). A value without ``=`` or naming no field is refused.
    """
    mapping: dict[str, str | None] = {}
    for value in values:
        header, sep, target = value.rpartition("=")
        header = header_text(header)
        if not sep or not header:
            raise BadMapping(value)
        mapping[header] = _field_of(value, target.strip(), schema)
    return mapping


def _field_of(mapping: str, target: str, schema: Schema) -> str | None:
    folded = target.casefold()
    if folded in _IGNORE:
        return None
    key = "_".join(folded.replace("-", " ").split())
    if key in schema.keys:
        return key
    recognised = recognise(target, schema)
    if recognised is not None:
        return recognised
    raise UnknownField(mapping, target, schema.keys)


def _recognise_cell(
    cell: object, overrides: Mapping[str, str | None], schema: Schema
) -> tuple[bool, str | None]:
    """(was the header named by --map, its field) for one header cell."""
    text = header_text(cell)
    if not text:
        return False, None
    compact = _compact(text)
    if compact in overrides:
        return True, overrides[compact]
    return False, recognise(text, schema)


def _normal_overrides(overrides: Mapping[str, str | None] | None) -> dict[str, str | None]:
    return {_compact(header): key for header, key in (overrides or {}).items()}


def count_recognised(
    row: Sequence[object],
    overrides: Mapping[str, str | None] | None,
    schema: Schema = PAPER_FORM,
) -> int:
    """How many cells of a row are headers of some field."""
    normal = _normal_overrides(overrides)
    return sum(1 for cell in row if _recognise_cell(cell, normal, schema)[1] is not None)


def find_header_row(
    rows: Sequence[Sequence[object]],
    overrides: Mapping[str, str | None] | None = None,
    schema: Schema = PAPER_FORM,
) -> int | None:
    """The index of the header row: the first of the first rows with enough recognised
    headers (three for the paper form)."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if count_recognised(row, overrides, schema) >= schema.min_recognised:
            return index
    return None


def map_columns(
    headers: Sequence[object],
    overrides: Mapping[str, str | None] | None = None,
    *,
    source: Path | str,
    schema: Schema = PAPER_FORM,
) -> dict[int, str]:
    """Column index → field key for a header row, ``--map`` overrides (from
    :func:`parse_mapping`) taking precedence over recognition.

    Refused (naming ``source``, the file): a ``--map`` header the row does not have, required
    fields with no column (the message lists the headers found), and a field found in two
    columns. A column named by ``--map`` wins over one merely recognised for the same field.
    """
    normal = _normal_overrides(overrides)
    texts = [header_text(cell) for cell in headers]
    found = [text for text in texts if text]
    present = {_compact(text) for text in found}
    for header in overrides or {}:
        if _compact(header) not in present:
            raise UnusedMapping(source, header, found)
    hits: dict[str, list[tuple[int, bool]]] = {}
    for index, cell in enumerate(headers):
        explicit, key = _recognise_cell(cell, normal, schema)
        if key is not None:
            hits.setdefault(key, []).append((index, explicit))
    missing = [key for key in schema.required if key not in hits]
    if missing:
        raise MissingColumns(source, found, missing, prefix=schema.label_prefix)
    columns: dict[int, str] = {}
    for key, columns_of_key in hits.items():
        chosen = [i for i, explicit in columns_of_key if explicit] or [i for i, _ in columns_of_key]
        if len(chosen) > 1:
            raise DuplicateColumns(
                source, key, [texts[i] for i in chosen], prefix=schema.label_prefix
            )
        columns[chosen[0]] = key
    return dict(sorted(columns.items()))
