"""The data behind the Kanban board, loaded a window at a time.

A board over 100,000 requests cannot read them all: the UI asks for column counts and
for the few cards it shows, and polls :func:`change_token` to know when to ask again.
Fever-chart zones are conditions in SQL (so "red first" and "only red" work over every
row) on cut-off datetimes derived here, in Python, from the same definitions as
:func:`plc_console.domain.buffer_status`: no dialect-specific date arithmetic. A card's
own zone is worked out in Python from the same cut-offs.

Each keystroke of a search or filter asks for the counts and the first window of every
column, and must show them within 150 ms over 100,000 requests on SQLite (see
``tests/bench``). What makes that possible:

- ``ix_requests_board`` holds a column's order and every filtered column of a request,
  so counts and windows test zones, categories and channels without reading rows;
- search asks a trigram index first (:mod:`plc_console.db.search`) and keeps its hits
  for the keystroke's other queries (:func:`_search_hits`);
- a window reads its column in index order and stops once it is full, red first too:
  the red cards first, then the rest, instead of sorting the whole column by zone;
- rows of other tables (people, topics, experts, search hits) are looked up per row in
  a window, but gathered once in a count, which starts from the smallest set it can.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    Text,
    and_,
    cast,
    column,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    table,
    text,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from plc_console.db.models import (
    AppMeta,
    Assignment,
    Event,
    Person,
    Request,
    Topic,
    request_topics,
)
from plc_console.db.search import SEARCH_TABLE, TRIGRAM, has_search_table, trigram_query
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
from plc_console.services.buffers import CHAIN_STAGES, buffer_settings
from plc_console.services.errors import InvalidInput, NotFound

#: One app_meta row per column's WIP limit: ``wip_limit.triage`` → ``"5"``. Separate rows
#: (not one JSON value) so two desks setting different columns never overwrite each other.
WIP_LIMIT_KEY_PREFIX = "wip_limit."
#: Counts every change of the board's settings (WIP limits), for :func:`change_token`.
SETTINGS_VERSION_KEY = "board_settings_version"
#: Columns that may carry a WIP limit: Done only grows, so it takes none.
WIP_STAGES: tuple[Stage, ...] = tuple(s for s in BOARD_STAGES if s is not Stage.DONE)

#: RED_FIRST's order of zones; cards without a zone come last.
_RED_FIRST: tuple[Zone | None, ...] = (Zone.RED, Zone.YELLOW, Zone.GREEN, None)


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
    #: Requests any of these experts is assigned to.
    expert_ids: frozenset[int] = frozenset()

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
            or self.expert_ids
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


def _started_since(days: float, now: datetime) -> ColumnElement[bool]:
    """chain_started_at is set and not more than ``days`` before ``now``: the opposite of
    :func:`_started_before` among cards whose chain started."""
    if days == -math.inf:
        return false()
    if days == math.inf:
        return Request.chain_started_at.is_not(None)
    return Request.chain_started_at >= now - timedelta(days=days)


Thresholds = Mapping[Stage, "tuple[float, float] | None"]
#: zone_thresholds of every stage with the default plan and bands, worked out once.
_THRESHOLDS: Thresholds = {stage: zone_thresholds(stage) for stage in Stage}


def _thresholds(session: Session) -> Thresholds:
    """Each stage's zone cut-offs with the planned days and bands in force now (read
    each time: another desk may change them, and cards must agree with the fever chart)."""
    settings = buffer_settings(session)
    if settings.bands == FeverBands() and all(
        settings.planned_days.get(stage, 0.0) == DEFAULT_PLANNED_DAYS.get(stage, 0.0)
        for stage in CHAIN_STAGES
    ):
        return _THRESHOLDS
    planned = dict(settings.planned_days)
    return {stage: zone_thresholds(stage, planned, settings.bands) for stage in Stage}


def _passed(days: float, chain_started_at: datetime, now: datetime) -> bool:
    """In Python what :func:`_started_before` says in SQL, to the microsecond."""
    if days == -math.inf:
        return True
    if days == math.inf:
        return False
    return chain_started_at < now - timedelta(days=days)


def _zone_of(
    stage: Stage, chain_started_at: datetime | None, now: datetime, cutoffs: Thresholds
) -> Zone | None:
    """A card's zone at ``stage``, with the cut-offs the SQL conditions use (the tests
    hold both to buffer_status at every band edge)."""
    thresholds = cutoffs[stage]
    if thresholds is None or chain_started_at is None:
        return None
    yellow_days, red_days = thresholds
    if _passed(red_days, chain_started_at, now):
        return Zone.RED
    if _passed(yellow_days, chain_started_at, now):
        return Zone.YELLOW
    return Zone.GREEN


def _zone_conditions(
    stage: Stage, now: datetime, cutoffs: Thresholds
) -> dict[Zone | None, ColumnElement[bool]]:
    """For each zone (None: no zone), the cards of ``stage`` in it, as conditions that
    exclude each other and agree with :func:`_zone_of`; all of them on the index's
    chain_started_at, so a zone's cards are found without reading rows."""
    thresholds = cutoffs[stage]
    if thresholds is None:
        return {None: true()}
    yellow_days, red_days = thresholds
    not_red = _started_since(red_days, now)
    return {
        Zone.RED: _started_before(red_days, now),
        Zone.YELLOW: and_(not_red, _started_before(yellow_days, now)),
        Zone.GREEN: and_(not_red, _started_since(yellow_days, now)),
        None: Request.chain_started_at.is_(None),
    }


