"""Russian words for demo data: requesters and the problems they write about.

The words live in data/demo_vocabulary.json; this module turns them into people (names with
gender agreement, schools, contacts) and problem texts whose grade, subject and verb endings
fit the person. Templates carry the category and topics a coordinator would give them.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

from plc_console.domain import Category, Role
from plc_console.services.reference import data_dir

#: The teacher's subject of primary-school teachers; their lessons are ``primary_lessons``.
PRIMARY = "начальные классы"
_FEMALE = {Role.TEACHER: 0.82, Role.PARENT: 0.75, Role.STUDENT: 0.5, Role.OTHER: 0.65}
_GRADES = {Role.PARENT: (1, 11), Role.STUDENT: (5, 11)}
_YOUNG_TEACHERS = 0.35
_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(),
        strict=True,
    )
)


@dataclass(frozen=True)
class Template:
    """A problem text with slots, who may write it, and how triage classifies it."""

    text: str
    roles: tuple[Role, ...]
    category: Category | None
    topics: tuple[str, ...]
    grades: tuple[int, int] | None
    subjects: tuple[str, ...]
    experience: tuple[int, int] | None
    organizations: tuple[str, ...]

    @classmethod
    def parse(cls, item: dict[str, Any]) -> Template:
        def pair(key: str) -> tuple[int, int] | None:
            return (int(item[key][0]), int(item[key][1])) if key in item else None

        return cls(
            text=str(item["text"]),
            roles=tuple(Role(r) for r in item["roles"]),
            category=Category(item["category"]) if "category" in item else None,
            topics=tuple(str(t) for t in item.get("topics", ())),
            grades=pair("grades"),
            subjects=tuple(str(s) for s in item.get("subjects", ())),
            experience=pair("experience"),
            organizations=tuple(str(o) for o in item.get("organizations", ())),
        )


@dataclass(eq=False)
class Person:
    """A requester; the same object files all of one person's requests (same name, contact)."""

    full_name: str
    role: Role
    female: bool
    contact: str
    organization: str
    subject: str | None
    experience: int | None
    grade: int | None


@dataclass(frozen=True)
class Vocabulary:
    raw: dict[str, Any]
    templates: tuple[Template, ...]
    out_of_scope: tuple[Template, ...]
    subjects: dict[str, tuple[tuple[int, int], float]]  # teacher's subject: (grades, weight)
    teachable: dict[Template, tuple[str, ...]]  # subjects whose teacher may write a template

    @classmethod
    def load(cls) -> Vocabulary:
        raw = json.loads((data_dir() / "demo_vocabulary.json").read_text(encoding="utf-8"))
        subjects = {
            str(s["name"]): ((int(s["grades"][0]), int(s["grades"][1])), float(s["weight"]))
            for s in raw["subjects"]
        }
        templates = tuple(Template.parse(t) for t in raw["templates"])
        out_of_scope = tuple(Template.parse(t) for t in raw["out_of_scope"])
        teachable = {
            t: tuple(
                name
                for name, (grades, _) in subjects.items()
                if (not t.subjects or name in t.subjects) and overlap(grades, t.grades)
            )
            for t in templates + out_of_scope
        }
        return cls(raw, templates, out_of_scope, subjects, teachable)

    def words(self, *path: str) -> list[str]:
        node: Any = self.raw
        for key in path:
            node = node[key]
        return [str(word) for word in node]

    def fits(self, template: Template, role: Role, person: Person | None) -> bool:
        """Whether this role (and this person, when returning) could have written the template."""
        if role not in template.roles or (role is Role.TEACHER and not self.teachable[template]):
            return False
        if person is None:
            return True
        if person.role is Role.TEACHER:
            low, high = template.experience or (0, 60)
            years = person.experience or 0
            return person.subject in self.teachable[template] and low <= years <= high
        low, high = template.grades or (1, 11)
        return person.grade is None or low <= person.grade <= high


def overlap(a: tuple[int, int], b: tuple[int, int] | None) -> tuple[int, int] | None:
    low, high = a if b is None else (max(a[0], b[0]), min(a[1], b[1]))
    return (low, high) if low <= high else None


