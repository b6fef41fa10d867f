"""The balanced assignment's solver: exact, within every expert's free slots, never a
forbidden pair, and never worse than taking the best pairs first."""

from __future__ import annotations

from itertools import product

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from plc_console.services.balancing import greedy_pairs, optimal_pairs

Instance = tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.int64]]


@st.composite
def instances(draw: st.DrawFn, max_requests: int = 12, max_experts: int = 6) -> Instance:
    requests = draw(st.integers(0, max_requests))
    experts = draw(st.integers(0, max_experts))
    # Scores as the matching gives them: 0..100 with one decimal, many ties.
    tenths = st.integers(0, 1000) | st.sampled_from([250, 450, 700])
    scores = (
        np.array(
            draw(st.lists(tenths, min_size=requests * experts, max_size=requests * experts)),
            np.float64,
        ).reshape(requests, experts)
        / 10
    )
    allowed = np.array(
        draw(st.lists(st.booleans(), min_size=requests * experts, max_size=requests * experts)),
        np.bool_,
    ).reshape(requests, experts)
    capacity = np.array(
        draw(st.lists(st.integers(0, 3), min_size=experts, max_size=experts)), np.int64
    )
    return scores, allowed, capacity


def _total(scores: NDArray[np.float64], pairs: list[tuple[int, int]]) -> float:
    return float(sum(scores[r, e] for r, e in pairs))


def _check_feasible(instance: Instance, pairs: list[tuple[int, int]]) -> None:
    scores, allowed, capacity = instance
    rows = [r for r, _ in pairs]
    assert len(rows) == len(set(rows)), "a request got two experts"
    assert all(allowed[r, e] for r, e in pairs), "a forbidden pair was proposed"
    taken = np.bincount([e for _, e in pairs], minlength=len(capacity))
    assert (taken <= capacity).all(), "an expert got more than their free slots"


@settings(max_examples=300, deadline=None)
@given(instances())
def test_the_optimum_is_feasible_and_never_below_greedy(instance: Instance) -> None:
    scores, allowed, capacity = instance
    best = optimal_pairs(scores, allowed, capacity)
    greedy = greedy_pairs(scores, allowed, capacity)
    _check_feasible(instance, best)
    _check_feasible(instance, greedy)
    assert _total(scores, best) >= _total(scores, greedy) - 1e-9
    assert best == sorted(best)


def _brute_force(instance: Instance) -> float:
    scores, allowed, capacity = instance
    requests, experts = scores.shape
    best = 0.0
    for choice in product(range(-1, experts), repeat=requests):
        taken = np.zeros(experts, np.int64)
        total = 0.0
        for request, expert in enumerate(choice):
            if expert < 0:
                continue
            if not allowed[request, expert]:
                break
            taken[expert] += 1
            total += scores[request, expert]
        else:
            if (taken <= capacity).all():
                best = max(best, total)
    return best


@settings(max_examples=200, deadline=None)
@given(instances(max_requests=4, max_experts=3))
def test_the_optimum_is_the_best_total_of_all_assignments(instance: Instance) -> None:
    scores, allowed, capacity = instance
    best = optimal_pairs(scores, allowed, capacity)
    assert abs(_total(scores, best) - _brute_force(instance)) < 1e-6


def test_the_optimum_gives_up_a_best_pair_when_two_good_pairs_score_more() -> None:
    # Request 0 fits both experts, request 1 only the first. Greedy takes the best pair
    # (0 with the first) and leaves request 1 without anyone.
    scores = np.array([[90.0, 80.0], [70.0, 0.0]])
    allowed = np.array([[True, True], [True, False]])
    capacity = np.array([1, 1])
    assert greedy_pairs(scores, allowed, capacity) == [(0, 0)]
    assert optimal_pairs(scores, allowed, capacity) == [(0, 1), (1, 0)]


def test_more_pairs_never_beat_a_better_total() -> None:
    # Solving with a prohibitive cost for forbidden pairs would prefer two weak pairs (2.0)
    # to one strong one (100.0).
    scores = np.array([[100.0, 1.0], [1.0, 0.0]])
    allowed = np.array([[True, True], [True, False]])
    capacity = np.array([1, 1])
    assert optimal_pairs(scores, allowed, capacity) == [(0, 0)]


def test_an_expert_with_several_free_slots_takes_several_requests() -> None:
    scores = np.array([[60.0, 10.0], [55.0, 10.0], [50.0, 10.0]])
    allowed = np.ones((3, 2), np.bool_)
    assert optimal_pairs(scores, allowed, np.array([2, 5])) == [(0, 0), (1, 0), (2, 1)]
    assert optimal_pairs(scores, allowed, np.array([0, 0])) == []
