"""The term report's figures from the event log: throughput, lead times, rework, the
backlog at the term's end and the cumulative flow.

Only stage-changing events count (created, moved, closed, reopened). Window functions
(``lag``, ``row_number``) find each event's predecessor and each request's stage at a
moment in the database; the day-by-day flow is built
from per-day net counts, so no query returns one row per request and day.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, DateTime, Select, case, distinct, func, select
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
    for done_on, count in session.execute(query):
        when = done_on if isinstance(done_on, date) else date.fromisoformat(str(done_on))
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
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def lead_times(session: Session, span: Span) -> ReportTable:
    """Days spent in each stage by the requests that left it in the term (median and
    85th percentile), and end to end: from registration to done, for those done in it."""
    previous = func.lag(Event.at, type_=DateTime).over(
        partition_by=Event.request_id, order_by=(Event.at, Event.id)
    )
    changes = (
        select(Event.at, Event.from_stage, previous.label("entered_at"))
        .where(CHANGES_STAGE, Event.at < span.ends_before)
        .subquery()
    )
    query = select(changes.c.from_stage, changes.c.entered_at, changes.c.at).where(
        changes.c.at >= span.starts_at,
        changes.c.from_stage.is_not(None),
        changes.c.entered_at.is_not(None),
    )
    spent: dict[Stage, list[float]] = defaultdict(list)
    for stage, entered_at, left_at in session.execute(query):
        spent[stage].append((left_at - entered_at).total_seconds() / _DAY)
    created = aliased(Event)
    whole = [
        (done_at - created_at).total_seconds() / _DAY
        for done_at, created_at in session.execute(
            select(Event.at, created.at)
            .join(
                created,
                (created.request_id == Event.request_id) & (created.kind == EventKind.CREATED),
            )
            .where(
                Event.to_stage == Stage.DONE,
                CHANGES_STAGE,
                CHANGES_STAGE,
                Event.at >= span.starts_at,
                Event.at < span.ends_before,
            )
        )
    ]
    rows = [_lead_row(stage, spent.get(stage, [])) for stage in WORK_STAGES]
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


def _lead_row(label: Cell, days: list[float]) -> tuple[Cell, ...]:
    if not days:
        return (label, 0, None, None)
    return (label, len(days), round(statistics.median(days), 1), round(percentile(days, 0.85), 1))


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
    moves, moved = session.execute(
        select(func.count(Event.id), func.count(distinct(Event.request_id))).where(*where)
    ).one()
    back_moves, reworked = session.execute(
        select(func.count(Event.id), func.count(distinct(Event.request_id))).where(*where, back)
    ).one()
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
    """(request id, stage) of every request still open when the term ended."""
    latest = func.row_number().over(
        partition_by=Event.request_id, order_by=(Event.at.desc(), Event.id.desc())
    )
    ranked = (
        select(Event.request_id, Event.to_stage, latest.label("latest"))
        .where(CHANGES_STAGE, Event.at < span.ends_before)
        .subquery()
    )
    return select(ranked.c.request_id, ranked.c.to_stage).where(
        ranked.c.latest == 1, ranked.c.to_stage.not_in([Stage.DONE, Stage.CLOSED])
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
    flow diagram), from the per-day counts of arrivals to and departures from stages."""
    before: dict[Any, int] = defaultdict(int)
    changes: dict[date, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    for column, sign in ((Event.to_stage, 1), (Event.from_stage, -1)):
        for stage, n in session.execute(
            select(column, func.count(Event.id))
            .where(CHANGES_STAGE, column.is_not(None), Event.at < span.starts_at)
            .group_by(column)
        ):
            before[stage] += sign * int(n)
        by_day = _day(Event.at)
        for when, stage, n in session.execute(
            select(by_day, column, func.count(Event.id))
            .where(
                CHANGES_STAGE,
                column.is_not(None),
                Event.at >= span.starts_at,
                Event.at < span.ends_before,
            )
            .group_by(by_day, column)
        ):
            on = when if isinstance(when, date) else date.fromisoformat(str(when))
            changes[on][stage] += sign * int(n)
    rows: list[tuple[Cell, ...]] = []
    current: dict[Any, int] = dict(before)
    for day in span.days():
        for stage, delta in changes.get(day, {}).items():
            current[stage] = current.get(stage, 0) + delta
        rows.append((day, *(current.get(stage, 0) for stage in BOARD_STAGES)))
    return ReportTable(
        "cumulative_flow", (Key("report.column.day"), *BOARD_STAGES), tuple(rows), Chart.AREA
    )
