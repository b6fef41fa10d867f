"""The data behind the Kanban board, loaded a window at a time.

A board over 100,000 requests cannot read them all: the UI asks for column counts and
for the few cards it shows, and polls :func:`change_token` to know when to ask again.
Fever-chart zones are computed in SQL (so "red first" and "only red" work over every
row) from cut-off datetimes derived here, in Python, from the same definitions as
:func:`plc_console.domain.buffer_status`: no dialect-specific date arithmetic.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.orm import Session

from plc_console.db.models import Event, Person, Request, Topic, request_topics
from plc_console.domain import (
    BOARD_STAGES,
    DEFAULT_PLANNED_DAYS,
    WORK_STAGES,
    YOUNG_TEACHER_MAX_YEARS,
    Category,
    Channel,
    FeverBands,
    Role,
    Stage,
    Zone,
    fold_for_search,
    is_young_teacher,
)
from plc_console.services.errors import InvalidInput, NotFound
from plc_console.services.meta import get_meta, set_meta

WIP_LIMITS_KEY = "wip_limits"
#: Columns that may carry a WIP limit: Done only grows, so it takes none.
WIP_STAGES: tuple[Stage, ...] = tuple(s for s in BOARD_STAGES if s is not Stage.DONE)

_ZONE_RANK = {Zone.RED: 0, Zone.YELLOW: 1, Zone.GREEN: 2}
_NO_ZONE_RANK = len(_ZONE_RANK)


class CardOrder(StrEnum):
    """How a column's cards are sorted."""

    OLDEST = "oldest"  # longest in the current stage first (stage_since ascending, then id)
    RED_FIRST = "red_first"  # red, yellow, green, then no zone; oldest first within


@dataclass(frozen=True)
class BoardFilter:
    """What the coordinator narrowed the board to; empty sets mean "any"."""

    search: str = ""
    categories: frozenset[Category] = frozenset()
    roles: frozenset[Role] = frozenset()
    topic_keys: frozenset[str] = frozenset()
    channels: frozenset[Channel] = frozenset()
    zones: frozenset[Zone] = frozenset()
    young_teachers_only: bool = False

    @property
    def words(self) -> list[str]:
        """The search split into folded words, each of which must match."""
        return fold_for_search(self.search).split()

    @property
    def is_empty(self) -> bool:
        return not (
            self.words
            or self.categories
            or self.roles
            or self.topic_keys
            or self.channels
            or self.zones
            or self.young_teachers_only
        )


@dataclass(frozen=True)
class Card:
    """One card on the board: plain data a screen keeps after the session closed."""

    id: int
    number: str
    version: int
    stage: Stage
    role: Role
    young_teacher: bool
    requester: str
    first_line: str
    category: Category | None
    topic_keys: tuple[str, ...]
    days_in_stage: int
    zone: Zone | None


# --- zones ----------------------------------------------------------------------------


def zone_thresholds(
    stage: Stage,
    planned_days: dict[Stage, float] | None = None,
    bands: FeverBands | None = None,
) -> tuple[float, float] | None:
    """Days since the chain started after which a card at ``stage`` turns (yellow, red).

    ``-inf`` means from the start, ``inf`` never; None for a terminal stage (no zone).
    Derived from buffer_status's definitions: chain = triage..feedback, buffer = chain/2,
    x = 100·finished/chain, y = max(0, 100·(elapsed − finished)/buffer). Since y grows
    with elapsed time, "y > T" is "elapsed > finished + T·buffer/100" (always for T < 0).
    """
    if stage.is_terminal:
        return None
    planned = planned_days or DEFAULT_PLANNED_DAYS
    bands = bands or FeverBands()
    chain = [s for s in WORK_STAGES if s.order >= Stage.TRIAGE.order]
    chain_length = sum(planned.get(s, 0.0) for s in chain)
    buffer = chain_length / 2
    finished = sum(planned.get(s, 0.0) for s in chain if s.order < stage.order)
    x = 100.0 * finished / chain_length if chain_length else 100.0
    yellow_y = bands.yellow_base + bands.slope * x
    red_y = min(bands.red_ceiling, bands.red_base + bands.slope * x)

    def elapsed_above(threshold_y: float) -> float:
        if threshold_y < 0:
            return -math.inf
        if not buffer:  # consumption is always 0
            return math.inf
        return finished + threshold_y * buffer / 100.0

    return elapsed_above(yellow_y), elapsed_above(red_y)


def _started_before(days: float, now: datetime) -> ColumnElement[bool]:
    """chain_started_at lies more than ``days`` before ``now`` (and is set)."""
    if days == -math.inf:
        return Request.chain_started_at.is_not(None)
    if days == math.inf:
        return false()
    return Request.chain_started_at < now - timedelta(days=days)


