"""An expert's availability, from what people type: weekdays, hours, online.

The registry stores availability as the text typed ("вт, чт после 15:00"); this module
reads it into :class:`Availability` so the text can be checked when it is entered and
compared with a meeting's day and time later. It accepts Russian and English, full
names, abbreviations and inflections ("по вторникам", "Пн.–Пт.", "Mon-Fri"), day ranges
("пн–ср", "с понедельника по пятницу"), groups ("будни", "по выходным", "ежедневно"),
exceptions ("кроме пятницы"), hours ("после 15:00", "до 17", "10:00–16:00", "9-13",
"с 10 до 16", "2pm-5pm"), parts of the day ("вечером", "после уроков"), "онлайн" and
"по согласованию". Several day groups with their own hours are kept apart
("пн 10–12, ср 14–16").

Text that names no day, no time, no online and no arrangement is refused with
:class:`AvailabilityError` (a ValueError naming a catalog key). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import time
from typing import cast

from plc_console.locale import Translator
from plc_console.services.availability_words import (
    AFTERNOON_BELOW,
    ALL_DAYS,
    WEEKEND,
    WORKDAYS,
    Time,
    Token,
    tokens,
)

__all__ = [
    "ALL_DAYS",
    "WEEKEND",
    "WORKDAYS",
    "Availability",
    "AvailabilityError",
    "Slot",
    "parse_availability",
]

#: Weekday keys in the catalog (``registry.days.mon`` …), Monday first.
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class AvailabilityError(ValueError):
    """Availability text that cannot be read: ``reason`` names the catalog key
    ``registry.invalid.<reason>``; ``params`` fill it (always ``value``, the text)."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason, params)
        self.reason = reason
        self.params = params

    @property
    def key(self) -> str:
        return f"registry.invalid.{self.reason}"


@dataclass(frozen=True)
class Slot:
    """Days with the same hours: ``start``/``end`` None means from/until any time."""

    weekdays: frozenset[int]
    start: time | None = None
    end: time | None = None

    def covers(self, day: int, at: time | None = None) -> bool:
        """Whether the weekday ``day`` (0 = Monday), at ``at`` if given, is in the slot."""
        if day not in self.weekdays:
            return False
        if at is None:
            return True
        return (self.start is None or at >= self.start) and (self.end is None or at <= self.end)


@dataclass(frozen=True)
class Availability:
    """When an expert can work on requests.

    ``weekdays``: every day of any slot (0 = Monday … 6 = Sunday); all seven when the
    text names no day (``days_named`` is then false). ``start``/``end``: the hours of
    every slot when they agree, else from the earliest start to the latest end (None:
    open). ``slots`` keeps day groups with their own hours apart.
    """

    weekdays: frozenset[int]
    start: time | None = None
    end: time | None = None
    online: bool = False
    by_arrangement: bool = False
    days_named: bool = True
    slots: tuple[Slot, ...] = field(default=())

    def covers(self, day: int, at: time | None = None) -> bool:
        """Whether the expert is available on weekday ``day`` (at ``at`` if given)."""
        slots = self.slots or (Slot(self.weekdays, self.start, self.end),)
        return any(slot.covers(day, at) for slot in slots)

    def describe(self, t: Translator) -> str:
        """The availability in short words of ``t``'s language: "вт, чт после 15:00"."""
        parts: list[str] = []
        if self.online:
            parts.append(t("registry.availability.online"))
        slots = self.slots or (Slot(self.weekdays, self.start, self.end),)
        for slot in slots:
            days = _describe_days(slot.weekdays, t) if self.days_named else ""
            hours = _describe_hours(slot.start, slot.end, t)
            text = " ".join(part for part in (days, hours) if part)
            if text:
                parts.append(text)
        if self.by_arrangement:
            parts.append(t("registry.availability.by_arrangement"))
        return ", ".join(parts) or t("registry.availability.every_day")


def parse_availability(text: str) -> Availability:
    """Read availability text (see the module); refused with :class:`AvailabilityError`."""
    return _parse(text)


# --- clauses ---------------------------------------------------------------------------


