"""One typed-up paper form (a spreadsheet row) → a checked request, or every problem in it.

Each cell is parsed by its field's parser (:mod:`.values`); then the request is checked
by :func:`~plc_console.services.requests.validate_new_request`, the very rules of the
board's form (consent, no future date, problem length, ranges). That function stops at
the first problem, so it is asked again with the refused field set aside until it
passes: a row with a bad date, no consent and an unknown role reports all three.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from itertools import compress, count, repeat
from operator import is_, is_not
from typing import Any, Literal

from plc_console.domain import Role
from plc_console.locale import Key
from plc_console.services.errors import InvalidInput
from plc_console.services.intake.bulk import gc_paused
from plc_console.services.intake.form import FIELDS_BY_KEY, REQUIRED_KEYS
from plc_console.services.intake.values import PARSERS, ValueProblem, display, parse_column
from plc_console.services.requests import NewRequest, validate_new_request

__all__ = ["BLANK", "Blank", "RowChecker", "RowProblem", "RowResult", "check_row"]


@dataclass(frozen=True)
class RowProblem:
    """Why one cell of a row cannot be taken.

    ``value`` is the cell as read (for an errors spreadsheet to write back);
    ``reason_key`` is a catalog key (``intake.*`` or ``invalid.*``) and ``params`` fill
    it, always with ``field`` (a catalog key) and ``value`` (the cell as shown).
    """

    field: str
    value: object
    reason_key: str
    params: Mapping[str, object]


class Blank(Enum):
    """A row with every cell empty: skipped and counted, not refused."""

    BLANK = "blank"


BLANK: Literal[Blank.BLANK] = Blank.BLANK
RowResult = NewRequest | list[RowProblem] | Literal[Blank.BLANK]

#: Fields whose absence the request's own check cannot see (they have no empty value).
_REQUIRED_WITHOUT_EMPTY = ("received_on", "role")
#: What stands in for a refused field so the remaining rules can still be checked.
_STAND_INS: dict[str, Callable[[date], Any]] = {
    "received_on": lambda today: today,
    "full_name": lambda _: "-",
    "contact": lambda _: "-",
    "problem": lambda _: "-",
    "consent": lambda _: True,
    "experience_years": lambda _: None,
    "grade": lambda _: None,
}
_REQUIRED_FIELDS = frozenset(REQUIRED_KEYS)
_REQUIRED_WITHOUT_DEFAULT = ("received_on", "full_name", "role", "contact", "problem")
_ORDER = {key: index for index, key in enumerate(FIELDS_BY_KEY)}

Parser = Callable[[object], Any]


def _positional_fields() -> tuple[tuple[str, object], ...]:
    """NewRequest's fields up to the last one a form fills, with their defaults (None for
    a required one: its rows are checked one by one anyway)."""
    fields = dataclasses.fields(NewRequest)
    last = max(i for i, field in enumerate(fields) if field.name in PARSERS)
    for field in fields[: last + 1]:
        assert field.name in PARSERS or field.default is not dataclasses.MISSING, field.name
    return tuple(
        (field.name, None if field.default is dataclasses.MISSING else field.default)
        for field in fields[: last + 1]
    )


_POSITIONAL_FIELDS = _positional_fields()


def check_row(cells: Mapping[str, object], today: date) -> RowResult:
    """Check one row given as {field key: raw cell}: the request, every problem, or BLANK.

    A field missing from ``cells`` counts as an empty cell; an unknown key is a
    programming error (KeyError).
    """
    return _check(((key, PARSERS[key], raw) for key, raw in cells.items()), today)


class RowChecker:
    """:func:`check_row` for rows read as lists (``columns``: column index → field key),
    one at a time or a whole table at once (:meth:`check_all`, much faster)."""

    def __init__(self, columns: Mapping[int, str], today: date) -> None:
        self.today = today
        self._columns = tuple((index, key, PARSERS[key]) for index, key in sorted(columns.items()))

    def check_all(self, rows: Sequence[Sequence[object]]) -> list[RowResult]:
        """Every row's result, in order: the same as calling the checker on each row.

        Each column is parsed at once (:func:`~.values.parse_column`); a row whose cells
        all parse and whose request passes the checks becomes a request straight away,
        and any other row is checked again on its own to report all of its problems.
        """
        if not rows:
            return []
        with gc_paused():
            return self._check_all(rows)

    def _check_all(self, rows: Sequence[Sequence[object]]) -> list[RowResult]:
        width = max(index for index, _, _ in self._columns) + 1
        padded = [row if len(row) >= width else _pad(row, width) for row in rows]
        by_column = list(zip(*padded, strict=False))
        parsed: dict[str, list[Any]] = {}
        again: set[int] = set()  # rows to check one by one: refused, incomplete or invalid
        for index, key, _ in self._columns:
            parsed[key], refused_at = parse_column(key, by_column[index])
            again.update(refused_at)
        del by_column, padded
        if any(key not in parsed for key in _REQUIRED_FIELDS):
            return [self(row) for row in rows]
        for key in _REQUIRED_WITHOUT_DEFAULT:  # (positions found without a Python loop)
            again.update(compress(count(), map(is_, parsed[key], repeat(None))))
        again.update(compress(count(), map(is_not, parsed["consent"], repeat(True))))
        # Positional arguments in NewRequest's own field order, a column each.
        arguments = [
            parsed[name] if name in parsed else repeat(default)
            for name, default in _POSITIONAL_FIELDS
        ]
        requests = list(map(NewRequest, *arguments))
        today = self.today
        for i, new in enumerate(requests):
            if i not in again:
                try:
                    validate_new_request(new, today)
                except InvalidInput:
                    again.add(i)
        results: list[RowResult] = [*requests]
        for i in again:
            results[i] = self(rows[i])
        return results

    def __call__(self, row: Sequence[object]) -> RowResult:
        width = len(row)
        return _check(
            (
                (key, parser, row[index] if index < width else None)
                for index, key, parser in self._columns
            ),
            self.today,
        )


def _check(cells: Iterable[tuple[str, Parser, object]], today: date) -> RowResult:
    values: dict[str, Any] = {}
    raws: dict[str, object] = {}
    problems: dict[str, RowProblem] = {}
    filled = False
    for key, parser, raw in cells:
        raws[key] = raw
        if not filled and raw is not None and (not isinstance(raw, str) or raw.strip()):
            filled = True
        try:
            values[key] = parser(raw)
        except ValueProblem as problem:
            problems[key] = _problem(key, raw, problem.reason, problem.params)
    if not filled:
        return BLANK
    for key in _REQUIRED_WITHOUT_EMPTY:
        if values.get(key) is None and key not in problems:
            problems[key] = _problem(key, raws.get(key), "invalid.required", {})
    new = _build(values, today)
    for _ in range(len(PARSERS) + 1):
        try:
            validate_new_request(new, today)
        except InvalidInput as refusal:
            key = refusal.field
            if key not in problems:
                raw = raws.get(key)
                problems[key] = RowProblem(
                    key, raw, refusal.code, {**refusal.params, "value": display(raw)}
                )
            stand_in = _STAND_INS.get(key)
            if stand_in is None:
                break
            new = replace(new, **{key: stand_in(today)})
        else:
            break
    if problems:
        return sorted(problems.values(), key=lambda p: _ORDER.get(p.field, len(_ORDER)))
    return new


def _pad(row: Sequence[object], width: int) -> list[object]:
    return [*row, *([None] * (width - len(row)))]


def _problem(key: str, raw: object, reason: str, params: Mapping[str, object]) -> RowProblem:
    shown = {"field": Key(f"field.{key}"), "value": display(raw), **params}
    return RowProblem(key, raw, reason, shown)


def _build(values: dict[str, Any], today: date) -> NewRequest:
    """The request from the parsed cells; a missing or refused field gets a stand-in that
    the request's check reports (an empty name) or that was reported already."""
    optional = {
        key: value
        for key, value in values.items()
        if value is not None and key not in _REQUIRED_FIELDS
    }
    return NewRequest(
        received_on=values.get("received_on") or today,
        full_name=values.get("full_name") or "",
        role=values.get("role") or Role.OTHER,
        contact=values.get("contact") or "",
        problem=values.get("problem") or "",
        consent=values.get("consent") or False,
        **optional,
    )
