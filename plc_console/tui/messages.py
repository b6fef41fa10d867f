"""Messages that carry data from database workers back to the screens.

Workers run in threads and post these; handlers run on the UI thread and only ever
see plain, frozen data from the services.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.message import Message

from plc_console.domain import PlcError, Stage
from plc_console.services.board import BoardFilter, Card, CardOrder
from plc_console.services.views import ExpertView, RequestDetail, TopicView

# --- the board -------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardQuery:
    """What every board read is for: the filter and the order (search/filters set these)."""

    flt: BoardFilter
    order: CardOrder


@dataclass(frozen=True)
class ColumnRead:
    """The cards of one column from ``offset`` (a few chunks around what is on screen)."""

    offset: int
    cards: tuple[Card, ...]


@dataclass
class BoardRead(Message):
    """Counts and WIP limits of every column, and fresh cards of some columns."""

    query: BoardQuery
    #: The change token read before anything else: a later change shows up as a new one.
    token: int
    counts: Mapping[Stage, int]
    limits: Mapping[Stage, int]
    columns: Mapping[Stage, ColumnRead]


@dataclass
class WindowRead(Message):
    """A chunk of one column that scrolled into sight."""

    query: BoardQuery
    stage: Stage
    epoch: int
    offset: int
    cards: tuple[Card, ...]


@dataclass
class ChangeTokenRead(Message):
    """The poll's answer: the newest change's token."""

    token: int


@dataclass
class CardMoved(Message):
    """A move (or an early close) was saved; ``target`` is None for a close."""

    card: Card
    target: Stage | None


@dataclass
class MoveRefused(Message):
    """A move (or close) the services refused: stale card, a rule, a missing request."""

    card: Card
    target: Stage | None
    error: PlcError


@dataclass
class ChoicesRead(Message):
    """Topics and experts to filter by, with their names for the filter line."""

    topics: tuple[TopicView, ...]
    experts: tuple[ExpertView, ...]


@dataclass
class DetailRead(Message):
    """One request with every field, read to be edited."""

    detail: RequestDetail


@dataclass
class LimitSaved(Message):
    """A column's WIP limit was changed (None: removed)."""

    stage: Stage
    limit: int | None
