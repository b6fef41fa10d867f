"""The term report's data set (:mod:`tests.unit.report_data`) and a few requesters more,
for the tests of personal data: who is purged at ``CLOSED_BEFORE`` and who is not.

Purged (every request closed before 21 November): Иванова Анна (A, done on the 10th),
Кузнецова Дарья (D, done on the 11th, feedback with a comment), Зайцева Зоя (closed
early in October, a note naming her) and Морозова Мария (answered by a product, done on
the 20th with a comment, invited to a meeting whose history and minutes name her).
Kept: Лебедева Лена (an old closed request and an open one: held back), Новикова Нина
(closed on the 22nd, after the date) and the report's open requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from plc_console.db.models import Meeting, MeetingEvent, MeetingInvitee, Request
from plc_console.domain import (
    CloseReason,
    FeedbackUsable,
    MeetingsEventKind,
    MeetingStatus,
    Role,
    Stage,
)
from plc_console.services import requests as rq
from plc_console.services.feedback import answer_with_product, record_feedback
from tests.conftest import NOW
from tests.unit import product_helpers
from tests.unit.report_data import NAMES, build

CLOSED_BEFORE = date(2026, 11, 21)
#: When the purge runs: after Новикова's closing on the 22nd.
PURGE_AT = datetime(2026, 11, 25, 12, 0)
MOROZOVA = "Морозова Мария"
MOROZOVA_CONTACT = "Morozova@School5.ru"
ZAITSEVA = "Зайцева Зоя"
LEBEDEVA = "Лебедева Лена"
NOVIKOVA = "Новикова Нина"
PURGED_NAMES = (NAMES[0], NAMES[3], ZAITSEVA, MOROZOVA)
KEPT_NAMES = (LEBEDEVA, NOVIKOVA, NAMES[1], NAMES[2], NAMES[4])


@dataclass(frozen=True)
class Ids:
    morozova: int
    zaitseva: int
    lebedeva_old: int
    lebedeva_open: int
    novikova: int


def new(
    session: Session, name: str, when: datetime, problem: str, *, contact: str | None = None
) -> rq.RequestSummary:
    form = rq.NewRequest(
        received_on=when.date(),
        full_name=name,
        role=Role.PARENT,
        contact=contact or f"{name.split()[0].lower()}@example.ru",
        problem=problem,
        consent=True,
        grade=7,
    )
    return rq.create_request(session, form, actor="t", now=when)


def close(session: Session, made: rq.RequestSummary, when: datetime, note: str) -> None:
    rq.close_request(
        session, made.id, made.version, CloseReason.WITHDRAWN, actor="t", note=note, now=when
    )


def build_all(session: Session) -> Ids:
    build(session)
    zaitseva = new(session, ZAITSEVA, datetime(2026, 10, 1, 9), "Сына Петю обижают в классе")
    close(session, zaitseva, datetime(2026, 10, 5, 9), "Зайцева Зоя передумала")
    lebedeva_old = new(session, LEBEDEVA, datetime(2026, 10, 2, 9), "Дочь не успевает")
    close(session, lebedeva_old, datetime(2026, 10, 6, 9), "Решилось само")
    lebedeva_open = new(session, LEBEDEVA, datetime(2026, 11, 1, 9), "Опять не успевает")
    novikova = new(session, NOVIKOVA, datetime(2026, 11, 18, 9), "Нет учебника")
    close(session, novikova, datetime(2026, 11, 22, 9), "Учебник нашёлся")
    morozova = new(
        session,
        MOROZOVA,
        datetime(2026, 10, 1, 9),
        "Никак не объяснить дроби Коле Смирнову",
        contact=MOROZOVA_CONTACT,
    )
    product = product_helpers.published(session)
    answer_with_product(session, morozova.id, product.id, actor="t", now=NOW)
    record_feedback(
        session,
        morozova.id,
        contacted_on=NOW.date(),
        usable=FeedbackUsable.YES,
        usefulness=5,
        comment="Спасибо, Морозова Мария",
        actor="t",
        now=NOW + timedelta(hours=1),
    )
    person_id = session.get_one(Request, morozova.id).person_id
    meeting = Meeting(
        uid="privacy@test",
        title="Дроби в 5 классе",
        starts_at=datetime(2026, 11, 3, 15),
        duration_minutes=60,
        status=MeetingStatus.HELD,
        minutes=f"{MOROZOVA} рассказала о трудностях сына.",
        created_at=NOW,
        updated_at=NOW,
    )
    meeting.invitees.append(MeetingInvitee(person_id=person_id, role=Role.PARENT, attended=True))
    meeting.events.append(
        MeetingEvent(at=NOW, actor="t", kind=MeetingsEventKind.EDITED, note=f"+ {MOROZOVA}")
    )
    session.add(meeting)
    session.commit()
    assert session.get_one(Request, morozova.id).stage is Stage.DONE
    return Ids(morozova.id, zaitseva.id, lebedeva_old.id, lebedeva_open.id, novikova.id)
