"""Which experts fit a request, how well, and why: pure scoring, no I/O.

Each expert gets a score from 0 to 100 (one decimal), the sum of five parts:

==================  ======  =========================================================
part                points  earned by
==================  ======  =========================================================
topics in common      50    the share of the request's topics among the expert's
                            competences; a request without topics yet gives 0 to all
subject               20    the requester's subject (teachers) among the expert's
                            subjects, compared case-insensitively, ``,``/``;`` lists
load                  15    the share of the expert's load limit still free
track record          10    the share of the expert's finished requests (Done or
                            closed early) that reached Done; none finished yet: 5,
                            a neutral start
availability           5    the expert has said when they can work (any text)
==================  ======  =========================================================

Every candidate also carries one :class:`Reason` per part, in that order, so the
screen can say *why* in words. Hard exclusions (the expert is the requester, is
inactive, or already works on as many open requests as their limit allows) grey a
candidate out whatever the score; an expert already assigned to the request is never
excluded for load. Ranking: eligible candidates by score (ties by name), then the
excluded ones by score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from plc_console.services.expert_pool import (
    ExpertPool,
    ExpertRow,
    contact_key,
    person_key,
)

__all__ = [
    "Candidate",
    "ExpertPool",
    "ExpertRow",
    "Need",
    "Reason",
    "Scores",
    "contact_key",
    "person_key",
    "rank",
    "reasons_for",
    "score_need",
    "total_score",
]

#: The parts' weights: they add up to 100.
TOPICS, SUBJECT, LOAD, RECORD, AVAILABILITY = 50.0, 20.0, 15.0, 10.0, 5.0

#: Exclusion codes of :attr:`Scores.excluded`; when several apply, the first one is given.
ELIGIBLE, REQUESTER, INACTIVE, FULL = 0, 1, 2, 3
_NAMED_TOPICS = 62
_EXCLUSION_KEYS = {
    REQUESTER: "matching.excluded.requester",
    INACTIVE: "matching.excluded.inactive",
    FULL: "matching.excluded.full",
}


@dataclass(frozen=True)
class Reason:
    """One reason in words: a message-catalog ``key`` and the ``params`` that fill it."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Candidate:
    """An expert as the matching panel shows them for one request."""

    expert_id: int
    full_name: str
    organization: str | None
    score: float  # 0..100, rounded to 1 decimal
    reasons: tuple[Reason, ...]  # topics, subject, load, availability, track record
    excluded: Reason | None  # a hard exclusion (greyed, cannot be picked) or None
    load: int  # open requests the expert works on now
    load_limit: int
    assigned: bool  # already assigned to this request


# --- the request's side ----------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """What a request asks of an expert, and who asked it."""

    request_id: int
    number: str
    topic_ids: tuple[int, ...]
    topic_names: tuple[str, ...]  # the same topics' names, in the reader's language
    requester_name: str
    requester_contact: str | None
    requester_subject: str | None
    assigned: frozenset[int] = frozenset()  # experts already assigned to it


# --- scoring ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Scores:
    """Every expert's score for one request, with what the reasons are made from."""

    score: NDArray[np.float64]
    common: NDArray[np.int64]  # topics in common
    # Bit i: the request's topic i is in common (a request has a handful of topics; the
    # first 62 are named in the reasons, all are counted).
    topic_codes: NDArray[np.int64]
    subject: NDArray[np.bool_]
    excluded: NDArray[np.int8]


def total_score(
    topic_points: NDArray[np.floating[Any]], subject: NDArray[np.bool_], pool: ExpertPool
) -> NDArray[np.float64]:
    """The score from its parts, for one request (a row of experts) or many (a matrix).

    One expression for both, so a pair scores the same in a ranking and in a proposal.
    """
    score = (
        topic_points
        + SUBJECT * subject
        + LOAD * pool.load_points
        + AVAILABILITY * pool.has_availability
        + RECORD * pool.record_points
    )
    return np.asarray(np.round(score, 1), np.float64)