def _zone_expr(stage: Stage, now: datetime, *, rank: bool = False) -> ColumnElement[Any]:
    """A card's zone at ``stage`` in SQL: 'red', 'yellow', 'green' or NULL; with ``rank``,
    the RED_FIRST sort key instead (0 red, 1 yellow, 2 green, 3 no zone)."""

    def value(zone: Zone | None) -> ColumnElement[Any]:
        if rank:
            return literal(_NO_ZONE_RANK if zone is None else _ZONE_RANK[zone])
        return null() if zone is None else literal(zone.value)

    thresholds = zone_thresholds(stage)
    if thresholds is None:
        return value(None)
    yellow_days, red_days = thresholds
    return case(
        (Request.chain_started_at.is_(None), value(None)),
        (_started_before(red_days, now), value(Zone.RED)),
        (_started_before(yellow_days, now), value(Zone.YELLOW)),
        else_=value(Zone.GREEN),
    )


def _zone_filter(stages: Iterable[Stage], zones: frozenset[Zone], now: datetime) -> Any:
    """Rows of ``stages`` whose zone is one of ``zones`` (a zone depends on the stage)."""
    wanted = sorted(z.value for z in zones)
    parts = [
        and_(Request.stage == s, _zone_expr(s, now).in_(wanted))
        for s in stages
        if not s.is_terminal
    ]
    return or_(*parts) if parts else false()


# --- filters --------------------------------------------------------------------------


def _needs_person(flt: BoardFilter) -> bool:
    return bool(flt.roles) or flt.young_teachers_only


def _filter_conditions(flt: BoardFilter) -> list[ColumnElement[bool]]:
    """Everything but the zone filter, as WHERE conditions on requests (and people)."""
    conditions: list[ColumnElement[bool]] = [
        Request.search_text.contains(word, autoescape=True) for word in flt.words
    ]
    if flt.categories:
        conditions.append(Request.category.in_(sorted(flt.categories)))
    if flt.channels:
        conditions.append(Request.channel.in_(sorted(flt.channels)))
    if flt.roles:
        conditions.append(Person.role.in_(sorted(flt.roles)))
    if flt.young_teachers_only:
        conditions.append(Person.role == Role.TEACHER)
        conditions.append(Person.experience_years <= YOUNG_TEACHER_MAX_YEARS)
    if flt.topic_keys:
        conditions.append(
            exists()
            .where(request_topics.c.request_id == Request.id)
            .where(request_topics.c.topic_id == Topic.id)
            .where(Topic.key.in_(sorted(flt.topic_keys)))
        )
    return conditions


# --- reading --------------------------------------------------------------------------


def column_counts(session: Session, flt: BoardFilter, *, now: datetime) -> dict[Stage, int]:
    """How many cards each board column holds under ``flt`` (every column, 0 included).

    Always one query. Unfiltered it is a GROUP BY stage that the (stage, …) index
    answers alone. Filtered, the rows themselves must be read, and GROUP BY stage would
    lead SQLite through that index, fetching rows in index order (3x slower than reading
    the table in order); counting per column with FILTER clauses makes it one plain scan.
    """
    counts = dict.fromkeys(BOARD_STAGES, 0)
    if flt.is_empty:
        query = select(Request.stage, func.count()).group_by(Request.stage)
        for stage, count in session.execute(query):
            if stage in counts:
                counts[stage] = count
        return counts
    per_column = select(
        *(func.count().filter(Request.stage == stage).label(stage.value) for stage in counts)
    )
    if _needs_person(flt):
        per_column = per_column.join(Person, Person.id == Request.person_id)
    else:
        per_column = per_column.select_from(Request)
    per_column = per_column.where(*_filter_conditions(flt))
    if flt.zones:
        per_column = per_column.where(_zone_filter(BOARD_STAGES, flt.zones, now))
    row = session.execute(per_column).one()
    return {stage: int(count) for stage, count in zip(counts, row, strict=True)}


def _card_query(stage: Stage | None, now: datetime) -> Select[*tuple[Any, ...]]:
    """The columns a card needs, with the zone computed for ``stage`` (None: any stage)."""
    if stage is None:
        zone: ColumnElement[Any] = case(
            *((Request.stage == s, _zone_expr(s, now)) for s in WORK_STAGES),
            else_=null(),
        )
    else:
        zone = _zone_expr(stage, now)
    return select(
        Request.id,
        Request.number,
        Request.version,
        Request.stage,
        Request.stage_since,
        Request.problem,
        Request.category,
        Person.full_name,
        Person.role,
        Person.experience_years,
        zone.label("zone"),
    ).join(Person, Person.id == Request.person_id)