def _zone_filter(
    stages: Iterable[Stage], zones: frozenset[Zone], now: datetime, cutoffs: Thresholds
) -> Any:
    """Rows of ``stages`` whose zone is one of ``zones`` (a zone depends on the stage)."""
    parts = [
        and_(
            Request.stage == s,
            or_(*(_zone_conditions(s, now, cutoffs)[z] for z in sorted(zones))),
        )
        for s in stages
        if not s.is_terminal
    ]
    return or_(*parts) if parts else false()


# --- filters --------------------------------------------------------------------------

#: The SQLite FTS5 table of migration 0004, for ``rowid IN (… MATCH …)``.
_search_table = table(SEARCH_TABLE, column("rowid", Integer), column(SEARCH_TABLE))
#: SQLite: the trigram index's hits for the search being shown. A temp table is private
#: to its connection and goes with it.
_hits_table = table("board_search_hits", column("id", Integer), schema="temp")
_HITS_KEY = "plc_board_search_hits"
#: Up to this many hits, a query starts at them (reading each hit's row) rather than
#: reading the board index and looking each row up among the hits.
_FEW_HITS = 1000


def _search_hits(session: Session, words: list[str]) -> int | None:
    """On SQLite with the trigram index: fill a temp table with the ids of rows holding
    every trigram of the words of three characters or more, and say how many there are.
    None when the index cannot help (short words only, no index, PostgreSQL: its planner
    uses its own trigram index by itself).

    A keystroke reads the counts and eight windows: asked in each of those queries, the
    index would be read nine times and its 20,000 hits for a common word gathered anew
    each time. So the hits are kept in the temp table for as long as nothing can have
    changed them: the same transaction (savepoints included), the same words, and no
    write since, by this connection (total_changes) or by another (data_version).
    Filling the table begins an SQLite transaction (the driver begins one before any
    INSERT), so the counts and windows that follow read one snapshot.
    """
    if session.get_bind().dialect.name != "sqlite":
        return None
    query = trigram_query(w for w in words if len(w) >= TRIGRAM)
    if query is None:
        return None
    connection = session.connection()
    if not has_search_table(connection):
        return None
    transaction = session.get_nested_transaction() or session.get_transaction()
    cached = session.info.get(_HITS_KEY)
    if cached and cached[:3] == (transaction, query, _data_stamp(connection)):
        return int(cached[3])
    connection.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS board_search_hits (id INTEGER PRIMARY KEY)"
    )
    connection.execute(delete(_hits_table))
    matching = select(_search_table.c.rowid).where(_search_table.c[SEARCH_TABLE].match(query))
    count = connection.execute(insert(_hits_table).from_select(["id"], matching)).rowcount
    session.info[_HITS_KEY] = (transaction, query, _data_stamp(connection), count)
    return count


def _data_stamp(connection: Connection) -> tuple[int, int]:
    """What moves when data may have changed: data_version with other connections'
    commits, total_changes() with this connection's own writes (temp tables too)."""
    row = connection.execute(
        text("SELECT data_version, total_changes() FROM pragma_data_version")
    ).one()
    return int(row[0]), int(row[1])


def _word_condition(session: Session, word: str) -> ColumnElement[bool]:
    """``word`` occurs in the request's folded search text: what search means.

    SQLite's instr() is an exact substring test, faster than LIKE, and needs no escaping;
    PostgreSQL keeps LIKE, which its pg_trgm index serves.
    """
    if session.get_bind().dialect.name == "sqlite":
        return func.instr(Request.search_text, word) > 0
    return Request.search_text.contains(word, autoescape=True)


