"""The expert registry: people with competences (topics) who work on requests.

Every way into the registry (the console's form, ``plc experts import``, the demo) goes
through :func:`check_expert`: a name, a load limit of 1–20 open requests, a contact that
is a phone number or an e-mail address, availability the console can read
(:mod:`.availability`), topics that exist, and no second entry for the same person (the
same contact, or the same name in the same organisation). An expert who has worked on
requests is never deleted, only made inactive: the history keeps their name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from plc_console.db.models import Assignment, Expert, Request, Topic
from plc_console.domain import RuleViolation, Stage
from plc_console.locale import Key
from plc_console.services.availability import AvailabilityError, parse_availability
from plc_console.services.errors import InvalidInput, NotFound
from plc_console.services.intake.values import ValueProblem, parse_contact
from plc_console.services.views import ExpertView

__all__ = [
    "DEFAULT_LOAD",
    "LOAD_RANGE",
    "MAX_CHARS",
    "InvalidExpert",
    "NewExpert",
    "add_expert",
    "check_expert",
    "clean_expert",
    "contact_keys",
    "delete_expert",
    "edit_expert",
    "expert_problems",
    "field_problems",
    "fold",
    "get_expert",
    "list_experts",
    "name_key",
    "search_experts",
    "set_active",
]

#: Open requests an expert may hold at once: at least one, at most twenty.
LOAD_RANGE = (1, 20)
DEFAULT_LOAD = 3
#: The longest text each field holds (the sizes of the table's columns).
MAX_CHARS: dict[str, int] = {
    "full_name": 200,
    "organization": 300,
    "contact": 200,
    "subjects": 300,
    "availability": 200,
}
#: Reasons whose message is shared with the request form (``invalid.*``).
_SHARED_REASONS = frozenset({"required", "range", "too_long"})
_TERMINAL = (Stage.DONE, Stage.CLOSED)


@dataclass(frozen=True)
class NewExpert:
    """An expert as entered: the form's fields, before the registry's checks."""

    full_name: str
    organization: str | None = None
    contact: str | None = None
    subjects: str | None = None
    load_limit: int = DEFAULT_LOAD
    availability: str | None = None
    topic_keys: tuple[str, ...] = field(default=())
    active: bool = True


_FIELD_ORDER = [f.name for f in fields(NewExpert)]


class InvalidExpert(InvalidInput):
    """A refused field of an expert: ``field`` is the :class:`NewExpert` field, the
    message names it as the registry does (``registry.field.*``)."""

    def __init__(self, field: str, reason: str, **params: object) -> None:
        super().__init__(field, reason, **params)
        if reason not in _SHARED_REASONS:
            self.code = f"registry.invalid.{reason}"
        self.params["field"] = Key(f"registry.field.{field}")


# --- identity --------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+")
_EMAILS = re.compile(r"[^@\s,;<>()]+@[^@\s,;<>()]+\.[^@\s,;<>().]{2,}")
_PHONES = re.compile(r"\+?\d[\d\s().\-]{4,}\d")


def fold(text: str | None) -> str:
    """Lower case, ё as е, spaces collapsed: how the registry compares and searches."""
    return _SPACES.sub(" ", (text or "").casefold().replace("ё", "е")).strip()


def name_key(full_name: str, organization: str | None) -> tuple[str, str]:
    """Name and organisation as compared (case, ё, spaces and punctuation aside)."""
    return (
        " ".join(_NOT_WORD.sub(" ", fold(full_name)).split()),
        " ".join(_NOT_WORD.sub(" ", fold(organization)).split()),
    )


def contact_keys(contact: str | None) -> frozenset[str]:
    """The e-mail addresses (lower case) and phone numbers (digits, +7/8 alike) in a
    contact: two experts with one of them in common are the same person."""
    if not contact:
        return frozenset()
    keys = {email.casefold() for email in _EMAILS.findall(contact)}
    rest = _EMAILS.sub(" ", contact)
    for phone in _PHONES.findall(rest):
        digits = re.sub(r"\D", "", phone)
        if len(digits) == 11 and digits[0] in "78":
            digits = "7" + digits[1:]
        elif len(digits) == 10:
            digits = "7" + digits
        keys.add(digits)
    return frozenset(keys)


# --- checks ----------------------------------------------------------------------------


def _text(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return text or None


def clean_expert(new: NewExpert) -> NewExpert:
    """Spaces collapsed, empty texts as None, each topic key once."""
    return replace(
        new,
        full_name=" ".join(new.full_name.split()),
        organization=_text(new.organization),
        contact=_text(new.contact),
        subjects=_text(new.subjects),
        availability=_text(new.availability),
        topic_keys=tuple(dict.fromkeys(k.strip() for k in new.topic_keys if k.strip())),
    )


def expert_problems(
    session: Session, new: NewExpert, *, expert_id: int | None = None
) -> list[InvalidExpert]:
    """Every refused field of ``new`` (cleaned first), in the form's order; [] when good.
    ``expert_id`` is the expert being edited (not a duplicate of itself)."""
    new = clean_expert(new)
    problems = field_problems(new)
    problems += _topic_problems(session, new.topic_keys)
    if not any(p.field in ("full_name", "contact") for p in problems):
        duplicate = _duplicate_problem(session, new, expert_id)
        if duplicate is not None:
            problems.append(duplicate)
    return problems


def check_expert(session: Session, new: NewExpert, *, expert_id: int | None = None) -> NewExpert:
    """``new`` cleaned, or the first refused field raised as :class:`InvalidExpert`."""
    problems = expert_problems(session, new, expert_id=expert_id)
    if problems:
        raise problems[0]
    return clean_expert(new)


def field_problems(new: NewExpert) -> list[InvalidExpert]:
    """The refused fields of a cleaned ``new`` that need no database: name, lengths,
    contact, load limit, availability (topics and duplicates are checked apart)."""
    problems: list[InvalidExpert] = []
    if not new.full_name:
        problems.append(InvalidExpert("full_name", "required"))
    for name, limit in MAX_CHARS.items():
        value = getattr(new, name)
        if value is not None and len(value) > limit:
            problems.append(InvalidExpert(name, "too_long", limit=limit))
    if new.contact is not None and not any(p.field == "contact" for p in problems):
        try:
            parse_contact(new.contact)
        except ValueProblem:
            problems.append(InvalidExpert("contact", "contact", value=new.contact))
    low, high = LOAD_RANGE
    if not low <= new.load_limit <= high:
        problems.append(
            InvalidExpert("load_limit", "range", low=low, high=high, value=new.load_limit)
        )
    if new.availability is not None and not any(p.field == "availability" for p in problems):
        try:
            parse_availability(new.availability)
        except AvailabilityError as refusal:
            problems.append(InvalidExpert("availability", refusal.reason, **refusal.params))
    return sorted(problems, key=lambda p: _FIELD_ORDER.index(p.field))


def _topic_problems(session: Session, keys: Sequence[str]) -> list[InvalidExpert]:
    if not keys:
        return []
    known = set(session.scalars(select(Topic.key).where(Topic.key.in_(keys))))
    unknown = [key for key in keys if key not in known]
    if not unknown:
        return []
    every = ", ".join(session.scalars(select(Topic.key).order_by(Topic.position, Topic.id)))
    return [InvalidExpert("topic_keys", "unknown_topic", topic=unknown[0], topics=every)]


def _duplicate_problem(
    session: Session, new: NewExpert, expert_id: int | None
) -> InvalidExpert | None:
    contacts = contact_keys(new.contact)
    wanted = name_key(new.full_name, new.organization)
    query = select(Expert.id, Expert.full_name, Expert.organization, Expert.contact)
    for other_id, name, organization, contact in session.execute(query):
        if other_id == expert_id:
            continue
        if contacts and contacts & contact_keys(contact):
            return InvalidExpert("contact", "contact_taken", value=new.contact, name=name)
        if name_key(name, organization) == wanted:
            return InvalidExpert(
                "full_name", "name_taken", name=name, organization=organization or "—"
            )
    return None


# --- storing ---------------------------------------------------------------------------


def add_expert(session: Session, new: NewExpert) -> ExpertView:
    """Add an expert to the registry after :func:`check_expert`."""
    new = check_expert(session, new)
    expert = Expert(competences=_topics(session, new.topic_keys))
    _fill(expert, new)
    session.add(expert)
    session.flush()
    return _view(expert)


def edit_expert(session: Session, expert_id: int, new: NewExpert) -> ExpertView:
    """Replace every field of an expert with ``new`` (checked as :func:`add_expert` does)."""
    expert = _expert(session, expert_id)
    new = check_expert(session, new, expert_id=expert_id)
    _fill(expert, new)
    expert.competences = _topics(session, new.topic_keys)
    session.flush()
    return _view(expert, _loads(session, [expert.id]).get(expert.id))


def set_active(session: Session, expert_id: int, active: bool) -> ExpertView:
    """Make an expert active or inactive (inactive ones are offered for no new request)."""
    expert = _expert(session, expert_id)
    expert.active = active
    session.flush()
    return _view(expert, _loads(session, [expert.id]).get(expert.id))


def delete_expert(session: Session, expert_id: int) -> None:
    """Delete an expert entered by mistake; one who has worked on requests is refused
    (make them inactive instead: the history keeps their name)."""
    expert = _expert(session, expert_id)
    count = session.scalar(
        select(func.count()).select_from(Assignment).where(Assignment.expert_id == expert_id)
    )
    if count:
        raise RuleViolation("registry.has_assignments", name=expert.full_name, count=count)
    session.delete(expert)
    session.flush()


def _fill(expert: Expert, new: NewExpert) -> None:
    expert.full_name = new.full_name
    expert.organization = new.organization
    expert.contact = new.contact
    expert.subjects = new.subjects
    expert.load_limit = new.load_limit
    expert.availability = new.availability
    expert.active = new.active


def _topics(session: Session, keys: Sequence[str]) -> list[Topic]:
    if not keys:
        return []
    found = {t.key: t for t in session.scalars(select(Topic).where(Topic.key.in_(keys)))}
    return [found[key] for key in keys]


# --- reading ---------------------------------------------------------------------------


def get_expert(session: Session, expert_id: int) -> ExpertView:
    """One expert, with their load; :class:`NotFound` if there is none."""
    expert = _expert(session, expert_id)
    return _view(expert, _loads(session, [expert.id]).get(expert.id))


def list_experts(session: Session) -> list[ExpertView]:
    """Every expert, active or not, by name."""
    query = select(Expert).options(selectinload(Expert.competences)).order_by(Expert.full_name)
    experts = list(session.scalars(query))
    loads = _loads(session)
    return [_view(e, loads.get(e.id)) for e in experts]


def search_experts(
    session: Session, text: str = "", *, active_only: bool = False
) -> list[ExpertView]:
    """Experts whose name, organisation, subjects or contact hold every word of ``text``
    (case and ё aside; digits of a phone match however it is written), by name."""
    words = fold(text).split()
    query = select(Expert).options(selectinload(Expert.competences))
    if active_only:
        query = query.where(Expert.active.is_(True))
    found = [e for e in session.scalars(query) if _matches(e, words)]
    found.sort(key=lambda e: (fold(e.full_name), e.id))
    loads = _loads(session, [e.id for e in found]) if found else {}
    return [_view(e, loads.get(e.id)) for e in found]


def _matches(expert: Expert, words: Sequence[str]) -> bool:
    if not words:
        return True
    fields = (expert.full_name, expert.organization, expert.subjects, expert.contact)
    haystack = " ".join(fold(value) for value in fields if value)
    digits = re.sub(r"\D", "", expert.contact or "")
    return all(word in haystack or (word.isdigit() and word in digits) for word in words)


def _expert(session: Session, expert_id: int) -> Expert:
    expert = session.get(Expert, expert_id, options=[selectinload(Expert.competences)])
    if expert is None:
        raise NotFound(expert_id)
    return expert


def _loads(session: Session, ids: Iterable[int] | None = None) -> dict[int, tuple[int, int]]:
    """Expert id → (open requests, all requests ever assigned)."""
    query = (
        select(
            Assignment.expert_id,
            func.sum(case((Request.stage.in_(_TERMINAL), 0), else_=1)),
            func.count(),
        )
        .join(Request, Request.id == Assignment.request_id)
        .group_by(Assignment.expert_id)
    )
    if ids is not None:
        query = query.where(Assignment.expert_id.in_(list(ids)))
    return {row[0]: (int(row[1] or 0), int(row[2])) for row in session.execute(query)}


def _view(expert: Expert, load: tuple[int, int] | None = None) -> ExpertView:
    open_load, assignments = load or (0, 0)
    return ExpertView(
        id=expert.id,
        full_name=expert.full_name,
        organization=expert.organization,
        contact=expert.contact,
        subjects=expert.subjects,
        load_limit=expert.load_limit,
        availability=expert.availability,
        active=expert.active,
        # In the topics' order, as a reload gives them (a new list keeps the order typed).
        topic_keys=tuple(t.key for t in sorted(expert.competences, key=lambda t: t.position)),
        open_load=open_load,
        assignments=assignments,
    )
