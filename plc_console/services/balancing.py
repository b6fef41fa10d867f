"""A balanced assignment of many requests at once: pure computation, no I/O.

Every request gets at most one expert and every expert at most their free slots
(load limit minus open requests). The best total score is an assignment problem,
solved exactly by :func:`scipy.optimize.linear_sum_assignment`: each expert becomes
one column per free slot. A forbidden pair (an excluded expert, or no topic in common)
is given the value of leaving the request unmatched, zero, and dropped from the result.
(A *prohibitive* cost instead would make the solver prefer more pairs over a better
total: one request able to take a strong expert, another only the same expert weakly,
would then get the weak pair twice over rather than the strong one once.)

The greedy answer (best pairs first, while the request is free and the expert has room)
is computed too, to show what the exact solution gains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from plc_console.services.matching import TOPICS, ExpertPool, Need, total_score

Pairs = list[tuple[int, int]]  # (request row, expert position)


@dataclass(frozen=True, eq=False)
class PairScores:
    """Every request × expert pair: its score (as :func:`~.matching.score_need` gives it),
    whether it may be proposed, and whether the requester's subject is the expert's."""

    scores: NDArray[np.float64]
    allowed: NDArray[np.bool_]
    subject: NDArray[np.bool_]


def pair_scores(needs: Sequence[Need], pool: ExpertPool, *, min_topics: int = 1) -> PairScores:
    """Score every pair; a pair may be proposed when the expert is not excluded, has a free
    slot, and shares ``min_topics`` topics with the request."""
    rows, count = len(needs), len(pool)
    if rows == 0 or count == 0:
        empty = np.zeros((rows, count), np.bool_)
        return PairScores(np.zeros((rows, count)), empty, empty)
    wanted = pool.topic_rows([need.topic_ids for need in needs])
    common = wanted @ pool.topics.T.astype(np.float32)
    totals = np.array([len(need.topic_ids) for need in needs], np.float64)
    per_topic = np.divide(TOPICS, totals, out=np.zeros_like(totals), where=totals > 0)
    subject = pool.subject_matrix([need.requester_subject for need in needs])
    scores = total_score(per_topic[:, None] * common, subject, pool)
    free = pool.active & (pool.load < pool.limit)
    allowed = free[None, :] & (np.rint(common) >= min_topics)
    for row, need in enumerate(needs):
        allowed[row, pool.requester_positions(need.requester_name, need.requester_contact)] = False
    return PairScores(scores, allowed, subject)


def optimal_pairs(
    scores: NDArray[np.float64], allowed: NDArray[np.bool_], capacity: NDArray[np.int64]
) -> Pairs:
    """The allowed pairs of the highest total score, within each expert's ``capacity``.

    Pairs come in request order.
    """
    # Imported here: the console starts without loading scipy.
    from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

    rows = np.flatnonzero(allowed.any(axis=1))
    experts = np.flatnonzero(allowed.any(axis=0) & (capacity > 0))
    if len(rows) == 0 or len(experts) == 0:
        return []
    # An expert needs no more slots than there are requests they could take.
    slots = np.minimum(capacity[experts], allowed[np.ix_(rows, experts)].sum(axis=0))
    columns = np.repeat(experts, slots)
    sub_allowed = allowed[np.ix_(rows, columns)]
    value = np.where(sub_allowed, scores[np.ix_(rows, columns)], 0.0)
    picked_rows, picked_columns = linear_sum_assignment(value, maximize=True)
    keep = sub_allowed[picked_rows, picked_columns]
    pairs = zip(
        rows[picked_rows[keep]].tolist(), columns[picked_columns[keep]].tolist(), strict=True
    )
    return sorted(pairs)


def greedy_pairs(
    scores: NDArray[np.float64], allowed: NDArray[np.bool_], capacity: NDArray[np.int64]
) -> Pairs:
    """Best pairs first (ties: earlier request, then expert), taken while the request is
    free and the expert has room. Pairs come in request order."""
    request_rows, expert_columns = np.nonzero(allowed)
    if len(request_rows) == 0:
        return []
    values = scores[request_rows, expert_columns]
    order = np.lexsort((expert_columns, request_rows, -values))
    room = capacity.astype(np.int64).copy()
    free_requests = np.ones(scores.shape[0], np.bool_)
    left = int(free_requests.sum())
    pairs: Pairs = []
    for row, expert in zip(
        request_rows[order].tolist(), expert_columns[order].tolist(), strict=True
    ):
        if free_requests[row] and room[expert] > 0:
            free_requests[row] = False
            room[expert] -= 1
            pairs.append((row, expert))
            left -= 1
            if left == 0:
                break
    return sorted(pairs)
