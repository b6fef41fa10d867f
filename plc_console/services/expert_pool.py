"""The expert registry side by side as arrays, for scoring many experts at once; pure.

Position ``i`` of every array is one expert. Text is compared the way people write it:
a full name case, ё/е and spacing aside; a phone or e-mail case, spaces, dashes and
brackets aside; a subject as one item of a ``,``/``;`` list. Rather than normalise every
expert's text in Python on each read (milliseconds per thousand experts), a text column
is joined into one string and searched with a regular expression built from the one
value sought, at C speed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property, lru_cache
from itertools import chain
from operator import itemgetter

import numpy as np
from numpy.typing import NDArray

from plc_console.domain import fold_for_search

#: An expert as read: id, full name, organization, contact, subjects, load limit,
#: availability, active.
ExpertRow = tuple[int, str, str | None, str | None, str | None, int, str | None, bool]

_CONTACT_NOISE = str.maketrans("", "", " \t\r\n\u00a0-()")
#: What an assignment's request is for the expert's work: open (load), Done, closed early.
OPEN, DONE, CLOSED = 0, 1, 2
_SEPARATOR = "\x00"  # between the values of a joined column: no one types it


def person_key(name: str) -> str:
    """A full name as compared: case, ё/е and spacing aside."""
    return fold_for_search(name)


def contact_key(contact: str | None) -> str:
    """A phone or e-mail as compared: case, spaces, dashes and brackets aside."""
    return (contact or "").translate(_CONTACT_NOISE).casefold()


def subject_items(subjects: str | None) -> tuple[str, ...]:
    """The subjects of a ``,``/``;`` separated list, each folded like :func:`person_key`."""
    if not subjects:
        return ()
    return tuple(dict.fromkeys(s for s in map(fold_for_search, re.split(r"[,;]", subjects)) if s))


def _letters(folded: str) -> str:
    """A regular expression for folded words, whatever their case, ё or spacing."""
    return r"\s+".join(
        "".join("[её]" if c in "её" else re.escape(c) for c in word) for word in folded.split()
    )


@lru_cache(maxsize=1024)
def _name_pattern(key: str) -> re.Pattern[str]:
    return re.compile(rf"\x00\s*{_letters(key)}\s*(?=\x00)", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _contact_pattern(key: str) -> re.Pattern[str]:
    noise = r"[\s\-()]*"
    body = noise.join(re.escape(c) for c in key)
    return re.compile(rf"\x00{noise}{body}{noise}(?=\x00)", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _subject_pattern(item: str) -> re.Pattern[str]:
    return re.compile(rf"[\x00,;]\s*{_letters(item)}\s*(?=[\x00,;])", re.IGNORECASE)


class _TextColumn:
    """A text column joined into one string, and which value a match position falls in."""

    def __init__(self, values: Sequence[str | None]) -> None:
        texts = [value or "" for value in values]
        self.text = _SEPARATOR + _SEPARATOR.join(texts) + _SEPARATOR
        lengths = np.fromiter(map(len, texts), np.int64, len(texts)) + 1
        self.starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))

    def find(self, pattern: re.Pattern[str]) -> NDArray[np.intp]:
        """The positions of the values the pattern matches (in order, possibly repeated)."""
        found = [match.start() for match in pattern.finditer(self.text)]
        if not found:
            return np.zeros(0, np.intp)
        return np.searchsorted(self.starts, found, side="right") - 1


class ExpertPool:
    """Every expert side by side (position ``i`` is one expert, in id order).

    ``work`` lists the requests each expert is assigned to as (expert id, :data:`OPEN`,
    :data:`DONE` or :data:`CLOSED`); ``competences`` the (expert id, topic id) pairs
    for the topics in ``topic_ids``, which are the columns of :attr:`topics`.
    """

    def __init__(
        self,
        experts: Sequence[ExpertRow],
        work: Sequence[tuple[int, int]],
        competences: Sequence[tuple[int, int]],
        topic_ids: Sequence[int],
    ) -> None:
        rows = sorted(experts, key=itemgetter(0))
        count = len(rows)
        columns = list(zip(*rows, strict=True)) if rows else [()] * 8
        self.ids: NDArray[np.int64] = np.array(columns[0], np.int64)
        self.names: Sequence[str] = columns[1]
        self.organizations: Sequence[str | None] = columns[2]
        self.contacts: Sequence[str | None] = columns[3]
        self.subjects: Sequence[str | None] = columns[4]
        self.limit: NDArray[np.int64] = np.array(columns[5], np.int64)
        self.availability: Sequence[str | None] = columns[6]
        self.active: NDArray[np.bool_] = np.array(columns[7], np.bool_)
        self.load, self.done, self.finished = self._work(work, count)
        self.topic_ids = tuple(topic_ids)
        self.topics = np.zeros((count, len(self.topic_ids)), np.bool_)
        if competences and self.topic_ids:
            links = np.array(competences, np.int64)
            known_topics = np.array(self.topic_ids, np.int64)
            order = np.argsort(known_topics)
            slot = np.minimum(np.searchsorted(known_topics[order], links[:, 1]), len(order) - 1)
            wanted = known_topics[order][slot] == links[:, 1]
            where, known = self.positions(links[wanted, 0])
            self.topics[where, order[slot[wanted][known]]] = True
        # The parts of the score that do not depend on the request.
        free = np.clip(self.limit - self.load, 0, None)
        self.load_points = free / np.maximum(self.limit, 1)
        self.record_points = np.where(
            self.finished > 0, self.done / np.maximum(self.finished, 1), 0.5
        )
        self.has_availability = np.array(
            [bool(a and not a.isspace()) for a in self.availability], np.bool_
        )

    def _work(
        self, work: Sequence[tuple[int, int]], count: int
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
        """Open requests (load), Done ones, and finished ones (Done or closed) per expert."""
        if not work or not count:
            return np.zeros(count, np.int64), np.zeros(count, np.int64), np.zeros(count, np.int64)
        flat = np.fromiter(chain.from_iterable(work), np.int64, 2 * len(work)).reshape(-1, 2)
        where, known = self.positions(flat[:, 0])
        kind = flat[known, 1]

        def per_expert(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
            return np.bincount(where[mask], minlength=count).astype(np.int64)

        return per_expert(kind == OPEN), per_expert(kind == DONE), per_expert(kind != OPEN)

    def __len__(self) -> int:
        return len(self.ids)

    def positions(
        self, expert_ids: NDArray[np.int64]
    ) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
        """Where these experts sit, and which of the ids are in the pool at all."""
        count = len(self.ids)
        if not count:
            return np.zeros(0, np.intp), np.zeros(len(expert_ids), np.bool_)
        first = int(self.ids[0])
        if int(self.ids[-1]) - first + 1 == count:  # ids without gaps: no search needed
            offset = expert_ids - first
            known = (offset >= 0) & (offset < count)
            return offset[known].astype(np.intp), known
        where = np.minimum(np.searchsorted(self.ids, expert_ids), count - 1)
        known = self.ids[where] == expert_ids
        return where[known], known

    @cached_property
    def _name_column(self) -> _TextColumn:
        return _TextColumn(self.names)

    @cached_property
    def _contact_column(self) -> _TextColumn:
        return _TextColumn(self.contacts)

    @cached_property
    def _subject_column(self) -> _TextColumn:
        return _TextColumn(self.subjects)

    @cached_property
    def name_array(self) -> NDArray[np.str_]:
        """The names as an array, for sorting ties by name."""
        return np.array(self.names, dtype=np.str_) if self.names else np.zeros(0, np.str_)

    def requester_positions(self, name: str, contact: str | None) -> NDArray[np.intp]:
        """The experts who are this person: the same contact, or the same full name."""
        found = [self._name_column.find(_name_pattern(person_key(name)))] if name.strip() else []
        key = contact_key(contact)
        if key:
            found.append(self._contact_column.find(_contact_pattern(key)))
        return np.concatenate(found) if found else np.zeros(0, np.intp)

    def subject_matrix(self, subjects: Sequence[str | None]) -> NDArray[np.bool_]:
        """Row ``i``: the experts among whose subjects ``subjects[i]`` is."""
        matrix = np.zeros((len(subjects), len(self)), np.bool_)
        rows: dict[str, list[int]] = {}
        for row, subject in enumerate(subjects):
            for item in subject_items(subject):
                rows.setdefault(item, []).append(row)
        for item, wanted in rows.items():
            found = self._subject_column.find(_subject_pattern(item))
            if len(found):
                matrix[np.ix_(np.array(wanted, np.intp), found)] = True
        return matrix

    def topic_rows(self, topic_lists: Sequence[Sequence[int]]) -> NDArray[np.float32]:
        """Row ``i``: which of the pool's topic columns ``topic_lists[i]`` has (1.0 or 0.0)."""
        column = {topic: n for n, topic in enumerate(self.topic_ids)}
        rows = np.zeros((len(topic_lists), len(self.topic_ids)), np.float32)
        for i, topics in enumerate(topic_lists):
            for topic in topics:
                if topic in column:
                    rows[i, column[topic]] = 1.0
        return rows