def _filter_conditions(
    session: Session, flt: BoardFilter, hits: int | None, *, per_row: bool
) -> list[ColumnElement[bool]]:
    """Everything but the zone filter, as WHERE conditions on requests alone, cheapest
    first: SQLite checks them in this order and reads the wide row only for the words.

    How rows of other tables are checked depends on how many rows get that far. A
    window (``per_row``) reads its column in index order and stops when full: each row
    is looked up by key (EXISTS), and a set of ids is started from only when small (a
    rare word's hits). A count sees every matching row: the first set (the hits, a
    role's people, a topic's or an expert's requests) is gathered once and started
    from (``IN (SELECT …)``), unless a category, channel or zone narrows the rows in the
    narrow board index first, which is then read whole; the sets after it are only
    looked up, as few rows get that far.
    """
    sqlite = session.get_bind().dialect.name == "sqlite"
    narrowed = per_row or bool(flt.categories or flt.channels or flt.zones)

    def not_started_at(key: ColumnElement[int]) -> ColumnElement[int]:
        # "+ 0" stops SQLite from starting at a set: its planner cannot tell 20 ids
        # from 20,000, and starting at many means reading (or sorting) all their rows.
        return key + 0 if sqlite else key

    conditions: list[ColumnElement[bool]] = []
    if flt.categories:
        conditions.append(Request.category.in_(sorted(flt.categories)))
    if flt.channels:
        conditions.append(Request.channel.in_(sorted(flt.channels)))
    if hits is not None:
        hit: ColumnElement[int] = Request.id.expression
        if narrowed and hits > _FEW_HITS:
            hit = not_started_at(hit)
        conditions.append(hit.in_(select(_hits_table.c.id)))
        narrowed = True
    people = _person_conditions(flt)
    if people and per_row:
        conditions.append(exists().where(Person.id == Request.person_id, *people))
    elif people:
        # Started at when nothing narrows first: a role's people, then their requests
        # with their stage from ix_requests_person_stage.
        person: ColumnElement[int] = Request.person_id.expression
        if narrowed:
            person = not_started_at(person)
        conditions.append(person.in_(select(Person.id).where(*people)))
        narrowed = True
    if flt.topic_keys:
        with_topic = (
            select(request_topics.c.request_id)
            .join(Topic, Topic.id == request_topics.c.topic_id)
            .where(Topic.key.in_(sorted(flt.topic_keys)))
        )
        conditions.append(_in_set(with_topic, request_topics.c.request_id, per_row=narrowed))
    if flt.expert_ids:
        assigned = select(Assignment.request_id).where(
            Assignment.expert_id.in_(sorted(flt.expert_ids))
        )
        conditions.append(_in_set(assigned, Assignment.request_id, per_row=narrowed))
    # Last: the only test that reads the request's row (the index holds no text).
    conditions += [_word_condition(session, word) for word in flt.words]
    return conditions


def _in_set(
    request_ids: Select[int],
    request_id: ColumnElement[int] | InstrumentedAttribute[int],
    *,
    per_row: bool,
) -> ColumnElement[bool]:
    """The request is among ``request_ids``: looked up for each row read (EXISTS), or
    gathered once for SQLite to start from (IN)."""
    if per_row:
        return request_ids.where(request_id == Request.id).exists()
    return Request.id.in_(request_ids)