def new_person(
    rng: random.Random, vocab: Vocabulary, role: Role, template: Template, used: set[str]
) -> Person:
    """Someone who could have written ``template``; ``used`` keeps contacts unique."""
    female = rng.random() < _FEMALE[role]
    surname = str(rng.choice(vocab.raw["surnames"])[female])  # [male, female] forms
    first = rng.choice(vocab.words("female_names" if female else "male_names"))
    patronymic = str(rng.choice(vocab.raw["patronymics"])[female])
    subject = experience = grade = None
    if role is Role.TEACHER:
        names = vocab.teachable[template]
        subject = rng.choices(names, [vocab.subjects[n][1] for n in names])[0]
        young = rng.random() < _YOUNG_TEACHERS
        experience = rng.randint(*(template.experience or ((0, 3) if young else (4, 40))))
    elif role in _GRADES:
        grade = rng.randint(*(overlap(_GRADES[role], template.grades) or _GRADES[role]))
    organization = rng.choice(template.organizations or vocab.words("schools"))
    contact = ""
    while not contact or contact in used:
        contact = _contact(rng, vocab, role is Role.STUDENT, surname, first, patronymic)
    used.add(contact)
    name = f"{surname} {first} {patronymic}"
    return Person(name, role, female, contact, organization, subject, experience, grade)


def _contact(rng: random.Random, vocab: Vocabulary, young: bool, *names: str) -> str:
    if rng.random() < 0.6:
        a, b, c, d = rng.randint(0, 99), rng.randint(0, 999), rng.randint(0, 99), rng.randint(0, 99)
        return f"+7 9{a:02d} {b:03d}-{c:02d}-{d:02d}"
    login = "".join(_TRANSLIT.get(ch, ch) for ch in names[0].lower()).replace("-", "")
    initials = "".join(_TRANSLIT[name[0].lower()][0] for name in names[1:])
    year = rng.randint(2008, 2016) if young else rng.randint(1966, 2001)
    suffix = rng.choice([initials, str(year), f"{initials}{rng.randint(1, 99)}"])
    separator = rng.choice([".", "_", ""])
    return f"{login}{separator}{suffix}@{rng.choice(vocab.words('email_domains'))}"


def problem_text(rng: random.Random, vocab: Vocabulary, person: Person, template: Template) -> str:
    """The template filled for this person (class, subject, gender endings), maybe with a tail."""
    if person.role is Role.TEACHER and person.subject in vocab.subjects:
        grades = overlap(vocab.subjects[person.subject][0], template.grades)
        grade = rng.randint(*(grades or (1, 11)))
    else:
        grade = person.grade or rng.randint(*(template.grades or (1, 11)))
    if person.role is Role.TEACHER and person.subject != PRIMARY:
        subject = person.subject or ""
    elif template.subjects and person.role is not Role.TEACHER:
        subject = rng.choice(template.subjects)
    elif grade <= 4:
        subject = rng.choice(vocab.words("primary_lessons"))
    else:
        names = [n for n, ((lo, hi), _) in vocab.subjects.items() if lo <= grade <= hi]
        names = [n for n in names if n != PRIMARY]
        subject = rng.choices(names, [vocab.subjects[n][1] for n in names])[0]
    daughter = rng.random() < 0.5
    child = "моя дочь" if daughter else "мой сын"
    slots = {
        "grade": str(grade),
        "letter": rng.choice("АБВГД"),
        "size": str(rng.randint(14, 31)),
        "subject": subject,
        "a": "а" if person.female else "",
        "grateful": "благодарна" if person.female else "благодарен",
        "sam": "сама" if person.female else "сам",
        "my_child": child,
        "My_child": child.capitalize(),
        "child_gen": "дочери" if daughter else "сына",
        "child_a": "а" if daughter else "",
    }
    tail = rng.choice(vocab.words("tails", person.role.value) + vocab.words("tails", "any"))
    return f"{template.text} {tail}".format_map(slots).strip()
