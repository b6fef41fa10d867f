"""A small hand-built term whose report answers are known (tests of term reports).

The term is 2 – 15 November 2026 (two weeks from a Monday); every move happens at 10:00
on the day named, so each stay in a stage is a whole number of days.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from plc_console.domain import Category, FeedbackUsable, ProductKind, Role, Stage
from plc_console.services import requests as rq
from plc_console.services.feedback import record_feedback
from plc_console.services.products import create_product
from plc_console.services.products_views import ProductForm

START, END = date(2026, 11, 2), date(2026, 11, 15)
INJECTED_NAME = "=1+2 Смирнов"
NAMES = ("Иванова Анна", "Петров Пётр", "Сидоров Саша", "Кузнецова Дарья", INJECTED_NAME)


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


def build(session: Session) -> None:
    """The data set: R0 before the term, A–E in it (see the expected figures in tests)."""
    _new(session, "Орлов Олег", Role.TEACHER, at(20, 10), experience=10)
    a = _new(
        session, NAMES[0], Role.TEACHER, at(2), experience=2, topics=("engagement", "task_choice")
    )
    d = _new(session, NAMES[3], Role.TEACHER, at(2))
    b = _new(session, NAMES[1], Role.PARENT, at(3), topics=("engagement",))
    _new(session, NAMES[2], Role.STUDENT, at(4))  # C: a student, left at received
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
    session.commit()
