"""The term report's figures from the event log: throughput, lead times, rework, the
backlog at the term's end and the cumulative flow.

Only stage-changing events count (created, moved, closed, reopened). Everything but the
lead times is an aggregate in the database: each request's latest stage change before a
moment is one index search per request on ``ix_events_history`` (a request's events in
order with what each changed), and the day-by-day flow is built from per-day net counts,
so no query returns one row per request and day.

The lead times need every stay in a stage that ended in the term (hundreds of thousands
in a busy term) for an exact median and 85th percentile. They are paired from one
ordered read of the stage changes and sorted in Python: on SQLite, pairing them with
``lag()`` or ranking them with window functions takes longer than sending them. Results
are read through the session's connection as plain rows (no ORM entities), and stage
codes as text matched to the stages' values, as per-row conversions would cost more
than the query.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    ScalarSelect,
    Select,
    String,
    case,
    func,
    null,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from plc_console.db.models import Event, Person, Request
from plc_console.domain import BOARD_STAGES, WORK_STAGES, EventKind, Stage
from plc_console.locale import Key
from plc_console.services.reports import Cell, Chart, ReportTable, Span

#: Backlog ages (days since received) are counted in these buckets: up to 7, 30, 90, more.
AGE_BUCKETS = (7, 30, 90)
#: How many of the oldest open requests the report lists.
OLDEST = 10
_DAY = 86400.0
#: Events that change a request's stage (an edit or an assignment records the stage it
#: stays at as both ``from_stage`` and ``to_stage``).
CHANGES_STAGE = Event.kind.in_(
    [EventKind.CREATED, EventKind.MOVED, EventKind.CLOSED, EventKind.REOPENED]
)


def _day(column: Any) -> ColumnElement[date]:
    """The calendar day of a timestamp column, as a date on both dialects."""
    return func.date(column, type_=Date)


def _code(column: Any) -> ColumnElement[str]:
    """A stage column read as its stored code (text), without the enum's per-row check."""
    return type_coerce(column, String)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def throughput(session: Session, span: Span) -> ReportTable:
    """Requests done per week (weeks start on Monday; the first and last may be partial)."""
    day = _day(Event.at)
    query = (
        select(day, func.count(Event.id))
        .where(
            Event.to_stage == Stage.DONE,
            CHANGES_STAGE,
            Event.at >= span.starts_at,
            Event.at < span.ends_before,
        )
        .group_by(day)
    )
    weeks: dict[date, int] = defaultdict(int)
    for done_on, count in session.connection().execute(query):
        when = _as_date(done_on)
        weeks[when - timedelta(days=when.weekday())] += int(count)
    first = span.start - timedelta(days=span.start.weekday())
    rows: list[tuple[Cell, ...]] = []
    monday = first
    while monday <= span.end:
        rows.append((max(monday, span.start), weeks.get(monday, 0)))
        monday += timedelta(days=7)
    return ReportTable(
        "throughput", (Key("report.column.week"), Key("report.column.done")), tuple(rows), Chart.BAR
    )


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with ``share`` of values at or
    below it (the 85th of 1..10 is 9)."""
    ordered = sorted(values)
    return ordered[_rank(len(ordered), share)]


def _rank(count: int, share: float) -> int:
    """Where the nearest-rank percentile ``share`` is among ``count`` sorted values."""
    return max(math.ceil(share * count) - 1, 0)


def lead_times(session: Session, span: Span) -> ReportTable:
    """Days spent in each stage by the requests that left it in the term (median and
    85th percentile), and end to end: from registration to done, for those done in it.

    A stay runs from a stage change to the request's next one (by moment, then id). The
    stage changes up to the term's end are read once in that order, straight from
    ``ix_events_history``, and paired as they stream past: on SQLite that takes about
    half as long as the same pairing by ``lag()`` in the database (whose window machinery
    costs more per row than the read), and on both databases it sends no more than the
    ``lag()`` query would."""
    changes = (
        select(Event.request_id, Event.at, _code(Event.from_stage))
        .where(CHANGES_STAGE, Event.at < span.ends_before)
        .order_by(Event.request_id, Event.at, Event.id)
    )
    connection = session.connection()
    spent: dict[str, list[timedelta]] = defaultdict(list)
    starts_at = span.starts_at
    last_request, last_at = None, starts_at
    for request_id, at, code in connection.execute(changes):
        if request_id == last_request and code is not None and at >= starts_at:
            spent[code].append(at - last_at)
        last_request, last_at = request_id, at
    created = aliased(Event)
    whole = [
        done_at - created_at
        for done_at, created_at in connection.execute(
            select(Event.at, created.at)
            .join(
                created,
                (created.request_id == Event.request_id) & (created.kind == EventKind.CREATED),
            )
            .where(
                Event.to_stage == Stage.DONE,
                CHANGES_STAGE,
                Event.at >= span.starts_at,
                Event.at < span.ends_before,
            )
        )
    ]
    rows = [_lead_row(stage, spent.get(stage.value, [])) for stage in WORK_STAGES]
    rows.append(_lead_row(Key("report.value.end_to_end"), whole))
    return ReportTable(
        "lead_times",
        (
            Key("report.column.stage"),
            Key("report.column.count"),
            Key("report.column.median_days"),
            Key("report.column.p85_days"),
        ),
        tuple(rows),
    )


def _lead_row(label: Cell, stays: list[timedelta]) -> tuple[Cell, ...]:
    """Count, median and nearest-rank 85th percentile of ``stays``, in days.

    The stays are sorted as durations and only the values picked are turned into days,
    which gives the very floats :func:`statistics.median` and :func:`percentile` would
    give over all of them (days grow with durations)."""
    if not stays:
        return (label, 0, None, None)
    ordered = sorted(stays)
    n = len(ordered)

    def days(index: int) -> float:
        return ordered[index].total_seconds() / _DAY

    middle = days(n // 2) if n % 2 else (days(n // 2 - 1) + days(n // 2)) / 2
    p85 = days(_rank(n, 0.85))
    return (label, n, round(middle, 1), round(p85, 1))


def _order(column: Any) -> ColumnElement[int]:
    return case(*((column == stage, stage.order) for stage in Stage), else_=-1)


def rework(session: Session, span: Span) -> ReportTable:
    """Moves back (rework) among the term's moves, and the share of moved requests that
    were sent back at least once."""
    back = _order(Event.to_stage) < _order(Event.from_stage)
    where = (
        Event.kind == EventKind.MOVED,
        Event.at >= span.starts_at,
        Event.at < span.ends_before,
    )

    def requests_with(*condition: ColumnElement[bool]) -> ScalarSelect[int]:
        # Distinct requests as those with such an event: one search per request in
        # ix_events_history, where count(DISTINCT …) would sort every move.
        moves = select(Event.id).where(Event.request_id == Request.id, *where, *condition)
        return select(func.count(Request.id)).where(moves.exists()).scalar_subquery()

    moves, back_moves = (
        session.connection()
        .execute(select(func.count(Event.id), func.count(case((back, Event.id)))).where(*where))
        .one()
    )
    moved, reworked = (
        session.connection().execute(select(requests_with(), requests_with(back))).one()
    )
    rate = round(100 * reworked / moved, 1) if moved else None
    rows: tuple[tuple[Cell, ...], ...] = (
        (Key("report.value.moves"), int(moves)),
        (Key("report.value.back_moves"), int(back_moves)),
        (Key("report.value.moved_requests"), int(moved)),
        (Key("report.value.reworked_requests"), int(reworked)),
        (Key("report.value.rework_rate"), rate),
    )
    return ReportTable("rework", (Key("report.column.measure"), Key("report.column.value")), rows)


def open_at_end(span: Span) -> Select[tuple[int, Stage]]:
    """(request id, stage) of every request still open when the term ended.

    Each request's stage then is the target of its latest stage change before the end:
    one backward search per request in ``ix_events_history``, rather than numbering
    every event of every request. ``DISTINCT`` (the rows are distinct anyway) keeps the
    set a unit of its own in a join: SQLite computes it once, walking the requests in
    order, instead of once per joined row in whatever order the join reads them."""
    latest = (
        select(Event.to_stage)
        .where(Event.request_id == Request.id, CHANGES_STAGE, Event.at < span.ends_before)
        .order_by(Event.at.desc(), Event.id.desc())
        .limit(1)
        .correlate(Request)
        .scalar_subquery()
    )
    stages = select(Request.id.label("request_id"), latest.label("to_stage")).subquery()
    return (
        select(stages.c.request_id, stages.c.to_stage)
        .where(stages.c.to_stage.not_in([Stage.DONE, Stage.CLOSED]))
        .distinct()
    )


def backlog(session: Session, span: Span) -> ReportTable:
    """Requests open at the term's end by stage and age (days since received)."""
    still_open = open_at_end(span).subquery()
    query = (
        select(still_open.c.to_stage, Request.received_on, func.count(Request.id))
        .join(Request, Request.id == still_open.c.request_id)
        .group_by(still_open.c.to_stage, Request.received_on)
    )
    counts: dict[Stage, list[int]] = {stage: [0] * (len(AGE_BUCKETS) + 1) for stage in WORK_STAGES}
    for stage, received_on, n in session.execute(query):
        age = (span.end - received_on).days
        bucket = next((i for i, top in enumerate(AGE_BUCKETS) if age <= top), len(AGE_BUCKETS))
        counts[stage][bucket] += int(n)
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (stage, *values, sum(values)) for stage, values in counts.items()
    )
    buckets = [Key(f"report.column.age_{top}") for top in AGE_BUCKETS]
    return ReportTable(
        "backlog",
        (
            Key("report.column.stage"),
            *buckets,
            Key("report.column.age_more"),
            Key("report.column.total"),
        ),
        rows,
    )


