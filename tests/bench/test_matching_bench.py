"""Expert matching at scale (SQLite): ranking a 10,000-expert registry for one request,
and a balanced proposal for 1,000 triage requests and 500 experts.

Targets from the issue: a ranking under 50 ms including the database reads, a proposal
under 3 s. Each database is built once per session in a temporary folder by bulk inserts
(experts with competences and subjects, requests at every stage, and assignments that
give the experts loads and track records). Run with ``python -m pytest -m bench -n 0
tests/bench/test_matching_bench.py -p no:cacheprovider -s``: the figures, and the exact
proposal's total against the greedy one, are printed and kept in ``extra_info``.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy import select

from plc_console.db.bulk import Same, insert_columns
from plc_console.db.models import (
    Assignment,
    Expert,
    Person,
    Request,
    Topic,
    expert_topics,
    request_topics,
)
from plc_console.domain import BOARD_STAGES, Channel, Role, Stage, request_number
from plc_console.services.assignments import Proposal, propose_balanced, rank_experts
from plc_console.services.database import Database, open_database
from plc_console.tui.screens.matching import PANEL_SHOWS
from tests.conftest import NOW

pytestmark = pytest.mark.bench

T = TypeVar("T")

RANK_TARGET = 0.050
PROPOSAL_TARGET = 3.0

_SUBJECTS = [
    "математика", "русский язык", "литература", "история", "физика", "химия", "биология",
    "английский язык", "информатика", "начальные классы", "технология", "физическая культура",
]  # fmt: skip
_TIMES = ["пн, ср после 15:00", "вт, чт", "онлайн", "по согласованию", "сб 10:00–13:00"]


def build(
    path: Path, *, experts: int, requests: int, at_triage: int, seed: int, topics_per: int = 3
) -> Database:
    """A database with ``experts`` experts and ``requests`` requests, ``at_triage`` of them
    at triage without an expert; the others spread over the stages, most with an expert."""
    rng = random.Random(seed)
    database = open_database(f"sqlite:///{path}")
    with database.engine.begin() as connection:
        topic_ids = list(connection.execute(select(Topic.id)).scalars())
        limits = [rng.choice([1, 2, 2, 3, 3, 3, 4, 5]) for _ in range(experts)]
        subjects = [", ".join(rng.sample(_SUBJECTS, rng.randint(0, 2))) for _ in range(experts)]
        times = [rng.choice(_TIMES) if rng.random() < 0.7 else None for _ in range(experts)]
        insert_columns(
            connection,
            Expert.__table__,  # type: ignore[arg-type]
            {
                "id": range(1, experts + 1),
                "full_name": [f"Эксперт {rng.choice('АБВГДЕЖЗИК')}{n:05d}" for n in range(experts)],
                "organization": [f"МБОУ СОШ № {rng.randint(1, 60)}" for _ in range(experts)],
                "contact": [f"+7 912 {n // 10000:03d}-{n % 10000:04d}" for n in range(experts)],
                "subjects": [s or None for s in subjects],
                "load_limit": limits,
                "availability": times,
                "active": [rng.random() > 0.08 for _ in range(experts)],
            },
        )
        links = [
            (e, t)
            for e in range(1, experts + 1)
            for t in rng.sample(topic_ids, rng.randint(1, topics_per))
        ]
        insert_columns(
            connection,
            expert_topics,
            {"expert_id": [e for e, _ in links], "topic_id": [t for _, t in links]},
        )
        people = max(requests // 3, 1)
        insert_columns(
            connection,
            Person.__table__,  # type: ignore[arg-type]
            {
                "id": range(1, people + 1),
                "full_name": [f"Учитель {n}" for n in range(people)],
                "role": Same(Role.TEACHER),
                "contact": [f"+7 900 {n:07d}" for n in range(people)],
                "subject": [rng.choice([*_SUBJECTS, None]) for _ in range(people)],
                "consent_given": Same(True),
                "created_at": Same(NOW),
            },
        )
        others = [s for s in (*BOARD_STAGES, Stage.CLOSED) if s.order > Stage.TRIAGE.order]
        stages = [Stage.TRIAGE] * at_triage + [
            rng.choice(others) for _ in range(requests - at_triage)
        ]
        insert_columns(
            connection,
            Request.__table__,  # type: ignore[arg-type]
            {
                "id": range(1, requests + 1),
                "number": [request_number(2026, n) for n in range(1, requests + 1)],
                "person_id": [rng.randint(1, people) for _ in range(requests)],
                "received_on": Same(NOW.date()),
                "channel": Same(Channel.BOX),
                "problem": Same("Ученики не хотят работать на уроке, родители не отвечают."),
                "stage": stages,
                "stage_since": Same(NOW),
                "created_at": Same(NOW),
                "updated_at": Same(NOW),
                "version": Same(1),
            },
            repeating=frozenset({"stage"}),
        )
        asked = [
            (r, t) for r in range(1, requests + 1) for t in rng.sample(topic_ids, rng.randint(1, 3))
        ]
        insert_columns(
            connection,
            request_topics,
            {"request_id": [r for r, _ in asked], "topic_id": [t for _, t in asked]},
        )  # fmt: skip
        # Most requests past triage have an expert, within each expert's limit when open.
        room = dict(enumerate(limits, start=1))
        pairs = []
        for request_id, stage in enumerate(stages, start=1):
            if request_id <= at_triage or rng.random() < 0.2:
                continue
            expert_id = rng.randint(1, experts)
            if not stage.is_terminal:
                if room[expert_id] <= 0:
                    continue
                room[expert_id] -= 1
            pairs.append((request_id, expert_id))
        insert_columns(
            connection,
            Assignment.__table__,  # type: ignore[arg-type]
            {
                "request_id": [r for r, _ in pairs],
                "expert_id": [e for _, e in pairs],
                "assigned_at": Same(NOW),
                "assigned_by": Same("bench"),
            },
        )
    with database.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    return database


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """10,000 experts, 30,000 requests (100 at triage without an expert)."""
    path = tmp_path_factory.mktemp("matching") / "registry.sqlite3"
    database = build(path, experts=10_000, requests=30_000, at_triage=100, seed=5)
    try:
        yield database
    finally:
        database.engine.dispose()


@pytest.fixture(scope="module")
def triage_column(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """500 experts, 1,000 triage requests without an expert among 2,500 requests."""
    path = tmp_path_factory.mktemp("matching") / "column.sqlite3"
    database = build(path, experts=500, requests=2_500, at_triage=1_000, seed=7)
    try:
        yield database
    finally:
        database.engine.dispose()


class _CpuClock:
    """The CPU time of each round, beside pytest-benchmark's wall time: on a shared
    machine the wall time also counts the waits for a CPU, the CPU time only our work."""

    def __init__(self) -> None:
        self.rounds: list[float] = []

    def timed(self, work: Callable[[], T]) -> Callable[[], T]:
        def run() -> T:
            started = time.thread_time()
            try:
                return work()
            finally:
                self.rounds.append(time.thread_time() - started)

        return run


def _report(benchmark: BenchmarkFixture, name: str, target: float | None, cpu: _CpuClock) -> None:
    """Print and record the figures; the median wall time must meet the target, if any."""
    assert benchmark.stats is not None
    stats = benchmark.stats.stats
    cpu_median = statistics.median(cpu.rounds)
    benchmark.extra_info["cpu_median_ms"] = round(cpu_median * 1000, 1)
    if target is not None:
        benchmark.extra_info["target_share"] = round(stats.median / target, 2)
    aim = f"target {target * 1000:.0f} ms" if target is not None else "no target"
    print(
        f"\n{name}: wall median {stats.median * 1000:.1f} ms (mean {stats.mean * 1000:.1f},"
        f" min {stats.min * 1000:.1f}, max {stats.max * 1000:.1f}); CPU median"
        f" {cpu_median * 1000:.1f} ms; {aim};"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    if target is not None:
        assert stats.median < target


@pytest.mark.parametrize("limit", [PANEL_SHOWS, None], ids=["as-the-panel-asks", "all-built"])
def test_rank_ten_thousand_experts(
    benchmark: BenchmarkFixture, registry: Database, limit: int | None
) -> None:
    """One request's ranking, as the matching panel asks for it (every expert scored and
    ordered, the best hundred and the assigned built): a fresh read each time. Building
    all ten thousand candidates is measured too, for comparison, without a target."""
    request_ids = list(range(1, 101))
    turn = iter(request_ids * 100)

    def rank_one() -> int:
        with registry.sessions() as session:
            return len(rank_experts(session, next(turn), limit=limit, lang="ru"))

    cpu = _CpuClock()
    ranked = benchmark.pedantic(cpu.timed(rank_one), rounds=60, iterations=1, warmup_rounds=3)  # type: ignore[no-untyped-call]
    assert ranked == (limit or 10_000)
    name = f"rank 10,000 experts ({'all' if limit is None else f'first {limit}'})"
    _report(benchmark, name, RANK_TARGET if limit else None, cpu)


def test_balanced_proposal(benchmark: BenchmarkFixture, triage_column: Database) -> None:
    def propose() -> Proposal:
        with triage_column.sessions() as session:
            return propose_balanced(session)

    cpu = _CpuClock()
    proposal: Proposal = benchmark.pedantic(cpu.timed(propose), rounds=3, iterations=1)  # type: ignore[no-untyped-call]
    assert proposal.requests == 1_000
    assert proposal.total_score >= proposal.greedy_total
    gain = proposal.total_score - proposal.greedy_total
    benchmark.extra_info |= {
        "pairs": len(proposal.pairs),
        "unmatched": len(proposal.unmatched),
        "experts_with_room": proposal.experts,
        "optimal_total": proposal.total_score,
        "greedy_total": proposal.greedy_total,
    }
    print(
        f"\nproposal: {proposal.requests} requests, {proposal.experts} experts with room,"
        f" {len(proposal.pairs)} pairs, {len(proposal.unmatched)} unmatched;"
        f" optimal total {proposal.total_score:.1f} vs greedy {proposal.greedy_total:.1f}"
        f" (+{gain:.1f}, {100 * gain / max(proposal.greedy_total, 1):.2f} %)"
    )
    _report(benchmark, "balanced proposal (1,000 requests × 500 experts)", PROPOSAL_TARGET, cpu)


def test_first_ranking_in_a_fresh_process_loads_no_scipy() -> None:
    """The console starts fast: ranking needs numpy, never scipy."""
    code = (
        "import sys, plc_console.services.assignments, plc_console.cli.main;"
        "print('scipy' in sys.modules)"
    )
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    print(f"\nimporting the services and the CLI: {time.perf_counter() - started:.2f} s")
    assert out.stdout.strip() == "False"
