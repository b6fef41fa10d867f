"""The term report's meetings and experts: meetings by status with the attendance of the
held ones, and each active expert's workload (grouped in SQL).

Meetings count for a term when they start in it (``starts_at``, whatever their status
now). The workload table is the one table that names people without ``--with-names``:
experts are the community's own specialists, and their load is what it shows.
"""

from __future__ import annotations

from sqlalchemy import Integer, case, distinct, func, select
from sqlalchemy.orm import Session

from plc_console.db.models import (
    Assignment,
    Event,
    Expert,
    Meeting,
    MeetingExpert,
    MeetingInvitee,
)
from plc_console.domain import MeetingStatus, Stage
from plc_console.locale import Key
from plc_console.services.reports import Cell, ReportTable, Span
from plc_console.services.reports_flow import CHANGES_STAGE, open_at_end

_K = "report.people"
_TOTAL = Key("report.column.total")


def meetings(session: Session, span: Span) -> ReportTable:
    """Meetings starting in the term by status (planned, announced, held, cancelled) and,
    for the held ones, the people invited, those who came, the share who came in per
    cent and the experts present (each expert counted once per meeting they came to)."""
    in_term = (Meeting.starts_at >= span.starts_at, Meeting.starts_at < span.ends_before)
    counts: dict[MeetingStatus, int] = {
        status: int(n)
        for status, n in session.execute(
            select(Meeting.status, func.count(Meeting.id)).where(*in_term).group_by(Meeting.status)
        )
    }
    held = (*in_term, Meeting.status == MeetingStatus.HELD)
    came = func.sum(case((MeetingInvitee.attended.is_(True), 1), else_=0), type_=Integer)
    invited, attended = session.execute(
        select(func.count(MeetingInvitee.person_id), came)
        .join(Meeting, Meeting.id == MeetingInvitee.meeting_id)
        .where(*held)
    ).one()
    experts = session.scalar(
        select(func.count(MeetingExpert.expert_id))
        .join(Meeting, Meeting.id == MeetingExpert.meeting_id)
        .where(*held, MeetingExpert.attended.is_(True))
    )
    invited, attended = int(invited or 0), int(attended or 0)
    share = round(100 * attended / invited, 1) if invited else None
    rows: list[tuple[Cell, ...]] = []
    for status in MeetingStatus:
        n = counts.get(status, 0)
        if status is MeetingStatus.HELD:
            rows.append((status, n, invited, attended, share, int(experts or 0)))
        else:
            rows.append((status, n, None, None, None, None))
    rows.append((_TOTAL, sum(counts.values()), None, None, None, None))
    return ReportTable(
        "meetings",
        (
            Key(f"{_K}.status"),
            Key(f"{_K}.meetings"),
            Key(f"{_K}.invited"),
            Key(f"{_K}.attended"),
            Key(f"{_K}.attendance"),
            Key(f"{_K}.experts_present"),
        ),
        tuple(rows),
        title_key=Key(f"{_K}.meetings_title"),
    )


def workload(session: Session, span: Span) -> ReportTable:
    """Every active expert with: assignments to requests still open at the term's end,
    assignments made in the term, requests assigned to them (by the term's end) that
    reached done in the term, and their load limit; most open load first, then by name."""
    still_open = open_at_end(span).subquery()
    open_load = (
        select(Assignment.expert_id, func.count(Assignment.id).label("n"))
        .join(still_open, still_open.c.request_id == Assignment.request_id)
        .where(Assignment.assigned_at < span.ends_before)
        .group_by(Assignment.expert_id)
        .subquery()
    )
    started = (
        select(Assignment.expert_id, func.count(Assignment.id).label("n"))
        .where(Assignment.assigned_at >= span.starts_at, Assignment.assigned_at < span.ends_before)
        .group_by(Assignment.expert_id)
        .subquery()
    )
    done = (
        select(Assignment.expert_id, func.count(distinct(Assignment.request_id)).label("n"))
        .join(Event, Event.request_id == Assignment.request_id)
        .where(
            Assignment.assigned_at < span.ends_before,
            Event.to_stage == Stage.DONE,
            CHANGES_STAGE,
            Event.at >= span.starts_at,
            Event.at < span.ends_before,
        )
        .group_by(Assignment.expert_id)
        .subquery()
    )
    query = (
        select(Expert.full_name, open_load.c.n, started.c.n, done.c.n, Expert.load_limit)
        .outerjoin(open_load, open_load.c.expert_id == Expert.id)
        .outerjoin(started, started.c.expert_id == Expert.id)
        .outerjoin(done, done.c.expert_id == Expert.id)
        .where(Expert.active.is_(True))
    )
    found = [
        (str(name), int(n_open or 0), int(n_started or 0), int(n_done or 0), int(limit))
        for name, n_open, n_started, n_done, limit in session.execute(query)
    ]
    found.sort(key=lambda row: (-row[1], row[0]))
    return ReportTable(
        "workload",
        (
            Key(f"{_K}.expert"),
            Key(f"{_K}.open_at_end"),
            Key(f"{_K}.started"),
            Key(f"{_K}.done"),
            Key(f"{_K}.load_limit"),
        ),
        tuple(found),
        title_key=Key(f"{_K}.workload_title"),
    )