def column_window(
    session: Session,
    stage: Stage,
    flt: BoardFilter,
    *,
    order: CardOrder,
    offset: int,
    limit: int,
    now: datetime,
) -> list[Card]:
    """The cards of one column from ``offset``, at most ``limit``, in ``order``.

    Two steps (a "deferred join"): the sort and the offset run over the ids and sort
    keys only, then the chosen cards' columns, names and topics are read, so a deep
    offset does not drag every skipped row's problem text through the sorter.
    """
    if limit <= 0:
        return []
    keys = select(Request.id).where(Request.stage == stage, *_filter_conditions(flt))
    if _needs_person(flt):
        keys = keys.join(Person, Person.id == Request.person_id)
    if flt.zones:
        keys = keys.where(_zone_filter([stage], flt.zones, now))
    if order is CardOrder.RED_FIRST:
        keys = keys.order_by(_zone_expr(stage, now, rank=True))
    keys = keys.order_by(Request.stage_since, Request.id).offset(max(0, offset)).limit(limit)
    ids = list(session.scalars(keys))
    if not ids:
        return []
    rows = {
        row.id: row for row in session.execute(_card_query(None, now).where(Request.id.in_(ids)))
    }
    topics = _topic_keys(session, ids)
    # Under READ COMMITTED a card may have moved or gone between the two reads.
    return [_card(rows[i], topics.get(i, ()), now) for i in ids if i in rows]


def get_card(session: Session, request_id: int, *, now: datetime) -> Card:
    """One card, e.g. to repaint it after a move; NotFound if there is no such request."""
    row = session.execute(_card_query(None, now).where(Request.id == request_id)).first()
    if row is None:
        raise NotFound(request_id)
    return _card(row, _topic_keys(session, [request_id]).get(request_id, ()), now)


def _topic_keys(session: Session, request_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Topic keys of the given requests in one IN query, in the topics' display order."""
    if not request_ids:
        return {}
    found: dict[int, list[str]] = {}
    query = (
        select(request_topics.c.request_id, Topic.key)
        .join(Topic, Topic.id == request_topics.c.topic_id)
        .where(request_topics.c.request_id.in_(request_ids))
        .order_by(request_topics.c.request_id, Topic.position, Topic.id)
    )
    for request_id, key in session.execute(query):
        found.setdefault(request_id, []).append(key)
    return {request_id: tuple(keys) for request_id, keys in found.items()}


def _card(row: Any, topic_keys: tuple[str, ...], now: datetime) -> Card:
    problem = row.problem.strip()
    return Card(
        id=row.id,
        number=row.number,
        version=row.version,
        stage=row.stage,
        role=row.role,
        young_teacher=is_young_teacher(row.role, row.experience_years),
        requester=row.full_name,
        first_line=problem.splitlines()[0].strip() if problem else "",
        category=row.category,
        topic_keys=topic_keys,
        days_in_stage=max(0, (now - row.stage_since).days),
        zone=Zone(row.zone) if row.zone is not None else None,
    )


def change_token(session: Session) -> int:
    """The newest event's id (0 for none): changes whenever any request changes.

    Every change writes an event, so a board compares this number instead of re-reading.
    """
    return session.scalar(select(func.coalesce(func.max(Event.id), 0))) or 0


# --- WIP limits -----------------------------------------------------------------------


class InvalidWipLimit(InvalidInput):
    """A WIP limit below 1, or on a column that takes none (Done, Closed)."""

    def __init__(self, stage: Stage, limit: int | None) -> None:
        reason = "wip_limit_stage" if stage not in WIP_STAGES else "wip_limit_min"
        super().__init__("wip_limit", reason)
        # The board's own messages; the generic invalid.* ones name a field, not a column.
        self.code = f"board.{reason}"
        self.params = {"stage": stage, "value": limit}


def wip_limits(session: Session) -> dict[Stage, int]:
    """Per-column WIP limits kept in app_meta; columns without a limit are absent.

    Entries this console does not understand (another version's stage, a bad value)
    are skipped rather than failing the board.
    """
    raw = get_meta(session, WIP_LIMITS_KEY)
    if not raw:
        return {}
    try:
        stored = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    if not isinstance(stored, dict):
        return {}
    limits: dict[Stage, int] = {}
    for key, value in stored.items():
        valid = isinstance(value, int) and not isinstance(value, bool) and value >= 1
        if key in WIP_STAGES and valid:
            limits[Stage(key)] = value
    return limits


def set_wip_limit(session: Session, stage: Stage, limit: int | None) -> None:
    """Set (or, with None, remove) a column's WIP limit; the caller commits."""
    if stage not in WIP_STAGES or (limit is not None and limit < 1):
        raise InvalidWipLimit(stage, limit)
    limits = wip_limits(session)
    if limit is None:
        limits.pop(stage, None)
    else:
        limits[stage] = limit
    ordered = {s.value: limits[s] for s in WIP_STAGES if s in limits}
    set_meta(session, WIP_LIMITS_KEY, json.dumps(ordered))
