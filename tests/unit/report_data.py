"""A small hand-built term whose report answers are known (tests of term reports).

The term is 2 – 15 November 2026 (two weeks from a Monday); every move happens at 10:00
on the day named, so each stay in a stage is a whole number of days.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from plc_console.db.models import (
    Assignment,
    Expert,
    Meeting,
    MeetingExpert,
    MeetingInvitee,
    Request,
)
from plc_console.domain import (
    Category,
    FeedbackUsable,
    MeetingStatus,
    ProductKind,
    Role,
    Stage,
)
from plc_console.services import requests as rq
from plc_console.services.feedback import record_feedback
from plc_console.services.products import create_product
from plc_console.services.products_views import ProductForm

START, END = date(2026, 11, 2), date(2026, 11, 15)
INJECTED_NAME = "=1+2 Смирнов"
NAMES = ("Иванова Анна", "Петров Пётр", "Сидоров Саша", "Кузнецова Дарья", INJECTED_NAME)
#: Experts (active ones in the workload table); the last one is inactive.
EXPERTS = ("Белова Вера", "Антонов Антон", "Воронов Виктор", "Гусев Григорий")


def at(day: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, 10, 0)


def _new(
    session: Session,
    name: str,
    role: Role,
    received: datetime,
    *,
    experience: int | None = None,
    topics: tuple[str, ...] = (),
) -> int:
    summary = rq.create_request(
        session,
        rq.NewRequest(
            received_on=received.date(),
            full_name=name,
            role=role,
            contact=f"{abs(hash(name)) % 10**6}@example.ru",
            problem="Описание затруднения",
            consent=True,
            experience_years=experience,
            topic_keys=topics,
        ),
        actor="t",
        now=received,
    )
    return summary.id


def _move(session: Session, request_id: int, target: Stage, when: datetime) -> None:
    summary = rq.get_request(session, request_id).summary
    note = "уточнить" if target.order < summary.stage.order else None
    rq.move_request(session, request_id, summary.version, target, actor="t", note=note, now=when)


def _triage(
    session: Session, request_id: int, category: Category, topics: tuple[str, ...], when: datetime
) -> None:
    rq.set_triage(
        session,
        request_id,
        rq.get_request(session, request_id).summary.version,
        category=category,
        topic_keys=list(topics),
        actor="t",
        now=when,
    )


def _feedback(
    session: Session, request_id: int, usable: FeedbackUsable, usefulness: int, day: int
) -> None:
    record_feedback(
        session,
        request_id,
        contacted_on=date(2026, 11, day),
        usable=usable,
        usefulness=usefulness,
        comment=None if usable is FeedbackUsable.YES else "непонятно",
        actor="t",
        now=at(day),
    )


def _meeting(
    session: Session,
    status: MeetingStatus,
    when: datetime,
    invitees: list[tuple[int, bool | None]],
    experts: list[tuple[Expert, bool | None]],
) -> None:
    meeting = Meeting(
        uid=f"{status}-{when.isoformat()}@test",
        title="Встреча",
        starts_at=when,
        duration_minutes=60,
        status=status,
        created_at=at(1),
        updated_at=at(1),
    )
    for request_id, came in invitees:
        person_id = session.get_one(Request, request_id).person_id
        meeting.invitees.append(
            MeetingInvitee(person_id=person_id, role=Role.TEACHER, attended=came)
        )
    for expert, came in experts:
        meeting.experts.append(MeetingExpert(expert=expert, confirmed=True, attended=came))
    session.add(meeting)


def _experts_and_meetings(
    session: Session, r0: int, a: int, b: int, c: int, d: int, e: int
) -> None:
    """Assignments and meetings (they change no request's stage, so no other figure).

    Workload: Белова — R0 (before the term), A (done), E; Антонов — D (done), B, C;
    Воронов — C, assigned after the term; Гусев is inactive. Meetings: one held on the
    7th (3 invited, 2 came; 1 of 2 experts came), one cancelled, one planned on the last
    day, and a held one the day after the term (not counted)."""
    belova, antonov, voronov, gusev = (
        Expert(full_name=name, load_limit=limit, active=active)
        for name, limit, active in zip(
            EXPERTS, (3, 2, 4, 3), (True, True, True, False), strict=True
        )
    )
    session.add_all([belova, antonov, voronov, gusev])
    for expert, request_id, when in [
        (belova, r0, at(21, 10)),
        (belova, a, at(2)),
        (belova, e, at(10)),
        (antonov, d, at(3)),
        (antonov, b, at(4)),
        (antonov, c, at(5)),
        (voronov, c, at(16)),
        (gusev, e, at(11)),
    ]:
        session.add(
            Assignment(request_id=request_id, expert=expert, assigned_at=when, assigned_by="t")
        )
    _meeting(
        session,
        MeetingStatus.HELD,
        at(7),
        [(a, True), (d, True), (b, False)],
        [(belova, True), (antonov, False)],
    )
    _meeting(session, MeetingStatus.CANCELLED, at(12), [(e, None)], [(belova, None)])
    _meeting(session, MeetingStatus.PLANNED, datetime(2026, 11, 15, 18, 0), [(c, None)], [])
    _meeting(session, MeetingStatus.HELD, at(16), [(e, True)], [(voronov, True)])


def build(session: Session) -> None:
    """The data set: R0 before the term, A–E in it (see the expected figures in tests)."""
    r0 = _new(session, "Орлов Олег", Role.TEACHER, at(20, 10), experience=10)
    a = _new(
        session, NAMES[0], Role.TEACHER, at(2), experience=2, topics=("engagement", "task_choice")
    )
    d = _new(session, NAMES[3], Role.TEACHER, at(2))
    b = _new(session, NAMES[1], Role.PARENT, at(3), topics=("engagement",))
    c = _new(session, NAMES[2], Role.STUDENT, at(4))  # C: a student, left at received
    e = _new(session, INJECTED_NAME, Role.TEACHER, at(10), experience=20, topics=("engagement",))
    _triage(session, a, Category.METHODOLOGICAL, ("engagement", "task_choice"), at(2))
    _triage(session, d, Category.METHODOLOGICAL, (), at(2))
    _triage(session, b, Category.ORGANISATIONAL, ("engagement",), at(3))
    _triage(session, e, Category.THEORETICAL, ("engagement",), at(10))
    # A: received 1 day, triage 2, then a day per stage; done on 10 November.
    for stage, day in [
        (Stage.TRIAGE, 3),
        (Stage.SCHEDULED, 5),
        (Stage.PREPARATION, 6),
        (Stage.SESSION, 7),
        (Stage.PRODUCT, 8),
        (Stage.FEEDBACK, 9),
        (Stage.DONE, 10),
    ]:
        _move(session, a, stage, at(day))
    # B: to triage, sent back to received (rework), to triage again.
    for stage, day in [(Stage.TRIAGE, 4), (Stage.RECEIVED, 5), (Stage.TRIAGE, 6)]:
        _move(session, b, stage, at(day))
    # D: a day per stage to feedback; "not usable" sends it back to product; done on the 11th.
    for stage, day in [
        (Stage.TRIAGE, 3),
        (Stage.SCHEDULED, 4),
        (Stage.PREPARATION, 5),
        (Stage.SESSION, 6),
        (Stage.PRODUCT, 7),
        (Stage.FEEDBACK, 8),
    ]:
        _move(session, d, stage, at(day))
    _feedback(session, d, FeedbackUsable.NO, 2, 9)
    _move(session, d, Stage.FEEDBACK, at(10))
    _feedback(session, d, FeedbackUsable.YES, 5, 11)
    # E: four days in received.
    _move(session, e, Stage.TRIAGE, at(14))
    create_product(
        session,
        ProductForm(kind=ProductKind.ARTICLE, title="Как увлечь класс"),
        actor="t",
        now=at(5),
    )
    _experts_and_meetings(session, r0, a, b, c, d, e)
    session.commit()


def report_db(folder: Path) -> str:
    """An SQLite file in ``folder`` holding the hand-built term (for the CLI's tests)."""
    from plc_console.db.engine import transaction
    from plc_console.services.database import open_database

    target = str(folder / "plc.sqlite3")
    database = open_database(target)
    try:
        with transaction(database.sessions) as session:
            build(session)
    finally:
        database.engine.dispose()
    return target