def score_need(need: Need, pool: ExpertPool) -> Scores:
    """Score every expert of the pool for one request (vectorised: no loop per expert)."""
    count = len(pool)
    column = {topic: n for n, topic in enumerate(pool.topic_ids)}
    codes = np.zeros(count, np.int64)
    common = np.zeros(count, np.int64)
    for bit, topic in enumerate(need.topic_ids):
        if topic in column:
            has = pool.topics[:, column[topic]]
            common += has
            if bit < _NAMED_TOPICS:
                codes |= has.astype(np.int64) << bit
    total = len(need.topic_ids)
    subject = pool.subject_matrix([need.requester_subject])[0]
    score = total_score((TOPICS / total if total else 0.0) * common, subject, pool)
    assigned = np.isin(pool.ids, np.fromiter(need.assigned, np.int64, len(need.assigned)))
    excluded = np.full(count, ELIGIBLE, np.int8)
    excluded[(pool.load >= pool.limit) & ~assigned] = FULL
    excluded[~pool.active] = INACTIVE
    excluded[pool.requester_positions(need.requester_name, need.requester_contact)] = REQUESTER
    return Scores(score, common, codes, subject, excluded)


def rank(need: Need, pool: ExpertPool, *, limit: int | None = None) -> list[Candidate]:
    """The pool as candidates for ``need``: eligible by score (ties by name), then excluded.

    With ``limit``, only the first ``limit`` are built, and the experts already assigned
    to the request after them wherever they rank (a panel must show whom it can unassign).
    """
    if (limit is not None and limit <= 0) or not len(pool):
        return []
    scores = score_need(need, pool)
    # One integer orders both groups: excluded after eligible, then the higher score first.
    order_key = (scores.excluded > ELIGIBLE).astype(np.int64) * 2000 + (
        1000 - np.rint(scores.score * 10).astype(np.int64)
    )
    if limit is None or limit >= len(pool):
        chosen = np.arange(len(pool))
        names = pool.name_array[chosen]
        order = chosen[np.lexsort((pool.ids[chosen], names, order_key[chosen]))]
        return _Builder(need, pool).candidates(scores, order)
    cutoff = np.partition(order_key, limit - 1)[limit - 1]
    chosen = np.flatnonzero(order_key <= cutoff)  # with the ties at the cutoff
    names = pool.name_array[chosen]
    order = chosen[np.lexsort((pool.ids[chosen], names, order_key[chosen]))][:limit]
    if need.assigned:
        assigned = np.isin(pool.ids, np.fromiter(need.assigned, np.int64, len(need.assigned)))
        below = np.setdiff1d(np.flatnonzero(assigned), order)
        order = np.concatenate((order, below[np.argsort(order_key[below], kind="stable")]))
    return _Builder(need, pool).candidates(scores, order)


def reasons_for(
    need: Need, pool: ExpertPool, position: int, *, subject: bool
) -> tuple[Reason, ...]:
    """The five reasons for one expert's score, in the documented order; ``subject``: the
    requester's subject is among the expert's (as scoring found)."""
    column = {topic: n for n, topic in enumerate(pool.topic_ids)}
    code = sum(
        1 << bit
        for bit, topic in enumerate(need.topic_ids[:_NAMED_TOPICS])
        if topic in column and pool.topics[position, column[topic]]
    )
    return _Builder(need, pool).reasons(
        code,
        subject,
        int(pool.load[position]),
        int(pool.limit[position]),
        pool.availability[position],
        int(pool.done[position]),
        int(pool.finished[position]),
    )


_new, _set = object.__new__, object.__setattr__


