"""How fast the board's data comes back over 100,000 requests (SQLite).

Targets from the issue: a search or filter keystroke shows results within 150 ms (the
column counts and the eight first windows together), a move within 100 ms. Run with
``pytest -m bench -n 0 tests/bench``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy import select
from sqlalchemy.orm import Session

from plc_console.db.models import Request
from plc_console.domain import BOARD_STAGES, Category, Stage
from plc_console.services import board
from plc_console.services import requests as rq
from plc_console.services.board import BoardFilter, CardOrder
from tests.conftest import NOW

pytestmark = pytest.mark.bench

PAGE = 40
EMPTY = BoardFilter()


def _board(session: Session, flt: BoardFilter) -> int:
    """What one keystroke asks for: every count and the first page of every column."""
    counts = board.column_counts(session, flt, now=NOW)
    shown = 0
    for stage in BOARD_STAGES:
        shown += len(
            board.column_window(
                session, stage, flt, order=CardOrder.RED_FIRST, offset=0, limit=PAGE, now=NOW
            )
        )
    assert sum(counts.values()) >= shown
    return shown


def test_column_counts(benchmark: BenchmarkFixture, bench_session: Session) -> None:
    counts = benchmark(board.column_counts, bench_session, EMPTY, now=NOW)
    assert sum(counts.values()) > 80_000


@pytest.mark.parametrize("stage", BOARD_STAGES, ids=[s.value for s in BOARD_STAGES])
def test_first_window_red_first(
    benchmark: BenchmarkFixture, bench_session: Session, stage: Stage
) -> None:
    cards = benchmark(
        board.column_window,
        bench_session,
        stage,
        EMPTY,
        order=CardOrder.RED_FIRST,
        offset=0,
        limit=PAGE,
        now=NOW,
    )
    assert len(cards) == PAGE


@pytest.mark.parametrize("order", list(CardOrder), ids=[o.value for o in CardOrder])
def test_deep_window_in_done(
    benchmark: BenchmarkFixture, bench_session: Session, order: CardOrder
) -> None:
    cards = benchmark(
        board.column_window,
        bench_session,
        Stage.DONE,
        EMPTY,
        order=order,
        offset=20_000,
        limit=PAGE,
        now=NOW,
    )
    assert len(cards) == PAGE


def test_search_keystroke(benchmark: BenchmarkFixture, bench_session: Session) -> None:
    shown = benchmark(_board, bench_session, BoardFilter(search="родител"))
    assert shown > 0


def test_filter_keystroke(benchmark: BenchmarkFixture, bench_session: Session) -> None:
    flt = BoardFilter(young_teachers_only=True, categories=frozenset({Category.MOTIVATIONAL}))
    assert benchmark(_board, bench_session, flt) > 0


def test_unfiltered_board(benchmark: BenchmarkFixture, bench_session: Session) -> None:
    assert benchmark(_board, bench_session, EMPTY) > 0


@pytest.fixture
def movable(bench_session: Session) -> Iterator[list[tuple[int, int]]]:
    """Cards at scheduled, ready to move to preparation: one per benchmark round."""
    rows = bench_session.execute(
        select(Request.id, Request.version)
        .where(Request.stage == Stage.SCHEDULED)
        .order_by(Request.id)
        .limit(500)
    ).all()
    bench_session.rollback()
    yield [(row.id, row.version) for row in rows]


def test_move_a_card(
    benchmark: BenchmarkFixture, bench_session: Session, movable: list[tuple[int, int]]
) -> None:
    """The data part of "key press to repainted board": move, commit, read the card back."""
    queue = iter(movable)

    def move() -> board.Card:
        request_id, version = next(queue)
        rq.move_request(
            bench_session, request_id, version, Stage.PREPARATION, actor="bench", now=NOW
        )
        bench_session.commit()
        return board.get_card(bench_session, request_id, now=NOW)

    card = benchmark.pedantic(move, rounds=200, iterations=1, warmup_rounds=5)  # type: ignore[no-untyped-call]
    assert card.stage is Stage.PREPARATION


def test_change_token(benchmark: BenchmarkFixture, bench_session: Session) -> None:
    assert benchmark(board.change_token, bench_session) > 200_000
