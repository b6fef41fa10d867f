"""Builders shared by the meeting tests: requests, people, experts and a meeting form."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from plc_console.db.models import Expert, Person
from plc_console.domain import Role, Stage
from plc_console.services import requests as rq
from plc_console.services.meetings_views import MeetingForm
from tests.conftest import NOW

#: A Monday, well after NOW (Friday 20 November 2026).
MONDAY = datetime(2026, 12, 14, 15, 0)


def form(
    title: str = "Мотивация в 7 классе",
    starts_at: datetime = MONDAY,
    *,
    duration: int = 90,
    place: str | None = "ЦНППМ, ауд. 204",
    link: str | None = None,
    capacity: int | None = None,
    topic: str | None = "engagement",
) -> MeetingForm:
    return MeetingForm(
        title=title,
        starts_at=starts_at,
        duration_minutes=duration,
        place=place,
        online_link=link,
        capacity=capacity,
        topic_key=topic,
    )


def request(
    session: Session,
    problem: str = "Ученики 7 класса не хотят работать на уроке",
    *,
    name: str = "Козлов Иван Петрович",
    role: Role = Role.TEACHER,
    contact: str = "kozlov@school12.ru",
    topics: tuple[str, ...] = ("engagement",),
    stage: Stage = Stage.TRIAGE,
    received_on: date = date(2026, 11, 2),
) -> rq.RequestSummary:
    """A request moved forward to ``stage`` (topics set at triage)."""
    new = rq.NewRequest(
        received_on=received_on,
        full_name=name,
        role=role,
        contact=contact,
        problem=problem,
        consent=True,
        topic_keys=topics,
    )
    summary = rq.create_request(session, new, actor="tester", now=NOW)
    for following in (Stage.TRIAGE, Stage.SCHEDULED, Stage.PREPARATION, Stage.SESSION):
        if following.order > stage.order:
            break
        summary = rq.move_request(
            session, summary.id, summary.version, following, actor="tester", now=NOW
        )
    return summary


def expert(
    session: Session, name: str = "Иванова Анна Сергеевна", contact: str | None = None
) -> int:
    found = Expert(
        full_name=name,
        organization="ЦНППМ",
        contact=contact or "ivanova@cnppm.ru",
        load_limit=3,
        active=True,
    )
    session.add(found)
    session.flush()
    return found.id


def person(session: Session, name: str, role: Role, contact: str) -> int:
    found = Person(full_name=name, role=role, contact=contact, consent_given=True, created_at=NOW)
    session.add(found)
    session.flush()
    return found.id