def oldest_open(session: Session, span: Span, *, with_names: bool = False) -> ReportTable:
    """The oldest requests still open at the term's end; the requester's name only when
    asked for (names of parents and students are personal data)."""
    still_open = open_at_end(span).subquery()
    query = (
        select(
            Request.number,
            still_open.c.to_stage,
            Request.received_on,
            Person.role,
            Person.full_name,
        )
        .join(Request, Request.id == still_open.c.request_id)
        .join(Person, Person.id == Request.person_id)
        .order_by(Request.received_on, Request.id)
        .limit(OLDEST)
    )
    rows: list[tuple[Cell, ...]] = []
    for number, stage, received_on, role, full_name in session.execute(query):
        row: tuple[Cell, ...] = (number, stage, received_on, (span.end - received_on).days, role)
        rows.append((*row, full_name) if with_names else row)
    columns: tuple[Key, ...] = (
        Key("report.column.number"),
        Key("report.column.stage"),
        Key("report.column.received"),
        Key("report.column.age_days"),
        Key("report.column.role"),
    )
    if with_names:
        columns = (*columns, Key("report.column.name"))
    return ReportTable("oldest_open", columns, tuple(rows))


def cumulative_flow(session: Session, span: Span) -> ReportTable:
    """Requests in each board stage at the end of every day of the term (the cumulative
    flow diagram), from the per-day counts of arrivals to and departures from stages.

    One pass over the stage changes up to the term's end counts them by day (none for
    those before the term), source and target stage."""
    day = case((Event.at < span.starts_at, null()), else_=_day(Event.at))
    changes = (
        select(
            day.label("day"),
            _code(Event.from_stage).label("source"),
            _code(Event.to_stage).label("target"),
        )
        .where(CHANGES_STAGE, Event.at < span.ends_before)
        .subquery()
    )
    query = select(
        changes.c.day, changes.c.source, changes.c.target, func.count().label("n")
    ).group_by(changes.c.day, changes.c.source, changes.c.target)
    before: dict[str, int] = defaultdict(int)
    deltas: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for when, source, target, n in session.connection().execute(query):
        counts = before if when is None else deltas[_as_date(when)]
        if target is not None:
            counts[target] += int(n)
        if source is not None:
            counts[source] -= int(n)
    rows: list[tuple[Cell, ...]] = []
    current: dict[str, int] = dict(before)
    for day_of_term in span.days():
        for code, delta in deltas.get(day_of_term, {}).items():
            current[code] = current.get(code, 0) + delta
        rows.append((day_of_term, *(current.get(stage.value, 0) for stage in BOARD_STAGES)))
    return ReportTable(
        "cumulative_flow", (Key("report.column.day"), *BOARD_STAGES), tuple(rows), Chart.AREA
    )