class _Builder:
    """Builds one request's candidates. Experts share most reasons (the same load and
    limit, the same topics in common…): each distinct reason is built once."""

    def __init__(self, need: Need, pool: ExpertPool) -> None:
        self.need, self.pool = need, pool
        subject = " ".join((need.requester_subject or "").split())
        self.subject = (
            (
                Reason("matching.reason.subject_other", {"subject": subject}),
                Reason("matching.reason.subject", {"subject": subject}),
            )
            if subject
            else (_NO_SUBJECT, _NO_SUBJECT)
        )
        self.topics: dict[int, Reason] = {}
        self.loads: dict[tuple[int, int], Reason] = {}
        self.times: dict[str | None, Reason] = {}
        self.records: dict[tuple[int, int], Reason] = {}
        self.exclusions: dict[tuple[int, int, int], Reason | None] = {}

    def topic(self, code: int) -> Reason:
        found = self.topics.get(code)
        if found is None:
            need = self.need
            total = len(need.topic_ids)
            if not total:
                found = _NO_REQUEST_TOPICS
            elif code:
                names = tuple(n for bit, n in enumerate(need.topic_names) if code >> bit & 1)
                params = {"common": len(names), "total": total, "topics": names}
                found = Reason("matching.reason.topics", params)
            else:
                found = Reason("matching.reason.topics_none", {"total": total})
            self.topics[code] = found
        return found

    def load(self, load: int, limit: int) -> Reason:
        found = self.loads.get((load, limit))
        if found is None:
            found = Reason("matching.reason.load", {"load": load, "limit": limit})
            self.loads[load, limit] = found
        return found

    def availability(self, text: str | None) -> Reason:
        found = self.times.get(text)
        if found is None:
            times = text.strip() if text else ""
            found = (
                Reason("matching.reason.availability", {"availability": times})
                if times
                else _NO_AVAILABILITY
            )
            self.times[text] = found
        return found

    def record(self, done: int, finished: int) -> Reason:
        found = self.records.get((done, finished))
        if found is None:
            found = (
                Reason("matching.reason.record", {"done": done, "finished": finished})
                if finished
                else _NO_RECORD
            )
            self.records[done, finished] = found
        return found

    def exclusion(self, code: int, load: int, limit: int) -> Reason | None:
        if code == ELIGIBLE:
            return None
        key = (code, load, limit) if code == FULL else (code, 0, 0)
        if key not in self.exclusions:
            params = {"load": load, "limit": limit} if code == FULL else {}
            self.exclusions[key] = Reason(_EXCLUSION_KEYS[code], params)
        return self.exclusions[key]

    def reasons(
        self,
        code: int,
        subject: bool,
        load: int,
        limit: int,
        availability: str | None,
        done: int,
        finished: int,
    ) -> tuple[Reason, ...]:
        return (
            self.topic(code),
            self.subject[subject],
            self.load(load, limit),
            self.availability(availability),
            self.record(done, finished),
        )

    def candidates(self, scores: Scores, order: NDArray[np.intp]) -> list[Candidate]:
        """The candidates at these positions, in this order.

        Ten thousand are built in milliseconds: the columns become Python values once,
        the reasons come from the caches above, and each frozen candidate gets its fields
        in one dictionary (as ``copy.copy`` does) rather than one ``__setattr__`` each.
        The keys are the fields of :class:`Candidate`; a test compares the two.
        """
        pool = self.pool
        columns = (
            pool.ids[order].tolist(),
            scores.score[order].tolist(),
            scores.topic_codes[order].tolist(),
            scores.subject[order].tolist(),
            pool.load[order].tolist(),
            pool.limit[order].tolist(),
            pool.done[order].tolist(),
            pool.finished[order].tolist(),
            scores.excluded[order].tolist(),
            order.tolist(),
        )
        names, organizations, times = pool.names, pool.organizations, pool.availability
        assigned = self.need.assigned
        subjects = self.subject
        # Cache look-ups inline (a method call each would cost as much as the rest).
        topics, loads, availabilities = self.topics.get, self.loads.get, self.times.get
        records = self.records.get
        built = []
        for expert_id, score, code, subject, load, limit, done, finished, excluded, n in zip(
            *columns, strict=True
        ):
            text = times[n]
            candidate = _new(Candidate)
            _set(
                candidate,
                "__dict__",
                {
                    "expert_id": expert_id,
                    "full_name": names[n],
                    "organization": organizations[n],
                    "score": score,
                    "reasons": (
                        topics(code) or self.topic(code),
                        subjects[subject],
                        loads((load, limit)) or self.load(load, limit),
                        availabilities(text) or self.availability(text),
                        records((done, finished)) or self.record(done, finished),
                    ),
                    "excluded": self.exclusion(excluded, load, limit) if excluded else None,
                    "load": load,
                    "load_limit": limit,
                    "assigned": expert_id in assigned,
                },
            )
            built.append(candidate)
        return built


_NO_REQUEST_TOPICS = Reason("matching.reason.no_request_topics")
_NO_SUBJECT = Reason("matching.reason.subject_unknown")
_NO_AVAILABILITY = Reason("matching.reason.availability_unknown")
_NO_RECORD = Reason("matching.reason.record_none")
