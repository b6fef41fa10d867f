"""Terms: named date ranges (e.g. "1 четверть 2026/27") that term reports cover.

Both ends are included; terms never overlap, so "the term of a date" is never ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from plc_console.db.models import Term
from plc_console.domain import PlcError

__all__ = [
    "DayOutOfRange",
    "TermInvalid",
    "TermView",
    "add_term",
    "get_term",
    "list_terms",
    "parse_day",
]

NAME_MAX_CHARS = 100
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_RUSSIAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


class TermInvalid(PlcError):
    """A term that cannot be stored or found; ``code`` is a ``terms.invalid.*`` key."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(f"terms.invalid.{reason}", **params)
        self.reason = reason


class DayOutOfRange(TermInvalid):
    """A real date, but too far off: reports compute the day after a term's last day,
    which the calendar's own ends (year 1, year 9999) do not have."""

    def __init__(self, day: date) -> None:
        super().__init__("range", value=day.isoformat(), first=FIRST_DAY, last=LAST_DAY)
        self.code = "fuzzfix.day_out_of_range"


#: The days a term or a report's period may start or end on.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True)
class TermView:
    """A term as the CLI and the reports use it."""

    id: int
    name: str
    starts_on: date
    ends_on: date


def parse_day(text: str) -> date:
    """A date typed as YYYY-MM-DD or дд.мм.гггг; anything else is refused."""
    raw = text.strip()
    iso, russian = _ISO.match(raw), _RUSSIAN.match(raw)
    try:
        if iso:
            return _in_range(date(int(iso[1]), int(iso[2]), int(iso[3])))
        if russian:
            return _in_range(date(int(russian[3]), int(russian[2]), int(russian[1])))
    except ValueError:
        pass
    raise TermInvalid("date", value=raw)


def _in_range(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DayOutOfRange(day)
    return day


def _view(term: Term) -> TermView:
    return TermView(term.id, term.name, term.starts_on, term.ends_on)


def add_term(session: Session, name: str, starts_on: date, ends_on: date) -> TermView:
    """Store a term; refuse an empty or taken name, an end before the start, an overlap."""
    clean = " ".join(name.split())
    if not clean:
        raise TermInvalid("empty_name")
    if len(clean) > NAME_MAX_CHARS:
        raise TermInvalid("long_name", limit=NAME_MAX_CHARS)
    _in_range(starts_on)
    _in_range(ends_on)
    if ends_on < starts_on:
        raise TermInvalid("end_before_start", start=starts_on.isoformat(), end=ends_on.isoformat())
    if session.scalar(select(Term.id).where(Term.name == clean)) is not None:
        raise TermInvalid("taken", name=clean)
    overlapping = session.scalars(
        select(Term).where(Term.starts_on <= ends_on, Term.ends_on >= starts_on).limit(1)
    ).first()
    if overlapping is not None:
        raise TermInvalid("overlap", other=overlapping.name)
    term = Term(name=clean, starts_on=starts_on, ends_on=ends_on)
    session.add(term)
    session.flush()
    return _view(term)


def list_terms(session: Session) -> list[TermView]:
    """Every term, earliest first."""
    return [_view(term) for term in session.scalars(select(Term).order_by(Term.starts_on))]


def get_term(session: Session, name: str) -> TermView:
    """The term called ``name`` (spaces folded as when stored); refused when there is none."""
    clean = " ".join(name.split())
    term = session.scalars(select(Term).where(Term.name == clean)).first()
    if term is None:
        raise TermInvalid("unknown", name=clean)
    return _view(term)
