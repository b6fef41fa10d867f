"""The cells of a registry spreadsheet: from what people type to an expert's fields.

Each parser takes a raw cell (as :mod:`.intake.readers` gives it) and the registry's
topics, and returns the field's value, None for an empty cell, or raises
:class:`~.intake.values.ValueProblem` naming a catalog key. Topics are named by key,
Russian or English name, or words only one topic's name holds, separated by ";", a new
line or ","; active is да/нет, yes/no, "активен"/"неактивен"; availability must be
text :func:`~.availability.parse_availability` reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from plc_console.db.models import Topic
from plc_console.services.availability import AvailabilityError, parse_availability
from plc_console.services.intake.values import (
    ValueProblem,
    fold,
    parse_consent,
    parse_contact,
    parse_text,
)

__all__ = ["PARSERS", "TopicIndex", "is_empty"]


def is_empty(raw: object) -> bool:
    """A cell with nothing in it (None, or only spaces)."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


class TopicIndex:
    """Topics by key, Russian name or English name (folded), and by a word or words that
    only one topic's name holds ("ОВЗ", "мотивация")."""

    _SPLIT = re.compile(r"[;\n\r]+")
    _SHORTEST = 3

    def __init__(self, topics: Iterable[Topic]) -> None:
        self.by_key: dict[str, Topic] = {}
        self.names: dict[str, str] = {}
        for topic in topics:
            self.by_key[topic.key] = topic
            for name in (topic.key, topic.name_ru, topic.name_en):
                self.names.setdefault(fold(name), topic.key)

    def keys(self, text: str) -> tuple[str, ...]:
        found: list[str] = []
        for part in self._SPLIT.split(text):
            folded = fold(part)
            if not folded:
                continue
            whole = self._one(folded)
            if whole is not None:
                found.append(whole)
                continue
            for piece in part.split(","):
                folded_piece = fold(piece)
                if not folded_piece:
                    continue
                key = self._one(folded_piece)
                if key is None:
                    raise ValueProblem("registry.invalid.unknown_topic_name", topic=piece.strip())
                found.append(key)
        return tuple(dict.fromkeys(found))

    def _one(self, folded: str) -> str | None:
        exact = self.names.get(folded)
        if exact is not None or len(folded) < self._SHORTEST:
            return exact
        padded = f" {folded} "
        hits = {key for name, key in self.names.items() if padded in f" {name} "}
        return hits.pop() if len(hits) == 1 else None


def _text(raw: object, _: TopicIndex) -> str | None:
    return parse_text(raw)


def _contact(raw: object, _: TopicIndex) -> str | None:
    return parse_contact(raw)


def _topics(raw: object, topics: TopicIndex) -> tuple[str, ...] | None:
    text = parse_text(raw)
    return topics.keys(text) if text is not None else None


#: A whole number, maybe with a word after it ("3", "3,0", "3 заявки").
_WHOLE = re.compile(r"^(\d{1,3})(?:[.,]0+)?(?:\s+[^\d\s].*)?$")


def _load(raw: object, _: TopicIndex) -> int | None:
    if isinstance(raw, bool):
        raise ValueProblem("intake.not_whole")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise ValueProblem("intake.not_whole")
    text = parse_text(raw)
    if text is None:
        return None
    match = _WHOLE.match(text)
    if match is None:
        raise ValueProblem("intake.not_whole")
    return int(match.group(1))


_ACTIVE_WORDS = frozenset({"активен", "активна", "активный", "активная", "active", "действует",
                           "действующий", "действующая", "работает"})  # fmt: skip
_INACTIVE_WORDS = frozenset({"неактивен", "неактивна", "неактивный", "неактивная", "inactive",
                             "выбыл", "выбыла", "архив", "уволен", "уволена"})  # fmt: skip


def _active(raw: object, _: TopicIndex) -> bool | None:
    if is_empty(raw):
        return None
    words = fold(str(raw)).split() if not isinstance(raw, bool | int | float) else []
    if words and words[0] in _ACTIVE_WORDS:
        return True
    if words and words[0] in _INACTIVE_WORDS:
        return False
    try:
        return parse_consent(raw)
    except ValueProblem:
        raise ValueProblem("registry.invalid.active") from None


def _availability(raw: object, _: TopicIndex) -> str | None:
    text = parse_text(raw)
    if text is not None:
        try:
            parse_availability(text)
        except AvailabilityError as refusal:
            raise ValueProblem(refusal.key, **refusal.params) from None
    return text


PARSERS: dict[str, Callable[[object, TopicIndex], Any]] = {
    "full_name": _text,
    "organization": _text,
    "contact": _contact,
    "subjects": _text,
    "topics": _topics,
    "load_limit": _load,
    "availability": _availability,
    "active": _active,
}
