"""The board's reads and writes, as plain functions the screen's thread workers call.

Each takes a fresh session (or the session factory, for writes that commit) and returns
the message the worker posts, so the screen holds only the UI side of each exchange.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from plc_console.domain import PlcError, Stage
from plc_console.services.board import (
    Card,
    change_token,
    column_counts,
    column_window,
    wip_limits,
)
from plc_console.services.requests import close_request, find_request_id, move_request
from plc_console.tui.messages import (
    BoardQuery,
    BoardRead,
    CardMoved,
    ColumnRead,
    MoveRefused,
    WindowRead,
)
from plc_console.tui.screens.dialogs import CloseDecision


def read_board(
    session: Session,
    query: BoardQuery,
    windows: Mapping[Stage, tuple[int, int]],
    now: datetime,
) -> BoardRead:
    """The change token first, then every count, the WIP limits and the asked windows."""
    token = change_token(session)
    counts = column_counts(session, query.flt, now=now)
    limits = wip_limits(session)
    columns = {
        stage: ColumnRead(offset, read_cards(session, query, stage, offset, limit, now))
        for stage, (offset, limit) in windows.items()
    }
    return BoardRead(query, token, counts, limits, columns)


def read_cards(
    session: Session, query: BoardQuery, stage: Stage, offset: int, limit: int, now: datetime
) -> tuple[Card, ...]:
    flt, order = query.flt, query.order
    return tuple(
        column_window(session, stage, flt, order=order, offset=offset, limit=limit, now=now)
    )


def read_window(
    session: Session,
    query: BoardQuery,
    stage: Stage,
    epoch: int,
    offset: int,
    limit: int,
    now: datetime,
) -> WindowRead:
    cards = read_cards(session, query, stage, offset, limit, now)
    return WindowRead(query, stage, epoch, offset, cards)


def save_move(
    sessions: sessionmaker[Session],
    card: Card,
    target: Stage,
    note: str | None,
    *,
    actor: str,
    now: datetime,
) -> CardMoved | MoveRefused:
    """Move and commit; a refusal (stale card, a stage rule) comes back, not raised."""
    try:
        with sessions.begin() as session:
            move_request(session, card.id, card.version, target, actor=actor, note=note, now=now)
    except PlcError as error:
        return MoveRefused(card, target, error)
    return CardMoved(card, target)


def save_close(
    sessions: sessionmaker[Session],
    card: Card,
    decision: CloseDecision,
    *,
    actor: str,
    now: datetime,
) -> CardMoved | MoveRefused:
    """Close early and commit; the kept request is found by its number or id first."""
    try:
        with sessions.begin() as session:
            kept = find_request_id(session, decision.kept) if decision.kept else None
            close_request(
                session,
                card.id,
                card.version,
                decision.reason,
                actor=actor,
                duplicate_of=kept,
                note=decision.note,
                now=now,
            )
    except PlcError as error:  # stale card, a rule, no such kept request
        return MoveRefused(card, None, error)
    return CardMoved(card, None)