def _person_conditions(flt: BoardFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if flt.roles:
        conditions.append(Person.role.in_(sorted(flt.roles)))
    if flt.young_teachers_only:
        conditions.append(Person.role == Role.TEACHER)
        conditions.append(Person.experience_years <= YOUNG_TEACHER_MAX_YEARS)
    return conditions


# --- reading --------------------------------------------------------------------------


def column_counts(session: Session, flt: BoardFilter, *, now: datetime) -> dict[Stage, int]:
    """How many cards each board column holds under ``flt`` (every column, 0 included).

    One query (once a search's hits are gathered), a GROUP BY stage: filters on the
    request's own columns are read from ``ix_requests_board`` alone, and the query
    starts from the smallest set it can (see :func:`_filter_conditions`). The one case
    that must read every row, words too short for trigrams, counts per column with
    FILTER clauses instead: GROUP BY would lead SQLite through the index, fetching the
    rows in index order, 3x slower than reading the table in order.
    """
    counts = dict.fromkeys(BOARD_STAGES, 0)
    words = flt.words
    hits = _search_hits(session, words)
    conditions = _filter_conditions(session, flt, hits, per_row=False)
    if flt.zones:  # first: it is read from the index
        conditions.insert(0, _zone_filter(BOARD_STAGES, flt.zones, now, _thresholds(session)))
    if words and hits is None and session.get_bind().dialect.name == "sqlite":
        per_column = select(
            *(func.count().filter(Request.stage == stage).label(stage.value) for stage in counts)
        ).where(*conditions)
        row = session.execute(per_column).one()
        return {stage: int(count) for stage, count in zip(counts, row, strict=True)}
    query = select(Request.stage, func.count()).where(*conditions).group_by(Request.stage)
    for stage, count in session.execute(query):
        if stage in counts:
            counts[stage] = count
    return counts


#: The columns a card needs (its zone is worked out from chain_started_at in Python).
_CARD_COLUMNS = select(
    Request.id,
    Request.number,
    Request.version,
    Request.stage,
    Request.stage_since,
    Request.chain_started_at,
    Request.problem,
    Request.category,
    Person.full_name,
    Person.role,
    Person.experience_years,
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

    Oldest first is the order of ``ix_requests_board``: the column is read in it and the
    reading stops once the window is full. Red first would sort the whole column by its
    computed zone; instead it reads the red cards in that same order, then, if the
    window is not full yet, the yellow ones, and so on: a zone is read only when the
    window reaches it.
    """
    offset = max(0, offset)
    cutoffs = _thresholds(session)
    zones = _zone_conditions(stage, now, cutoffs)
    wanted = [z for z in _RED_FIRST if z in zones and (not flt.zones or z in flt.zones)]
    if limit <= 0 or not wanted:  # not wanted: only some zones, and Done has none
        return []
    hits = _search_hits(session, flt.words)
    in_stage = Request.stage == stage
    filters = _filter_conditions(session, flt, hits, per_row=True)
    # The zone right after the stage: SQLite tests it in the index before the rest.
    if order is CardOrder.OLDEST or len(wanted) == 1:
        some = [or_(*(zones[z] for z in wanted))] if len(wanted) < len(zones) else []
        rows = _window_rows(session, [[in_stage, *some, *filters]], offset, limit)
    else:
        # Red first: the red cards, in index order, usually fill the window; if they do
        # not, the other zones in one more statement.
        first, *rest = [[in_stage, zones[z], *filters] for z in wanted]
        rows = _window_rows(session, [first], offset, limit)
        if len(rows) < limit:
            # The window starts past the first zone's cards, or took all that were left.
            offset = offset - _count(session, first) if offset and not rows else 0
            rows += _window_rows(session, rest, offset, limit - len(rows))
    topics = _topic_keys(session, [row.id for row in rows])
    return [_card(row, topics.get(row.id, ()), now, cutoffs) for row in rows]


def _window_rows(
    session: Session, parts: list[list[ColumnElement[bool]]], offset: int, limit: int
) -> list[Any]:
    """Card rows matching the ``parts`` (each a WHERE), part after part, each oldest
    first, from ``offset``. One statement with a "deferred join": the offset and the
    sort run over keys read from the index, and only the chosen cards' columns and
    names are read.

    Each part is read in the order of ``ix_requests_board`` and stops at the end of
    the window, so only those few keys are sorted together. (One reading sorted by a
    zone rank would sort every key of the column, and SQLite would read it through
    another index, without the zone and filters, fetching every row.)
    """
    in_order = (Request.stage_since, Request.id)
    keys: list[Select[*tuple[Any, ...]]] = []
    for rank, where in enumerate(parts):
        part = select(literal(rank).label("rank"), *in_order).where(*where).order_by(*in_order)
        # Several parts: a subquery each, as a compound SELECT takes no ORDER BY or
        # LIMIT on its parts.
        keys.append(
            part.offset(offset).limit(limit)
            if len(parts) == 1
            else select(part.limit(offset + limit).subquery())
        )
    if len(keys) == 1:
        chosen = keys[0].subquery("keys")
    else:
        merged = union_all(*keys).subquery()
        ordered = select(merged).order_by(merged.c.rank, merged.c.stage_since, merged.c.id)
        chosen = ordered.offset(offset).limit(limit).subquery("keys")
    query = _CARD_COLUMNS.join(chosen, chosen.c.id == Request.id)
    return list(session.execute(query.order_by(chosen.c.rank, chosen.c.stage_since, chosen.c.id)))


def _count(session: Session, where: list[ColumnElement[bool]]) -> int:
    return session.scalar(select(func.count()).select_from(Request).where(*where)) or 0


def get_card(session: Session, request_id: int, *, now: datetime) -> Card:
    """One card, e.g. to repaint it after a move; NotFound if there is no such request."""
    row = session.execute(_CARD_COLUMNS.where(Request.id == request_id)).first()
    if row is None:
        raise NotFound(request_id)
    keys = _topic_keys(session, [request_id]).get(request_id, ())
    return _card(row, keys, now, _thresholds(session))


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


def _card(row: Any, topic_keys: tuple[str, ...], now: datetime, cutoffs: Thresholds) -> Card:
    problem = row.problem.strip()
    stage = Stage(row.stage)
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
        zone=_zone_of(stage, row.chain_started_at, now, cutoffs),
    )


# --- changes --------------------------------------------------------------------------

#: How many ids below the newest event the token still counts events (see change_token).
LATE_COMMIT_WINDOW = 1024


def change_token(session: Session) -> int:
    """A number that differs whenever what the board shows may have changed elsewhere.

    Compare tokens with ``!=`` only. Every change of a request writes an event, so the
    newest event's id nearly says it all, but not on PostgreSQL: ids are handed out when
    events are written, not when they commit, so an event can commit after a newer one
    the board has already seen (ids 10 and 11 given out, 11 commits, the board reads 11,
    10 commits: the newest id stays 11). Counting the events among the newest ids
    catches that: the late event adds one, as long as fewer than LATE_COMMIT_WINDOW ids
    went out while its transaction ran. Settings the board shows (WIP limits) write no
    event, so their changes are counted in app_meta and make a third part. One query.
    """
    newest = select(func.coalesce(func.max(Event.id), 0)).scalar_subquery()
    late = (
        select(func.count())
        .select_from(Event)
        .where(Event.id > newest - LATE_COMMIT_WINDOW)
        .scalar_subquery()
    )
    settings = select(AppMeta.value).where(AppMeta.key == SETTINGS_VERSION_KEY).scalar_subquery()
    newest_id, recent, version = session.execute(select(newest, late, settings)).one()
    settings_version = int(version) if version and version.isdigit() else 0
    # One int, so callers keep comparing plain numbers; the parts keep to their own bits
    # (at most LATE_COMMIT_WINDOW recent events in 11 bits, ids far below 2**53).
    return (settings_version << 64) | (int(newest_id) << 11) | int(recent)


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
    rows = session.execute(
        select(AppMeta.key, AppMeta.value).where(
            AppMeta.key.startswith(WIP_LIMIT_KEY_PREFIX, autoescape=True)
        )
    )
    found: dict[Stage, int] = {}
    for key, value in rows:
        stage = key.removeprefix(WIP_LIMIT_KEY_PREFIX)
        limit = int(value) if value.isascii() and value.isdigit() else 0
        if stage in WIP_STAGES and limit >= 1:
            found[Stage(stage)] = limit
    return {stage: found[stage] for stage in WIP_STAGES if stage in found}


def set_wip_limit(session: Session, stage: Stage, limit: int | None) -> None:
    """Set (or, with None, remove) a column's WIP limit; the caller commits.

    A blind write of the column's own row, so two desks never lose each other's limits
    (no read-modify-write), and a bump of the settings version that other desks'
    change tokens see.
    """
    if stage not in WIP_STAGES or (limit is not None and limit < 1):
        raise InvalidWipLimit(stage, limit)
    key = WIP_LIMIT_KEY_PREFIX + stage.value
    if limit is None:
        session.execute(delete(AppMeta).where(AppMeta.key == key))
    else:
        _upsert_meta(session, key, str(limit), replace_with=literal(str(limit)))
    bumped = cast(cast(AppMeta.value, Integer) + 1, Text)
    _upsert_meta(session, SETTINGS_VERSION_KEY, "1", replace_with=bumped)


def _upsert_meta(
    session: Session, key: str, value: str, *, replace_with: ColumnElement[Any]
) -> None:
    """Insert an app_meta row, or set an existing one to ``replace_with`` (an expression
    over the row, e.g. its value plus one), atomically: INSERT … ON CONFLICT DO UPDATE,
    which both SQLite and PostgreSQL speak."""
    dialect = session.get_bind().dialect.name
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = dialect_insert(AppMeta).values(key=key, value=value)
    session.execute(
        statement.on_conflict_do_update(index_elements=[AppMeta.key], set_={"value": replace_with})
    )