@dataclass
class _Clause:
    """Days and the hours that go with them; clauses end at ";" or where new days follow
    days that already have their hours ("пн 10–12, ср 14–16")."""

    days: set[int] = field(default_factory=set)
    excluded: set[int] = field(default_factory=set)
    start: time | None = None
    end: time | None = None
    has_hours: bool = False
    days_before_hours: bool = False
    excepting: bool = False

    def add_days(self, days: Iterable[int]) -> None:
        (self.excluded if self.excepting else self.days).update(days)

    def set_hours(self, start: time | None, end: time | None) -> None:
        if start is not None:
            self.start = start
        if end is not None:
            self.end = end
        if not self.has_hours:
            self.days_before_hours = bool(self.days)
        self.has_hours = True
        self.excepting = False

    def weekdays(self) -> frozenset[int] | None:
        if not self.days and not self.excluded:
            return None
        return frozenset((self.days or set(ALL_DAYS)) - self.excluded)


@dataclass
class _Reading:
    text: str
    clauses: list[_Clause] = field(default_factory=lambda: [_Clause()])
    online: bool = False
    by_arrangement: bool = False
    anytime: bool = False

    @property
    def clause(self) -> _Clause:
        return self.clauses[-1]

    def new_clause(self) -> None:
        if self.clause.days or self.clause.excluded or self.clause.has_hours:
            self.clauses.append(_Clause())

    def refuse(self) -> AvailabilityError:
        return AvailabilityError("availability", value=" ".join(self.text.split()))


def _parse(text: str) -> Availability:
    reading = _Reading(text)
    found = tokens(text)
    i = 0
    while i < len(found):
        i = _step(reading, found, i)
    return _result(reading)


def _step(reading: _Reading, tokens: Sequence[Token], i: int) -> int:
    """Read the token at ``i`` (and what belongs to it); the index of the next one."""
    token = tokens[i]
    clause = reading.clause
    if token.kind in ("day", "days"):
        if clause.has_hours and clause.days_before_hours and not clause.excepting:
            reading.new_clause()
        return _read_days(reading, tokens, i)
    if token.kind == "time":
        return _read_hours(reading, tokens, i, None)
    if token.kind in ("from", "after", "before", "between"):
        if _kind(tokens, i + 1) == "time":
            return _read_hours(reading, tokens, i + 1, token.kind)
    elif token.kind == "named":
        start, end = cast(tuple[time | None, time | None], token.value)
        clause.set_hours(clause.start or start, clause.end or end)
    elif token.kind == "online":
        reading.online = True
    elif token.kind == "arrange":
        reading.by_arrangement = True
    elif token.kind == "anytime":
        reading.anytime = True
    elif token.kind == "except":
        clause.excepting = True
    elif token.kind == "hard":
        reading.new_clause()
    return i + 1


def _kind(tokens: Sequence[Token], i: int) -> str | None:
    return tokens[i].kind if 0 <= i < len(tokens) else None


def _read_days(reading: _Reading, tokens: Sequence[Token], i: int) -> int:
    """A day, a group, or a range "пн–пт" / "с пн по пт" / "Mon through Fri"."""
    first = tokens[i]
    if first.kind == "day" and _kind(tokens, i + 1) in ("to", "before"):
        if _kind(tokens, i + 2) == "day":
            start, end = first.value, tokens[i + 2].value
            assert isinstance(start, int) and isinstance(end, int)
            span = (end - start) % 7
            reading.clause.add_days((start + k) % 7 for k in range(span + 1))
            return i + 3
    days = first.value
    reading.clause.add_days(days if isinstance(days, frozenset) else {int(str(days))})
    return i + 1


def _read_hours(reading: _Reading, tokens: Sequence[Token], i: int, bound: str | None) -> int:
    """Hours at ``i``: a window "10–16" / "с 10 до 16" / "between 10 and 16", or one bound
    ("после 15:00", "до 17"); a bare number on its own is no time ("вт 2")."""
    first = tokens[i].value
    assert isinstance(first, Time)
    if bound is not None:
        first = replace(first, marked=True)
    joiners = ("to", "before", "and") if bound == "between" else ("to", "before")
    if _kind(tokens, i + 1) in joiners and _kind(tokens, i + 2) == "time":
        second = tokens[i + 2].value
        assert isinstance(second, Time)
        start, end = _window(reading.text, first, second)
        reading.clause.set_hours(start, end)
        return i + 3
    if not first.marked:
        return i + 1
    at = _clock(reading.text, first)
    if bound == "before":
        reading.clause.set_hours(None, at)
    else:
        reading.clause.set_hours(at, None)
    return i + 1


def _window(text: str, first: Time, second: Time) -> tuple[time, time]:
    _clock(text, first)  # a time that does not exist is named before the order is checked
    end = _clock(text, second)
    if second.meridiem == "pm" and first.meridiem is None and first.hour < 12:
        if time(first.hour + 12, first.minutes) <= end:
            first = replace(first, meridiem="pm")  # "2-5pm", "с 3 до 6 вечера"
    start = _clock(text, first)
    if start >= end:
        raise AvailabilityError(
            "availability_window", value=text, start=_hhmm(start), end=_hhmm(end)
        )
    return start, end


def _clock(text: str, at: Time) -> time:
    hour = at.hour
    if at.meridiem == "pm" and hour < 12:
        hour += 12
    elif at.meridiem == "am" and hour == 12:
        hour = 0
    elif at.meridiem is None and not at.clock and 0 < hour < AFTERNOON_BELOW:
        hour += 12
    if hour == 24 and at.minutes == 0:
        return time(23, 59)
    if hour > 23 or at.minutes > 59:
        raise AvailabilityError("availability_time", value=text, time=f"{hour}:{at.minutes:02d}")
    return time(hour, at.minutes)


def _result(reading: _Reading) -> Availability:
    slots: list[Slot] = []
    pending: frozenset[int] | None = None  # days without hours, for a clause of hours only
    for clause in reading.clauses:
        days = clause.weekdays()
        if not clause.has_hours:
            if days is not None:
                if pending is not None:
                    slots.append(Slot(pending))
                pending = days
            continue
        if days is None and pending is not None:
            days, pending = pending, None  # "пн, ср; после 15:00"
        elif pending is not None:
            slots.append(Slot(pending))
            pending = None
        slots.append(Slot(days if days is not None else ALL_DAYS, clause.start, clause.end))
    if pending is not None:
        slots.append(Slot(pending))
    days_named = any(c.weekdays() is not None for c in reading.clauses)
    if not slots and not (reading.online or reading.by_arrangement or reading.anytime):
        raise reading.refuse()
    slots = [slot for slot in _merged(slots) if slot.weekdays]
    if not slots:
        if days_named:  # every day named was excepted again
            raise reading.refuse()
        slots = [Slot(ALL_DAYS)]
    starts = [slot.start for slot in slots]
    ends = [slot.end for slot in slots]
    return Availability(
        weekdays=frozenset().union(*(slot.weekdays for slot in slots)),
        start=None if None in starts else min(s for s in starts if s is not None),
        end=None if None in ends else max(e for e in ends if e is not None),
        online=reading.online,
        by_arrangement=reading.by_arrangement,
        days_named=days_named,
        slots=tuple(slots) if len(slots) > 1 else (),
    )


def _merged(slots: Sequence[Slot]) -> list[Slot]:
    """Slots with the same hours as one slot, in the order first seen."""
    by_hours: dict[tuple[time | None, time | None], set[int]] = {}
    for slot in slots:
        by_hours.setdefault((slot.start, slot.end), set()).update(slot.weekdays)
    return [Slot(frozenset(days), start, end) for (start, end), days in by_hours.items()]


# --- words -----------------------------------------------------------------------------


def _hhmm(at: time) -> str:
    return f"{at.hour}:{at.minute:02d}"


def _describe_days(days: frozenset[int], t: Translator) -> str:
    if days == ALL_DAYS:
        return t("registry.availability.every_day")
    names = [t(f"registry.days.{key}") for key in DAY_KEYS]
    ordered = sorted(days)
    runs: list[list[int]] = []
    for day in ordered:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = [
        f"{names[run[0]]}–{names[run[-1]]}" if len(run) >= 3 else ", ".join(names[d] for d in run)
        for run in runs
    ]
    return ", ".join(parts)


def _describe_hours(start: time | None, end: time | None, t: Translator) -> str:
    if start is not None and end is not None:
        return f"{_hhmm(start)}–{_hhmm(end)}"
    if start is not None:
        return t("registry.availability.after", time=_hhmm(start))
    if end is not None:
        return t("registry.availability.before", time=_hhmm(end))
    return ""
